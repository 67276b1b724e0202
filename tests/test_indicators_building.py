"""Tests of the building-condition indicators (dwelling points → cités)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from cites_priority.indicators.building import BUILDING_COLUMNS, DPE_MIN_ROWS, building_indicators

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


def _dwellings(rows, source="rpls", fields=None):
    cols = ["dwelling_id", "x", "y", "dpe_class", "unfit", "renovation_year", "construction_year", "dpe_date"]
    df = pd.DataFrame(rows, columns=cols)
    geom = shapely.points(X0 + df.pop("x").to_numpy(float), Y0 + df.pop("y").to_numpy(float))
    df["source"] = source
    df["dpe_class"] = df["dpe_class"].astype("string")
    df["unfit"] = pd.array(df["unfit"], dtype="boolean")
    df["renovation_year"] = pd.array(df["renovation_year"], dtype="Int64")
    df["construction_year"] = pd.array(df["construction_year"], dtype="Int64")
    out = gpd.GeoDataFrame(df, geometry=geom, crs=L93)
    if fields is not None:
        out.attrs["fields"] = fields
    return out


#: RPLS as published: labels and construction years, no landlord fields.
PUBLIC = ["construction_year", "dpe_class", "dpe_date", "insee"]
RPLS = _dwellings(
    [
        ("R1", 10, 10, "G", None, None, 1920, "2015-01-01"),
        ("R2", 20, 10, "E", None, None, 1925, "2015-01-01"),
        ("R3", 30, 10, "C", None, None, 1930, "2015-01-01"),
        ("R4", 40, 10, None, None, None, 1950, None),
        ("R5", 1010, 10, "D", None, None, 1960, "2014-01-01"),
        ("R9", 3000, 3000, "F", None, None, 1900, None),  # outside every cité
    ],
    fields=PUBLIC,
)
#: A landlord's inventory of the same dwellings (renovation year, unfitness).
INVENTORY = _dwellings(
    [
        ("L1", 10, 10, None, True, None, None, None),
        ("L2", 20, 10, None, False, 2019, None, None),
        ("L3", 30, 10, None, False, 2005, None, None),
        ("L4", 40, 10, None, None, 2016, None, None),
        ("L5", 1010, 10, None, False, None, None, None),
    ],
    source="inventaire",
    fields=["renovation_year", "unfit"],
)


def test_hand_computed_values():
    with pytest.warns(UserWarning):
        out = building_indicators(_cites(), RPLS, inventory=INVENTORY, reference_year=2025)
    assert list(out.columns) == [*BUILDING_COLUMNS, "dpe_source"]
    r = out.loc[10]
    assert r["n_dwellings"] == 4
    assert r["share_dpe_efg"] == pytest.approx(2 / 3)  # of the 3 known classes
    assert r["mean_dpe_rank"] == pytest.approx((7 + 5 + 3) / 3)
    assert r["dpe_source"] == "rpls"
    assert r["share_unfit"] == pytest.approx(1 / 3)
    assert r["share_renovated_10y"] == pytest.approx(2 / 4)  # 2019 and 2016 in [2015, 2025]
    assert r["median_construction_year"] == pytest.approx(1927.5)
    assert out.loc[20, "n_dwellings"] == 1 and out.loc[20, "share_dpe_efg"] == 0.0


def test_reference_year_2016_replays_the_mission():
    with pytest.warns(UserWarning):
        out = building_indicators(_cites(), RPLS, inventory=INVENTORY, reference_year=2016)
    # 2019 is in the future of 2016; 2016 and 2006..2016 count: L3 (2005) does not
    assert out.loc[10, "share_renovated_10y"] == pytest.approx(1 / 4)


def test_public_files_alone_leave_landlord_fields_na_never_zero():
    with pytest.warns(UserWarning):
        out = building_indicators(_cites(), RPLS)
    assert out["share_unfit"].isna().all()
    assert out["share_renovated_10y"].isna().all()  # not 0.0 for every cité
    assert out.attrs["unavailable"] == ["share_unfit", "share_renovated_10y"]
    assert out["share_dpe_efg"].notna().sum() == 2


def test_outside_rows_and_empty_cites_are_reported():
    with pytest.warns(UserWarning) as rec:
        out = building_indicators(_cites(), RPLS)
    text = " ".join(str(w.message) for w in rec)
    assert "cite_id 30" in text
    assert out.attrs["dwellings_outside"] == {"rpls": 1}
    assert out.attrs["cites_without_dwellings"] == [30]
    assert out.loc[30, "n_dwellings"] == 0
    assert out.loc[30, BUILDING_COLUMNS[1:]].isna().all()


def test_labels_come_from_recent_dpe_when_the_cite_has_enough_of_them():
    # cité 10 gets 5 DPE 2021+ rows (all B): they replace its RPLS labels; cité 20 gets
    # 2 (fewer than DPE_MIN_ROWS) and keeps its RPLS label; a DPE outside adds nothing
    rows = [(f"D{i}", 10 + i, 20, "B", None, None, None, "2022-03-01") for i in range(DPE_MIN_ROWS)]
    rows += [("E1", 1010, 20, "G", None, None, None, "2022-01-01"),
             ("E2", 1020, 20, "G", None, None, None, "2022-01-01"),
             ("E3", 4000, 4000, "G", None, None, None, "2022-01-01")]
    dpe = _dwellings(rows, source="dpe", fields=["dpe_class", "dpe_date"])
    with pytest.warns(UserWarning):
        out = building_indicators(_cites(), RPLS, dpe)
    assert out.loc[10, "dpe_source"] == "dpe_2021"
    assert out.loc[10, "share_dpe_efg"] == 0.0 and out.loc[10, "mean_dpe_rank"] == 2.0
    assert out.loc[20, "dpe_source"] == "rpls" and out.loc[20, "share_dpe_efg"] == 0.0
    assert out.loc[10, "n_dwellings"] == 4  # DPE rows are not RPLS dwellings
    assert out.attrs["dpe_source_counts"] == {"dpe_2021": 1, "rpls": 1}
    assert out.attrs["dwellings_outside"] == {"rpls": 1, "dpe": 1}


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
