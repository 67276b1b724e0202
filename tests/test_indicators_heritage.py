"""Tests of the heritage indicators."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from cites_priority.indicators.heritage import HERITAGE_COLUMNS, heritage_indicators

L93 = "EPSG:2154"
X0, Y0 = 690_000.0, 7_035_000.0


def _cites():
    return gpd.GeoDataFrame(
        {
            "cite_id": [1, 2, 3],
            "heritage_interest": pd.array(["Exceptionnelle", "Témoin", None], dtype="string"),
            "unesco": pd.array([True, False, None], dtype="boolean"),
        },
        geometry=[
            shapely.box(X0, Y0, X0 + 100, Y0 + 100),
            shapely.box(X0 + 200, Y0, X0 + 300, Y0 + 100),
            shapely.box(X0 + 900, Y0, X0 + 1000, Y0 + 100),
        ],
        crs=L93,
    )


def test_ranks_unesco_and_area_shares():
    bien = gpd.GeoDataFrame(geometry=[shapely.box(X0, Y0, X0 + 50, Y0 + 100), shapely.box(X0 + 25, Y0, X0 + 75, Y0 + 100)], crs=L93)
    buffer = gpd.GeoDataFrame(geometry=[shapely.box(X0 - 10, Y0 - 10, X0 + 250, Y0 + 200)], crs=L93).to_crs("EPSG:4326")
    efg = pd.Series({1: 0.6, 2: 0.9, 3: 0.5})
    out = heritage_indicators(_cites(), bien, buffer, share_dpe_efg=efg)
    assert list(out.columns) == list(HERITAGE_COLUMNS)
    assert out["heritage_rank"].tolist() == [3, 1, 0]
    assert out["unesco"].tolist() == [1, 0, 0]
    # overlapping Bien parts are unioned: 75 % of cité 1, not 100 %
    assert out.loc[1, "share_in_bien"] == pytest.approx(0.75)
    assert out.loc[2, "share_in_bien"] == 0.0
    assert out.loc[1, "share_in_buffer"] == pytest.approx(1.0, abs=1e-6)
    assert out.loc[2, "share_in_buffer"] == pytest.approx(0.5, abs=1e-3)
    assert out["poor_state_x_heritage"].tolist() == pytest.approx([0.6, 0.3, 0.0])


def test_missing_layers_give_na():
    out = heritage_indicators(_cites())
    assert out["share_in_bien"].isna().all() and out["poor_state_x_heritage"].isna().all()
    assert out["heritage_rank"].notna().all()
