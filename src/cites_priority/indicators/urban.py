"""Urban indicators: distances to centralities, major sites and transit; QPV; enclavement."""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from cites_priority.indicators.heritage import area_share
from cites_priority.registry import INDICATOR_COLUMNS

from ..messages import msg

__all__ = ["ENCLAVEMENT_RADIUS_M", "URBAN_COLUMNS", "nearest_distance", "urban_indicators"]

logger = logging.getLogger(__name__)

#: Output columns, in order.
URBAN_COLUMNS = INDICATOR_COLUMNS["urban"]

#: Radius around a cité's boundary within which stops and centralities count as "links".
ENCLAVEMENT_RADIUS_M = 1000.0


def _in_crs(frame: gpd.GeoDataFrame | None, crs: CRS | None) -> gpd.GeoDataFrame | None:
    if frame is None or len(frame) == 0:
        return None
    return frame.to_crs(crs) if frame.crs is not None and frame.crs != crs else frame


def nearest_distance(cites: gpd.GeoDataFrame, targets: gpd.GeoDataFrame | None) -> pd.Series:
    """Distance in metres from each cité polygon (0 inside) to the nearest target geometry.

    Returns NA for every cité when there is no target.
    """
    index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    targets = _in_crs(targets, cites.crs)
    if targets is None:
        return pd.Series(pd.NA, index=index, dtype="Float64")
    tree = shapely.STRtree(targets.geometry.values)
    (src, _), dist = tree.query_nearest(cites.geometry.values, return_distance=True, all_matches=False)
    out = np.full(len(cites), np.nan)
    out[src] = dist
    return pd.Series(out, index=index, dtype="Float64")


def _count_within(cites: gpd.GeoDataFrame, points: list[gpd.GeoDataFrame | None], radius: float) -> np.ndarray:
    counts = np.zeros(len(cites), dtype=np.int64)
    for pts in points:
        pts = _in_crs(pts, cites.crs)
        if pts is None:
            continue
        tree = shapely.STRtree(pts.geometry.values)
        src, _ = tree.query(cites.geometry.values, predicate="dwithin", distance=radius)
        counts += np.bincount(src, minlength=len(cites))
    return counts


def urban_indicators(
    cites: gpd.GeoDataFrame,
    *,
    centralities: gpd.GeoDataFrame | None = None,
    transit_stops: gpd.GeoDataFrame | None = None,
    qpv: gpd.GeoDataFrame | None = None,
    radius: float = ENCLAVEMENT_RADIUS_M,
) -> pd.DataFrame:
    """Urban indicators of each cité.

    Parameters
    ----------
    cites
        Canonical cités (``cite_id``, ``logements``, polygons in a metric CRS).
    centralities
        Points with ``kind`` ∈ ``centralite``, ``grand_site``, ``gare``.
    transit_stops
        Tram / BHNS stops (points).
    qpv
        Quartiers prioritaires (polygons).
    radius
        Radius (m) of the enclavement count.

    Returns
    -------
    DataFrame
        Indexed by ``cite_id``, columns :data:`URBAN_COLUMNS`. Distances are from the
        cité's polygon (0 when the target lies inside). ``enclavement = 1 / (1 + n)`` where
        ``n`` is the number of transit stops and town centres or stations within
        ``radius`` of the cité: 1 for a cité with no link, towards 0 for a well-connected
        one. Missing layers give NA columns with a warning.
    """
    index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    out = pd.DataFrame(index=index)
    centres = majors = None
    if centralities is not None and len(centralities):
        kind = centralities["kind"].astype("string")
        centres = centralities[kind.isin(["centralite", "gare"]).fillna(False).to_numpy()]
        majors = centralities[(kind == "grand_site").fillna(False).to_numpy()]
    missing = [
        name
        for name, layer in (("centralities", centres), ("transit_stops", transit_stops), ("qpv", qpv))
        if layer is None or len(layer) == 0
    ]
    if missing:
        warnings.warn(msg("warn.urban_absent", layers=", ".join(missing)), stacklevel=2)
    out["dist_centrality_m"] = nearest_distance(cites, centres)
    out["dist_major_site_m"] = nearest_distance(cites, majors)
    out["dist_transit_m"] = nearest_distance(cites, transit_stops)
    out["qpv_share"] = area_share(cites, qpv) if qpv is not None and len(qpv) else pd.Series(pd.NA, index=index, dtype="Float64")
    if "logements" in cites:
        out["logements"] = pd.array(cites["logements"].to_numpy(), dtype="Int64")
    else:
        out["logements"] = pd.Series(pd.NA, index=index, dtype="Int64")
    if centres is None and (transit_stops is None or len(transit_stops) == 0):
        out["enclavement"] = pd.Series(pd.NA, index=index, dtype="Float64")
    else:
        n = _count_within(cites, [centres, transit_stops], radius)
        out["enclavement"] = pd.Series(1.0 / (1.0 + n), index=index, dtype="Float64")
        no_geom = shapely.is_missing(cites.geometry.values) | shapely.is_empty(cites.geometry.values)
        out.loc[no_geom, "enclavement"] = pd.NA
    return out
