"""Tests of cites_priority.sources.filosofi on the real 2019 extract and built files."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cites_priority.sources import filosofi as filosofi_module
from cites_priority.sources import load_filosofi, parse_idcar
from test_sources_samples import LENS_GRID, filosofi_frame

BASIN = "filosofi2019_carreaux200m_bassin_minier.csv"


@pytest.fixture(scope="module")
def basin_cells(real_dir):
    return load_filosofi(real_dir / "filosofi" / BASIN)


def test_real_basin_file(basin_cells):
    assert len(basin_cells) == 19_552
    assert basin_cells["ind"].sum() == pytest.approx(1_219_436.5, abs=1e-6)
    assert basin_cells["i_est_200"].sum() == 8_423
    assert basin_cells.crs.to_epsg() == 2154
    assert basin_cells["x_laea"].dtype == "int64" and basin_cells["ind"].dtype == "float64"
    poverty = basin_cells["men_pauv"].sum() / basin_cells["men"].sum()
    assert poverty == pytest.approx(0.197, abs=5e-4)


def test_squares_are_rebuilt_from_the_id(basin_cells):
    first = basin_cells.iloc[0]
    square = gpd.GeoSeries([first.geometry], crs=2154).to_crs(3035).iloc[0]
    assert shapely.bounds(square) == pytest.approx(
        [first.x_laea, first.y_laea, first.x_laea + 200, first.y_laea + 200], abs=1e-3)
    # Lambert-93 enlarges areas by ~0.25-0.35 % at the basin's latitude
    assert basin_cells.geometry.area.to_numpy() == pytest.approx(40_120, rel=1e-3)


def test_lens_lievin_strip_loads(real_dir):
    strip = load_filosofi(real_dir / "filosofi" / "filosofi2019_carreaux200m_lens_lievin_extract.csv")
    assert len(strip) == 1_970 and strip["i_est_200"].sum() == 637
    assert "men" not in strip.columns


def test_bbox_keeps_the_cells_that_touch_it(real_dir, basin_cells, monkeypatch):
    bbox = (680_000, 7_030_000, 700_000, 7_045_000)
    monkeypatch.setattr(filosofi_module, "CHUNK_ROWS", 3_000)  # force several chunks
    cells = load_filosofi(real_dir / "filosofi" / BASIN, bbox=bbox)
    expected = basin_cells[basin_cells.intersects(shapely.box(*bbox))]
    assert sorted(cells["idcar_200m"]) == sorted(expected["idcar_200m"])
    assert 0 < len(cells) < len(basin_cells)


def test_mask_keeps_the_cells_that_touch_it(real_dir, basin_cells):
    mask = shapely.Point(686_000, 7_037_000).buffer(1_500)
    cells = load_filosofi(real_dir / "filosofi" / BASIN, mask=mask)
    assert set(cells["idcar_200m"]) == set(basin_cells.loc[basin_cells.intersects(mask),
                                                           "idcar_200m"])
    series_mask = gpd.GeoSeries([mask], crs=2154)
    assert len(load_filosofi(real_dir / "filosofi" / BASIN, mask=series_mask)) == len(cells)


@pytest.mark.parametrize("vintage", [2015, 2017, 2019])
def test_gpkg_in_lambert93_gives_the_csv_result(tmp_path, vintage):
    frame = filosofi_frame(vintage)
    frame.to_csv(tmp_path / "f.csv", index=False)
    ids = frame.iloc[:, 0]
    xy = parse_idcar(ids)
    squares = gpd.GeoSeries(shapely.box(xy.x_laea, xy.y_laea, xy.x_laea + 200, xy.y_laea + 200),
                            crs=3035).to_crs(2154)
    gpd.GeoDataFrame(frame, geometry=squares.to_numpy(), crs=2154).to_file(tmp_path / "f.gpkg")
    from_csv = load_filosofi(tmp_path / "f.csv")
    from_gpkg = load_filosofi(tmp_path / "f.gpkg")
    pd.testing.assert_frame_equal(from_csv.drop(columns="geometry"),
                                  from_gpkg.drop(columns="geometry"))
    assert shapely.equals_exact(from_csv.geometry.to_numpy(), from_gpkg.geometry.to_numpy(),
                                1e-6).all()


def test_gpkg_bbox_is_passed_in_the_file_crs(tmp_path):
    frame = filosofi_frame(2019, n=9)
    xy = parse_idcar(frame["idcar_200m"])
    squares = shapely.box(xy.x_laea, xy.y_laea, xy.x_laea + 200, xy.y_laea + 200)
    gpd.GeoDataFrame(frame, geometry=squares, crs=3035).to_file(tmp_path / "f.gpkg")
    first = gpd.GeoSeries([squares[0]], crs=3035).to_crs(2154).iloc[0].centroid
    bbox = (first.x - 10, first.y - 10, first.x + 10, first.y + 10)
    cells = load_filosofi(tmp_path / "f.gpkg", bbox=bbox)
    assert cells["idcar_200m"].tolist() == [frame["idcar_200m"].iloc[0]]


def test_parse_idcar():
    parsed = parse_idcar(pd.Series([f"CRS3035RES200mN{LENS_GRID[1]}E{LENS_GRID[0]}",
                                    "CRS3035RES1000mN3060000E3812000", "garbage"]))
    assert parsed.iloc[0].tolist() == [200, LENS_GRID[1], LENS_GRID[0]]
    assert parsed.iloc[1, 0] == 1000
    assert parsed.iloc[2].isna().all()


def test_x_laea_always_comes_from_the_id(tmp_path):
    frame = filosofi_frame(2019)
    frame["x_laea"] = 0  # wrong on purpose
    frame.to_csv(tmp_path / "f.csv", index=False)
    with pytest.warns(UserWarning, match=r"x_laea ne concorde pas avec idcar_200m sur 6 ligne"):
        cells = load_filosofi(tmp_path / "f.csv")
    assert np.all(cells["x_laea"] >= LENS_GRID[0])


def test_mask_in_another_crs_is_reprojected(real_dir, basin_cells):
    mask = gpd.GeoSeries([shapely.Point(686_000, 7_037_000).buffer(1_000)], crs=2154)
    cells = load_filosofi(real_dir / "filosofi" / BASIN, mask=mask.to_crs(4326))
    direct = basin_cells[basin_cells.intersects(mask.iloc[0])]
    assert abs(len(cells) - len(direct)) <= 2  # the reprojected circle moves by < 1 m
    assert len(direct) > 50
