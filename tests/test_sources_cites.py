"""Tests of cites_priority.sources.cites on the real MBM layers and on built variants."""

from __future__ import annotations

import warnings

import pytest
import shapely

from cites_priority import InputDataError
from cites_priority.sources import load_cites
from cites_priority.sources.cites import SYNTHETIC_ID_BASE
from test_sources_samples import cites_frame


@pytest.mark.parametrize(("name", "count"), [("cites-minieres", 159),
                                              ("zt-cites-minieres", 162), ("cites-erbm", 59)])
def test_every_real_layer_loads(real_dir, name, count):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cites = load_cites(real_dir / "mbm_unesco" / f"{name}.geojson")
    assert len(cites) == count
    assert cites.crs.to_epsg() == 2154
    assert cites["cite_id"].is_unique and cites["cite_id"].dtype == "int64"
    assert set(cites.geom_type) <= {"Polygon", "MultiPolygon"}
    assert cites.is_valid.all()
    assert set(cites["typology"].dropna()) <= {"Corons", "Cité pavillonnaire", "Cité jardin",
                                               "Cité moderne"}
    assert list(cites.index) == list(range(count))


def test_unesco_layer_flags_and_synthetic_ids(real_dir):
    cites = load_cites(real_dir / "mbm_unesco" / "cites-minieres.geojson")
    assert cites["unesco"].sum() == 124  # rows with an id_unesco
    synthetic = cites["cite_id"] >= SYNTHETIC_ID_BASE
    assert synthetic.sum() == 159 - 63  # the 63 rows with an id_lsm keep it
    assert sorted(cites.loc[synthetic, "cite_id"]) == list(range(900_000, 900_096))


def test_synthetic_ids_do_not_depend_on_feature_order(tmp_path):
    gdf = cites_frame("unesco", n=4)
    gdf.to_file(tmp_path / "a.gpkg")
    gdf.iloc[::-1].to_file(tmp_path / "b.gpkg")
    a = load_cites(tmp_path / "a.gpkg").set_index("name")["cite_id"]
    b = load_cites(tmp_path / "b.gpkg").set_index("name")["cite_id"]
    assert a.sort_index().equals(b.sort_index())
    # ranked west to east: the boxes are laid out along x
    assert a["Cité n°1"] == 900_000 and a["Cité n°4"] == 900_003


def test_erbm_type_cite_pavillon_is_normalised(real_dir):
    cites = load_cites(real_dir / "mbm_unesco" / "cites-erbm.geojson")
    assert cites["typology"].value_counts()["Cité pavillonnaire"] == 29
    assert cites["landlord"].value_counts()["Maisons et Cités"] == 38


def test_invalid_zt_geometry_is_repaired_with_a_warning(real_dir):
    with pytest.warns(UserWarning, match=r"1 géométrie\(s\) invalide\(s\) réparée\(s\).*10010"):
        cites = load_cites(real_dir / "mbm_unesco" / "zt-cites-minieres.geojson")
    repaired = cites.loc[cites["cite_id"] == 10010].geometry.iloc[0]
    assert repaired.is_valid and repaired.area > 0


