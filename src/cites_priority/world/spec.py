"""The world specification: every knob of the default world, with its documented default.

A spec is a pydantic model. :func:`load_spec` reads the YAML written by
:func:`dump_spec` (``world_spec.yaml`` in every world folder, or
``configs/world_default.yaml``), so a world can be rebuilt from its own folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._errors import InputDataError, Problem

__all__ = [
    "CitesSpec",
    "DwellingsSpec",
    "MissionSpec",
    "MissionWeights",
    "QpvSpec",
    "WorldSpec",
    "dump_spec",
    "load_spec",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitesSpec(_Strict):
    """Targets of the cités inventory (seeds digest §1.1, §1.2, §1.6)."""

    n_cites: int = Field(543, ge=300, le=2000, description="cités in the inventory")
    logements_total: int = Field(70000, gt=0, description="Σ NB_LOGTS of the 543 cités")
    unesco_logements: int = Field(27000, gt=0, description="Σ NB_LOGTS of the 124 UNESCO cités")
    mission_logements: int = Field(12000, gt=0, description="documented Σ NB_LOGTS of the mission's 25 (logged, not imposed)")
    examined_n: int = Field(103, gt=25, description="cités examined by the mission (incl. the 25)")
    examined_logements: int = Field(30000, gt=0, description="documented Σ NB_LOGTS of the 103 examined (logged, not imposed)")
    min_area_ha: float = Field(3.0, gt=0, description="smallest synthetic cité")
    max_area_ha: float = Field(40.0, gt=0, description="largest synthetic cité")
    density_per_ha: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: {
            "Corons": (25.0, 35.0),
            "Cité pavillonnaire": (15.0, 20.0),
            "Cité jardin": (10.0, 15.0),
            "Cité moderne": (20.0, 30.0),
        },
        description="logements per hectare (low, high) by typology",
    )


class DwellingsSpec(_Strict):
    """Calibration of the landlords' dwelling rows (seeds digest §1.3, §1.4)."""

    landlord_share: tuple[float, float] = Field(
        (0.75, 1.0), description="share of a cité's logements held by its landlord (low, high)"
    )
    efg_total: int = Field(15000, gt=0, description="dwellings in DPE class E, F or G")
    very_poor_share_mc: float = Field(
        0.40, gt=0, lt=1, description="share of Maisons et Cités rows 'très faible performance'"
    )
    unfit_total: int = Field(4000, ge=0, description="structurally unfit dwellings (INADAPTE=1)")
    dpe_v2_share: float = Field(0.55, ge=0, le=1, description="share of RPLS rows with a DPE v2")
    renovated_share: float = Field(0.30, ge=0, le=1, description="share renovated since 1990")


class QpvSpec(_Strict):
    """QPV-like zones from the grid, 2014 method (see docs/world.md)."""

    threshold_eur: float = Field(
        16000.0, gt=0, description="cell mean niveau de vie below which a cell is low-income"
    )
    min_ind: float = Field(1000.0, gt=0, description="smallest cluster population")
    min_commune_pop: int = Field(10000, ge=0, description="urban-unit size rule (EPCI proxy)")
    smooth_m: float = Field(60.0, ge=0, description="closing radius of the dissolved cells")


class MissionWeights(_Strict):
    """Hidden family weights of the simulated 2016 mission."""

    social: float = Field(0.35, ge=0)
    heritage: float = Field(0.20, ge=0)
    building: float = Field(0.30, ge=0)
    urban: float = Field(0.15, ge=0)


class MissionSpec(_Strict):
    """The simulated mission: hidden weights, appraisal noise, conditioning switch."""

    weights: MissionWeights = Field(default_factory=MissionWeights)
    noise: float = Field(
        0.3, ge=0, description="sd of the hidden appraisal's noise, as a multiple of the sd of the hidden scores"
    )
    condition: bool = Field(True, description="condition synthetic fields on the lists")
    iterations: int = Field(60, ge=0, le=500, description="conditioning rounds at most")


class WorldSpec(_Strict):
    """Full specification of a world; ``seed`` drives every random draw."""

    seed: int = Field(20160622, ge=0, description="the mission letter's date")
    cites: CitesSpec = Field(default_factory=CitesSpec)
    dwellings: DwellingsSpec = Field(default_factory=DwellingsSpec)
    qpv: QpvSpec = Field(default_factory=QpvSpec)
    mission: MissionSpec = Field(default_factory=MissionSpec)

    @field_validator("seed")
    @classmethod
    def _seed_fits(cls, v: int) -> int:
        if v >= 2**63:
            raise ValueError("seed must be below 2**63")
        return v


def load_spec(path: str | os.PathLike[str]) -> WorldSpec:
    """Read a world spec from YAML.

    Parameters
    ----------
    path
        A ``world_spec.yaml`` (missing keys take their defaults).

    Returns
    -------
    WorldSpec

    Raises
    ------
    InputDataError
        If the file is missing, not YAML, or holds unknown keys or bad values.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputDataError(path, [Problem(f"cannot read the spec ({exc.strerror})")]) from exc
    except yaml.YAMLError as exc:
        raise InputDataError(path, [Problem(f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise InputDataError(path, [Problem("the spec must be a mapping")])
    try:
        return WorldSpec.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                e["msg"],
                field=".".join(str(p) for p in e["loc"]),
                fix="see configs/world_default.yaml for the accepted keys",
            )
            for e in exc.errors()
        ]
        raise InputDataError(path, problems) from exc


def dump_spec(spec: WorldSpec) -> str:
    """Return the spec as YAML text (keys in model order, tuples as lists)."""
    data = spec.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
