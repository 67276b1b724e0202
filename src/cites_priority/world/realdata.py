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

__all__ = ["RealData", "find_real_dir", "read_real"]

REAL_SUBDIR = Path("data") / "external" / "real"
FILOSOFI_CSV = Path("filosofi") / "filosofi2019_carreaux200m_bassin_minier.csv"


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
    """The real layers the world is built from, all in EPSG:2154 (except ``cells_text``)."""

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
    )
