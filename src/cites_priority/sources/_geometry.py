"""Coordinate and geometry checks shared by the loaders of :mod:`cites_priority.sources`.

The CRS of a layer and the plausibility of its coordinates (:func:`to_l93`,
:func:`points_from_xy`), its extent (:func:`check_extent`), its geometry types
(:func:`check_geometries`) and the repair of invalid polygons (:func:`repair_polygons`).
Problems go to the :class:`~._fields.Problems` collector of the file being read.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from .._errors import Problem
from ..constants import CRS_L93
from ..messages import fr_number, msg
from ._fields import Problems, _labels, _short, parse_counts

__all__ = [
    "BASIN_BBOX_L93",
    "FRANCE_BBOX_L93",
    "check_extent",
    "check_geometries",
    "points_from_xy",
    "repair_polygons",
    "to_l93",
]

logger = logging.getLogger(__name__)

#: Plausible extent of Bassin minier data in EPSG:2154 (xmin, ymin, xmax, ymax): the MBM
#: perimeter (x 645 805–748 287, y 7 016 936–7 058 942) widened by 15 km on each side.
BASIN_BBOX_L93 = (630_000.0, 7_000_000.0, 765_000.0, 7_075_000.0)
#: Extent of metropolitan France (with Corsica) in EPSG:2154, for context layers.
FRANCE_BBOX_L93 = (0.0, 6_000_000.0, 1_300_000.0, 7_200_000.0)


def _plausibility(x: np.ndarray, y: np.ndarray, crs: CRS, what: str) -> Problem | None:
    """Check coordinates against the kind of their declared CRS.

    ``what`` names the coordinates, in French, as the plural subject of the message
    (« les géométries », « les colonnes X/Y »).
    """
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if not len(x):
        return None
    lonlat_like = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    name = crs.to_string()
    if crs.is_geographic and not lonlat_like.all():
        return Problem(
            msg("sources.crs.metres_as_degrees", what=what, crs=name,
                x=f"{x[~lonlat_like][0]:.0f}", y=f"{y[~lonlat_like][0]:.0f}"),
            fix=msg("sources.crs.metres_as_degrees.fix"))
    if crs.is_projected and lonlat_like.all():
        return Problem(
            msg("sources.crs.degrees_as_metres", what=what, crs=name,
                x=fr_number(x[0], 4), y=fr_number(y[0], 4)),
            fix=msg("sources.crs.degrees_as_metres.fix"))
    return None


def _outside(x: np.ndarray, y: np.ndarray, bbox: Sequence[float]) -> np.ndarray:
    return ~((x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3]))


def to_l93(gdf: gpd.GeoDataFrame, *, problems: Problems) -> gpd.GeoDataFrame | None:
    """Check the CRS and the coordinates of ``gdf`` and reproject it to EPSG:2154.

    Records a problem (and returns ``None``) when the layer has no CRS, an unknown CRS,
    or coordinates implausible for its CRS (degrees in a projected CRS, metres in a
    geographic one).
    """
    crs = gdf.crs
    if crs is None:
        problems.add(msg("sources.crs.none"), field="crs", fix=msg("sources.crs.none.fix"))
        return None
    if not (crs.is_geographic or crs.is_projected):
        problems.add(msg("sources.crs.unusable", name=crs.name), field="crs",
                     fix=msg("sources.crs.unusable.fix"))
        return None
    pts = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if len(pts):
        bounds = pts.bounds.to_numpy()
        x = np.concatenate([bounds[:, 0], bounds[:, 2]])
        y = np.concatenate([bounds[:, 1], bounds[:, 3]])
        bad = _plausibility(x, y, crs, msg("sources.crs.geometries"))
        if bad:
            problems.items.append(Problem(bad.message, field="crs", fix=bad.fix))
            return None
    try:
        return gdf.to_crs(CRS_L93)
    except (CRSError, ValueError) as exc:  # pragma: no cover - pyproj failures are rare
        problems.add(msg("sources.crs.reproject", crs=crs.to_string(), error=_short(exc)),
                     field="crs", fix=msg("sources.crs.reproject.fix"))
        return None


def points_from_xy(
    frame: pd.DataFrame,
    x_col: str,
    y_col: str,
    *,
    problems: Problems,
    ids: pd.Series | None = None,
    crs: str = CRS_L93,
) -> gpd.GeoSeries | None:
    """Build points from X/Y columns declared in ``crs`` and return them in EPSG:2154.

    Records non-numeric coordinates, lon/lat degrees given as Lambert-93 metres (or the
    reverse), and returns ``None`` if the coordinates are unusable.
    """
    coords = parse_counts(frame, {"x": x_col, "y": y_col}, problems=problems, ids=ids,
                          allow_missing=True, allow_negative=True)
    missing = coords["x"].isna() | coords["y"].isna()
    if missing.any():
        problems.add(msg("sources.xy.missing", n=fr_number(int(missing.sum()))),
                     field=f"{x_col}/{y_col}", rows=_labels(frame, missing, ids),
                     fix=msg("sources.xy.missing.fix"))
    x, y = coords["x"].to_numpy(), coords["y"].to_numpy()
    bad = _plausibility(x, y, CRS(crs), msg("sources.crs.columns", x=x_col, y=y_col))
    if bad:
        fix = msg("sources.xy.not_l93.fix", x=x_col, y=y_col)
        problems.items.append(Problem(bad.message, field=f"{x_col}/{y_col}", fix=fix))
        return None
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), index=frame.index, crs=crs)
    pts[missing.to_numpy()] = None
    return pts.to_crs(CRS_L93)


def check_extent(
    geometry: gpd.GeoSeries,
    *,
    problems: Problems,
    ids: pd.Series | None = None,
    bbox: Sequence[float] = BASIN_BBOX_L93,
    area: str = "basin",
) -> None:
    """Record rows whose representative point (EPSG:2154) lies outside ``bbox``.

    ``area`` names the extent in the messages: ``"basin"`` (the Bassin minier) or
    ``"france"`` (metropolitan France).

    When swapping x and y would bring the outliers inside, the problem says the axes are
    swapped.
    """
    valid = ~(geometry.isna() | geometry.is_empty)
    if not valid.any():
        return
    pts = shapely.point_on_surface(geometry[valid].to_numpy())
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    out = _outside(x, y, bbox)
    if not out.any():
        return
    mask = np.zeros(len(geometry), dtype=bool)
    mask[np.flatnonzero(valid.to_numpy())[out]] = True
    frame = pd.DataFrame(index=geometry.index)
    rows = _labels(frame, mask, ids)
    swapped = ~_outside(y[out], x[out], bbox)
    if swapped.all():
        problems.add(msg("sources.extent.swapped", n=fr_number(int(out.sum()))),
                     field="geometry", rows=rows, fix=msg("sources.extent.swapped.fix"))
        return
    x0, y0 = x[out][0], y[out][0]
    problems.add(
        msg("sources.extent.outside", n=fr_number(int(out.sum())),
            where=msg(f"sources.extent.where.{area}"), x=f"{x0:.0f}", y=f"{y0:.0f}",
            xmin=f"{bbox[0]:.0f}", xmax=f"{bbox[2]:.0f}", ymin=f"{bbox[1]:.0f}",
            ymax=f"{bbox[3]:.0f}"),
        field="geometry", rows=rows, fix=msg(f"sources.extent.fix.{area}"))


def check_geometries(
    geometry: gpd.GeoSeries,
    *,
    kinds: Sequence[str],
    problems: Problems,
    ids: pd.Series | None = None,
) -> None:
    """Record null/empty geometries and geometries of the wrong type."""
    frame = pd.DataFrame(index=geometry.index)
    empty = (geometry.isna() | geometry.is_empty).to_numpy()
    if empty.any():
        problems.add(msg("sources.geometry.empty", n=fr_number(int(empty.sum()))),
                     field="geometry", rows=_labels(frame, empty, ids),
                     fix=msg("sources.geometry.empty.fix"))
    types = geometry.geom_type.to_numpy()
    wrong = ~empty & ~np.isin(types, list(kinds))
    if wrong.any():
        problems.add(msg("sources.geometry.type", n=fr_number(int(wrong.sum())),
                         types=", ".join(sorted(set(types[wrong]))),
                         kinds=msg("sources.or").join(kinds)), field="geometry",
                     rows=_labels(frame, wrong, ids), fix=msg("sources.geometry.type.fix"))


def repair_polygons(
    geometry: gpd.GeoSeries, *, ids: pd.Series, path: Path, stacklevel: int = 3,
) -> gpd.GeoSeries:
    """Repair invalid polygons with :func:`shapely.make_valid`, keeping polygonal parts.

    Emits one :class:`UserWarning` naming the repaired ids.
    """
    valid = geometry.isna() | geometry.is_empty | geometry.is_valid
    if valid.all():
        return geometry
    fixed = geometry.copy()
    repaired = shapely.make_valid(geometry[~valid].to_numpy())
    parts = []
    for geom in repaired:
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        union = shapely.union_all(polys) if polys else shapely.Polygon()
        parts.append(union)
    fixed[~valid] = parts
    bad_ids = [v.item() if hasattr(v, "item") else v for v in ids[~valid.to_numpy()].tolist()]
    warnings.warn(msg("sources.geometry.repaired", path=path, n=fr_number(len(bad_ids)),
                      ids=", ".join(str(i) for i in bad_ids[:20])),
                  UserWarning, stacklevel=stacklevel)
    return fixed
