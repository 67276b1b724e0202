"""The Filosofi 2019 grid: real cells copied verbatim, the missing age bands synthesised.

The 15 real income/household columns of each of the 19 552 cells and their 6 real
dwelling columns (``log_soc``, ``log_av45 … log_inc``, SOURCES.md §3.3) are written back
as the very same text. Appended (see provenance): age bands ``ind_0_3 … ind_80p, ind_inc``
(synthetic) and ``lcog_geo`` (derived). Age bands sum exactly to ``ind`` (in tenths, by
largest remainder); cells covered by cités get older residents; imputed cells
(``i_est_200 = 1``) take the per-capita shares of their non-imputed neighbours.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from ..constants import GRID_RES
from ..sources.filosofi import cell_squares as squares_of

__all__ = ["AGE_COLS", "LOG_COLS", "REAL_LOG_COLS", "SYNTH_COLS", "cell_squares", "cite_cover", "synthesize_cells"]

LOG_COLS = ["log_av45", "log_45_70", "log_70_90", "log_ap90", "log_inc"]
AGE_COLS = [
    "ind_0_3", "ind_4_5", "ind_6_10", "ind_11_17", "ind_18_24", "ind_25_39",
    "ind_40_54", "ind_55_64", "ind_65_79", "ind_80p", "ind_inc",
]
#: Real dwelling columns (Filosofi 2019, SOURCES.md §3.3), in the order the grid writes them.
REAL_LOG_COLS = ["log_soc", *LOG_COLS]
#: Columns the world adds after the real ones: synthetic age bands, derived commune codes.
SYNTH_COLS = [*AGE_COLS, "lcog_geo"]

_AGE_BASE = np.array([0.045, 0.025, 0.065, 0.09, 0.08, 0.18, 0.19, 0.13, 0.14, 0.055, 0.0])


def cell_squares(cells: pd.DataFrame) -> gpd.GeoSeries:
    """The 200 m squares of the cells, in EPSG:2154."""
    return squares_of(cells["x_laea"].to_numpy(float), cells["y_laea"].to_numpy(float),
                      res=GRID_RES)


def cite_cover(squares: gpd.GeoSeries, cites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per cell: share of its area covered by cités and the dominant cité's row position."""
    tree = shapely.STRtree(cites.geometry.values)
    ci, pi = tree.query(squares.values, predicate="intersects")
    area = shapely.area(shapely.intersection(squares.values[ci], cites.geometry.values[pi]))
    df = pd.DataFrame({"cell": ci, "cite": pi, "a": area})
    cover = np.zeros(len(squares))
    dom = np.full(len(squares), -1)
    if len(df):
        tot = df.groupby("cell")["a"].sum()
        cover[tot.index.to_numpy()] = np.clip(tot.to_numpy() / (GRID_RES * GRID_RES), 0, 1)
        best = df.sort_values(["cell", "a", "cite"]).groupby("cell").tail(1)
        dom[best["cell"].to_numpy()] = best["cite"].to_numpy()
    return pd.DataFrame({"cover": cover, "dominant": dom})


