"""Locate and read the committed real extracts (``data/external/real/``)."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .._errors import InputDataError, Problem
from ..constants import CRS_L93
from .grid import REAL_LOG_COLS

__all__ = ["FILOSOFI_LOG_CSV", "REAL_LOG_COLS", "RealData", "find_real_dir", "read_real"]

REAL_SUBDIR = Path("data") / "external" / "real"
FILOSOFI_CSV = Path("filosofi") / "filosofi2019_carreaux200m_bassin_minier.csv"
#: The dwelling fields of the same cells (SOURCES.md §3.3), joined on ``idcar_200m``.
FILOSOFI_LOG_CSV = Path("filosofi") / "filosofi2019_carreaux200m_bassin_minier_logements.csv"


def find_real_dir(start: str | os.PathLike[str] | None = None, *, search_checkout: bool = True) -> Path:
    """Find ``data/external/real``.

    Looked for, in order: in ``CITES_PRIORITY_REAL`` (an environment variable), in
    ``start`` (default: the working directory) and its parents, then in the source
    checkout this package was installed from (an editable install, as ``make`` does), so
    ``cites-priority world`` works from any directory of a checkout's machine.
    ``search_checkout=False`` looks only in ``start`` and its parents.

    Raises
    ------
    InputDataError
        If none holds it.
    """
    env = os.environ.get("CITES_PRIORITY_REAL") if search_checkout else None
    if env and (Path(env) / FILOSOFI_CSV).is_file():
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    checkout = Path(__file__).resolve().parents[3]  # src/cites_priority/world/ → checkout
    for folder in (here, *here.parents, *([checkout] if search_checkout else [])):
        cand = folder / REAL_SUBDIR
        if (cand / FILOSOFI_CSV).is_file():
            return cand
    raise InputDataError(
        here / REAL_SUBDIR,
        [
            Problem(
                "the real extracts were not found (this folder, its parents, the package's checkout)",
                fix="run from the cites-priority repository, pass --real DIR, or set CITES_PRIORITY_REAL",
            )
        ],
    )


@dataclass(frozen=True)
class RealData:
    """The real layers the world is built from, all in EPSG:2154 (except the cells).

    ``cells`` holds the numeric income/household fields joined with the real dwelling
    fields :data:`REAL_LOG_COLS`; ``cells_lines`` and ``log_lines`` are the very text of
    each cell's row (income file) and of its dwelling values in :data:`REAL_LOG_COLS`
    order (comma-joined tokens of the dwelling file), in the same cell order.
    """

    real_dir: Path
    unesco: gpd.GeoDataFrame
    zt: gpd.GeoDataFrame
    erbm: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    admin_communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    bassin: gpd.GeoDataFrame
    bien: gpd.GeoDataFrame
    tampon: gpd.GeoDataFrame
    terrils: gpd.GeoDataFrame
    puits: gpd.GeoDataFrame
    cells: pd.DataFrame
    cells_header: str
    cells_lines: list[str]
    log_lines: list[str]


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise InputDataError(path, [Problem("missing real extract", fix="restore data/external/real")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = gpd.read_file(path, engine="pyogrio")
    gdf = gdf.to_crs(CRS_L93)
    geom = gdf.geometry.values
    bad = ~shapely.is_valid(geom)
    if bad.any():
        gdf.loc[bad, "geometry"] = shapely.make_valid(geom[bad])
    return gdf


def read_real(real_dir: str | os.PathLike[str] | None = None) -> RealData:
    """Read every real extract the world needs.

    Parameters
    ----------
    real_dir
        The ``data/external/real`` folder; found from the cwd when omitted.
    """
    real = Path(real_dir) if real_dir is not None else find_real_dir()
    mbm = real / "mbm_unesco"
    csv = real / FILOSOFI_CSV
    if not csv.is_file():
        raise InputDataError(csv, [Problem("missing Filosofi extract", fix="restore it")])
    text = csv.read_text(encoding="utf-8")
    lines = text.splitlines()
    cells = pd.read_csv(csv, dtype={"idcar_200m": str})
    log_lines, logs = _read_dwelling_fields(real / FILOSOFI_LOG_CSV, cells["idcar_200m"])
    cells = pd.concat([cells, logs], axis=1)
    admin = pd.concat(
        [
            _read(real / "admin" / "communes-59-nord.geojson"),
            _read(real / "admin" / "communes-62-pas-de-calais.geojson"),
        ],
        ignore_index=True,
    )
    return RealData(
        real_dir=real,
        unesco=_read(mbm / "cites-minieres.geojson"),
        zt=_read(mbm / "zt-cites-minieres.geojson"),
        erbm=_read(mbm / "cites-erbm.geojson"),
        communes=_read(mbm / "communes-mbm.geojson"),
        admin_communes=gpd.GeoDataFrame(admin, geometry="geometry", crs=CRS_L93),
        epci=_read(mbm / "epci.geojson"),
        departements=_read(mbm / "departements.geojson"),
        bassin=_read(mbm / "bassin-minier.geojson"),
        bien=_read(mbm / "bien-inscrit.geojson"),
        tampon=_read(mbm / "zone-tampon.geojson"),
        terrils=_read(mbm / "terrils.geojson"),
        puits=_read(mbm / "puits-de-mines.geojson"),
        cells=cells,
        cells_header=lines[0],
        cells_lines=lines[1:],
        log_lines=log_lines,
    )


def _read_dwelling_fields(path: Path, ids: pd.Series) -> tuple[list[str], pd.DataFrame]:
    """Text and values of the real dwelling fields, checked to follow the income file's cells.

    Returns
    -------
    tuple
        ``(lines, frame)``: per cell the comma-joined tokens of :data:`REAL_LOG_COLS` as
        written in the file, and the same values as floats.
    """
    if not path.is_file():
        raise InputDataError(path, [Problem("extrait Filosofi des logements absent (SOURCES.md §3.3)",
                                            fix="restaurer data/external/real/filosofi depuis les données partagées")])
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    missing = [c for c in ("idcar_200m", *REAL_LOG_COLS) if c not in header]
    if missing:
        raise InputDataError(path, [Problem(f"champ(s) absent(s) : {', '.join(missing)}", field=missing[0],
                                            fix="utiliser le fichier décrit dans SOURCES.md §3.3")])
    pos = [header.index(c) for c in REAL_LOG_COLS]
    rows = [line.split(",") for line in lines[1:]]
    got = [r[header.index("idcar_200m")] for r in rows]
    if got != ids.tolist():
        bad = next((k for k, (a, b) in enumerate(zip(got, ids, strict=False)) if a != b), min(len(got), len(ids)))
        raise InputDataError(path, [Problem(
            f"carreaux différents de ceux de {FILOSOFI_CSV.name} ({len(got)} lignes contre {len(ids)} ; "
            f"première différence ligne {bad + 2})",
            field="idcar_200m", rows=[bad + 2],
            fix="les deux fichiers doivent lister les mêmes carreaux dans le même ordre (SOURCES.md §3.3)")])
    text = [[r[p] for p in pos] for r in rows]
    frame = pd.DataFrame([[float(v) for v in t] for t in text], columns=REAL_LOG_COLS)
    return [",".join(t) for t in text], frame
