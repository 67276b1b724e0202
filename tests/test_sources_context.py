"""Tests of cites_priority.sources.context on the real MBM/IGN layers and built ones."""

from __future__ import annotations

import pytest

from cites_priority import InputDataError
from cites_priority.sources import (
    load_communes,
    load_epci,
    load_qpv,
    load_unesco_bien,
    load_unesco_buffer,
)
from test_sources_samples import context_layers


def test_real_mbm_communes(real_dir):
    communes = load_communes(real_dir / "mbm_unesco" / "communes-mbm.geojson")
    assert len(communes) == 330
    assert communes["population"].sum() == 1_352_111
    assert communes["epci"].nunique() == 9
    assert communes["insee"].str.fullmatch(r"\d{5}").all()
    assert communes.crs.to_epsg() == 2154


@pytest.mark.parametrize(("name", "count"), [("communes-59-nord", 648),
                                              ("communes-62-pas-de-calais", 891)])
def test_real_admin_communes(real_dir, name, count):
    communes = load_communes(real_dir / "admin" / f"{name}.geojson")
    assert len(communes) == count and communes["epci"].isna().all()


def test_real_epci_bien_and_buffer(real_dir):
    mbm = real_dir / "mbm_unesco"
    epci = load_epci(mbm / "epci.geojson")
    bien = load_unesco_bien(mbm / "bien-inscrit.geojson")
    buffer = load_unesco_buffer(mbm / "zone-tampon.geojson")
    assert len(epci) == 9 and epci["epci"].is_unique
    assert len(bien) == 109 and bien["surface_ha"].sum() == pytest.approx(3_975, abs=1)
    assert len(buffer) == 15 and buffer["surface_ha"].sum() == pytest.approx(14_967, abs=1)
    # the stated hectares agree with the polygons measured in Lambert-93 (simplified, ~5 %)
    assert bien.area.sum() / 1e4 == pytest.approx(3_975, rel=0.05)


def test_ign_schema_upper_case(tmp_path):
    layer = context_layers()["communes"].rename(columns={"insee": "INSEE_COM", "nom": "NOM",
                                                         "epci_siren": "SIREN_EPCI"})
    layer.drop(columns=["epci_nom", "population"]).to_file(tmp_path / "c.shp")
    communes = load_communes(tmp_path / "c.shp")
    assert communes["insee"].tolist() == ["62498", "62510"]
    assert communes["epci"].eq("200040095").all()


def test_layer_defaults_to_the_world_name(tmp_path):
    path = tmp_path / "contexte.gpkg"
    for name, layer in context_layers().items():
        layer.to_file(path, layer=name)
    assert load_qpv(path)["code_qp"].tolist() == ["QN06201M", "QN06202M"]
    assert load_epci(path)["name"].tolist() == ["CA Lens-Liévin"]
    with pytest.raises(InputDataError, match="aucune couche nommée « qvp ».*vouliez-vous dire « qpv » \\?"):
        load_qpv(path, layer="qvp")


def test_point_layer_given_as_communes_is_an_error(tmp_path):
    context_layers()["centralites"].rename(columns={"nom": "nom"}).assign(
        insee="62498").to_file(tmp_path / "p.gpkg")
    with pytest.raises(InputDataError, match="geometry.*attendu : Polygon"):
        load_communes(tmp_path / "p.gpkg")
