"""Tests of cites_priority.sources.world on a tiny world folder built in code."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from cites_priority import InputDataError
from cites_priority.sources import World, load_world
from test_sources_samples import cites_frame, write_world


@pytest.fixture()
def world_dir(tmp_path):
    return write_world(tmp_path / "raw")


def test_load_world_reads_every_file(world_dir):
    world = load_world(world_dir)
    assert isinstance(world, World)
    assert len(world.cites) == 4 and len(world.cells) == 6 and len(world.rpls) == 5
    assert len(world.dpe) == 4 and len(world.communes) == 2 and len(world.epci) == 1
    assert len(world.bien) == 1 and len(world.buffer) == 1 and len(world.qpv) == 2
    assert len(world.transit_lines) == 1 and len(world.transit_stops) == 2
    assert len(world.centralities) == 3
    assert world.reference["list"].tolist() == ["mission_2016", "erbm"]
    assert world.provenance["status"].tolist() == ["synthetic"]
    for frame in (world.cites, world.cells, world.rpls, world.qpv, world.centralities):
        assert frame.crs.to_epsg() == 2154
    with pytest.raises(dataclasses.FrozenInstanceError):
        world.cites = None  # type: ignore[misc]


def test_cites_indexed_by_cite_id_and_join_the_indicator_table(world_dir):
    """One index convention: `world.cites` joins the tables keyed by cité without a merge."""
    from cites_priority.indicators import compute_indicators

    world = load_world(world_dir)
    assert world.cites.index.name == "cite_id"
    assert world.cites.index.tolist() == world.cites["cite_id"].tolist()
    assert world.cites.index.is_unique
    indicators = compute_indicators(world)
    assert indicators.index.name == "cite_id"
    col = str(indicators.select_dtypes("number").notna().sum().idxmax())
    joined = world.cites.join(indicators[[col]].rename(columns={col: "joined"}))
    assert joined["joined"].notna().all()
    assert joined["joined"].tolist() == indicators[col].reindex(world.cites.index).tolist()


def test_checksums_are_sha256_of_the_inputs_and_skip_the_spec(world_dir):
    world = load_world(world_dir)
    assert "world_spec.yaml" not in world.checksums
    assert set(world.checksums) == {"cites_minieres.gpkg", "carreaux_200m_met.csv",
                                    "rpls_logements.csv", "dpe_logements.csv", "contexte.gpkg",
                                    "reference_lists.csv", "provenance.csv"}
    data = (world_dir / "rpls_logements.csv").read_bytes()
    assert world.checksums["rpls_logements.csv"] == hashlib.sha256(data).hexdigest()


def test_optional_files_may_be_absent(world_dir):
    (world_dir / "reference_lists.csv").unlink()
    (world_dir / "provenance.csv").unlink()
    (world_dir / "world_spec.yaml").unlink()
    world = load_world(world_dir)
    assert world.reference is None and world.provenance is None


def test_insee_and_epci_filled_by_majority_overlap(tmp_path):
    cites = cites_frame("world").drop(columns="INSEE_COM")
    world = load_world(write_world(tmp_path / "raw", cites=cites))
    # the communes meet at x0 + 900: boxes 0 (x0..x0+300) and 1 (x0+500..x0+800) lie in
    # Lens (62498), boxes 2 (x0+1000..) and 3 (x0+1500..) in Liévin (62510)
    assert world.cites["insee"].tolist() == ["62498", "62498", "62510", "62510"]
    assert world.cites["epci"].eq("200040095").all()


def test_existing_insee_is_kept(world_dir):
    world = load_world(world_dir)
    assert world.cites["insee"].eq("62498").all()


def test_missing_required_file(world_dir):
    (world_dir / "carreaux_200m_met.csv").unlink()
    with pytest.raises(InputDataError, match="carreaux_200m_met.csv") as info:
        load_world(world_dir)
    assert "Filosofi" in str(info.value) and "--inputs" in str(info.value)


def test_missing_folder(tmp_path):
    with pytest.raises(InputDataError, match="dossier de données introuvable"):
        load_world(tmp_path / "nope")


@pytest.mark.slow
def test_the_generated_default_world_loads(default_world):
    world = load_world(default_world)
    assert len(world.cites) == 543 and world.cites["cite_id"].is_unique
    assert world.cites["insee"].notna().all() and world.cites["epci"].notna().all()
    # Filosofi is read for the study area only: the cités' extent plus 2 km
    assert 18_000 < len(world.cells) < 19_552
    xmin, ymin, xmax, ymax = world.cites.total_bounds
    b = world.cells.geometry.bounds
    assert (b["maxx"] >= xmin - 2_000).all() and (b["minx"] <= xmax + 2_000).all()
    assert world.rpls["dwelling_id"].is_unique and world.dpe["dwelling_id"].is_unique
    assert world.inventory is not None and len(world.inventory) == len(world.rpls)
    assert set(world.inputs) >= {"cites", "filosofi", "contexte", "rpls", "dpe", "inventaire"}
    assert world.reference is not None and world.provenance is not None


def test_commune_names_follow_the_commune_layer():
    import geopandas as gpd
    from shapely.geometry import box

    from cites_priority.sources.world import official_commune_names

    cites = gpd.GeoDataFrame(
        {"communes": ["BRUAY-LA-BUISSIERE", "NOEUX-LES-MINES; ST-POL", "Inconnue", None]},
        geometry=[box(0, 0, 1, 1)] * 4,
        crs="EPSG:2154",
    )
    communes = gpd.GeoDataFrame(
        {"name": ["Bruay-la-Buissière", "Nœux-les-Mines", "Saint-Pol"]}, geometry=[box(0, 0, 1, 1)] * 3, crs="EPSG:2154"
    )
    out = official_commune_names(cites, communes)["communes"].tolist()
    assert out[:3] == ["Bruay-la-Buissière", "Nœux-les-Mines; Saint-Pol", "Inconnue"]
    import pandas as pd

    assert pd.isna(out[3])
