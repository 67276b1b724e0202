"""Tests of cites_priority.sources.bailleurs (RPLS and ADEME DPE dwelling rows)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from cites_priority import InputDataError
from cites_priority.sources import load_dpe, load_rpls
from cites_priority.sources.bailleurs import DWELLING_COLUMNS
from test_sources_samples import LENS_L93, dpe_frame, rpls_frame


def test_rpls_latin1_semicolon_file(tmp_path):
    frame = rpls_frame("legacy")
    frame["LIBCOM"] = "Liévin"
    frame["BAILLEUR"] = "Maisons et Cités"
    path = tmp_path / "rpls.csv"
    frame.to_csv(path, sep=";", index=False, encoding="latin-1")
    assert b"Cit\xe9s" in path.read_bytes()  # really ISO-8859-1, not UTF-8
    rows = load_rpls(path)
    assert list(rows.columns) == DWELLING_COLUMNS
    assert rows["landlord"].eq("Maisons et Cités").all()
    assert rows["source"].eq("rpls").all()
    assert rows["rpls_id"].equals(rows["dwelling_id"])


def test_rpls_points_are_the_lambert93_xy(tmp_path):
    rpls_frame().to_csv(tmp_path / "r.csv", sep=";", index=False)
    rows = load_rpls(tmp_path / "r.csv")
    assert rows.crs.to_epsg() == 2154
    assert rows.geometry.x.iloc[0] == pytest.approx(LENS_L93[0])
    assert rows.geometry.y.iloc[4] == pytest.approx(LENS_L93[1] + 40)
    assert rows["dpe_date"].iloc[0].year == 2019 and rows["dpe_date"].iloc[1:].isna().all()


def test_rpls_reduced_red_names(tmp_path):
    frame = rpls_frame().rename(columns={"DEPCOM": "DEPCOM_red", "CONSTRUCT": "construct_red",
                                         "DPEENERGIE": "DPEENERGIE_red"})
    frame.to_csv(tmp_path / "r.csv", sep=";", index=False)
    assert load_rpls(tmp_path / "r.csv")["construction_year"].iloc[0] == 1900


def test_dpe_rows_join_rpls_on_the_rpls_number(tmp_path):
    rpls_frame().to_csv(tmp_path / "r.csv", sep=";", index=False)
    dpe_frame().to_csv(tmp_path / "d.csv", index=False)
    rpls, dpe = load_rpls(tmp_path / "r.csv"), load_dpe(tmp_path / "d.csv")
    joined = dpe.dropna(subset=["rpls_id"]).merge(rpls, on="rpls_id", suffixes=("", "_r"))
    assert joined["rpls_id"].tolist() == ["R0000000", "R0000002"]
    assert dpe["landlord"].isna().all() and dpe["source"].eq("dpe").all()


def test_dwellings_from_a_point_layer_in_4326(tmp_path):
    frame = rpls_frame()
    pts = gpd.GeoDataFrame(frame.drop(columns=["X", "Y"]),
                           geometry=gpd.points_from_xy(frame["X"].astype(float),
                                                       frame["Y"].astype(float)), crs=2154)
    pts.to_crs(4326).to_file(tmp_path / "r.geojson")
    rows = load_rpls(tmp_path / "r.geojson")
    assert rows.geometry.x.iloc[0] == pytest.approx(LENS_L93[0], abs=0.01)


def test_dpe_class_outside_a_to_g_lists_rows(tmp_path):
    frame = dpe_frame()
    frame.loc[1, "etiquette_dpe"] = "N"
    frame.loc[3, "etiquette_dpe"] = "H"
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(InputDataError) as info:
        load_dpe(tmp_path / "d.csv")
    message = str(info.value)
    assert "etiquette_dpe" in message and "2262E00000001" in message and "2262E00000003" in message


def test_french_and_iso_dates(tmp_path):
    frame = rpls_frame()
    frame["DPEDATE"] = ["2019-05-12", "12/05/2019", "", "2020-01-31T00:00:00", "3/4/2018"]
    frame.to_csv(tmp_path / "r.csv", sep=";", index=False)
    dates = load_rpls(tmp_path / "r.csv")["dpe_date"]
    assert dates.iloc[0] == dates.iloc[1]  # day first
    assert dates.iloc[4].month == 4 and dates.iloc[4].day == 3
    assert pd.isna(dates.iloc[2])


def test_unreadable_date_is_an_error(tmp_path):
    frame = rpls_frame()
    frame.loc[1, "DPEDATE"] = "mai 2019"
    frame.to_csv(tmp_path / "r.csv", sep=";", index=False)
    with pytest.raises(InputDataError, match=r"champ « DPEDATE » ; .*R0000001"):
        load_rpls(tmp_path / "r.csv")
