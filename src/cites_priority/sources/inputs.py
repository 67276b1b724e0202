"""Where each input of a run is: found by role in a data folder, or named in an inputs file.

A **role** is what the engine needs a file for (:data:`ROLES`). Inside ``--data DIR`` each
role is found by its usual names and formats (:data:`PATTERNS`, first match wins; the
world folder's own names come first), so files can keep the names their producers give
them: ``Filosofi2019_carreaux_200m_met.gpkg``, ``RPLS_2023_Hauts-de-France.csv``,
``dpe03existant_62.csv``, ``zt_cites_minieres.shp``…

An **inputs file** (``--inputs entrees.yaml``) names a role's file explicitly, with its
layer and optional overrides of CRS, encoding and separator; relative paths are relative
to the inputs file. Every key is checked (unknown keys are refused with the closest valid
one): nothing the user writes is silently ignored. Example::

    cites: {path: zt_cites_minires.gpkg, layer: zt_cites_minires}
    filosofi: {path: /data/insee/Filosofi2019_carreaux_200m_met.csv}
    rpls: {path: RPLS_2023_donnees_detaillees.csv, separator: ";", encoding: utf-8}
    dpe: {path: dpe03existant_59_62.csv}
    contexte: {path: contexte.gpkg}
    communes: {path: communes.geojson}        # one context layer from another file
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import pyogrio
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._errors import InputDataError, Problem
from ..constants import WORLD_FILES
from ..messages import MESSAGES, msg

__all__ = ["CONTEXT_LAYERS", "PATTERNS", "ROLES", "InputFile", "find_inputs", "read_inputs_file"]

#: Roles of the input files, in reading order; the first three are required.
ROLES = ("cites", "filosofi", "contexte", "rpls", "dpe", "inventaire", "reference", "provenance")
REQUIRED_ROLES = ("cites", "filosofi", "contexte")

#: Context layers read from ``contexte`` (role → default layer name).
CONTEXT_LAYERS = {
    "communes": "communes",
    "epci": "epci",
    "bien_inscrit": "bien_inscrit",
    "zone_tampon": "zone_tampon",
    "qpv": "qpv",
    "transit_lignes": "transit_lignes",
    "transit_arrets": "transit_arrets",
    "centralites": "centralites",
}

_VECTOR = (".gpkg", ".shp", ".geojson", ".json", ".fgb")
_TABLE = (".csv", ".txt")

#: Role → (exact world-folder name, then glob patterns matched case-insensitively).
PATTERNS: dict[str, tuple[str, ...]] = {
    "cites": (WORLD_FILES["cites"], "*cite*minier*", "*cites*", "*cite*"),
    "filosofi": (WORLD_FILES["cells"], "*filosofi*", "*carreaux*200*", "*car*200m*"),
    "contexte": (WORLD_FILES["context"], "*contexte*"),
    "rpls": (WORLD_FILES["rpls"], "*rpls*"),
    "dpe": (WORLD_FILES["dpe"], "*dpe*"),
    "inventaire": (WORLD_FILES["inventory"], "*inventaire*"),
    "reference": (WORLD_FILES["reference"], "*reference*"),
    "provenance": (WORLD_FILES["provenance"],),
}
_SUFFIXES = {
    "cites": _VECTOR,
    "filosofi": (".csv", ".gpkg"),
    "contexte": (".gpkg",),
    "rpls": _TABLE + _VECTOR,
    "dpe": _TABLE + _VECTOR,
    "inventaire": _TABLE + _VECTOR,
    "reference": (".csv",),
    "provenance": (".csv",),
}


def _label(role: str) -> str:
    """The French name of a role in messages (``sources.role.*``), else the role itself."""
    return msg(f"sources.role.{role}") if f"sources.role.{role}" in MESSAGES else role


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputFile(_Model):
    """One input file: its path, layer and reading overrides."""

    path: Path
    layer: str | None = Field(None, description="Couche à lire (GeoPackage multi-couches).")
    crs: str | None = Field(None, description="SCR des coordonnées quand le fichier n'en déclare pas.")
    encoding: str | None = Field(None, description="Encodage (utf-8, latin-1…) si la détection se trompe.")
    separator: str | None = Field(None, description="Séparateur d'un CSV si la détection se trompe.")


class InputsFile(_Model):
    """The inputs file: one optional entry per role and per context layer."""

    cites: InputFile | None = None
    filosofi: InputFile | None = None
    contexte: InputFile | None = None
    rpls: InputFile | None = None
    dpe: InputFile | None = None
    inventaire: InputFile | None = None
    reference: InputFile | None = None
    provenance: InputFile | None = None
    communes: InputFile | None = None
    epci: InputFile | None = None
    bien_inscrit: InputFile | None = None
    zone_tampon: InputFile | None = None
    qpv: InputFile | None = None
    transit_lignes: InputFile | None = None
    transit_arrets: InputFile | None = None
    centralites: InputFile | None = None


@dataclass(frozen=True)
class Resolved:
    """The file of every role found (``None`` for an absent optional role)."""

    files: dict[str, InputFile | None]
    data_dir: Path


def read_inputs_file(path: str | os.PathLike[str]) -> InputsFile:
    """Read and check an inputs file; relative paths become relative to its folder.

    Raises
    ------
    InputDataError
        Unreadable YAML, unknown keys (with the closest valid key), missing ``path``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputDataError(path, [Problem(msg("sources.inputs.not_found"),
                                            fix=msg("sources.inputs.not_found.fix"))])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputDataError(path, [Problem(msg("sources.inputs.yaml",
                                                error=str(exc).splitlines()[0]),
                                            fix=msg("sources.inputs.yaml.fix"))]) from exc
    if not isinstance(data, dict):
        raise InputDataError(path, [Problem(msg("sources.inputs.not_mapping"),
                                            fix=msg("sources.inputs.not_mapping.fix"))])
    data = {k: ({"path": v} if isinstance(v, str) else v) for k, v in data.items()}
    try:
        parsed = InputsFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        valid = list(InputsFile.model_fields) + list(InputFile.model_fields)
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            key = str(err["loc"][-1])
            near = difflib.get_close_matches(key, valid, n=1)
            if err["type"] == "extra_forbidden":
                hint = (msg("sources.inputs.unknown_key.hint",
                            did_you_mean=msg("sources.did_you_mean", name=near[0]))
                        if near else "")
                text = msg("sources.inputs.unknown_key") + hint
                fix = msg("sources.inputs.unknown_key.fix",
                          keys=", ".join(InputsFile.model_fields))
            elif err["type"] == "missing":
                text = msg("sources.inputs.missing_key")
                fix = msg("sources.inputs.missing_key.fix")
            else:
                text = msg("sources.inputs.invalid", error=err["msg"])
                fix = msg("sources.inputs.invalid.fix")
            problems.append(Problem(text, field=loc, fix=fix))
        raise InputDataError(path, problems) from exc
    base = path.parent
    updates = {}
    for role in InputsFile.model_fields:
        spec = getattr(parsed, role)
        if spec is not None and not spec.path.is_absolute():
            updates[role] = spec.model_copy(update={"path": base / spec.path})
    return parsed.model_copy(update=updates)


