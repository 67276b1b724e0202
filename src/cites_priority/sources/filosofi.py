"""Loader of INSEE Filosofi 200 m cells (2015, 2017 and 2019 vintages; CSV or GPKG).

Every vintage is mapped onto the 2019 lower-case names: the id column (``IdINSPIRE`` in
2015, ``Idcar_200m`` in 2017, ``idcar_200m`` in 2019), the imputation flag (``I_est_cr``,
``I_est_200``, ``i_est_200``) and the counts (``Ind``/``ind``, ``Men``/``men``…).

The squares are always rebuilt from the id ``CRS3035RES200mN{north}E{east}`` (south-west
corner, EPSG:3035), then reprojected to EPSG:2154: a GPKG's own (reprojected, no longer
axis-aligned) squares are ignored. ``bbox``/``mask`` (EPSG:2154) keep the cells whose
square intersects them, so a France-wide file is never loaded whole: a GPKG is filtered
by pyogrio, a CSV is read in chunks and filtered on the coordinates parsed from the id.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from ..constants import CRS_GRID, CRS_L93, GRID_RES
from ..messages import fr_number, msg
from ._fields import (
    Problems,
    check_unique,
    normalise_key,
    parse_counts,
    resolve_fields,
    text_column,
)
from ._read import VECTOR_SUFFIXES, check_file, open_vector, read_csv

__all__ = [
    "COUNT_FIELDS", "FILOSOFI_FIELDS", "IDCAR_PATTERN", "cell_squares", "load_filosofi", "parse_idcar",
]

logger = logging.getLogger(__name__)

#: Regular expression of an INSPIRE grid id (groups: resolution, northing, easting).
IDCAR_PATTERN = r"^CRS3035RES(\d+)mN(\d+)E(\d+)$"

#: Count fields of the 2019 schema (docs/contracts.md §1), float64 in the canonical frame.
COUNT_FIELDS = (
    "ind", "ind_snv", "men", "men_pauv", "men_1ind", "men_5ind", "men_prop", "men_fmp",
    "men_coll", "men_mais", "men_surf", "log_soc", "log_av45", "log_45_70", "log_70_90",
    "log_ap90", "log_inc", "ind_0_3", "ind_4_5", "ind_6_10", "ind_11_17", "ind_18_24",
    "ind_25_39", "ind_40_54", "ind_55_64", "ind_65_79", "ind_80p", "ind_inc",
)

#: Canonical name → accepted real names (2019, 2017, 2015 spellings).
FILOSOFI_FIELDS: dict[str, tuple[str, ...]] = {
    "idcar_200m": ("idcar_200m", "Idcar_200m", "IdINSPIRE", "id_inspire", "idcar"),
    "i_est_200": ("i_est_200", "I_est_200", "I_est_cr", "i_est_cr"),
    "lcog_geo": ("lcog_geo", "Depcom"),
    **{name: (name,) for name in COUNT_FIELDS},
}
REQUIRED = ("idcar_200m", "ind")
CHUNK_ROWS = 200_000


def parse_idcar(ids: pd.Series) -> pd.DataFrame:
    """Parse INSPIRE grid ids into resolution and south-west corner.

    Parameters
    ----------
    ids
        Strings like ``CRS3035RES200mN3060400E3812600``.

    Returns
    -------
    pandas.DataFrame
        Columns ``res``, ``y_laea`` (northing), ``x_laea`` (easting), as ``Int64``; NA where
        the id does not match :data:`IDCAR_PATTERN`.

    Examples
    --------
    >>> parse_idcar(pd.Series(["CRS3035RES200mN3060400E3812600"])).iloc[0].tolist()
    [200, 3060400, 3812600]
    """
    parts = ids.astype("string").str.strip().str.extract(IDCAR_PATTERN)
    parts.columns = ["res", "y_laea", "x_laea"]
    return parts.apply(pd.to_numeric, errors="coerce").astype("Int64")


def cell_squares(x: Any, y: Any, *, res: int = GRID_RES) -> gpd.GeoSeries:
    """The squares of lattice cells, from their south-west corners, in EPSG:2154.

    The one conversion of the INSEE lattice (EPSG:3035) into the outputs' CRS.

    Parameters
    ----------
    x, y
        South-west corners in EPSG:3035 (``x_laea``, ``y_laea``), metres.
    res
        Side of a cell, metres.

    Returns
    -------
    geopandas.GeoSeries
        One polygon per cell, CRS EPSG:2154, positional index.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    return gpd.GeoSeries(shapely.box(x, y, x + res, y + res), crs=CRS_GRID).to_crs(CRS_L93)


def _mask_geometry(mask: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry) -> shapely.Geometry:
    """Return ``mask`` as one shapely geometry in EPSG:2154 (GeoSeries/frames reprojected)."""
    if isinstance(mask, gpd.GeoDataFrame | gpd.GeoSeries):
        if mask.crs is not None:
            mask = mask.to_crs(CRS_L93)
        return mask.union_all()
    return mask