def _allocate_tenths(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Split each ``total`` (tenths, int) across columns by largest remainder."""
    shares = shares / shares.sum(axis=1, keepdims=True)
    raw = shares * total[:, None]
    base = np.floor(raw).astype(np.int64)
    rest = total - base.sum(axis=1)
    frac = raw - base
    order = np.argsort(-frac, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(len(total))[:, None]
    ranks[rows, order] = np.arange(shares.shape[1])[None, :]
    base += (ranks < rest[:, None]).astype(np.int64)
    return base


def _neighbour_mean(ix: np.ndarray, iy: np.ndarray, values: np.ndarray, valid: np.ndarray, *, radius: int = 3) -> np.ndarray:
    """Mean of ``values`` (n, k) over valid cells within ``radius`` cells (Chebyshev)."""
    ix = ix - ix.min()
    iy = iy - iy.min()
    shape = (iy.max() + 1, ix.max() + 1)
    size = 2 * radius + 1
    cnt = np.zeros(shape)
    cnt[iy[valid], ix[valid]] = 1.0
    cnt_s = ndimage.uniform_filter(cnt, size=size, mode="constant")
    out = np.empty_like(values)
    glob = values[valid].mean(axis=0)
    for k in range(values.shape[1]):
        grid = np.zeros(shape)
        grid[iy[valid], ix[valid]] = values[valid, k]
        s = ndimage.uniform_filter(grid, size=size, mode="constant")
        with np.errstate(invalid="ignore", divide="ignore"):
            m = s[iy, ix] / cnt_s[iy, ix]
        out[:, k] = np.where(cnt_s[iy, ix] > 1e-9, m, glob[k])
    return out


def _fmt(tenths: np.ndarray) -> np.ndarray:
    return np.char.mod("%.1f", tenths / 10.0)


def synthesize_cells(
    cells: pd.DataFrame,
    squares: gpd.GeoSeries,
    cover: pd.DataFrame,
    cite_types: np.ndarray,
    admin_communes: gpd.GeoDataFrame,
    *,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Synthesize :data:`SYNTH_COLS` for every cell (values as text, one decimal).

    Parameters
    ----------
    cells
        The real cells (numeric frame, file order).
    squares
        Their squares in EPSG:2154 (:func:`cell_squares`).
    cover
        :func:`cite_cover` of the cells.
    cite_types
        ``TYPE`` of each cité (unused since the dwelling fields are real; kept for callers).
    admin_communes
        Commune polygons with ``code`` (for ``lcog_geo``).
    rng
        The random generator.
    """
    n = len(cells)
    c = cover["cover"].to_numpy()
    imputed = cells["i_est_200"].to_numpy() == 1
    ix = (cells["x_laea"].to_numpy() // GRID_RES).astype(int)
    iy = (cells["y_laea"].to_numpy() // GRID_RES).astype(int)
    # Age shares: older where cités are (ayants droit of the mines).
    age = np.tile(_AGE_BASE, (n, 1))
    age[:, 8] *= 1 + 0.6 * c
    age[:, 9] *= 1 + 1.8 * c
    age[:, :10] = rng.gamma(age[:, :10] * 300.0) + 1e-9
    age = age / age.sum(axis=1, keepdims=True)
    # Imputed cells share their non-imputed neighbours' per-capita values.
    nb = _neighbour_mean(ix, iy, age, ~imputed)
    age[imputed] = nb[imputed]
    ind_t = np.rint(cells["ind"].to_numpy() * 10).astype(np.int64)
    age_t = _allocate_tenths(ind_t, age)
    out = {col: _fmt(age_t[:, k]) for k, col in enumerate(AGE_COLS)}
    out["lcog_geo"] = _lcog(squares, admin_communes)
    return pd.DataFrame(out)


def _lcog(squares: gpd.GeoSeries, communes: gpd.GeoDataFrame) -> np.ndarray:
    """INSEE-style ``lcog_geo``: codes of the communes a cell overlaps, largest first."""
    tree = shapely.STRtree(communes.geometry.values)
    ci, pi = tree.query(squares.values, predicate="intersects")
    area = shapely.area(shapely.intersection(squares.values[ci], communes.geometry.values[pi]))
    codes = communes["code"].astype(str).to_numpy()
    df = pd.DataFrame({"cell": ci, "code": codes[pi], "a": area})
    df = df[df["a"] > 1.0].sort_values(["cell", "a", "code"], ascending=[True, False, True])
    joined = df.groupby("cell")["code"].agg("".join)
    out = np.empty(len(squares), dtype=object)
    out[joined.index.to_numpy()] = joined.to_numpy()
    miss = np.array([v is None for v in out])
    if miss.any():
        near = tree.nearest(shapely.centroid(squares.values[miss]))
        out[miss] = codes[near]
    return out.astype(str)
