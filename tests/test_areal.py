"""Tests of the exact 200 m grid engine (cites_priority.indicators.areal)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from cites_priority._errors import InputDataError
from cites_priority.indicators.areal import area_weights, interpolate, polygon_cells

X0, Y0 = 3_842_000.0, 3_036_000.0  # a lattice corner near Lens, EPSG:3035


def _blob(rng: np.random.Generator, cx: float, cy: float, r: float, n: int = 25):
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * rng.uniform(0.4, 1.0, n)
    return shapely.make_valid(shapely.Polygon(np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)]))


def _reference(col, row, poly, polys, res=200.0, origin=(0.0, 0.0)):
    boxes = shapely.box(
        origin[0] + col * res, origin[1] + row * res, origin[0] + (col + 1) * res, origin[1] + (row + 1) * res
    )
    return shapely.area(shapely.intersection(boxes, np.asarray(polys, dtype=object)[poly]))


def _full_lattice(polys, res=200.0):
    xmin, ymin, xmax, ymax = shapely.total_bounds(polys)
    xs = np.arange(np.floor(xmin / res) - 1, np.ceil(xmax / res) + 1) * res
    ys = np.arange(np.floor(ymin / res) - 1, np.ceil(ymax / res) + 1) * res
    gx, gy = np.meshgrid(xs, ys)
    return gx.ravel(), gy.ravel()


def test_square_on_four_cells_gets_a_quarter_of_each():
    x = np.array([0, 200, 0, 200, 400]) + X0
    y = np.array([0, 0, 200, 200, 0]) + Y0
    poly = shapely.box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 300)
    cell, pidx, area = area_weights(x, y, [poly])
    assert sorted(cell.tolist()) == [0, 1, 2, 3]
    np.testing.assert_allclose(area, 10_000.0, rtol=0, atol=1e-9)
    assert (pidx == 0).all()


def test_random_polygons_match_shapely_intersections():
    rng = np.random.default_rng(42)
    polys = [_blob(rng, X0 + rng.uniform(0, 8000), Y0 + rng.uniform(0, 8000), rng.uniform(40, 900)) for _ in range(150)]
    # a polygon with a hole, a multipolygon, edges on lattice lines, a sliver
    polys.append(shapely.box(X0, Y0, X0 + 600, Y0 + 600).difference(shapely.box(X0 + 50, Y0 + 50, X0 + 550, Y0 + 400)))
    polys.append(shapely.MultiPolygon([shapely.box(X0 + 1000, Y0, X0 + 1300, Y0 + 100), shapely.box(X0 + 1500, Y0 + 7, X0 + 1900, Y0 + 999)]))
    polys.append(shapely.box(X0 + 200, Y0 + 1000, X0 + 400.000001, Y0 + 1400))
    col, row, poly, area = polygon_cells(polys)
    ref = _reference(col, row, poly, polys)
    assert np.abs(area - ref).max() / 40_000 <= 1e-9
    # no touched square is missing: per-polygon totals equal polygon areas
    totals = np.bincount(poly, weights=area, minlength=len(polys))
    np.testing.assert_allclose(totals, shapely.area(polys), rtol=1e-9)
    assert len(set(zip(col.tolist(), row.tolist(), poly.tolist(), strict=True))) == len(area)


def test_empty_cells_get_no_weight():
    # lattice with the centre cell absent: the polygon's area there is dropped, not given to others
    x, y = _full_lattice([shapely.box(X0, Y0, X0 + 600, Y0 + 600)])
    keep = ~((x == X0 + 200) & (y == Y0 + 200))
    cell, _, area = area_weights(x[keep], y[keep], [shapely.box(X0, Y0, X0 + 600, Y0 + 600)])
    assert len(cell) == 8
    assert area.sum() == pytest.approx(8 * 40_000.0)


def test_disjoint_polygon_has_no_weight():
    cell, poly, area = area_weights([X0], [Y0], [shapely.box(X0 + 5000, Y0, X0 + 5100, Y0 + 100)])
    assert len(cell) == len(poly) == len(area) == 0


def test_off_lattice_corners_raise():
    with pytest.raises(InputDataError, match="hors de la grille"):
        area_weights([X0, X0 + 150], [Y0, Y0], [shapely.box(X0, Y0, X0 + 10, Y0 + 10)])


@settings(max_examples=60, deadline=None)
@given(
    cx=st.floats(0, 200),
    cy=st.floats(0, 200),
    r=st.floats(1, 700),
    n=st.integers(3, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_total_area_equals_polygon_area_on_full_lattice(cx, cy, r, n, seed):
    rng = np.random.default_rng(seed)
    poly = _blob(rng, X0 + cx, Y0 + cy, r, n)
    if poly.is_empty or poly.area == 0:
        return
    x, y = _full_lattice([poly])
    _, _, area = area_weights(x, y, [poly])
    assert area.sum() == pytest.approx(poly.area, rel=1e-9, abs=1e-6)
    assert (area > 0).all() and (area <= 40_000.0 + 1e-6).all()


def test_interpolate_sums_value_times_area_share():
    cells = pd.DataFrame({"x_laea": [X0, X0 + 200], "y_laea": [Y0, Y0], "ind": [100.0, 40.0]})
    polys = gpd.GeoSeries([shapely.box(X0 + 100, Y0, X0 + 300, Y0 + 200), shapely.box(X0 + 1000, Y0, X0 + 1100, Y0 + 100)], crs="EPSG:3035", index=[7, 9])
    out = interpolate(cells, polys, ["ind"])
    assert out.index.tolist() == [7, 9]
    # half of each cell: 50 + 20, NOT the whole cell values (no allocate_total)
    assert out.loc[7, "ind"] == pytest.approx(70.0)
    assert out.loc[9, "ind"] == 0.0


def test_interpolate_reprojects_l93_polygons():
    cells = pd.DataFrame({"x_laea": [X0], "y_laea": [Y0], "ind": [10.0]})
    sq = gpd.GeoSeries([shapely.box(X0, Y0, X0 + 200, Y0 + 200)], crs="EPSG:3035")
    out = interpolate(cells, sq.to_crs("EPSG:2154"), ["ind"])
    assert out.iloc[0, 0] == pytest.approx(10.0, rel=1e-4)  # round trip bends edges by ~mm


def test_population_weighting_follows_dwelling_points():
    cells = pd.DataFrame({"x_laea": [X0], "y_laea": [Y0], "ind": [90.0]})
    # polygon covers the west half; 2 of the 3 dwellings of the cell are in it
    poly = gpd.GeoSeries([shapely.box(X0, Y0, X0 + 100, Y0 + 200)], crs="EPSG:3035")
    pts = gpd.GeoSeries(shapely.points([X0 + 10, X0 + 50, X0 + 150], [Y0 + 10] * 3), crs="EPSG:3035")
    area = interpolate(cells, poly, ["ind"])
    pop = interpolate(cells, poly, ["ind"], how="population", points=pts)
    assert area.iloc[0, 0] == pytest.approx(45.0)
    assert pop.iloc[0, 0] == pytest.approx(60.0)


def test_interpolate_missing_column_raises():
    cells = pd.DataFrame({"x_laea": [X0], "y_laea": [Y0]})
    with pytest.raises(InputDataError, match="ind"):
        interpolate(cells, gpd.GeoSeries([shapely.box(X0, Y0, X0 + 1, Y0 + 1)], crs="EPSG:3035"), ["ind"])


def _real_case(real_dir):
    cells = pd.read_csv(real_dir / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv")
    cites = gpd.read_file(real_dir / "mbm_unesco" / "zt-cites-minieres.geojson")
    cites = cites.set_geometry(shapely.make_valid(cites.geometry.values)).to_crs("EPSG:3035")
    cites = cites[cites.geom_type.isin(["Polygon", "MultiPolygon"])]
    return cells, cites


def _tobler(tobler_aw, cells, cites, cols):
    """tobler's area interpolation of the cell squares (allocate_total=False: cités do not tile)."""
    squares = gpd.GeoDataFrame(
        cells[cols],
        geometry=shapely.box(cells.x_laea, cells.y_laea, cells.x_laea + 200, cells.y_laea + 200),
        crs="EPSG:3035",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tobler_aw.area_interpolate(squares, cites, extensive_variables=cols, allocate_total=False)


def test_real_cells_match_tobler(real_dir):
    tobler_aw = pytest.importorskip("tobler.area_weighted")
    cells, cites = _real_case(real_dir)
    cols = ["ind", "men", "men_pauv", "ind_snv"]
    ours = interpolate(cells, cites, cols)
    theirs = _tobler(tobler_aw, cells, cites, cols)
    theirs.index = cites.index
    assert ours["ind"].sum() > 1000  # the cités are inhabited
    scale = np.maximum(np.abs(theirs[cols].to_numpy()), 1.0)
    assert (np.abs(ours.to_numpy() - theirs[cols].to_numpy()) / scale).max() <= 1e-6


def test_real_cells_match_exact_shapely(real_dir):
    cells, cites = _real_case(real_dir)
    cell, poly, area = area_weights(cells.x_laea, cells.y_laea, cites.geometry)
    boxes = shapely.box(cells.x_laea.to_numpy()[cell], cells.y_laea.to_numpy()[cell], cells.x_laea.to_numpy()[cell] + 200, cells.y_laea.to_numpy()[cell] + 200)
    ref = shapely.area(shapely.intersection(boxes, cites.geometry.values[poly]))
    assert np.abs(area - ref).max() / 40_000 <= 1e-9


def test_far_apart_polygons_use_the_sorted_lookup_with_same_result():
    # polygons 400 km apart: the dense lookup table would be too large, the sorted key is used
    polys = [shapely.box(X0 + 50, Y0 + 50, X0 + 250, Y0 + 150), shapely.box(X0 + 400_050, Y0 + 400_050, X0 + 400_250, Y0 + 400_150)]
    x = np.array([X0, X0 + 200, X0 + 400_000, X0 + 400_200])
    y = np.array([Y0, Y0, Y0 + 400_000, Y0 + 400_000])
    cell, poly, area = area_weights(x, y, polys)
    assert cell.tolist() == [0, 1, 2, 3] and poly.tolist() == [0, 0, 1, 1]
    np.testing.assert_allclose(area, [15_000.0, 5_000.0, 15_000.0, 5_000.0], atol=1e-9)
    near = area_weights(x[:2], y[:2], polys[:1])
    np.testing.assert_array_equal(near[0], cell[:2])
    np.testing.assert_allclose(near[2], area[:2], atol=0)


def test_docstring_examples_run():
    import doctest

    import cites_priority.indicators.areal as areal
    import cites_priority.indicators.social as social

    for module in (areal, social):
        assert doctest.testmod(module).failed == 0


def test_built_weighting_follows_the_footprint():
    cells = pd.DataFrame({"x_laea": [X0, X0 + 200], "y_laea": [Y0, Y0], "ind": [80.0, 40.0]})
    # cité: west half of cell 0 and west half of cell 1
    polys = gpd.GeoSeries([shapely.MultiPolygon([shapely.box(X0, Y0, X0 + 100, Y0 + 200), shapely.box(X0 + 200, Y0, X0 + 300, Y0 + 200)])], crs="EPSG:3035")
    # built-up: two overlapping footprints in cell 0 (merged: 100×100, half inside the cité); none in cell 1
    built = gpd.GeoSeries([shapely.box(X0 + 50, Y0, X0 + 100, Y0 + 100), shapely.box(X0 + 75, Y0, X0 + 150, Y0 + 100)], crs="EPSG:3035")
    out = interpolate(cells, polys, ["ind"], how="built", built=built)
    # cell 0: built ∩ cité = 50×100 of a 100×100 footprint → 40; cell 1 falls back to area → 20
    assert out.iloc[0, 0] == pytest.approx(40.0 + 20.0)
    with pytest.raises(ValueError, match="built"):
        interpolate(cells, polys, ["ind"], how="built")


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_blobs=st.integers(2, 5),
    spread=st.floats(50, 1500),
)
def test_multipolygons_with_holes_match_shapely(seed, n_blobs, spread):
    rng = np.random.default_rng(seed)
    blobs = [_blob(rng, X0 + rng.uniform(0, spread), Y0 + rng.uniform(0, spread), rng.uniform(30, 500)) for _ in range(n_blobs)]
    geom = shapely.union_all(blobs[:-1])
    geom = shapely.make_valid(geom.difference(shapely.buffer(blobs[-1], -10)))  # may punch holes
    if geom.is_empty or geom.area == 0:
        return
    col, row, poly, area = polygon_cells([geom])
    ref = _reference(col, row, poly, [geom])
    assert np.abs(area - ref).max() <= 1e-9 * 40_000
    assert area.sum() == pytest.approx(geom.area, rel=1e-9)


