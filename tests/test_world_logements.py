"""Logements of the world's cités: real cités anchored on the real Filosofi households."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cites_priority.constants import CRS_GRID, GRID_RES, WORLD_FILES
from cites_priority.world.cites import SYNTH_ID_START
from cites_priority.world.logements import FLOOR, anchored_logements, filosofi_households


def _cites(world: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(world / WORLD_FILES["cites"], layer="cites_minieres")


def test_households_match_a_plain_intersection(default_world: Path) -> None:
    """LOGTS_FILOSOFI = Σ men × (square ∩ polygon) / square, recomputed with shapely."""
    cites = _cites(default_world)
    cells = pd.read_csv(default_world / WORLD_FILES["cells"], usecols=["x_laea", "y_laea", "men"])
    real = cites[cites["LOGTS_FILOSOFI"].notna()].reset_index(drop=True)
    squares = shapely.box(cells["x_laea"], cells["y_laea"], cells["x_laea"] + GRID_RES, cells["y_laea"] + GRID_RES)
    polys = real.geometry.to_crs(CRS_GRID).values
    pi, si = shapely.STRtree(squares).query(polys, predicate="intersects")
    area = shapely.area(shapely.intersection(polys[pi], squares[si]))
    plain = np.bincount(pi, weights=cells["men"].to_numpy()[si] * area / GRID_RES**2, minlength=len(real))
    assert np.allclose(real["LOGTS_FILOSOFI"], plain, atol=0.051)
    assert np.allclose(filosofi_households(real.geometry, cells), plain, atol=1e-6)


def test_real_counts_are_households_times_one_factor(default_world: Path) -> None:
    cites = _cites(default_world)
    synthetic = cites["ID_LSM"].between(SYNTH_ID_START, 9999)
    assert cites.loc[synthetic, "LOGTS_FILOSOFI"].isna().all()
    real = cites[~synthetic]
    assert real["LOGTS_FILOSOFI"].notna().all() and len(real) == 297
    big = real[real["LOGTS_FILOSOFI"] > 100]
    factor = float((big["NB_LOGTS"] / big["LOGTS_FILOSOFI"]).median())
    want = np.maximum(np.rint(real["LOGTS_FILOSOFI"] * factor), FLOOR)
    # One global factor for every real cité (up to the rounding of the stored tenths).
    assert (np.abs(real["NB_LOGTS"] - want) <= 1 + 0.05 * factor).all()
    unesco = real["ID_UNESCO"].notna()
    assert abs(real.loc[unesco, "NB_LOGTS"].sum() - 27000) <= 50
    assert abs(cites["NB_LOGTS"].sum() - 70000) <= 50
    assert 1.0 < factor < 1.6  # occupied main dwellings → all dwellings (vacancy, polygons)


def test_anchoring_ignores_drawn_counts_of_real_cites() -> None:
    rng = np.random.default_rng(0)
    households = rng.uniform(0, 400, 50)
    real = np.arange(50) < 30
    unesco = np.arange(50) < 10
    a = anchored_logements(households, rng.uniform(10, 300, 50), real, unesco, unesco_total=3000, total=9000)
    b = anchored_logements(households, rng.uniform(10, 300, 50), real, unesco, unesco_total=3000, total=9000)
    assert np.array_equal(a.logements[real], b.logements[real])
    assert abs(int(a.logements[unesco].sum()) - 3000) <= 5
    assert abs(int(a.logements.sum()) - 9000) <= 5
    assert (a.logements >= FLOOR).all()
