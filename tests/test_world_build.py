"""World folder: files, totals, determinism, another seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from cites_priority.constants import WORLD_FILES
from cites_priority.world import WorldSpec, build_world, load_spec


def _digest(folder: Path) -> dict[str, str]:
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in WORLD_FILES.values()}


def test_every_file_written(default_world: Path) -> None:
    for name in WORLD_FILES.values():
        assert (default_world / name).stat().st_size > 0, name
    assert not list(default_world.glob(".cites-priority-tmp-*"))


def test_documented_totals(default_world: Path) -> None:
    cites = gpd.read_file(default_world / WORLD_FILES["cites"], layer="cites_minieres")
    ref = pd.read_csv(default_world / WORLD_FILES["reference"])
    assert len(cites) == 543
    assert cites["ID_LSM"].is_unique
    assert 69300 <= cites["NB_LOGTS"].sum() <= 70700
    assert cites["ID_UNESCO"].notna().sum() == 124
    assert abs(cites.loc[cites["ID_UNESCO"].notna(), "NB_LOGTS"].sum() - 27000) <= 300
    mission = ref.loc[ref["list"] == "mission_2016", "cite_id"].unique()
    examined = set(ref.loc[ref["list"].isin(["mission_2016", "examined_2016"]), "cite_id"])
    assert len(mission) == 25
    assert 11000 <= cites.loc[cites["ID_LSM"].isin(mission), "NB_LOGTS"].sum() <= 13000
    assert len(examined) == 103
    assert abs(cites.loc[cites["ID_LSM"].isin(examined), "NB_LOGTS"].sum() - 30000) <= 600
    assert ref.loc[ref["list"] == "erbm"].shape[0] == 59 - 0  # one row per real ERBM cité
    assert set(ref["cite_id"]) <= set(cites["ID_LSM"])
    assert cites.crs.to_epsg() == 2154


def test_spec_round_trip(default_world: Path) -> None:
    spec = load_spec(default_world / WORLD_FILES["spec"])
    assert spec == WorldSpec()


@pytest.mark.slow
def test_same_spec_same_bytes(default_world: Path, tmp_path: Path, real_dir: Path) -> None:
    again = build_world(tmp_path / "again", spec=default_world / WORLD_FILES["spec"], real_dir=real_dir)
    assert _digest(again) == _digest(default_world)


@pytest.mark.slow
def test_other_seed_other_consistent_world(default_world: Path, tmp_path: Path, real_dir: Path) -> None:
    spec = WorldSpec().model_copy(update={"mission": WorldSpec().mission.model_copy(update={"condition": False})})
    other = build_world(tmp_path / "other", spec=spec, seed=7, real_dir=real_dir)
    a = gpd.read_file(default_world / WORLD_FILES["cites"])
    b = gpd.read_file(other / WORLD_FILES["cites"])
    assert len(b) == 543 and 69300 <= b["NB_LOGTS"].sum() <= 70700
    assert abs(b.loc[b["ID_UNESCO"].notna(), "NB_LOGTS"].sum() - 27000) <= 300
    real_a = a[~a["ID_LSM"].between(2001, 9999)].reset_index(drop=True)
    real_b = b[~b["ID_LSM"].between(2001, 9999)].reset_index(drop=True)
    assert real_a["NOM"].tolist() == real_b["NOM"].tolist()  # real cités unchanged
    assert not a["NB_LOGTS"].equals(b["NB_LOGTS"])
    assert load_spec(other / WORLD_FILES["spec"]).seed == 7
    # Synthetic cités moved but the real grid text is identical.
    assert (other / WORLD_FILES["cells"]).read_text().splitlines()[1].split(",")[:15] == (
        default_world / WORLD_FILES["cells"]
    ).read_text().splitlines()[1].split(",")[:15]
