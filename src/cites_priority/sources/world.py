"""Load a whole world folder (``data/raw/`` by default) into a :class:`World`.

Each input is found by its role (:mod:`.inputs`): the world folder layout of
``docs/contracts.md`` §1, the producers' own file names, or an inputs file.
``world_spec.yaml`` is never read: the engine depends only on the data files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .._errors import InputDataError, Problem
from ..messages import msg
from ._fields import normalise_key
from ._read import read_csv
from .bailleurs import load_dpe, load_landlord_inventory, load_rpls
from .cites import load_cites
from .context import (
    load_centralities,
    load_communes,
    load_epci,
    load_qpv,
    load_transit_lines,
    load_transit_stops,
    load_unesco_bien,
    load_unesco_buffer,
)
from .filosofi import load_filosofi
from .inputs import CONTEXT_LAYERS, InputsFile, find_inputs
from .reference import load_reference

__all__ = ["World", "fill_admin", "load_world", "official_commune_names", "sha256"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class World:
    """Every input of a run, validated and in canonical form (``docs/contracts.md`` §2)."""

    cites: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame
    rpls: gpd.GeoDataFrame | None
    dpe: gpd.GeoDataFrame | None
    inventory: gpd.GeoDataFrame | None
    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    bien: gpd.GeoDataFrame
    buffer: gpd.GeoDataFrame
    qpv: gpd.GeoDataFrame
    transit_lines: gpd.GeoDataFrame
    transit_stops: gpd.GeoDataFrame
    centralities: gpd.GeoDataFrame
    reference: pd.DataFrame | None
    provenance: pd.DataFrame | None
    data_dir: Path
    checksums: dict[str, str]
    inputs: dict[str, str] = field(default_factory=dict)
    rows_left_out: dict[str, dict[str, int]] = field(default_factory=dict)


def sha256(path: str | Path, *, block: int = 1 << 20) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def fill_admin(cites: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill missing ``insee``/``epci`` of cités from the commune they overlap most.

    Parameters
    ----------
    cites
        Canonical cité frame (EPSG:2154).
    communes
        Canonical commune frame with ``insee`` and ``epci``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with NA ``insee``/``epci`` replaced where a commune overlaps the cité; values
        already present are kept.
    """
    out = cites.copy()
    need = out["insee"].isna() | out["epci"].isna()
    if not need.any() or communes.empty:
        return out
    left = gpd.GeoDataFrame({"row": np.flatnonzero(need.to_numpy())},
                            geometry=out.geometry[need.to_numpy()].to_numpy(), crs=out.crs)
    right = communes[["insee", "epci", "geometry"]].to_crs(out.crs)
    pieces = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    if pieces.empty:
        return out
    pieces["area"] = pieces.area
    best = pieces.sort_values(["row", "area"], ascending=[True, False]).drop_duplicates("row")
    rows = best["row"].to_numpy()
    for column in ("insee", "epci"):
        current = out[column].to_numpy(dtype=object).copy()
        fill = pd.isna(current[rows])
        current[rows[fill]] = best[column].to_numpy(dtype=object)[fill]
        out[column] = pd.array(current, dtype="string")
    return out


