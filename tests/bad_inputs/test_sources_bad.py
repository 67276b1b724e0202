"""Bad-input catalogue of cites_priority.sources.

Each case writes one broken input (built in code from the samples of
``tests/test_sources_samples.py``), then checks the error type and that the message
names the file, the field (when one applies) and a fix.
"""

from __future__ import annotations

import json
import sqlite3
import warnings

import geopandas as gpd
import pytest
import shapely

from cites_priority import InputDataError
from cites_priority.messages import ENGLISH_TOKENS
from cites_priority.sources import (
    load_cites,
    load_communes,
    load_dpe,
    load_filosofi,
    load_rpls,
    load_world,
)
from test_sources_samples import (
    LENS_GRID,
    cites_frame,
    context_layers,
    dpe_frame,
    filosofi_frame,
    rpls_frame,
)


def raises(loader, path, *fields, match=None, gdal=False, **kwargs) -> str:
    """Call ``loader(path)``, check the error names the file, the fields and a fix, in French.

    ``gdal``: the message quotes GDAL's own (English) error text, so it is not checked
    for English tokens.
    """
    with pytest.raises(InputDataError) as info:
        loader(path, **kwargs)
    message = str(info.value)
    assert str(path) in message
    assert info.value.path == str(path)
    for name in fields:
        assert f"champ « {name} »" in message, message
    assert "correction :" in message, message
    if match:
        assert match in message, message
    if not gdal:
        ours = message.replace(str(path), "")
        english = [t for t in ENGLISH_TOKENS if t in ours]
        assert not english, (english, message)
    assert isinstance(info.value, ValueError)
    return message


def _filosofi_csv(tmp_path, column, values, *, sep=","):
    frame = filosofi_frame(2019)
    frame[column] = frame[column].astype(object)
    for row, value in values.items():
        frame.loc[row, column] = value
    path = tmp_path / "carreaux.csv"
    frame.to_csv(path, sep=sep, index=False)
    return path


# ----------------------------------------------------------------------- files


def test_missing_file(tmp_path):
    (tmp_path / "cites_minieres.gpkg").write_bytes(b"")
    raises(load_cites, tmp_path / "cites_minieres.gkpg", match="fichier introuvable")


def test_text_file_named_gpkg(tmp_path):
    path = tmp_path / "cites.gpkg"
    path.write_text("ID_LSM;NOM\n1;Cité\n")
    raises(load_cites, path, match="n'est pas un GeoPackage")


def test_truncated_gpkg(tmp_path):
    good = tmp_path / "good.gpkg"
    cites_frame("world", n=40).to_file(good)
    path = tmp_path / "cites.gpkg"
    path.write_bytes(good.read_bytes()[:6000])
    raises(load_cites, path, match="tronqué ou corrompu", gdal=True)


def test_csv_that_is_binary(tmp_path):
    path = tmp_path / "rpls.csv"
    path.write_bytes(b"\x00\x01\x02PK garbage\x00")
    raises(load_rpls, path, match="n'est pas un fichier texte délimité")


# ----------------------------------------------------------------------- fields


def test_misspelt_required_field_gets_a_suggestion(tmp_path):
    path = tmp_path / "c.gpkg"
    cites_frame("world").rename(columns={"TYPE": "TPYE"}).to_file(path)
    raises(load_cites, path, "TYPE", match="vouliez-vous dire « TPYE » ?")


def test_missing_dpe_coordinates(tmp_path):
    path = tmp_path / "dpe.csv"
    dpe_frame().drop(columns=["coordonnee_cartographique_y_ban"]).to_csv(path, index=False)
    raises(load_dpe, path, "coordonnee_cartographique_y_ban")


def test_filosofi_without_id(tmp_path):
    path = tmp_path / "c.csv"
    filosofi_frame(2019).rename(columns={"idcar_200m": "idcar_20m"}).to_csv(path, index=False)
    raises(load_filosofi, path, "idcar_200m", match="vouliez-vous dire « idcar_20m » ?")


# ----------------------------------------------------------------------- CRS


def _shapefile(path):
    with warnings.catch_warnings():  # GDAL cuts PROPRIETAIRE to 10 characters
        warnings.simplefilter("ignore")
        cites_frame("world").to_file(path)