def test_benchmark_cases_meet_their_tolerances():
    import sys
    from pathlib import Path

    pytest.importorskip("tobler")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import bench_areal
    finally:
        sys.path.pop(0)
    cells = bench_areal.synthetic_cells(2_500)
    targets = bench_areal.synthetic_blobs(cells, 30)
    rows = {r["engine"]: r for r in bench_areal.bench_case("tiny", cells, targets)}
    assert set(rows) == {"cites_priority", "tobler", "overlay"}
    assert rows["cites_priority"]["max_rel_diff"] <= 1e-9
    assert rows["overlay"]["max_rel_diff"] <= 1e-9
    assert rows["tobler"]["max_rel_diff"] <= 1e-6
    assert all(r["seconds"] > 0 and r["cells"] == len(cells) for r in rows.values())


def test_collections_nesting_multipolygons_are_flattened():
    mp = shapely.MultiPolygon([shapely.box(X0, Y0, X0 + 100, Y0 + 100), shapely.box(X0 + 300, Y0, X0 + 350, Y0 + 40)])
    gc = shapely.GeometryCollection([mp, shapely.LineString([(X0, Y0), (X0 + 500, Y0 + 500)]), shapely.box(X0, Y0 + 400, X0 + 10, Y0 + 410)])
    _, _, poly, area = polygon_cells([gc])
    assert area.sum() == pytest.approx(10_000 + 2_000 + 100)
    assert (poly == 0).all()


@pytest.mark.slow
def test_default_world_matches_tobler(default_world):
    """The 543 cités of the default world against tobler (allocate_total=False, float32 → 1e-6)."""
    tobler_aw = pytest.importorskip("tobler.area_weighted")
    from cites_priority.sources import load_world

    world = load_world(default_world)
    cells = world.cells.drop(columns="geometry")
    cites = world.cites.to_crs("EPSG:3035").reset_index(drop=True)
    cols = ["ind", "men", "men_pauv", "ind_snv", "log_soc"]
    ours = interpolate(cells, cites, cols)
    theirs = _tobler(tobler_aw, cells, cites, cols)
    assert len(ours) == 543
    scale = np.maximum(np.abs(theirs[cols].to_numpy()), 1.0)
    assert (np.abs(ours.to_numpy() - theirs[cols].to_numpy()) / scale).max() <= 1e-6