def official_commune_names(cites: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Spell each cité's communes as the commune layer does ("BRUAY-LA-BUISSIERE" → "Bruay-la-Buissière").

    The MBM layers write commune names in upper case without accents (ZT, ERBM) or in
    title case (UNESCO); names are matched accent- and case-insensitively, ``St``/``Ste``
    read as ``Saint``/``Sainte``. Names with no match are kept as they are.

    Parameters
    ----------
    cites
        Canonical cité frame (``communes`` as ``"A; B"``).
    communes
        Canonical commune frame with ``name``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with ``communes`` rewritten.
    """

    def key(name: str) -> str:
        name = re.sub(r"\bste?\b", lambda m: "sainte" if m.group(0).lower() == "ste" else "saint", str(name), flags=re.I)
        return normalise_key(name.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))

    official = {key(n): str(n) for n in communes["name"].dropna()}
    out = cites.copy()

    def respell(text: object) -> object:
        if pd.isna(text):
            return text
        return "; ".join(official.get(key(part), part.strip()) for part in str(text).split(";"))

    out["communes"] = pd.array([respell(t) for t in out["communes"]], dtype="string")
    return out


def _provenance(path: Path) -> pd.DataFrame:
    frame = read_csv(path)
    missing = [c for c in ("dataset", "field", "status") if c not in frame.columns]
    if missing:
        raise InputDataError(path, [Problem(msg("sources.provenance.missing"), field=m,
                                            fix=msg("sources.provenance.missing.fix"))
                                    for m in missing])
    return frame


def _margin(bounds: Sequence[float], metres: float = 2_000.0) -> tuple[float, float, float, float]:
    return (bounds[0] - metres, bounds[1] - metres, bounds[2] + metres, bounds[3] + metres)


def load_world(
    data_dir: str | os.PathLike[str] | None,
    *,
    inputs: str | os.PathLike[str] | InputsFile | None = None,
) -> World:
    """Load every input of a run, each found by its role.

    Parameters
    ----------
    data_dir
        Folder searched for each role by its usual names (:mod:`.inputs`): the world
        folder layout of :data:`~cites_priority.constants.WORLD_FILES`, or the producers'
        own file names. May be None when ``inputs`` names every required role.
    inputs
        An inputs file (``entrees.yaml``) naming files, layers and reading overrides.

    Returns
    -------
    World
        Canonical frames; ``cites`` indexed by ``cite_id`` (the column kept, file order),
        ``cites.insee``/``epci`` filled by majority overlap with the
        communes where the file lacks them. The study area is the cités' extent plus
        2 km: Filosofi is read for it only (bbox / chunked CSV), RPLS / DPE / inventory
        rows outside it are left out and counted in ``rows_left_out``. ``checksums``
        maps each file read to its SHA-256, ``inputs`` each role to its file.

    Raises
    ------
    InputDataError
        If a required role is missing, or any file is invalid.
    """
    found = find_inputs(data_dir, inputs)
    files = found.files

    def ctx(role: str) -> tuple[Path, str | None]:
        spec = files.get(role)
        if spec is not None:
            return spec.path, spec.layer
        base = files["contexte"]
        assert base is not None
        return base.path, CONTEXT_LAYERS[role]

    def context(loader: Callable[..., gpd.GeoDataFrame], role: str) -> gpd.GeoDataFrame:
        path, layer = ctx(role)
        return loader(path, layer=layer)

    communes = context(load_communes, "communes")
    cites_spec = files["cites"]
    assert cites_spec is not None
    cites = load_cites(cites_spec.path, layer=cites_spec.layer, crs=cites_spec.crs,
                       encoding=cites_spec.encoding)
    cites = official_commune_names(fill_admin(cites, communes), communes)
    # one index convention for every table keyed by cité: index `cite_id`, column kept
    cites = cites.set_index(pd.Index(cites["cite_id"].to_numpy(), name="cite_id"))
    area = _margin(cites.total_bounds)
    filo = files["filosofi"]
    assert filo is not None
    cells = load_filosofi(filo.path, layer=filo.layer, bbox=area, sep=filo.separator,
                          encoding=filo.encoding)

    def dwellings(role: str, loader: Callable[..., gpd.GeoDataFrame]) -> gpd.GeoDataFrame | None:
        spec = files.get(role)
        if spec is None:
            return None
        return loader(spec.path, area=area, sep=spec.separator, encoding=spec.encoding,
                      crs=spec.crs, layer=spec.layer)

    rpls = dwellings("rpls", load_rpls)
    dpe = dwellings("dpe", load_dpe)
    inventory = dwellings("inventaire", load_landlord_inventory)
    left_out = {role: frame.attrs["rows"] for role, frame in
                (("rpls", rpls), ("dpe", dpe), ("inventaire", inventory)) if frame is not None}
    ref, prov = files.get("reference"), files.get("provenance")
    read = {role: spec.path for role, spec in files.items() if spec is not None}
    world = World(
        cites=cites,
        cells=cells,
        rpls=rpls,
        dpe=dpe,
        inventory=inventory,
        communes=communes,
        epci=context(load_epci, "epci"),
        bien=context(load_unesco_bien, "bien_inscrit"),
        buffer=context(load_unesco_buffer, "zone_tampon"),
        qpv=context(load_qpv, "qpv"),
        transit_lines=context(load_transit_lines, "transit_lignes"),
        transit_stops=context(load_transit_stops, "transit_arrets"),
        centralities=context(load_centralities, "centralites"),
        reference=load_reference(ref.path) if ref is not None else None,
        provenance=_provenance(prov.path) if prov is not None else None,
        data_dir=found.data_dir,
        checksums={path.name: sha256(path) for path in dict.fromkeys(read.values())},
        inputs={role: str(path) for role, path in read.items()},
        rows_left_out=left_out,
    )
    logger.info("%s : %d cités, %d carreaux, %s RPLS, %s DPE", found.data_dir, len(world.cites),
                len(world.cells), len(rpls) if rpls is not None else "pas de",
                len(dpe) if dpe is not None else "pas de")
    return world
