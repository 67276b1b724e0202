"""Exact, fast areal interpolation from the INSEE 200 m lattice to polygons.

The engine computes, for every lattice square that a polygon touches, the exact area
(float64) of square ∩ polygon, without intersecting any geometry. It exploits the lattice:

1. every polygon edge is split where it crosses a lattice line, so that each piece lies in
   one square (the square holding the piece's midpoint);
2. by Green's theorem, with ``F(x) = clamp(x, x0, x1) - x0`` for a square
   ``[x0, x1] × [y0, y1]``, ``area(P ∩ square) = ∮_∂P F(x) 1[y0 ≤ y ≤ y1] dy``. A piece
   inside square ``(row, col)`` adds ``dy · (x_mid - x0)`` to that square and ``dy · res``
   to every square of the same row to its left. Summing the "full" contributions from the
   right with a cumulative sum gives every square its exact coverage;
3. squares of a row lying between two boundary squares are not crossed by the boundary:
   they are fully inside (running sum ``= res²``) or fully outside (``0``) — no
   point-in-polygon test needed, the winding number comes out of the same sum.

This is the exact raster-coverage algorithm of exactextract, vectorised in numpy over all
polygons at once. Cost is linear in the number of boundary pieces plus interior squares,
independent of the size of the lattice table, which is looked up through a dense index over
the polygons' extent (or a sorted integer key when that extent is sparse).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cites_priority._errors import InputDataError, Problem
from cites_priority.constants import CRS_GRID, GRID_RES
from cites_priority.types import Interpolation

__all__ = ["area_weights", "cell_keys", "interpolate", "polygon_cells", "to_grid_crs"]

logger = logging.getLogger(__name__)

_KEY_SHIFT = np.int64(1 << 31)


def _as_geometry_array(polygons: object) -> np.ndarray:
    if isinstance(polygons, gpd.GeoDataFrame):
        polygons = polygons.geometry
    if isinstance(polygons, gpd.GeoSeries):
        return np.asarray(polygons.values, dtype=object)
    return np.asarray(polygons, dtype=object)


def cell_keys(col: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Return one int64 key per lattice square from its column and row numbers."""
    return np.asarray(col, dtype=np.int64) * _KEY_SHIFT + np.asarray(row, dtype=np.int64)