def _grid_window(
    bbox: tuple[float, float, float, float] | None, mask: shapely.Geometry | None
) -> tuple[float, float, float, float] | None:
    """Return the EPSG:2154 box to filter on, from ``bbox`` and/or ``mask``."""
    boxes = []
    if bbox is not None:
        boxes.append(tuple(float(v) for v in bbox))
    if mask is not None:
        boxes.append(tuple(shapely.bounds(mask)))
    if not boxes:
        return None
    arr = np.array(boxes)
    return (arr[:, 0].max(), arr[:, 1].max(), arr[:, 2].min(), arr[:, 3].min())


def _read_csv_window(path: Path, window_3035: tuple[float, float, float, float] | None, *,
                     sep: str | None = None,
                     encoding: str | None = None) -> pd.DataFrame:
    """Read a Filosofi CSV in chunks, keeping rows whose id falls in the 3035 window."""
    kept = []
    id_col = None
    for chunk in read_csv(path, chunksize=CHUNK_ROWS, sep=sep, encoding=encoding):
        if window_3035 is None:
            kept.append(chunk)
            continue
        if id_col is None:
            names = {normalise_key(a) for a in FILOSOFI_FIELDS["idcar_200m"]}
            id_col = next((c for c in chunk.columns if normalise_key(c) in names), "")
        if not id_col:  # let the validation below report the missing id field
            kept.append(chunk.head(0))
            continue
        xy = parse_idcar(chunk[id_col])
        xmin, ymin, xmax, ymax = window_3035
        inside = ((xy["x_laea"] + GRID_RES >= xmin) & (xy["x_laea"] <= xmax)
                  & (xy["y_laea"] + GRID_RES >= ymin) & (xy["y_laea"] <= ymax))
        # malformed ids are kept so that validation reports them
        kept.append(chunk[inside.fillna(True).to_numpy(dtype=bool)])
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()


def _read_vector_window(path: Path, layer: str | None,
                        window: tuple[float, float, float, float] | None) -> pd.DataFrame:
    """Read a Filosofi GPKG/Shapefile, passing the window to pyogrio in the file's CRS."""
    bbox = None
    if window is not None:
        try:
            info = pyogrio.read_info(path, layer=layer)
        except Exception:  # reported by open_vector below
            info = {"crs": None}
        if info.get("crs"):
            bbox = Transformer.from_crs(CRS_L93, CRS(info["crs"]), always_xy=True) \
                .transform_bounds(*window, densify_pts=21)
            bbox = (bbox[0] - GRID_RES, bbox[1] - GRID_RES, bbox[2] + GRID_RES,
                    bbox[3] + GRID_RES)
    gdf = open_vector(path, layer=layer, bbox=bbox)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore"))
    frame.attrs["layer"] = gdf.attrs.get("layer")
    return frame


def _warn_corner_mismatch(frame: pd.DataFrame, ids: pd.Series, x: np.ndarray, y: np.ndarray,
                          path: Path) -> None:
    """Warn when the file's own ``x_laea``/``y_laea`` disagree with its ids (ids win)."""
    for name, parsed in (("x_laea", x), ("y_laea", y)):
        if name not in frame.columns:
            continue
        given = pd.to_numeric(frame[name], errors="coerce").to_numpy()
        differ = ~np.isclose(given, parsed) & ~np.isnan(given)
        if differ.any():
            warnings.warn(msg("sources.filosofi.corner", path=path, name=name,
                              n=fr_number(int(differ.sum())), example=ids[differ].iloc[0]),
                          UserWarning, stacklevel=3)