def test_no_crs(tmp_path):
    path = tmp_path / "c.shp"
    _shapefile(path)
    path.with_suffix(".prj").unlink()
    raises(load_cites, path, "crs", match="n'a pas de SCR")


def test_unknown_crs(tmp_path):
    path = tmp_path / "c.shp"
    _shapefile(path)
    path.with_suffix(".prj").write_text(
        'LOCAL_CS["site grid",LOCAL_DATUM["site",0],UNIT["metre",1],AXIS["X",EAST],'
        'AXIS["Y",NORTH]]')
    raises(load_cites, path, "crs", match="SCR inconnu ou inutilisable")


def test_lambert93_coordinates_declared_as_wgs84(tmp_path):
    path = tmp_path / "c.gpkg"
    cites_frame("world").set_crs(4326, allow_override=True).to_file(path)
    raises(load_cites, path, "crs", match="déclarées dans un SCR géographique")


def test_geojson_holding_lambert93_metres(tmp_path):
    path = tmp_path / "cites.geojson"  # RFC 7946: no crs member, so GDAL assumes WGS84
    doc = json.loads(cites_frame("world").to_json(drop_id=True))
    doc.pop("crs", None)
    path.write_text(json.dumps(doc))
    raises(load_cites, path, "crs", match="portent des coordonnées projetées")


def test_lonlat_in_lambert93_columns(tmp_path):
    frame = rpls_frame()
    frame["X"], frame["Y"] = "2.83", "50.43"
    path = tmp_path / "rpls.csv"
    frame.to_csv(path, sep=";", index=False)
    raises(load_rpls, path, "X/Y", match="longitude/latitude")


def test_swapped_axes(tmp_path):
    frame = rpls_frame()
    frame["X"], frame["Y"] = frame["Y"], frame["X"]
    path = tmp_path / "rpls.csv"
    frame.to_csv(path, sep=";", index=False)
    raises(load_rpls, path, "X/Y", match="semblent inversées")


def test_landlord_file_of_another_department(tmp_path):
    frame = rpls_frame()
    frame["X"], frame["Y"] = "652000", "6862000"  # Paris
    frame["DEPCOM"] = "75056"
    path = tmp_path / "rpls.csv"
    frame.to_csv(path, sep=";", index=False)
    # a file with no row in the study area names its extent (rows outside are only
    # left out and counted when some rows fall inside: test_sources_bailleurs)
    message = raises(load_rpls, path, "X/Y", match="aucune des 5 lignes localisées")
    assert "652000" in message and "système de coordonnées" in message


# ----------------------------------------------------------------------- rows


def test_empty_layer(tmp_path):
    path = tmp_path / "c.gpkg"
    cites_frame("world").iloc[:0].to_file(path)
    message = raises(load_cites, path, match="la couche est vide")
    assert "couche « c »" in message


def test_duplicate_cite_ids(tmp_path):
    gdf = cites_frame("world")
    gdf.loc[2, "ID_LSM"] = 101
    path = tmp_path / "c.gpkg"
    gdf.to_file(path)
    raises(load_cites, path, "ID_LSM", match="identifiants en double : « 101 »")


def test_duplicate_cells(tmp_path):
    path = _filosofi_csv(tmp_path, "idcar_200m",
                         {1: f"CRS3035RES200mN{LENS_GRID[1]}E{LENS_GRID[0]}"})
    raises(load_filosofi, path, "idcar_200m", match="identifiants en double")


def test_malformed_idcar(tmp_path):
    path = _filosofi_csv(tmp_path, "idcar_200m", {2: "CRS3035RES200mN30604E", 3: "N3060400E38"})
    message = raises(load_filosofi, path, "idcar_200m", match="2 identifiant(s) de carreau mal formé(s)")
    assert "N3060400E38" in message


def test_grid_resolution_other_than_200m(tmp_path):
    path = _filosofi_csv(tmp_path, "idcar_200m", {0: "CRS3035RES1000mN3060000E3812000"})
    raises(load_filosofi, path, "idcar_200m", match="résolution 1000 m au lieu de 200 m")


def test_comma_decimals(tmp_path):
    path = _filosofi_csv(tmp_path, "ind", {0: "12,5", 4: "7,5"}, sep=";")
    raises(load_filosofi, path, "ind", match="virgule comme séparateur décimal")


