"""Tests of the urban indicators."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from cites_priority.indicators.urban import URBAN_COLUMNS, urban_indicators

L93 = "EPSG:2154"
X0, Y0 = 690_000.0, 7_035_000.0


def _cites():
    return gpd.GeoDataFrame(
        {"cite_id": [1, 2], "logements": pd.array([120, None], dtype="Int64")},
        geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100), shapely.box(X0 + 5000, Y0, X0 + 5100, Y0 + 100)],
        crs=L93,
    )


def _points(xy, **cols):
    return gpd.GeoDataFrame(cols, geometry=shapely.points([X0 + a for a, _ in xy], [Y0 + b for _, b in xy]), crs=L93)


def test_distances_qpv_and_enclavement():
    centralities = _points(
        [(400, 50), (50, 50), (5100 + 3000, 50), (100, 700)],
        name=["Centre", "Site", "Far centre", "Gare"],
        kind=["centralite", "grand_site", "centralite", "gare"],
    )
    stops = _points([(100, 300), (150, 100), (5100, 1600)], stop_id=["a", "b", "c"])
    qpv = gpd.GeoDataFrame({"code_qp": ["QN1"]}, geometry=[shapely.box(X0 + 50, Y0 - 100, X0 + 500, Y0 + 500)], crs=L93)
    out = urban_indicators(_cites(), centralities=centralities, transit_stops=stops, qpv=qpv)
    assert list(out.columns) == list(URBAN_COLUMNS)
    assert out.loc[1, "dist_centrality_m"] == pytest.approx(300.0)
    assert out.loc[2, "dist_centrality_m"] == pytest.approx(3000.0)
    assert out.loc[1, "dist_major_site_m"] == 0.0  # inside the cité
    assert out.loc[1, "dist_transit_m"] == pytest.approx(50.0)
    assert out.loc[2, "dist_transit_m"] == pytest.approx(1500.0)
    assert out.loc[1, "qpv_share"] == pytest.approx(0.5)
    assert out.loc[2, "qpv_share"] == 0.0
    # cité 1: centre (300 m), gare (600 m), stops a, b → 4 links; cité 2: none within 1 km
    assert out.loc[1, "enclavement"] == pytest.approx(1 / 5)
    assert out.loc[2, "enclavement"] == 1.0
    assert out.loc[1, "logements"] == 120 and pd.isna(out.loc[2, "logements"])


def test_missing_layers_warn_and_give_na():
    with pytest.warns(UserWarning, match="centralities"):
        out = urban_indicators(_cites())
    assert out[["dist_centrality_m", "dist_transit_m", "qpv_share", "enclavement"]].isna().all().all()


def test_cite_without_geometry_gets_na_not_max_enclavement():
    cites = _cites()
    cites.loc[1, "geometry"] = None
    stops = _points([(100, 300)], stop_id=["a"])
    centralities = _points([(400, 50)], name=["Centre"], kind=["centralite"])
    with pytest.warns(UserWarning, match="qpv"):
        out = urban_indicators(cites, centralities=centralities, transit_stops=stops)
    assert out.loc[1, "enclavement"] == pytest.approx(1 / 3)
    assert out.loc[2, ["enclavement", "dist_transit_m", "dist_centrality_m"]].isna().all()
