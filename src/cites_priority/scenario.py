"""Scenarios: which indicators count, how much, and how the shortlist is chosen.

A scenario is a YAML file validated by the pydantic model :class:`Scenario` (every model
forbids unknown keys). :func:`load_scenario` turns every problem into one
:class:`~cites_priority.ScenarioError` naming the file, the key path and the fix; unknown
keys and indicator names come with the closest valid name.

Weights are non-negative. Family weights, and indicator weights within a family, are
normalised to sum to 1 by :meth:`Scenario.resolved`; a file whose weights do not sum to 1
only gets a warning.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import math
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._atomic import atomic_path
from ._errors import ScenarioError
from .constants import FAMILIES
from .messages import fr_number
from .messages import msg as fr_msg
from .registry import INDICATORS
from .types import Direction, MissingPolicy, Normalisation, PhaseRule, ScoreMethod

if TYPE_CHECKING:
    import pandas as pd
    from pydantic_core import ErrorDetails

__all__ = [
    "INDICATORS",
    "FamilySpec",
    "IndicatorSpec",
    "Scenario",
    "dump_json_schema",
    "dump_scenario",
    "load_scenario",
    "rescaled_weights",
    "scenario_hash",
    "scenario_json_schema",
]

logger = logging.getLogger(__name__)

_SUM_TOL = 1e-6


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class IndicatorSpec(_Model):
    """How one indicator enters its family sub-score.

    ``direction: max`` means a larger raw value is a greater need. With
    ``normalisation: value_function`` the raw value is mapped piecewise-linearly from
    ``thresholds`` (strictly increasing) to ``values`` (utilities in [0, 1], 1 = most in
    need); ``direction`` is then informational.
    """

    weight: float = Field(1.0, ge=0, description="Non-negative weight within the family.")
    direction: Direction = Field(
        "max", description="max: a larger value means more need; min: a smaller one does."
    )
    normalisation: Normalisation = "minmax"
    thresholds: list[float] | None = Field(
        None, description="Strictly increasing raw values (value_function only)."
    )
    values: list[float] | None = Field(
        None, description="Utilities in [0, 1] at each threshold (value_function only)."
    )

    @field_validator("weight")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("le poids doit être un nombre fini")
        return v

    @model_validator(mode="after")
    def _value_function(self) -> IndicatorSpec:
        if self.normalisation != "value_function":
            if self.thresholds is not None or self.values is not None:
                raise ValueError(
                    "thresholds/values ne servent qu'avec normalisation: value_function"
                )
            return self
        t, v = self.thresholds, self.values
        if not t or not v:
            raise ValueError("la normalisation value_function demande 'thresholds' et 'values'")
        if len(t) != len(v) or len(t) < 2:
            raise ValueError(
                f"'thresholds' ({len(t)}) et 'values' ({len(v)}) : même longueur, au moins 2"
            )
        if any(b <= a for a, b in zip(t, t[1:], strict=False)):
            raise ValueError(f"les seuils (thresholds) doivent être strictement croissants, reçu {t}")
        if any(not (0.0 <= x <= 1.0) for x in v):
            raise ValueError(f"les valeurs (values) doivent être dans [0, 1], reçu {v}")
        return self


class FamilySpec(_Model):
    """One criteria family: its weight and its indicators."""

    weight: float = Field(1.0, ge=0, description="Non-negative weight of the family.")
    indicators: dict[str, IndicatorSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights(self) -> FamilySpec:
        if not math.isfinite(self.weight):
            raise ValueError("le poids doit être un nombre fini")
        if sum(s.weight for s in self.indicators.values()) <= 0:
            raise ValueError("les poids des indicateurs de cette famille sont tous nuls")
        return self


class MissingSpec(_Model):
    """What to do with a missing indicator value.

    ``worst``: the least-need end (normalised 0, the cité gets no credit);
    ``median``: the median normalised value; ``zero``: a raw value of 0, then normalised;
    ``drop``: the indicator is left out of that cité's family sub-score (the other
    indicator weights of the family are rescaled for that cité).
    """

    policy: MissingPolicy = "worst"
    overrides: dict[str, MissingPolicy] = Field(default_factory=dict)
    accept_incomplete: list[str] = Field(
        default_factory=list,
        description=(
            "Families accepted although their indicators are NA for most cités (e.g. a "
            "partial Filosofi extract); without it such a run stops with an error."
        ),
    )


class PhasesSpec(_Model):
    """Phasing of the selection (the mission: 2 stages of 5 years)."""

    count: int = Field(2, ge=1, le=10)
    years_each: int = Field(5, ge=1)
    rule: PhaseRule = Field(
        "score_then_half",
        description=(
            "score_then_half: most urgent first, each phase filled to 1/count of the "
            "logements; balanced_milp: a small MILP balancing logements, ties to score."
        ),
    )
    start_year: int = Field(
        2017, ge=1900, le=2200,
        description="First year of phase 1; each phase then lasts years_each years.",
    )
    periods: list[tuple[int, int]] | None = Field(
        None,
        description=(
            "Explicit [first, last] years of each phase (one pair per phase); "
            "default: consecutive periods of years_each years from start_year."
        ),
    )

    @model_validator(mode="after")
    def _periods_match(self) -> PhasesSpec:
        if self.periods is not None:
            if len(self.periods) != self.count:
                raise ValueError(
                    f"phases.periods donne {len(self.periods)} périodes pour {self.count} phases"
                )
            for first, last in self.periods:
                if first > last:
                    raise ValueError(f"phases.periods : {first} > {last}")
        return self

    def period_labels(self) -> dict[int, str]:
        """Return phase number → its years, e.g. ``{1: "2017–2021", 2: "2022–2026"}``."""
        periods = self.periods or [
            (self.start_year + k * self.years_each,
             self.start_year + (k + 1) * self.years_each - 1)
            for k in range(self.count)
        ]
        return {k + 1: f"{first}–{last}" for k, (first, last) in enumerate(periods)}


class SelectionSpec(_Model):
    """Constraints of the exact selection (MILP)."""

    n_cites: int = Field(25, ge=1)
    logements_min: float = Field(11000, ge=0)
    logements_max: float = Field(13000, ge=0)
    epci_min: dict[str, int] = Field(default_factory=dict)
    epci_max: dict[str, int] = Field(default_factory=dict)
    force_in: list[int] = Field(default_factory=list)
    force_out: list[int] = Field(default_factory=list)
    phases: PhasesSpec = Field(default_factory=PhasesSpec)

    @field_validator("epci_min", "epci_max", mode="before")
    @classmethod
    def _epci_keys_as_text(cls, value: Any) -> Any:
        """Accept unquoted SIREN codes (YAML integers) as keys: they are resolved later."""
        if isinstance(value, dict):
            return {str(k).strip(): v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SelectionSpec:
        if self.logements_min > self.logements_max:
            raise ValueError(
                f"logements_min ({self.logements_min:g}) supérieur à logements_max "
                f"({self.logements_max:g})"
            )
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ValueError(f"cités à la fois dans force_in et force_out : {both}")
        for key in set(self.epci_min) & set(self.epci_max):
            if self.epci_min[key] > self.epci_max[key]:
                raise ValueError(f"epci_min[{key}] > epci_max[{key}]")
        if any(v < 0 for v in [*self.epci_min.values(), *self.epci_max.values()]):
            raise ValueError("les nombres de epci_min/epci_max doivent être positifs ou nuls")
        return self


class RobustnessSpec(_Model):
    """Monte Carlo on the weights (Dirichlet around the scenario's weights)."""

    draws: int = Field(2000, ge=2000)
    seed: int = 2016
    concentration: float = Field(
        100.0, gt=0, description="Dirichlet concentration: higher = draws closer to the weights."
    )
    indicator_level: bool = Field(True, description="Also draw the indicator weights.")
    core_threshold: float = Field(0.8, gt=0, le=1)
    outside_threshold: float = Field(0.2, ge=0, lt=1)

    @model_validator(mode="after")
    def _thresholds(self) -> RobustnessSpec:
        if self.outside_threshold >= self.core_threshold:
            raise ValueError("outside_threshold doit être inférieur à core_threshold")
        return self


class OutputsSpec(_Model):
    """Which outputs a run writes."""

    geopackage: bool = True
    report: bool = True
    shortlist_csv: bool = True
    rasters: bool = False
    robustness: bool = True
    explanations: bool = True


class InputsSpec(_Model):
    """Input locations; relative paths are relative to the scenario file."""

    data_dir: Path | None = None


class Scenario(_Model):
    """A complete scenario; see ``configs/mission_2016.yaml`` for a documented example."""

    name: str = Field(min_length=1)
    description: str = ""
    inputs: InputsSpec = Field(default_factory=InputsSpec)
    criteria: dict[str, FamilySpec] = Field(min_length=1)
    missing: MissingSpec = Field(default_factory=MissingSpec)
    method: ScoreMethod = "weighted_sum"
    selection: SelectionSpec = Field(default_factory=SelectionSpec)
    robustness: RobustnessSpec = Field(default_factory=RobustnessSpec)
    outputs: OutputsSpec = Field(default_factory=OutputsSpec)

    @field_validator("criteria", mode="after")
    @classmethod
    def _canonical_order(cls, criteria: dict[str, FamilySpec]) -> dict[str, FamilySpec]:
        """Order families as FAMILIES and indicators as INDICATORS, whatever the file's order.

        The scores are sums in this order, so two files listing the same criteria in another
        order give bit-identical scores.
        """
        fam_rank = {f: i for i, f in enumerate(FAMILIES)}
        ind_rank = {name: i for i, name in enumerate(INDICATORS)}
        out = {}
        for fam in sorted(criteria, key=lambda f: (fam_rank.get(f, len(fam_rank)), f)):
            spec = criteria[fam]
            ordered = dict(
                sorted(spec.indicators.items(), key=lambda kv: (ind_rank.get(kv[0], len(ind_rank)), kv[0]))
            )
            out[fam] = spec.model_copy(update={"indicators": ordered})
        return out

    @model_validator(mode="after")
    def _criteria(self) -> Scenario:
        problems = []
        seen: dict[str, str] = {}
        for fam, spec in self.criteria.items():
            if fam not in FAMILIES:
                problems.append(
                    f"criteria.{fam} : famille inconnue{_suggest(fam, FAMILIES)} ; "
                    f"familles valides : {', '.join(FAMILIES)}"
                )
            for ind in spec.indicators:
                if ind not in INDICATORS:
                    problems.append(
                        f"criteria.{fam}.indicators.{ind} : indicateur inconnu"
                        f"{_suggest(ind, INDICATORS)}"
                    )
                elif ind in seen:
                    problems.append(
                        f"criteria.{fam}.indicators.{ind} : déjà utilisé dans la famille {seen[ind]}"
                    )
                seen[ind] = fam
        for fam in self.missing.accept_incomplete:
            if fam not in self.criteria:
                problems.append(
                    f"missing.accept_incomplete: {fam} is not a family of this scenario"
                    f"{_suggest(fam, self.criteria)}"
                )
        for ind in self.missing.overrides:
            if ind not in seen:
                problems.append(
                    f"missing.overrides.{ind} : pas un indicateur de ce scénario"
                    f"{_suggest(ind, seen)}"
                )
        if sum(f.weight for f in self.criteria.values()) <= 0:
            problems.append("criteria : les poids des familles sont tous nuls")
        if problems:
            raise ValueError(" | ".join(problems))
        return self

    # -- derived views ---------------------------------------------------------------
    def resolved(self) -> Scenario:
        """Return a copy with family and indicator weights normalised to sum to 1."""
        data = self.model_dump()
        total = sum(f["weight"] for f in data["criteria"].values())
        for fam in data["criteria"].values():
            fam["weight"] = fam["weight"] / total
            itot = sum(i["weight"] for i in fam["indicators"].values())
            for ind in fam["indicators"].values():
                ind["weight"] = ind["weight"] / itot
        return self._validated(data)

    def weight_table(self) -> pd.DataFrame:
        """Return the resolved weights as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns ``family, indicator, family_weight, weight, effective_weight,
            direction, normalisation`` (``effective_weight`` = family × indicator weight).
        """
        import pandas as pd

        rows = []
        for fam, spec in self.resolved().criteria.items():
            for ind, ispec in spec.indicators.items():
                rows.append(
                    {
                        "family": fam,
                        "indicator": ind,
                        "family_weight": spec.weight,
                        "weight": ispec.weight,
                        "effective_weight": spec.weight * ispec.weight,
                        "direction": ispec.direction,
                        "normalisation": ispec.normalisation,
                    }
                )
        return pd.DataFrame(rows)

    def indicator_names(self) -> list[str]:
        """Return the indicators used, family by family, in file order."""
        return [i for f in self.criteria.values() for i in f.indicators]

    def data_dir(self) -> Path | None:
        """Return ``inputs.data_dir`` resolved against the scenario file's folder."""
        d = self.inputs.data_dir
        if d is None:
            return None
        if not d.is_absolute() and self._source is not None:
            d = self._source.parent / d
        return d

    def weight_warnings(self) -> list[str]:
        """Return one message per weight group that does not sum to 1."""
        out = []
        ftot = sum(f.weight for f in self.criteria.values())
        if abs(ftot - 1) > _SUM_TOL:
            out.append(fr_msg("warn.family_weights", total=fr_number(ftot, None)))
        for fam, spec in self.criteria.items():
            itot = sum(i.weight for i in spec.indicators.values())
            if abs(itot - 1) > _SUM_TOL:
                out.append(fr_msg("warn.indicator_weights", family=fam,
                                  total=fr_number(itot, None)))
        return out

    # -- in-memory variants ------------------------------------------------------------
    def with_weights(self, **family_weights: float) -> Scenario:
        """Return a new validated scenario with other family weights (no YAML written).

        Parameters
        ----------
        **family_weights
            Family name → weight, e.g. ``social=0.5, heritage=0.3, urban=0.2``.

        Returns
        -------
        Scenario
            A copy (same source folder, so ``inputs.data_dir`` still resolves). When every
            family of the scenario is named, the weights are taken as given (normalised
            at scoring, like a YAML file's). Otherwise the named families get exactly
            their weight as a share of the total and the families not named are
            **rescaled** to share the rest ``1 − Σ given`` in proportion to their
            current weights (so ``with_weights(social=0.5)`` gives social half the
            weight whatever the other weights sum to): :func:`rescaled_weights`, the rule
            of the analyses' one-family weight changes.

        Raises
        ------
        ScenarioError
            An unknown family (the message names the scenario's families), a negative or
            non-finite weight, given weights summing to more than 1 while some families
            are not named, or all weights zero.

        Examples
        --------
        >>> from cites_priority.pipeline import default_scenario_path
        >>> s = load_scenario(default_scenario_path()).with_weights(social=0.5)
        >>> round(s.resolved().criteria["social"].weight, 6)
        0.5
        """
        self._check_names(family_weights, self.criteria, "scenario.unknown_family", "family")
        data = self.model_dump()
        for f, w in family_weights.items():
            data["criteria"][f]["weight"] = _as_weight(w)
        as_given = self._validated(data)  # the scenario's own messages for a bad weight
        if len(family_weights) == len(self.criteria):
            return as_given
        total = sum(as_given.criteria[f].weight for f in family_weights)
        if total > 1 + _SUM_TOL:
            raise ScenarioError(fr_msg(
                "scenario.weights_over_one", name=self.name,
                given=", ".join(f"{f}={fr_number(as_given.criteria[f].weight, None)}"
                                for f in family_weights),
                total=fr_number(total, None)))
        families = list(self.criteria)
        resolved = self.resolved().criteria
        weights = rescaled_weights(
            np.array([resolved[f].weight for f in families]),
            {families.index(f): as_given.criteria[f].weight for f in family_weights})
        for f, w in zip(families, weights, strict=True):
            data["criteria"][f]["weight"] = float(w)
        return self._validated(data)

    def with_indicator_weights(self, **indicator_weights: float) -> Scenario:
        """Return a new validated scenario with other indicator weights within their family.

        Parameters
        ----------
        **indicator_weights
            Indicator name → its weight within its family (the indicators not named keep
            theirs; each family's weights are normalised at scoring, as in a YAML file).

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            An indicator the scenario does not use (the message names those it uses), a
            negative weight, or all weights of a family zero.
        """
        used = {i: fam for fam, spec in self.criteria.items() for i in spec.indicators}
        self._check_names(indicator_weights, used, "scenario.unknown_indicator", "indicator")
        data = self.model_dump()
        for ind, w in indicator_weights.items():
            data["criteria"][used[ind]]["indicators"][ind]["weight"] = _as_weight(w)
        return self._validated(data)

    def with_selection(self, **selection: Any) -> Scenario:
        """Return a new validated scenario with other selection settings.

        Parameters
        ----------
        **selection
            Keys of the ``selection`` section, e.g. ``n_cites=30, logements_max=14000``.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            An unknown key or an invalid value (the scenario file's messages).
        """
        return self._with_section("selection", selection)

    def with_outputs(self, **flags: bool) -> Scenario:
        """Return a new validated scenario with other output flags.

        Parameters
        ----------
        **flags
            Keys of the ``outputs`` section, e.g. ``robustness=False`` (no Monte Carlo:
            same scores and selection, faster).

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            An unknown key or a value that is not a boolean.
        """
        return self._with_section("outputs", flags)

    def _with_section(self, section: str, values: dict[str, Any]) -> Scenario:
        data = self.model_dump()
        data[section].update(values)
        return self._validated(data)

    def _check_names(self, names: Any, known: Any, key: str, field: str) -> None:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ScenarioError(fr_msg(
                key, name=self.name, **{field: unknown[0]}, suggest=_suggest(unknown[0], known),
                known=", ".join(known)))

    def _validated(self, data: dict[str, Any]) -> Scenario:
        """Validate ``data`` as a scenario keeping this one's source file."""
        try:
            out = Scenario.model_validate(data)
        except ValidationError as exc:
            raise _render(exc, self._source or self.name) from None
        out._source = self._source
        return out

    _source: Path | None = None


def rescaled_weights(weights: Any, given: Mapping[int, float]) -> Any:
    """Set some weights and rescale the others proportionally so that all sum to 1.

    The one rule behind :meth:`Scenario.with_weights` and the one-family weight changes of
    the analyses (``analysis.robustness.rescaled_family_weights``).

    Parameters
    ----------
    weights
        Weights summing to 1 (numpy array).
    given
        Position → new weight, clipped to [0, 1].

    Returns
    -------
    numpy.ndarray
        The new weights: ``given`` at their positions, the others scaled by
        ``(1 − Σ given) / (1 − Σ their old weights)`` (shared equally when those were 0).

    Examples
    --------
    >>> rescaled_weights(np.array([0.5, 0.25, 0.25]), {0: 0.6}).round(3).tolist()
    [0.6, 0.2, 0.2]
    """
    out = np.asarray(weights).astype(float).copy()
    idx = list(given)
    new = np.clip(np.array([given[i] for i in idx], dtype=float), 0.0, 1.0)
    rest = 1.0 - np.asarray(weights)[idx].sum()
    left = 1.0 - float(new.sum())
    if rest > 0:
        out *= left / rest
    else:
        out[:] = left / max(len(out) - len(idx), 1)
    out[idx] = new
    return out


def _as_weight(value: Any) -> Any:
    """A weight as a float (pydantic reports what is not a number)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _suggest(name: str, valid: Any) -> str:
    match = difflib.get_close_matches(str(name), list(valid), n=1, cutoff=0.5)
    return f" ; vouliez-vous dire « {match[0]} » ?" if match else ""


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for model in (
        Scenario, FamilySpec, IndicatorSpec, MissingSpec, PhasesSpec, SelectionSpec,
        RobustnessSpec, OutputsSpec, InputsSpec,
    ):
        names.update(model.model_fields)
    return names


_FIXES = {
    "extra_forbidden": "supprimer ou renommer la clé",
    "greater_than_equal": "donner une valeur positive ou nulle",
    "literal_error": "choisir l'une des valeurs permises",
    "missing": "ajouter la clé",
}

_BOUNDS = {
    "greater_than_equal": "supérieur ou égal à",
    "greater_than": "strictement supérieur à",
    "less_than_equal": "inférieur ou égal à",
    "less_than": "strictement inférieur à",
}


def _french_pydantic(err: ErrorDetails) -> str:
    """One pydantic error in French (the validators' own messages are already French)."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "?")
        return f"doit être {_BOUNDS[kind]} {bound} (reçu {value!r})"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur non permise {value!r} ; valeurs possibles : {allowed}"
    if kind == "missing":
        return "clé obligatoire absente"
    if kind in {"float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"}:
        return f"« {value} » n'est pas un nombre valide"
    if kind == "string_type":
        return "un texte est attendu"
    if kind == "dict_type":
        return "une table de clés est attendue"
    if kind == "list_type":
        return "une liste est attendue"
    if kind == "too_short":
        return "ne doit pas être vide"
    if kind in {"bool_parsing", "bool_type"}:
        return f"« {value} » n'est pas un booléen (true / false)"
    return f"valeur invalide {value!r}"


def _render(exc: ValidationError, path: object) -> ScenarioError:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(niveau racine)"
        message = _french_pydantic(err)
        fix = _FIXES.get(err["type"], "corriger la valeur")
        comma = _decimal_comma(err.get("input"))
        if comma is not None and err["type"] in {"float_parsing", "int_parsing", "float_type"}:
            lines.append(fr_msg("scenario.decimal_comma", loc=loc, value=err["input"], fixed=comma))
            continue
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            message = f"clé inconnue « {key} »{_suggest(key, _all_field_names())}"
        if err["type"] == "value_error" and loc == "(niveau racine)":
            lines.extend(f"{part.strip()} ; correction : corriger le nom"
                         for part in message.split("|"))
            continue
        if "vouliez-vous dire" in message:
            fix = "utiliser le nom proposé"
        lines.append(f"{loc} : {message} ; correction : {fix}")
    return ScenarioError(f"{path} : " + " | ".join(lines))


def _decimal_comma(value: Any) -> str | None:
    """Return ``value`` with a decimal point if it is a number written with a comma."""
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d*,\d+\s*", value):
        return value.strip().replace(",", ".")
    return None


def _decimal_comma_lines(text: str) -> list[str]:
    """Hints for numbers written with a decimal comma (``weight: 0,30``) in the YAML text."""
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for m in re.finditer(r":\s*([-+]?\d+,\d+)\b", code):
            value = m.group(1)
            out.append(fr_msg("scenario.decimal_comma", loc=f"ligne {i}", value=value,
                           fixed=value.replace(",", ".")))
    return out


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario YAML file.

    Parameters
    ----------
    path
        The YAML file.

    Returns
    -------
    Scenario
        The scenario as written (call :meth:`Scenario.resolved` for normalised weights).

    Raises
    ------
    ScenarioError
        Missing file, YAML syntax error, unknown key or indicator, negative or all-zero
        weights, bad thresholds... The message names the file, the key path and the fix.

    Warns
    -----
    UserWarning
        When family or indicator weights do not sum to 1 (they are normalised).
    """
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(
            f"{p} : fichier de scénario introuvable ; correction : vérifier le chemin "
            "(par exemple configs/mission_2016.yaml)"
        )
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise ScenarioError(
            f"{p} : erreur de syntaxe YAML{where} : {getattr(exc, 'problem', exc)} ; "
            "correction : vérifier l'indentation, les deux-points et les guillemets"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{p} : le texte n'est pas en UTF-8 ; correction : enregistrer le fichier en UTF-8"
        ) from exc
    if not isinstance(raw, dict):
        raise ScenarioError(
            f"{p} : (niveau racine) : une table de clés (name, criteria…) est attendue ; "
            "correction : écrire le scénario comme une table YAML"
        )
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        error = _render(exc, p)
        hints = _decimal_comma_lines(p.read_text(encoding="utf-8"))
        if hints and "n'est pas un nombre" not in str(error):
            error = ScenarioError(f"{error} | " + " | ".join(hints))
        raise error from None
    scenario._source = p.resolve()
    for msg in scenario.weight_warnings():
        warnings.warn(f"{p} : {msg}", UserWarning, stacklevel=2)
    logger.info("loaded scenario %s from %s", scenario.name, p)
    return scenario


def scenario_hash(scenario: Scenario) -> str:
    """Return the SHA-256 of the resolved scenario's canonical JSON.

    Parameters
    ----------
    scenario
        The scenario (resolved or not: scaling weights does not change the hash).

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    data = _canonical(scenario.resolved().model_dump(mode="json"))
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(obj: Any) -> Any:
    """Round floats to 12 significant digits so that float noise never changes a hash."""
    if isinstance(obj, float):
        return float(f"{obj:.12g}")
    if isinstance(obj, dict):
        return {k: _canonical(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_canonical(v) for v in obj]
    return obj


def scenario_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a scenario file (generated from :class:`Scenario`)."""
    return Scenario.model_json_schema()


def dump_json_schema(path: str | os.PathLike[str]) -> Path:
    """Write :func:`scenario_json_schema` to ``path`` (atomic); return the path."""
    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def dump_scenario(
    scenario: Scenario, path: str | os.PathLike[str], *, header: str | None = None
) -> Path:
    """Write a scenario as YAML (atomic) that :func:`load_scenario` reads back identically.

    Parameters
    ----------
    scenario
        The scenario.
    path
        Destination file.
    header
        Optional comment lines written at the top of the file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if header:
        text = "".join(f"# {line}\n" for line in header.splitlines()) + text
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
