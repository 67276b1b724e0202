"""Load a whole world folder (``data/raw/`` by default) into a :class:`World`.

The folder layout is fixed by ``docs/contracts.md`` §1 and
:data:`cites_priority.constants.WORLD_FILES`. ``world_spec.yaml`` is never read: the
engine depends only on the data files.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .._errors import InputDataError, Problem
from ..constants import WORLD_FILES
from ._read import read_csv
from ._validate import normalise_key
from .bailleurs import load_dpe, load_rpls
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
from .reference import load_reference

__all__ = ["World", "fill_admin", "load_world", "official_commune_names", "sha256"]

logger = logging.getLogger(__name__)

#: Files whose checksum is recorded (everything the engine reads).
CHECKSUMMED = ("cites", "cells", "rpls", "dpe", "context", "reference", "provenance")


@dataclass(frozen=True)
class World:
    """Every input of a run, validated and in canonical form (``docs/contracts.md`` §2)."""

    cites: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame
    rpls: gpd.GeoDataFrame
    dpe: gpd.GeoDataFrame
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
        raise InputDataError(path, [Problem(f"required field missing: {m}", field=m,
                                            fix="write dataset,field,status,source,licence,"
                                                "rule columns") for m in missing])
    return frame


def load_world(data_dir: str | Path) -> World:
    """Load every file of a world folder.

    Parameters
    ----------
    data_dir
        Folder with the files of :data:`~cites_priority.constants.WORLD_FILES`;
        ``reference_lists.csv`` and ``provenance.csv`` are optional.

    Returns
    -------
    World
        Canonical frames; ``cites.insee``/``epci`` filled by majority overlap with the
        communes where the file lacks them; ``checksums`` maps each file read to its
        SHA-256.

    Raises
    ------
    InputDataError
        If the folder or a required file is missing, or any file is invalid.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputDataError(data_dir, [Problem(
            "data folder not found", fix="run `cites-priority world --out DIR` or pass --data")])
    files = {key: data_dir / name for key, name in WORLD_FILES.items()}
    missing = [files[k].name for k in ("cites", "cells", "rpls", "dpe", "context")
               if not files[k].exists()]
    if missing:
        raise InputDataError(data_dir, [Problem(f"required file missing: {name}", fix=(
            "regenerate the folder with `cites-priority world --out DIR`")) for name in missing])
    context = files["context"]
    communes = load_communes(context, layer="communes")
    cites = fill_admin(load_cites(files["cites"], layer="cites_minieres"), communes)
    cites = official_commune_names(cites, communes)
    world = World(
        cites=cites,
        cells=load_filosofi(files["cells"]),
        rpls=load_rpls(files["rpls"]),
        dpe=load_dpe(files["dpe"]),
        communes=communes,
        epci=load_epci(context, layer="epci"),
        bien=load_unesco_bien(context, layer="bien_inscrit"),
        buffer=load_unesco_buffer(context, layer="zone_tampon"),
        qpv=load_qpv(context, layer="qpv"),
        transit_lines=load_transit_lines(context, layer="transit_lignes"),
        transit_stops=load_transit_stops(context, layer="transit_arrets"),
        centralities=load_centralities(context, layer="centralites"),
        reference=load_reference(files["reference"]) if files["reference"].exists() else None,
        provenance=_provenance(files["provenance"]) if files["provenance"].exists() else None,
        data_dir=data_dir,
        checksums={files[k].name: sha256(files[k]) for k in CHECKSUMMED if files[k].exists()},
    )
    logger.info("%s: %d cités, %d cells, %d RPLS, %d DPE", data_dir, len(world.cites),
                len(world.cells), len(world.rpls), len(world.dpe))
    return world