def _candidates(folder: Path, role: str) -> list[Path]:
    exact, *globs = PATTERNS[role]
    if (folder / exact).is_file():
        return [folder / exact]
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for pattern in globs:
        found = [p for p in files if p.suffix.lower() in _SUFFIXES[role]
                 and Path(p.name.lower()).match(pattern.lower())
                 and not any(Path(p.name.lower()).match(q.lower())
                             for other, pats in PATTERNS.items() if other != role
                             for q in pats[1:2])]
        if found:
            return found
    return []


def _cites_layer(path: Path) -> str | None:
    """The cités layer of a multi-layer GeoPackage: ``cites_minieres`` or the one named like it."""
    if path.suffix.lower() != ".gpkg":
        return None
    try:
        layers = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception:  # unreadable: the loader reports it
        return None
    if len(layers) <= 1 or "cites_minieres" in layers:
        return None
    named = [n for n in layers if "cit" in n.lower()]
    if len(named) == 1:
        return named[0]
    raise InputDataError(path, [Problem(
        msg("sources.inputs.layers", layers=", ".join(layers)),
        field="layer", fix=msg("sources.inputs.layers.fix"))])


def find_inputs(data_dir: str | os.PathLike[str] | None,
                inputs: str | os.PathLike[str] | InputsFile | None = None) -> Resolved:
    """Find the file of every role.

    Parameters
    ----------
    data_dir
        Folder searched by usual names (may be None when ``inputs`` names every
        required role).
    inputs
        An inputs file (path or parsed); its entries win over the folder search.

    Returns
    -------
    Resolved

    Raises
    ------
    InputDataError
        A required role found nowhere, several candidates for one role, a named file
        that does not exist.
    """
    parsed = (read_inputs_file(inputs) if isinstance(inputs, str | os.PathLike)
              else inputs) or InputsFile()
    folder = Path(data_dir) if data_dir is not None else None
    where = folder or Path(str(inputs))
    if folder is not None and not folder.is_dir():
        raise InputDataError(folder, [Problem(
            msg("sources.inputs.no_folder"), fix=msg("sources.inputs.no_folder.fix"))])
    files: dict[str, InputFile | None] = {}
    problems: list[Problem] = []
    for role in (*ROLES, *CONTEXT_LAYERS):
        spec = getattr(parsed, role)
        if spec is not None:
            if not spec.path.is_file():
                problems.append(Problem(msg("sources.inputs.missing_file", path=spec.path),
                                        field=role, fix=msg("sources.inputs.missing_file.fix")))
            files[role] = spec
            continue
        if role in CONTEXT_LAYERS or folder is None:
            files[role] = None
            continue
        found = _candidates(folder, role)
        if len(found) > 1:
            problems.append(Problem(
                msg("sources.inputs.several", label=_label(role),
                    files=", ".join(p.name for p in found)), field=role,
                fix=msg("sources.inputs.several.fix", role=role)))
            continue
        files[role] = InputFile(path=found[0]) if found else None
    for role in REQUIRED_ROLES:
        if files.get(role) is None and not any(p.field == role for p in problems):
            problems.append(Problem(
                msg("sources.inputs.required", label=_label(role),
                    names=", ".join(PATTERNS[role])), field=role,
                fix=msg("sources.inputs.required.fix")))
    if problems:
        raise InputDataError(where, problems)
    cites = files["cites"]
    if cites is not None and cites.layer is None:
        layer = _cites_layer(cites.path)
        if layer:
            files["cites"] = cites.model_copy(update={"layer": layer})
    return Resolved(files=files, data_dir=folder or Path(str(inputs)).parent)
