"""Tests of cites_priority.sources.bailleurs: RPLS, ADEME DPE and landlord inventory rows,
read in every layout their producers publish (sources.layouts)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from cites_priority import InputDataError
from cites_priority.sources import load_dpe, load_rpls
from cites_priority.sources.bailleurs import DWELLING_COLUMNS, load_landlord_inventory
from cites_priority.sources.layouts import DPE_LAYOUTS, RPLS_LAYOUTS, Layout
from test_sources_samples import LENS_L93, dpe_frame, rpls_frame

#: Dunkerque, in the Nord but far outside the Bassin minier (Lambert-93).
DUNKERQUE_L93 = (652_000.0, 7_102_000.0)
_TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def published_sample(layout: Layout, n: int = 6, *, outside: int = 0) -> pd.DataFrame:
    """Rows in the exact column order of ``layout``, the engine's fields filled.

    The first ``n`` rows are in Lens (Bassin minier), ``outside`` more in Dunkerque.
    Fields the engine never reads are left empty, as in a filtered export.
    """
    total = n + outside
    x = np.r_[LENS_L93[0] + 15.0 * np.arange(n), np.full(outside, DUNKERQUE_L93[0])]
    y = np.r_[LENS_L93[1] + 10.0 * np.arange(n), np.full(outside, DUNKERQUE_L93[1])]
    lon, lat = _TO_WGS84.transform(x, y)
    insee = ["62498"] * n + ["59183"] * outside
    classes = (["E", "F", "G", "", "D", "C"] * total)[:total]
    values = {
        # RPLS
        "DEPCOM": insee, "DEPCOM_CODE": insee, "LIBCOM": ["Lens"] * total,
        "DEPCOM_LIBELLE": ["Lens"] * total, "DEP": [c[:2] for c in insee],
        "DEP_CODE": [c[:2] for c in insee], "REG": ["32"] * total, "REG_CODE": ["32"] * total,
        "TYPECONST": ["I"] * total, "CONSTRUCT": [str(1900 + 5 * i) for i in range(total)],
        "DPEDATE": ["12/05/2019"] + [""] * (total - 1), "DPEENERGIE": classes,
        "X": [f"{v:.1f}" for v in x], "Y": [f"{v:.1f}" for v in y],
        "latitude": [f"{v:.7f}" for v in lat], "longitude": [f"{v:.7f}" for v in lon],
        # DPE
        "numero_dpe": [f"2362E{i:08d}" for i in range(total)],
        "N°DPE": [f"2362E{i:08d}" for i in range(total)],
        "etiquette_dpe": classes, "Etiquette_DPE": classes,
        "date_etablissement_dpe": ["2023-03-01"] * total,
        "Date_établissement_DPE": ["2023-03-01"] * total,
        "type_batiment": (["maison", "appartement", "immeuble"] * total)[:total],
        "Type_bâtiment": (["maison", "appartement", "immeuble"] * total)[:total],
        "annee_construction": ["1925"] * total, "Année_construction": ["1925"] * total,
        "code_insee_ban": insee, "Code_INSEE_(BAN)": insee,
        "coordonnee_cartographique_x_ban": [f"{v:.1f}" for v in x],
        "coordonnee_cartographique_y_ban": [f"{v:.1f}" for v in y],
        "Coordonnée_cartographique_X_(BAN)": [f"{v:.1f}" for v in x],
        "Coordonnée_cartographique_Y_(BAN)": [f"{v:.1f}" for v in y],
        "statut_geocodage": ["adresse géocodée ban à l'adresse"] * total,
        "_geopoint": [f"{a:.6f},{b:.6f}" for a, b in zip(lat, lon, strict=True)],
    }
    return pd.DataFrame({c: values.get(c, [""] * total) for c in layout.columns})


def write_published(frame: pd.DataFrame, layout: Layout, path) -> None:
    frame.to_csv(path, sep=layout.sep, index=False, encoding=layout.encoding)


@pytest.mark.parametrize("name", [n for n, lay in RPLS_LAYOUTS.items() if lay.coordinates])
def test_every_placeable_rpls_vintage_loads_without_id_or_landlord(tmp_path, name):
    layout = RPLS_LAYOUTS[name]
    path = tmp_path / f"{name}.csv"
    write_published(published_sample(layout, outside=3), layout, path)
    rows = load_rpls(path)
    assert list(rows.columns) == DWELLING_COLUMNS
    assert rows.attrs["rows"] == {"read": 9, "without_coordinates": 0, "outside": 3, "kept": 6}
    assert rows["dwelling_id"].tolist() == [f"rpls:{i}" for i in range(1, 7)]
    assert rows["landlord"].isna().all() and rows["insee"].eq("62498").all()
    assert rows["dpe_class"].tolist()[:3] == ["E", "F", "G"] and pd.isna(rows["dpe_class"].iloc[3])
    assert rows.geometry.x.iloc[0] == pytest.approx(LENS_L93[0], abs=0.05)
    assert rows.geometry.y.iloc[5] == pytest.approx(LENS_L93[1] + 50, abs=0.05)
    assert rows["construction_year"].tolist() == [1900, 1905, 1910, 1915, 1920, 1925]
    assert rows["renovation_year"].isna().all() and rows["unfit"].isna().all()


def test_rpls_vintage_without_coordinates_is_refused_naming_those_that_have_them(tmp_path):
    layout = RPLS_LAYOUTS["rpls_2016"]
    path = tmp_path / "rpls_2016.csv"
    write_published(published_sample(layout), layout, path)
    with pytest.raises(InputDataError) as info:
        load_rpls(path)
    message = str(info.value)
    assert "ne porte pas de coordonnées" in message
    assert "2020–2021" in message and "geo-RPLS" in message and "2023" in message


def test_rpls_latin1_semicolon_file(tmp_path):
    frame = rpls_frame("legacy")
    frame["LIBCOM"] = "Liévin"
    frame["BAILLEUR"] = "Maisons et Cités"
    path = tmp_path / "rpls.csv"
    frame.to_csv(path, sep=";", index=False, encoding="latin-1")
    assert b"Cit\xe9s" in path.read_bytes()  # really ISO-8859-1, not UTF-8
    rows = load_rpls(path)
    assert rows["landlord"].eq("Maisons et Cités").all()
    assert rows["source"].eq("rpls").all()
    assert rows["dwelling_id"].iloc[0] == "R0000000"  # a landlord's file may carry ids


def test_rpls_reduced_red_names(tmp_path):
    frame = rpls_frame().rename(columns={"DEPCOM": "DEPCOM_red", "CONSTRUCT": "construct_red",
                                         "DPEENERGIE": "DPEENERGIE_red"})
    frame.to_csv(tmp_path / "r.csv", sep=";", index=False)
    assert load_rpls(tmp_path / "r.csv")["construction_year"].iloc[0] == 1900


@pytest.mark.parametrize("name", list(DPE_LAYOUTS))
def test_dpe_layouts_leave_out_and_count_non_geocoded_rows(tmp_path, name):
    layout = DPE_LAYOUTS[name]
    frame = published_sample(layout, n=8, outside=2)
    xcol, ycol = [c for c in layout.columns if "x_ban" in c.lower() or "X_(BAN)" in c][0], \
        [c for c in layout.columns if "y_ban" in c.lower() or "Y_(BAN)" in c][0]
    frame.loc[[1, 4], [xcol, ycol]] = ""  # « adresse non géocodée »
    status = [c for c in layout.columns if "geocodage" in c.lower() or "géocodage" in c.lower()][0]
    frame.loc[[1, 4], status] = "adresse non geocodee ban car aucune correspondance"
    if "_geopoint" in frame:
        frame.loc[[1, 4], "_geopoint"] = ""
    path = tmp_path / f"{name}.csv"
    write_published(frame, layout, path)
    rows = load_dpe(path)
    assert rows.attrs["rows"] == {"read": 10, "without_coordinates": 2, "outside": 2, "kept": 6}
    assert rows["building_type"].tolist()[:2] == ["maison", "immeuble"]
    assert rows["dpe_class"].iloc[0] == "E"
    assert rows["source"].eq("dpe").all() and rows.geometry.notna().all()


def test_dpe_from_the_api_json_export(tmp_path):
    frame = published_sample(DPE_LAYOUTS["dpe03existant"], n=3)
    doc = {"total": 3, "next": None, "results": frame.to_dict(orient="records")}
    path = tmp_path / "dpe_api.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rows = load_dpe(path)
    assert len(rows) == 3 and rows["dwelling_id"].iloc[0] == "2362E00000000"
    assert rows.geometry.x.iloc[1] == pytest.approx(LENS_L93[0] + 15)


def test_dpe_geopoint_when_ban_coordinates_are_absent(tmp_path):
    frame = published_sample(DPE_LAYOUTS["dpe03existant"], n=3).drop(
        columns=["coordonnee_cartographique_x_ban", "coordonnee_cartographique_y_ban"])
    frame.to_csv(tmp_path / "d.csv", index=False)
    rows = load_dpe(tmp_path / "d.csv")
    assert rows.geometry.x.iloc[2] == pytest.approx(LENS_L93[0] + 30, abs=0.5)


def test_decimal_comma_coordinates_are_read(tmp_path):
    frame = dpe_frame()
    for c in ("coordonnee_cartographique_x_ban", "coordonnee_cartographique_y_ban"):
        frame[c] = frame[c].map(lambda v: f"{v:.2f}".replace(".", ","))
    frame.to_csv(tmp_path / "d.csv", index=False, sep=";")
    rows = load_dpe(tmp_path / "d.csv")
    assert rows.attrs["rows"]["without_coordinates"] == 0
    assert rows.geometry.x.iloc[1] == pytest.approx(LENS_L93[0] + 5)


def test_unreadable_coordinates_are_not_also_called_missing(tmp_path):
    frame = dpe_frame()
    frame["coordonnee_cartographique_x_ban"] = frame["coordonnee_cartographique_x_ban"].astype(str)
    frame.loc[2, "coordonnee_cartographique_x_ban"] = "686 010"
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(InputDataError) as info:
        load_dpe(tmp_path / "d.csv")
    message = str(info.value)
    assert "illisibles" in message and "686 010" in message
    assert "sans coordonnées" not in message


def test_a_file_with_no_row_in_the_study_area_names_its_extent(tmp_path):
    layout = RPLS_LAYOUTS["rpls_2023"]
    frame = published_sample(layout, n=0, outside=4)
    path = tmp_path / "rpls_dunkerque.csv"
    write_published(frame, layout, path)
    with pytest.raises(InputDataError) as info:
        load_rpls(path)
    message = str(info.value)
    assert "aucune des 4 lignes" in message and "652000" in message
    assert "système de coordonnées" in message


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


def test_landlord_inventory(tmp_path):
    frame = rpls_frame()[["NUMERO_RPLS", "BAILLEUR", "X", "Y", "ANNEE_REHAB", "INADAPTE"]]
    frame.to_csv(tmp_path / "inventaire.csv", sep=";", index=False)
    rows = load_landlord_inventory(tmp_path / "inventaire.csv")
    assert rows["unfit"].tolist() == [False, True, False, True, False]
    assert rows["renovation_year"].iloc[1] == 2015 and rows["source"].eq("inventaire").all()
    frame.drop(columns=["ANNEE_REHAB", "INADAPTE"]).to_csv(tmp_path / "bad.csv", sep=";",
                                                           index=False)
    with pytest.raises(InputDataError, match="ANNEE_REHAB"):
        load_landlord_inventory(tmp_path / "bad.csv")
