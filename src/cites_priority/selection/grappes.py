"""Grappes: clusters of selected cités and the centralities they connect to.

Rule (documented in the report and the GeoPackage): two selected cités belong to the same
grappe when their polygons are at most ``link_m`` metres apart (single linkage: the
connected components of the "closer than ``link_m``" graph). Each grappe is drawn as the
convex hull of its cités buffered by 100 m, and lists the centralities and major sites
(``centralities`` points of kind ``centralite``, ``gare`` or ``grand_site``) lying within
``reach_m`` metres of any of its cités — the places a grouped rehabilitation would link to.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["build_grappes"]

GRAPPE_COLUMNS = [
    "grappe_id",
    "n_cites",
    "cite_ids",
    "names",
    "logements",
    "phase_1",
    "phase_2",
    "centralities",
    "score_mean",
    "geometry",
]


def build_grappes(
    shortlist: gpd.GeoDataFrame,
    centralities: gpd.GeoDataFrame | None,
    *,
    link_m: float = 2000.0,
    reach_m: float = 3000.0,
) -> gpd.GeoDataFrame:
    """Cluster the selected cités into grappes.

    Parameters
    ----------
    shortlist
        Selected cités (EPSG:2154) with ``cite_id``, ``name``, ``logements``, ``phase``,
        ``score``.
    centralities
        Points with ``name`` and ``kind``, or ``None``.
    link_m
        Maximum gap between two cités of one grappe, in metres.
    reach_m
        Distance within which a centrality is counted as connected to a grappe.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per grappe, numbered 1… by decreasing logements (ties: smallest cité id).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame({"cite_id": [1, 2, 3], "name": ["a", "b", "c"],
    ...     "logements": [100, 200, 50], "phase": [1, 2, 1], "score": [0.9, 0.8, 0.7]},
    ...     geometry=[box(0, 0, 100, 100), box(500, 0, 600, 100), box(9000, 0, 9100, 100)],
    ...     crs="EPSG:2154")
    >>> build_grappes(s, None)["n_cites"].tolist()
    [2, 1]
    """
    if shortlist.empty:
        return gpd.GeoDataFrame(columns=GRAPPE_COLUMNS, geometry="geometry", crs=shortlist.crs)
    geoms = shortlist.geometry.to_numpy()
    left, right = shortlist.sindex.query(geoms, predicate="dwithin", distance=link_m)
    n = len(shortlist)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    rows = []
    for label in np.unique(labels):
        part = shortlist.iloc[np.flatnonzero(labels == label)].sort_values("cite_id")
        hull = part.geometry.union_all().convex_hull.buffer(100.0)
        connected: list[str] = []
        if centralities is not None and not centralities.empty:
            near = centralities[centralities.distance(part.geometry.union_all()) <= reach_m]
            connected = sorted(near["name"].astype(str))
        phase = part["phase"].astype(int)
        rows.append(
            {
                "n_cites": len(part),
                "cite_ids": ";".join(str(i) for i in part["cite_id"]),
                "names": "; ".join(part["name"].astype(str)),
                "logements": int(part["logements"].sum()),
                "phase_1": int((phase == 1).sum()),
                "phase_2": int((phase == 2).sum()),
                "centralities": "; ".join(connected),
                "score_mean": float(part["score"].mean()),
                "first_id": int(part["cite_id"].iloc[0]),
                "geometry": hull,
            }
        )
    out = pd.DataFrame(rows).sort_values(["logements", "first_id"], ascending=[False, True])
    out = out.drop(columns="first_id").reset_index(drop=True)
    out.insert(0, "grappe_id", np.arange(1, len(out) + 1))
    return gpd.GeoDataFrame(out, geometry="geometry", crs=shortlist.crs)
