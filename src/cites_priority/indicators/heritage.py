"""Heritage indicators: MBM interest class, UNESCO listing, share in the Bien and buffer."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cites_priority.constants import HERITAGE_RANK
from cites_priority.registry import INDICATOR_COLUMNS

__all__ = ["HERITAGE_COLUMNS", "area_share", "heritage_indicators"]

logger = logging.getLogger(__name__)

#: Output columns, in order.
HERITAGE_COLUMNS = INDICATOR_COLUMNS["heritage"]


def area_share(cites: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None) -> pd.Series:
    """Share of each cité's area inside the union of ``zones`` (0 … 1).

    Parameters
    ----------
    cites
        Canonical cités (``cite_id``, polygons).
    zones
        Polygons (any CRS, reprojected to the cités'); ``None`` or empty gives NA.

    Returns
    -------
    Series
        Float64 indexed by ``cite_id``; NA for cités of zero area.
    """
    index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    if zones is None or len(zones) == 0:
        return pd.Series(pd.NA, index=index, dtype="Float64")
    zones = zones.to_crs(cites.crs) if zones.crs != cites.crs else zones
    union = shapely.union_all(shapely.make_valid(zones.geometry.values))
    geoms = cites.geometry.values
    shapely.prepare(union)
    area = shapely.area(geoms)
    inter = np.zeros(len(geoms))
    hit = shapely.intersects(geoms, union)
    inter[hit] = shapely.area(shapely.intersection(geoms[hit], union))
    share = np.divide(inter, area, out=np.full(len(geoms), np.nan), where=area > 0)
    return pd.Series(np.clip(share, 0.0, 1.0), index=index, dtype="Float64")


def heritage_indicators(
    cites: gpd.GeoDataFrame,
    bien: gpd.GeoDataFrame | None = None,
    buffer: gpd.GeoDataFrame | None = None,
    *,
    share_dpe_efg: pd.Series | None = None,
) -> pd.DataFrame:
    """Heritage indicators of each cité.

    Parameters
    ----------
    cites
        Canonical cités (``cite_id``, ``heritage_interest``, ``unesco``, polygons).
    bien, buffer
        UNESCO Bien inscrit and its buffer zone (polygons).
    share_dpe_efg
        Building indicator indexed by ``cite_id``, for the crossing
        ``poor_state_x_heritage = share_dpe_efg × heritage_rank / 3`` (0 … 1: high when a
        cité is both in poor thermal state and of high heritage value). NA without it.

    Returns
    -------
    DataFrame
        Indexed by ``cite_id``, columns :data:`HERITAGE_COLUMNS`.
    """
    index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    out = pd.DataFrame(index=index)
    interest = cites["heritage_interest"] if "heritage_interest" in cites else pd.Series(pd.NA, index=cites.index)
    out["heritage_rank"] = (
        pd.Series(interest.to_numpy(), index=index).map(HERITAGE_RANK).fillna(0).astype("Int64")
    )
    unesco = cites["unesco"] if "unesco" in cites else pd.Series(False, index=cites.index)
    out["unesco"] = pd.array(unesco.to_numpy(), dtype="boolean").fillna(False).astype("Int64")
    out["share_in_bien"] = area_share(cites, bien)
    out["share_in_buffer"] = area_share(cites, buffer)
    if share_dpe_efg is None:
        out["poor_state_x_heritage"] = pd.Series(pd.NA, index=index, dtype="Float64")
    else:
        poor = pd.Series(share_dpe_efg, dtype="Float64").reindex(index)
        out["poor_state_x_heritage"] = poor * out["heritage_rank"].astype("Float64") / 3.0
    return out