def test_thousands_separator(tmp_path):
    path = _filosofi_csv(tmp_path, "ind_snv", {1: "1 234 567.5"})
    raises(load_filosofi, path, "ind_snv", match="séparateur de milliers")


def test_non_numeric_count(tmp_path):
    path = _filosofi_csv(tmp_path, "men", {3: "n/a"})
    raises(load_filosofi, path, "men", match="valeurs non numériques")


def test_negative_count(tmp_path):
    path = _filosofi_csv(tmp_path, "men_pauv", {5: -2.0})
    raises(load_filosofi, path, "men_pauv", match="effectif(s) négatif(s)")


def test_nan_count(tmp_path):
    path = _filosofi_csv(tmp_path, "ind", {0: float("nan")})
    raises(load_filosofi, path, "ind", match="vide(s) ou NaN")


def test_dpe_class_outside_a_to_g(tmp_path):
    frame = dpe_frame()
    frame.loc[2, "etiquette_dpe"] = "N"
    path = tmp_path / "dpe.csv"
    frame.to_csv(path, index=False)
    message = raises(load_dpe, path, "etiquette_dpe", match="valeur(s) inconnue(s) : « N »")
    assert "2262E00000002" in message


def test_unknown_typology(tmp_path):
    gdf = cites_frame("world")
    gdf.loc[1, "TYPE"] = "Cité ouvrière"
    path = tmp_path / "c.gpkg"
    gdf.to_file(path)
    raises(load_cites, path, "TYPE", match="Cité ouvrière")


def test_non_integer_logements(tmp_path):
    gdf = cites_frame("world")
    gdf["NB_LOGTS"] = gdf["NB_LOGTS"].astype(str)
    gdf.loc[0, "NB_LOGTS"] = "1 250"
    path = tmp_path / "c.gpkg"
    gdf.to_file(path)
    raises(load_cites, path, "NB_LOGTS", match="séparateur de milliers")


def test_point_cites(tmp_path):
    gdf = cites_frame("world")
    gdf.geometry = gdf.centroid
    path = tmp_path / "c.gpkg"
    gdf.to_file(path)
    raises(load_cites, path, "geometry", match="attendu : Polygon ou MultiPolygon")


def test_every_problem_is_reported_at_once(tmp_path):
    frame = filosofi_frame(2019)
    frame = frame.astype({"ind": object, "men": object})
    frame.loc[0, "ind"] = "12,5"
    frame.loc[1, "men"] = -1
    frame.loc[2, "idcar_200m"] = "CRS3035RES1000mN3060000E3812000"
    path = tmp_path / "c.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputDataError) as info:
        load_filosofi(path)
    assert len(info.value.problems) == 3
    assert {p.field for p in info.value.problems} == {"ind", "men", "idcar_200m"}


def test_world_with_a_broken_context_layer(tmp_path):
    from test_sources_samples import write_world

    folder = write_world(tmp_path / "raw")
    communes = context_layers()["communes"].rename(columns={"insee": "code_com"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        communes.to_file(folder / "contexte.gpkg", layer="communes", mode="w")
    path = folder / "contexte.gpkg"
    with pytest.raises(InputDataError) as info:
        load_world(folder)
    message = str(info.value)
    assert str(path) in message and "couche « communes »" in message
    assert "champ « insee »" in message


def test_communes_far_outside_france(tmp_path):
    layer = context_layers()["communes"]
    layer.geometry = layer.geometry.translate(3_000_000, 0)
    path = tmp_path / "c.gpkg"
    layer.to_file(path)
    raises(load_communes, path, "geometry", match="hors de la France métropolitaine")


def test_gpkg_that_is_an_sqlite_without_layers(tmp_path):
    path = tmp_path / "c.gpkg"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (a INTEGER)")
    raises(load_cites, path, match="gpkg_contents, is missing", gdal=True)


def test_polygons_are_checked_before_reprojection(tmp_path):
    gdf = cites_frame("world")
    gdf.loc[1, "geometry"] = shapely.Polygon()
    path = tmp_path / "c.gpkg"
    gpd.GeoDataFrame(gdf).to_file(path)
    raises(load_cites, path, "geometry", match="nulle(s) ou vide(s)")