def _edges(
    geoms: np.ndarray, origin: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the directed edges (exterior CCW, holes CW) of every polygon, shifted."""
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    parts, part_poly = shapely.get_parts(geoms, return_index=True)
    while True:  # collections may nest multipolygons: flatten to single parts
        nested = np.isin(shapely.get_type_id(parts), (4, 5, 6, 7))
        if not nested.any():
            break
        sub, sub_idx = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        part_poly = np.concatenate([part_poly[~nested], part_poly[nested][sub_idx]])
    keep = shapely.get_type_id(parts) == 3  # polygons only (drop points/lines of collections)
    parts, part_poly = parts[keep], part_poly[keep]
    # Parts without holes are their own ring (fast path); only holed parts need get_rings.
    holed = shapely.get_num_interior_rings(parts) > 0
    if holed.any():
        rings, ring_part = shapely.get_rings(parts[holed], return_index=True)
        ring_part = np.flatnonzero(holed)[ring_part]
        simple = np.flatnonzero(~holed)
        rings = np.concatenate([parts[simple], rings])
        ring_part = np.concatenate([simple, ring_part])
    else:
        rings, ring_part = parts, np.arange(len(parts))
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    if len(coords) < 2:
        empty = np.empty(0)
        return empty, empty, empty, empty, np.empty(0, dtype=np.int64)
    same = ring_idx[1:] == ring_idx[:-1]
    start = coords[:-1][same]
    end = coords[1:][same]
    poly = part_poly[ring_part[ring_idx[:-1][same]]]
    ox, oy = origin
    return (
        start[:, 0] - ox,
        start[:, 1] - oy,
        end[:, 0] - ox,
        end[:, 1] - oy,
        poly.astype(np.int64),
    )


def _crossings(a: np.ndarray, b: np.ndarray, res: float) -> tuple[np.ndarray, np.ndarray]:
    """Lattice lines strictly between ``a`` and ``b``: count per edge and their values."""
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    k_lo = np.floor(lo / res) + 1
    k_hi = np.ceil(hi / res) - 1
    n = np.maximum(k_hi - k_lo + 1, 0).astype(np.int64)
    edge = np.repeat(np.arange(len(a)), n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    lines = (k_lo[edge] + offset) * res
    return edge, lines


def _sort_pieces(poly: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Order by polygon, row, then column descending (one int64 key when it fits)."""
    if len(poly) == 0:
        return np.empty(0, dtype=np.int64)
    r0, c1 = row.min(), col.max()
    n_r = int(row.max() - r0 + 1)
    n_c = int(c1 - col.min() + 1)
    if (int(poly.max()) + 1) * n_r * n_c < 2**62:
        key = (poly * n_r + (row - r0)) * n_c + (c1 - col)
        return np.argsort(key, kind="stable")
    return np.lexsort((-col, row, poly))


def _pieces(
    x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray, poly: np.ndarray, res: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut edges at lattice lines; return, per piece, its square and its two contributions.

    Returns ``poly, row, col, partial, full``: ``partial = dy · (x_mid − x_square)`` goes to
    the piece's square, ``full = dy · res`` to every square of the row on its left.
    """
    n_edges = len(x0)
    # 1. Split edges at lattice lines. Each edge e owns a block of 2 + m_e points
    #    (start, its m_e crossings sorted along the edge, end); no global sort needed.
    ex, lx = _crossings(x0, x1, res)
    ey, ly = _crossings(y0, y1, res)
    dx = x1 - x0
    dy = y1 - y0
    tx = (lx - x0[ex]) / dx[ex]
    ty = (ly - y0[ey]) / dy[ey]
    c_edge = np.concatenate([ex, ey])
    c_t = np.concatenate([tx, ty])
    c_x = np.concatenate([lx, x0[ey] + ty * dx[ey]])
    c_y = np.concatenate([y0[ex] + tx * dy[ex], ly])
    m = np.bincount(c_edge, minlength=n_edges)
    block = 2 * np.arange(n_edges) + np.cumsum(m) - m
    n_pts = 2 * n_edges + len(c_edge)
    pt_x = np.empty(n_pts)
    pt_y = np.empty(n_pts)
    pt_x[block], pt_y[block] = x0, y0
    pt_x[block + 1 + m], pt_y[block + 1 + m] = x1, y1
    if len(c_edge):
        order = np.argsort(c_t, kind="stable")
        order = order[np.argsort(c_edge[order], kind="stable")]
        s_edge = c_edge[order]
        first = np.cumsum(m) - m  # index of each edge's first crossing in sorted order
        rank = np.arange(len(order)) - first[s_edge]
        pos = block[s_edge] + 1 + rank
        pt_x[pos], pt_y[pos] = c_x[order], c_y[order]
    is_last = np.zeros(n_pts, dtype=bool)
    is_last[block + 1 + m] = True
    piece_start = np.flatnonzero(~is_last)
    ax, ay = pt_x[piece_start], pt_y[piece_start]
    bx, by = pt_x[piece_start + 1], pt_y[piece_start + 1]
    p_poly = np.repeat(poly, m + 1)
    del pt_x, pt_y, is_last, piece_start
    # Horizontal pieces (dy = 0) add nothing but still mark their square as crossed.
    p_dy = by - ay

    # 2. Each piece lies in the square holding its midpoint.
    xm = 0.5 * (ax + bx)
    ym = 0.5 * (ay + by)
    p_col = np.floor(xm / res).astype(np.int64)
    p_row = np.floor(ym / res).astype(np.int64)
    partial = p_dy * (xm - p_col * res)
    full = p_dy * res

    return p_poly, p_row, p_col, partial, full


def polygon_cells(
    polygons: object,
    *,
    res: float = GRID_RES,
    origin: tuple[float, float] = (0.0, 0.0),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact coverage of every lattice square touched by each polygon.

    Parameters
    ----------
    polygons
        Polygons or multipolygons (GeoSeries, GeoDataFrame or array), in the CRS of the
        lattice (EPSG:3035 for INSEE cells), assumed valid.
    res
        Side of a square.
    origin
        A corner of the lattice; squares are ``[origin + k·res, origin + (k+1)·res]``.

    Returns
    -------
    col, row, poly, area
        Column and row numbers of the square (relative to ``origin``), position of the
        polygon, exact area of square ∩ polygon (m², float64, > 0).
    """
    geoms = _as_geometry_array(polygons)
    res = float(res)
    x0, y0, x1, y1, poly = _edges(geoms, origin)
    n_edges = len(x0)
    if n_edges == 0:
        z = np.empty(0, dtype=np.int64)
        return z, z, z, np.empty(0)

    p_poly, p_row, p_col, partial, full = _pieces(x0, y0, x1, y1, poly, res)
    del x0, y0, x1, y1, poly

    # Aggregate pieces per (poly, row, col), ordered by column descending in each row.
    order = _sort_pieces(p_poly, p_row, p_col)
    p_poly, p_row, p_col = p_poly[order], p_row[order], p_col[order]
    partial, full = partial[order], full[order]
    new = np.ones(len(p_poly), dtype=bool)
    new[1:] = (p_poly[1:] != p_poly[:-1]) | (p_row[1:] != p_row[:-1]) | (p_col[1:] != p_col[:-1])
    starts = np.flatnonzero(new)
    c_poly, c_row, c_col = p_poly[starts], p_row[starts], p_col[starts]
    c_partial = np.add.reduceat(partial, starts)
    c_full = np.add.reduceat(full, starts)
    del p_poly, p_row, p_col, partial, full, order, new, starts

    # 3. Running sum of "full" from the right, restarted at each (poly, row).
    grp_new = np.ones(len(c_poly), dtype=bool)
    grp_new[1:] = (c_poly[1:] != c_poly[:-1]) | (c_row[1:] != c_row[:-1])
    csum = np.cumsum(c_full)
    grp_id = np.cumsum(grp_new) - 1
    grp_start = np.flatnonzero(grp_new)
    base = (csum - c_full)[grp_start]  # cumsum before the group's first square
    incl = csum - base[grp_id]  # Σ full over squares with col ≥ this one
    b_area = c_partial + incl - c_full  # partial + Σ full over col > this one

    # Interior squares: between two consecutive boundary squares of a row.
    nxt_same = np.zeros(len(c_poly), dtype=bool)
    nxt_same[:-1] = ~grp_new[1:]
    gap = np.zeros(len(c_poly), dtype=np.int64)
    gap[:-1] = c_col[:-1] - c_col[1:] - 1
    winding = np.rint(incl / (res * res)).astype(np.int64)
    fill = nxt_same & (gap > 0) & (winding > 0)
    n_fill = gap[fill]
    src = np.repeat(np.flatnonzero(fill), n_fill)
    step = np.arange(n_fill.sum()) - np.repeat(np.cumsum(n_fill) - n_fill, n_fill)
    i_col = c_col[src] - 1 - step
    i_row = c_row[src]
    i_poly = c_poly[src]
    i_area = winding[src] * (res * res)

    keep = b_area > 0.0
    col = np.concatenate([c_col[keep], i_col])
    row = np.concatenate([c_row[keep], i_row])
    polyi = np.concatenate([c_poly[keep], i_poly])
    area = np.concatenate([np.minimum(b_area[keep], res * res), i_area.astype(float)])
    return col, row, polyi, area


def _lattice_index(
    x_sw: np.ndarray, y_sw: np.ndarray, res: float
) -> tuple[tuple[float, float], np.ndarray, np.ndarray]:
    """Lattice origin and column/row numbers of each square; raise if off the lattice."""
    if len(x_sw) == 0:
        z = np.empty(0, dtype=np.int64)
        return (0.0, 0.0), z, z
    # The table's own south-west corner: a lattice corner near the data, so that the
    # engine works in small local coordinates (the shift is exact) and keeps ~1e-13.
    ox = float(x_sw.min())
    oy = float(y_sw.min())
    t_col = np.rint((x_sw - ox) / res).astype(np.int64)
    t_row = np.rint((y_sw - oy) / res).astype(np.int64)
    tol = 1e-6 * res
    bad = np.zeros(len(x_sw), dtype=bool)
    for idx, o, v in ((t_col, ox, x_sw), (t_row, oy, y_sw)):  # in place: one temporary
        d = idx * float(res)
        d += o
        d -= v
        np.abs(d, out=d)
        bad |= d > tol
    del d
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise InputDataError(
            "<cells>",
            [
                Problem(
                    f"{int(bad.sum())} coins de carreaux hors de la grille de {res:g} m",
                    field="x_laea/y_laea",
                    rows=rows,
                    fix="donner les coins sud-ouest des carreaux, en EPSG:3035",
                )
            ],
        )
    return (ox, oy), t_col, t_row


def area_weights(
    x_sw: Sequence[float] | np.ndarray,
    y_sw: Sequence[float] | np.ndarray,
    polygons: object,
    *,
    res: float = GRID_RES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact area of each lattice square ∩ polygon, for the squares present in a table.

    Parameters
    ----------
    x_sw, y_sw
        South-west corners of the squares of the table (EPSG:3035 for Filosofi), one per
        row; squares absent from the table (empty cells) get no weight.
    polygons
        Polygons in the same CRS (GeoSeries, GeoDataFrame or array of geometries).
    res
        Side of a square, in CRS units.

    Returns
    -------
    cell_index, polygon_index, area
        Positions in the table and in ``polygons``, and the exact area (float64) of each
        non-empty intersection. Sorted by polygon.

    Examples
    --------
    >>> import shapely
    >>> cell, poly, area = area_weights([0, 200], [0, 0], [shapely.box(100, 0, 300, 100)])
    >>> area.tolist()
    [10000.0, 10000.0]
    """
    x_sw = np.asarray(x_sw, dtype=float)
    y_sw = np.asarray(y_sw, dtype=float)
    res = float(res)
    origin, t_col, t_row = _lattice_index(x_sw, y_sw, res)
    col, row, poly, area = polygon_cells(polygons, res=res, origin=origin)
    if len(col) == 0 or len(t_col) == 0:
        z = np.empty(0, dtype=np.int64)
        return z, z, np.empty(0)
    # Only table rows inside the polygons' lattice extent are sorted and searched.
    near = np.flatnonzero(
        (t_col >= col.min()) & (t_col <= col.max()) & (t_row >= row.min()) & (t_row <= row.max())
    )
    c0, r0 = col.min(), row.min()
    n_c, n_r = int(col.max() - c0 + 1), int(row.max() - r0 + 1)
    if n_c * n_r <= max(4 * len(near), 1 << 20):
        # dense lookup over the polygons' extent: no sort at all
        lut = np.full(n_r * n_c, -1, dtype=np.int64)
        lut[(t_row[near] - r0) * n_c + (t_col[near] - c0)] = near
        hit = lut[(row - r0) * n_c + (col - c0)]
        found = hit >= 0
        cell = hit[found]
    else:
        near_keys = cell_keys(t_col[near], t_row[near])
        sorter = np.argsort(near_keys, kind="stable")
        sorted_keys = near_keys[sorter]
        query = cell_keys(col, row)
        pos = np.minimum(np.searchsorted(sorted_keys, query), max(len(sorted_keys) - 1, 0))
        found = sorted_keys[pos] == query if len(sorted_keys) else np.zeros(len(query), dtype=bool)
        cell = near[sorter[pos[found]]]
    poly, area = poly[found], area[found]
    order = np.argsort(poly.astype(np.int64) * np.int64(len(x_sw)) + cell, kind="stable")
    return cell[order].astype(np.int64), poly[order].astype(np.int64), area[order]


def _point_weights(
    cell: np.ndarray,
    poly: np.ndarray,
    area: np.ndarray,
    x_sw: np.ndarray,
    y_sw: np.ndarray,
    polygons: np.ndarray,
    points: np.ndarray,
    res: float,
) -> np.ndarray:
    """Dasymetric weights: share of a square's points inside the polygon, × res².

    Squares holding no point keep their area weight.
    """
    origin, t_col, t_row = _lattice_index(x_sw, y_sw, res)
    px, py = shapely.get_x(points), shapely.get_y(points)
    pkey = cell_keys(np.floor((px - origin[0]) / res), np.floor((py - origin[1]) / res))
    ckey = cell_keys(t_col, t_row)
    uniq, per_cell = np.unique(pkey, return_counts=True)
    wkey = ckey[cell]
    pos = np.clip(np.searchsorted(uniq, wkey), 0, max(len(uniq) - 1, 0))
    n_in_cell = np.where((len(uniq) > 0) & (uniq[pos] == wkey), per_cell[pos], 0) if len(uniq) else (
        np.zeros(len(cell), dtype=np.int64)
    )
    # points inside each polygon, by square
    tree = shapely.STRtree(points)
    pi, gi = tree.query(polygons, predicate="intersects")
    pair_key = pkey[gi]
    inside = pd.Series(1, index=pd.MultiIndex.from_arrays([pi, pair_key])).groupby(level=[0, 1]).sum()
    idx = pd.MultiIndex.from_arrays([poly, wkey])
    n_inside = inside.reindex(idx, fill_value=0).to_numpy()
    share = np.divide(n_inside, n_in_cell, out=np.zeros(len(cell)), where=n_in_cell > 0)
    return np.where(n_in_cell > 0, share * res * res, area)


def _sum_by_key(keys: list[np.ndarray], values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.MultiIndex.from_arrays(keys)).groupby(level=list(range(len(keys)))).sum()


def _built_weights(
    cell: np.ndarray,
    poly: np.ndarray,
    area: np.ndarray,
    x_sw: np.ndarray,
    y_sw: np.ndarray,
    polygons: np.ndarray,
    built: np.ndarray,
    res: float,
) -> np.ndarray:
    """Dasymetric weights on built-up polygons: res² × area(built ∩ polygon ∩ square) /
    area(built ∩ square), both computed exactly by the lattice engine.

    Squares holding no built-up area keep their area weight.
    """
    origin, t_col, t_row = _lattice_index(x_sw, y_sw, res)
    parts = shapely.get_parts(shapely.union_all(shapely.make_valid(built)))
    parts = parts[shapely.get_type_id(parts) == 3]
    wkey = cell_keys(t_col[cell], t_row[cell])
    if len(parts) == 0:
        return area
    bc, br, _, ba = polygon_cells(parts, res=res, origin=origin)
    built_sq = _sum_by_key([cell_keys(bc, br)], ba)
    ci, bi = shapely.STRtree(parts).query(polygons, predicate="intersects")
    inter = shapely.intersection(polygons[ci], parts[bi])
    ic, ir, ip, ia = polygon_cells(inter, res=res, origin=origin)
    built_in = _sum_by_key([ci[ip], cell_keys(ic, ir)], ia)
    b_sq = built_sq.reindex(wkey, fill_value=0.0).to_numpy()
    b_in = built_in.reindex(pd.MultiIndex.from_arrays([poly, wkey]), fill_value=0.0).to_numpy()
    share = np.divide(b_in, b_sq, out=np.zeros(len(cell)), where=b_sq > 0)
    return np.where(b_sq > 0, np.clip(share, 0.0, 1.0) * res * res, area)


def to_grid_crs(
    layer: gpd.GeoDataFrame | gpd.GeoSeries | np.ndarray,
) -> gpd.GeoSeries | np.ndarray:
    """Geometries of a GeoDataFrame / GeoSeries reprojected to the grid CRS (EPSG:3035).

    The one conversion of the engine's layers to INSEE's lattice CRS.

    Parameters
    ----------
    layer
        A GeoDataFrame, a GeoSeries, or plain geometries (assumed in EPSG:3035, as is a
        GeoSeries without CRS).

    Returns
    -------
    geopandas.GeoSeries or array
        The geometries in EPSG:3035 (a GeoSeries when given a frame or a series).
    """
    geo = layer.geometry if isinstance(layer, gpd.GeoDataFrame) else layer
    if isinstance(geo, gpd.GeoSeries) and geo.crs is not None:
        geo = geo.to_crs(CRS_GRID)
    return geo


def _in_grid_crs(layer: gpd.GeoDataFrame | gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Geometries of a GeoDataFrame / GeoSeries (reprojected to EPSG:3035 when they have a
    CRS) or of a plain geometry array (assumed in EPSG:3035)."""
    return _as_geometry_array(to_grid_crs(layer))


def interpolate(
    cells: pd.DataFrame,
    polygons: gpd.GeoDataFrame | gpd.GeoSeries,
    columns: Sequence[str],
    *,
    how: Interpolation = "area",
    weights: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    points: gpd.GeoSeries | gpd.GeoDataFrame | None = None,
    built: gpd.GeoSeries | gpd.GeoDataFrame | None = None,
    res: float = GRID_RES,
) -> pd.DataFrame:
    """Interpolate extensive cell counts onto polygons: Σ value × (area ∩ / cell area).

    Parameters
    ----------
    cells
        Lattice table with ``x_laea``, ``y_laea`` (south-west corners, EPSG:3035) and the
        count ``columns``.
    polygons
        Target polygons, any CRS (reprojected to EPSG:3035, where the lattice is
        axis-aligned).
    columns
        Extensive count columns to interpolate; missing values count as 0.
    how
        ``"area"``: a square's count is spread uniformly over its area. ``"population"``
        (dasymetric): spread over the dwelling ``points`` it holds — a polygon receives the
        share of the square's points that it contains; squares without any point fall back
        to ``"area"``. ``"built"`` (dasymetric): spread over the ``built`` footprint — a
        polygon receives area(built ∩ polygon ∩ square) / area(built ∩ square); squares
        without built-up area fall back to ``"area"``.
    weights
        Precomputed ``area_weights`` output (reused across calls; ``how="area"`` only).
    points
        Dwelling points (any CRS) for ``how="population"``.
    built
        Built-up polygons (any CRS; overlaps are merged) for ``how="built"``.
    res
        Side of a square.

    Returns
    -------
    DataFrame
        Indexed like ``polygons``, one column per count, plus nothing else. Polygons that
        touch no cell of the table get 0 in every column; use :func:`area_weights` to tell
        them apart.
    """
    if how not in {"area", "population", "built"}:
        raise ValueError(f"how must be 'area', 'population' or 'built', not {how!r}")
    missing = [c for c in ("x_laea", "y_laea", *columns) if c not in cells.columns]
    if missing:
        raise InputDataError(
            "<cells>",
            [Problem("champs absents", field=", ".join(missing),
                     fix="lire les carreaux avec sources.load_filosofi")],
        )
    geoms = _in_grid_crs(polygons)
    x_sw = cells["x_laea"].to_numpy(dtype=float)
    y_sw = cells["y_laea"].to_numpy(dtype=float)
    if weights is None:
        weights = area_weights(x_sw, y_sw, geoms, res=res)
    cell, poly, area = weights
    if how == "population":
        if points is None:
            raise ValueError("how='population' needs dwelling points")
        area = _point_weights(cell, poly, area, x_sw, y_sw, geoms, _in_grid_crs(points), res)
    elif how == "built":
        if built is None:
            raise ValueError("how='built' needs built-up polygons")
        area = _built_weights(cell, poly, area, x_sw, y_sw, geoms, _in_grid_crs(built), res)
    frac = area / (res * res)
    out = np.zeros((len(geoms), len(columns)))
    for j, name in enumerate(columns):  # one column at a time, only the rows used
        values = np.nan_to_num(cells[name].to_numpy(dtype=float, na_value=np.nan)[cell], nan=0.0)
        out[:, j] = np.bincount(poly, weights=values * frac, minlength=len(geoms))
    return pd.DataFrame(out, index=polygons.index, columns=list(columns))
