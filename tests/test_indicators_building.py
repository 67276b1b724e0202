"""Tests of the building-condition indicators (dwelling points → cités)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from cites_priority.indicators.building import BUILDING_COLUMNS, building_indicators

L93 = "EPSG:2154"
X0, Y0 = 690_000.0, 7_035_000.0  # Lens area, Lambert-93


def _cites():
    return gpd.GeoDataFrame(
        {"cite_id": [10, 20, 30]},
        geometry=[
            shapely.box(X0, Y0, X0 + 300, Y0 + 300),
            shapely.box(X0 + 1000, Y0, X0 + 1300, Y0 + 300),
            shapely.box(X0 + 5000, Y0, X0 + 5100, Y0 + 100),  # no dwelling
        ],
        crs=L93,
    )


def _dwellings(rows, source="rpls"):
    cols = ["dwelling_id", "x", "y", "dpe_class", "unfit", "renovation_year", "construction_year", "rpls_id", "dpe_date"]
    df = pd.DataFrame(rows, columns=cols)
    geom = shapely.points(X0 + df.pop("x").to_numpy(float), Y0 + df.pop("y").to_numpy(float))
    df["source"] = source
    df["dpe_class"] = df["dpe_class"].astype("string")
    df["unfit"] = pd.array(df["unfit"], dtype="boolean")
    df["renovation_year"] = pd.array(df["renovation_year"], dtype="Int64")
    df["construction_year"] = pd.array(df["construction_year"], dtype="Int64")
    return gpd.GeoDataFrame(df, geometry=geom, crs=L93)


RPLS = _dwellings(
    [
        ("R1", 10, 10, "G", True, None, 1920, None, "2015-01-01"),
        ("R2", 20, 10, "E", False, 2019, 1925, None, "2015-01-01"),
        ("R3", 30, 10, "C", False, 2005, 1930, None, "2015-01-01"),
        ("R4", 40, 10, None, None, 2016, 1950, None, None),
        ("R5", 1010, 10, "D", False, None, 1960, None, "2014-01-01"),
        ("R9", 3000, 3000, "F", True, None, 1900, None, None),  # outside every cité
    ]
)


def test_hand_computed_values():
    with pytest.warns(UserWarning):
        out = building_indicators(_cites(), RPLS, reference_year=2025)
    assert list(out.columns) == list(BUILDING_COLUMNS)
    r = out.loc[10]
    assert r["n_dwellings"] == 4
    assert r["share_dpe_efg"] == pytest.approx(2 / 3)  # of the 3 known classes
    assert r["mean_dpe_rank"] == pytest.approx((7 + 5 + 3) / 3)
    assert r["share_unfit"] == pytest.approx(1 / 3)
    assert r["share_renovated_10y"] == pytest.approx(2 / 4)  # 2019 and 2016 in [2015, 2025]
    assert r["median_construction_year"] == pytest.approx(1927.5)
    assert out.loc[20, "n_dwellings"] == 1 and out.loc[20, "share_dpe_efg"] == 0.0


def test_reference_year_2016_replays_the_mission():
    with pytest.warns(UserWarning):
        out = building_indicators(_cites(), RPLS, reference_year=2016)
    # 2019 is in the future of 2016; 2016 and 2006..2016 count: R3 (2005) does not
    assert out.loc[10, "share_renovated_10y"] == pytest.approx(1 / 4)


def test_outside_rows_and_empty_cites_are_reported():
    with pytest.warns(UserWarning) as rec:
        out = building_indicators(_cites(), RPLS)
    text = " ".join(str(w.message) for w in rec)
    assert "R9" in text and "cite_id 30" in text
    assert out.attrs["dwellings_outside"] == ["R9"]
    assert out.attrs["cites_without_dwellings"] == [30]
    assert out.loc[30, "n_dwellings"] == 0
    assert out.loc[30, BUILDING_COLUMNS[1:]].isna().all()


def test_dpe_v2_overrides_rpls_class_latest_wins():
    dpe = _dwellings(
        [
            ("D1", 10, 10, "C", None, None, None, "R1", "2022-03-01"),
            ("D2", 10, 10, "B", None, None, None, "R1", "2023-05-01"),  # latest for R1
            ("D3", 1010, 10, "F", None, None, None, "R5", "2022-01-01"),
            ("D4", 50, 10, "G", None, None, None, None, "2022-01-01"),  # no RPLS match
        ],
        source="dpe",
    )
    with pytest.warns(UserWarning) as rec:
        out = building_indicators(_cites(), RPLS, dpe)
    assert any("DPE row" in str(w.message) for w in rec)
    assert out.attrs["dpe_unmatched"] == ["D4"]
    assert out.loc[10, "n_dwellings"] == 4  # DPE rows are not extra dwellings
    assert out.loc[10, "mean_dpe_rank"] == pytest.approx((2 + 5 + 3) / 3)
    assert out.loc[10, "share_dpe_efg"] == pytest.approx(1 / 3)
    assert out.loc[20, "share_dpe_efg"] == 1.0


def test_dwelling_in_two_overlapping_cites_counts_in_both():
    cites = gpd.GeoDataFrame(
        {"cite_id": [1, 2]},
        geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100), shapely.box(X0 + 50, Y0, X0 + 150, Y0 + 100)],
        crs=L93,
    )
    rows = RPLS[RPLS["dwelling_id"].isin(["R1", "R5"])].copy()
    rows.geometry = shapely.points([X0 + 75, X0 + 25], [Y0 + 50, Y0 + 50])  # R1 in both, R5 in 1
    out = building_indicators(cites, rows)
    assert out["n_dwellings"].tolist() == [2, 1]
    assert out.loc[2, "share_dpe_efg"] == 1.0 and out.loc[1, "share_dpe_efg"] == 0.5