def test_utf8_shapefile_without_cpg_keeps_its_accents(tmp_path):
    """A UTF-8 .dbf without its .cpg is read by GDAL as ISO-8859-1 (« CitÃ© »): re-read."""
    gdf = cites_frame("world")
    gdf["NOM"] = ["Cité Bellevue", "Cité Saint-Édouard", "Cité des Électriciens", "Cité n°4"]
    gdf["COMMUNE_1"] = ["Liévin", "Lens", "Bruay-la-Buissière", "Liévin"]
    path = tmp_path / "cites.shp"
    with warnings.catch_warnings():  # GDAL cuts PROPRIETAIRE to 10 characters
        warnings.simplefilter("ignore")
        gdf.to_file(path, encoding="UTF-8")
    assert path.with_suffix(".cpg").read_text().strip().upper() == "UTF-8"
    path.with_suffix(".cpg").unlink()
    with pytest.warns(UserWarning, match=r"cites\.shp : le fichier \.dbf est en UTF-8 .*pas de "
                      r"\.cpg.*relu en UTF-8") as record:
        cites = load_cites(path)
    assert len(record) == 1 and "« UTF-8 »" in str(record[0].message)
    assert record[0].filename == __file__  # points at the caller
    assert cites["name"].tolist() == gdf["NOM"].tolist()
    assert cites["communes"].tolist() == ["Liévin; Loos", "Lens", "Bruay-la-Buissière", "Liévin"]
    assert cites["typology"].tolist() == ["Corons", "Cité pavillonnaire", "Cité jardin",
                                          "Cité moderne"]
    assert cites["heritage_interest"].iloc[0] == "Témoin"
    assert cites["landlord"].eq("Maisons et Cités").all()
    # with its .cpg (or an explicit encoding) there is nothing to warn about
    path.with_suffix(".cpg").write_text("UTF-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_cites(path)["name"].tolist() == gdf["NOM"].tolist()
    path.with_suffix(".cpg").unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_cites(path, encoding="UTF-8")["name"].tolist() == gdf["NOM"].tolist()


def test_latin1_shapefile_without_cpg_is_read_as_latin1(tmp_path):
    """The re-read only happens on UTF-8 byte pairs: a genuine ISO-8859-1 .dbf is kept."""
    gdf = cites_frame("world")
    gdf["NOM"] = ["Cité Bellevue", "Cité Saint-Édouard", "Cité des Électriciens", "Cité n°4"]
    path = tmp_path / "cites.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf.to_file(path, encoding="ISO-8859-1")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cites = load_cites(path)
    assert cites["name"].tolist() == gdf["NOM"].tolist()


def test_pyogrio_and_fiona_read_the_same_cites(real_dir):
    path = real_dir / "mbm_unesco" / "cites-erbm.geojson"
    a = load_cites(path, engine="pyogrio")
    b = load_cites(path, engine="fiona")
    assert a["cite_id"].tolist() == b["cite_id"].tolist()
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 1e-6).all()


def test_world_schema_keeps_counts_ids_and_codes(tmp_path):
    cites_frame("world").to_file(tmp_path / "c.gpkg", layer="cites_minieres")
    cites = load_cites(tmp_path / "c.gpkg")
    assert cites["cite_id"].tolist() == [101, 102, 103, 104]
    assert cites["logements"].tolist() == [50, 51, 52, 53]
    assert str(cites["logements"].dtype) == "Int64"
    assert cites["insee"].eq("62498").all()
    assert cites["communes"].iloc[0] == "Lens; Loos"
    assert cites["unesco"].tolist() == [True, False, False, False]


def test_shapefile_with_upper_case_names(tmp_path):
    path = tmp_path / "cites.shp"
    gdf = cites_frame("world")
    gdf.columns = [c.upper() if c != "geometry" else c for c in gdf.columns]
    with warnings.catch_warnings():  # GDAL cuts PROPRIETAIRE to PROPRIETAI
        warnings.simplefilter("ignore")
        gdf.to_file(path)
    cites = load_cites(path)
    assert cites["landlord"].eq("Maisons et Cités").all()
    assert cites["cite_id"].tolist() == [101, 102, 103, 104]
    assert cites["heritage_interest"].tolist()[:3] == ["Témoin", "Remarquable", "Exceptionnelle"]


@pytest.mark.parametrize("epsg", [4326, 3857])
def test_any_input_crs_gives_lambert93(tmp_path, epsg):
    src = cites_frame("zt")
    path = tmp_path / ("c.geojson" if epsg == 4326 else "c.gpkg")
    src.to_crs(epsg).to_file(path)
    cites = load_cites(path)
    assert cites.crs.to_epsg() == 2154
    assert cites.geometry.area.to_numpy() == pytest.approx(src.area.to_numpy(), rel=1e-4)


def test_field_aliases_are_case_insensitive(tmp_path):
    gdf = cites_frame("world").rename(columns={"NB_LOGTS": "nb_logements", "NOM": "Nom_Cite"})
    gdf.to_file(tmp_path / "c.gpkg")
    cites = load_cites(tmp_path / "c.gpkg")
    assert cites["logements"].sum() == 50 + 51 + 52 + 53
    assert cites["name"].iloc[0] == "Cité n°1"


def test_cites_far_away_are_an_error(tmp_path):
    gdf = cites_frame("world")
    gdf.geometry = gdf.geometry.translate(0, -400_000)  # near Paris
    gdf.to_file(tmp_path / "c.gpkg")
    with pytest.raises(InputDataError, match=r"lignes : 101, 102"):
        load_cites(tmp_path / "c.gpkg")
    assert len(load_cites(tmp_path / "c.gpkg", check_basin=False)) == 4