def load_filosofi(
    path: str | Path,
    *,
    layer: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    mask: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
    sep: str | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Load Filosofi 200 m cells into the canonical cell frame.

    Parameters
    ----------
    path
        CSV (``,`` or ``;``, detected) or vector file (GPKG, Shapefile…) of the 2015, 2017
        or 2019 vintage.
    layer
        Layer of a multi-layer file.
    bbox
        ``(xmin, ymin, xmax, ymax)`` in EPSG:2154: keep only the cells whose square
        intersects it.
    mask
        Shapely geometry in EPSG:2154, or GeoSeries/GeoDataFrame (reprojected to
        EPSG:2154 if needed): keep only the cells whose square intersects it.
    sep, encoding
        Overrides of the detected CSV separator and encoding.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:2154: ``idcar_200m``, ``x_laea``, ``y_laea`` (SW corner, EPSG:3035, int64),
        ``i_est_200`` (int64 0/1), the count fields present (float64), ``lcog_geo`` if
        present, and the rebuilt square as ``geometry``.

    Warns
    -----
    UserWarning
        When the file's ``x_laea``/``y_laea`` disagree with its ids.

    Raises
    ------
    InputDataError
        Missing id or ``ind`` field, malformed ids or a resolution other than 200 m,
        duplicate ids, non-numeric (comma decimals, thousands separators), negative or
        empty counts, imputation flags other than 0/1, empty file.

    Examples
    --------
    >>> cells = load_filosofi("data/external/real/filosofi/"
    ...                       "filosofi2019_carreaux200m_bassin_minier.csv")  # doctest: +SKIP
    >>> len(cells), round(cells["ind"].sum(), 1)  # doctest: +SKIP
    (19552, 1219436.5)
    """
    path = check_file(path, layer=layer)
    mask = None if mask is None else _mask_geometry(mask)
    window = _grid_window(bbox, mask)
    if path.suffix.lower() in VECTOR_SUFFIXES:
        frame = _read_vector_window(path, layer, window)
    else:
        window_3035 = None
        if window is not None:
            window_3035 = Transformer.from_crs(CRS_L93, CRS_GRID, always_xy=True) \
                .transform_bounds(*window, densify_pts=21)
        frame = _read_csv_window(path, window_3035, sep=sep, encoding=encoding)
    problems = Problems(path, frame.attrs.get("layer", layer))
    cols = resolve_fields(list(frame.columns), FILOSOFI_FIELDS, required=REQUIRED,
                          problems=problems)
    if frame.empty and window is None:
        problems.add(msg("sources.filosofi.empty"), fix=msg("sources.filosofi.empty.fix"))
    elif frame.empty and window is not None and "idcar_200m" in cols:
        problems.add(
            msg("sources.filosofi.outside", xmin=f"{window[0]:.0f}", xmax=f"{window[2]:.0f}",
                ymin=f"{window[1]:.0f}", ymax=f"{window[3]:.0f}"),
            field=cols["idcar_200m"], fix=msg("sources.filosofi.outside.fix"))
    problems.raise_if_any()
    frame = frame.reset_index(drop=True)

    ids = text_column(frame, cols["idcar_200m"])
    xy = parse_idcar(ids)
    malformed = xy.isna().any(axis=1)
    if malformed.any():
        problems.add(msg("sources.filosofi.malformed", n=fr_number(int(malformed.sum())),
                         example=ids[malformed].iloc[0]),
                     field=cols["idcar_200m"], rows=ids[malformed].head(20).tolist(),
                     fix=msg("sources.filosofi.malformed.fix"))
    wrong_res = ~malformed & xy["res"].ne(GRID_RES).fillna(False)
    if wrong_res.any():
        res = ", ".join(str(r) for r in sorted(set(xy["res"][wrong_res].astype(int))))
        problems.add(msg("sources.filosofi.resolution", n=fr_number(int(wrong_res.sum())),
                         res=res, grid=GRID_RES),
                     field=cols["idcar_200m"], rows=ids[wrong_res].head(20).tolist(),
                     fix=msg("sources.filosofi.resolution.fix"))
    check_unique(ids, column=cols["idcar_200m"], problems=problems, frame=frame)
    counts = parse_counts(frame, {k: v for k, v in cols.items() if k in COUNT_FIELDS},
                          problems=problems, ids=ids)
    if "i_est_200" in cols:
        flag = parse_counts(frame, {"i_est_200": cols["i_est_200"]}, problems=problems,
                            ids=ids)["i_est_200"]
        not_flag = flag.notna() & ~flag.isin([0, 1])
        if not_flag.any():
            problems.add(msg("sources.filosofi.flag"), field=cols["i_est_200"],
                         rows=ids[not_flag].head(20).tolist(), fix=msg("sources.filosofi.flag.fix"))
    else:
        flag = pd.Series(0.0, index=frame.index)
    problems.raise_if_any()

    x = xy["x_laea"].astype("int64").to_numpy()
    y = xy["y_laea"].astype("int64").to_numpy()
    _warn_corner_mismatch(frame, ids, x, y, path)
    squares = cell_squares(x, y)
    data = {"idcar_200m": ids.astype(str).to_numpy(), "x_laea": x, "y_laea": y,
            "i_est_200": flag.fillna(0).astype("int64").to_numpy()}
    data.update({name: counts[name].to_numpy() for name in COUNT_FIELDS if name in counts})
    if "lcog_geo" in cols:
        data["lcog_geo"] = text_column(frame, cols["lcog_geo"]).to_numpy()
    cells = gpd.GeoDataFrame(data, geometry=squares.to_numpy(), crs=CRS_L93)
    if window is not None:
        keep = cells.intersects(shapely.box(*window))
        if mask is not None:
            keep &= cells.intersects(mask)
        cells = cells[keep.to_numpy()].reset_index(drop=True)
    if cells.empty:
        logger.warning(msg("sources.filosofi.no_cell", path=path))
    logger.info("%s: %d cells, Σ ind = %.1f", path, len(cells), cells["ind"].sum())
    return cells

