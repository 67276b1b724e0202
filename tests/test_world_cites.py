"""Real cités keep their geometry and attributes; synthetic ones are plausible."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from cites_priority.constants import WORLD_FILES
from cites_priority.world.cites import norm_text, real_cites
from cites_priority.world.realdata import find_real_dir, read_real


@pytest.fixture(scope="module")
def real(real_dir: Path):
    return read_real(real_dir)


@pytest.fixture(scope="module")
def cites(default_world: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(default_world / WORLD_FILES["cites"], layer="cites_minieres")


def test_norm_text() -> None:
    assert norm_text("Cité St-Albert") == "cite saint albert"
    assert norm_text("Évin-Malmaison") == "evin malmaison"


def test_find_real_dir_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="real extracts were not found"):
        find_real_dir(tmp_path, search_checkout=False)


def test_real_cites_dedup(real) -> None:
    rc = real_cites(real)
    assert rc["ID_UNESCO"].notna().sum() == 124
    assert rc["ID_LSM"].is_unique
    # every ZT id is present or absorbed into a UNESCO cité covering it
    assert 280 <= len(rc) <= 340
    real_ids = set(real.zt["id_lsm"]) | set(real.erbm["id_lsm"]) | set(real.unesco["id_lsm"].dropna().astype(int))
    new = set(rc["ID_LSM"]) - real_ids
    assert all(1001 <= k < 2001 for k in new) and not new & real_ids


def test_unesco_geometry_and_attributes_unchanged(real, cites) -> None:
    u = real.unesco[real.unesco["id_unesco"].notna()]
    out = cites[cites["ID_UNESCO"].notna()].set_index("ID_UNESCO")
    for _, row in u.iterrows():
        got = out.loc[row["id_unesco"]]
        assert got["NOM"] == row["nom"]
        assert got["TYPE"] == row["type"]
        assert got["INTERET"] == row["interet"]
        assert got["COMMUNE_1"] == row["commune_1"]
        assert shapely.equals_exact(shapely.normalize(got.geometry), shapely.normalize(
            shapely.MultiPolygon([row.geometry]) if row.geometry.geom_type == "Polygon" else row.geometry), 0.01)


def test_zt_cites_kept_with_real_attributes(real, cites) -> None:
    by_id = cites.set_index("ID_LSM")
    kept = real.zt[real.zt["id_lsm"].isin(by_id.index)]
    assert len(kept) >= 140
    for _, row in kept.iterrows():
        got = by_id.loc[row["id_lsm"]]
        if got["ID_UNESCO"] is None:
            assert got["NOM"] == row["nom"]
            assert got["PROPRIETAIRE"] == row["proprietaire"]
            assert abs(got.geometry.area - row.geometry.area) < 1.0


def test_synthetic_cites_plausible(cites) -> None:
    syn = cites[cites["ID_LSM"].between(2001, 9999)]
    assert len(syn) == 543 - (~cites["ID_LSM"].between(2001, 9999)).sum()
    area = syn.geometry.area / 1e4
    assert area.min() >= 1.0 and area.max() <= 45
    assert syn["TYPE"].isin(["Corons", "Cité pavillonnaire", "Cité jardin", "Cité moderne"]).all()
    assert (syn["INTERET"] == "Témoin").mean() > 0.6
    assert syn["INSEE_COM"].notna().all()
    # no synthetic cité overlaps a real one
    tree = shapely.STRtree(cites[~cites["ID_LSM"].between(2001, 9999)].geometry.values)
    left, right = tree.query(syn.geometry.values, predicate="intersects")
    inter = shapely.area(shapely.intersection(syn.geometry.values[left], tree.geometries[right]))
    assert (inter >= 100).sum() <= 0.05 * len(syn)
    assert np.isin(syn["INSEE_COM"].str[:2], ["59", "62"]).all()
