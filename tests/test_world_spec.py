"""Spec load/dump and provenance coverage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cites_priority.constants import WORLD_FILES
from cites_priority.world.spec import WorldSpec, dump_spec, load_spec


def test_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(dump_spec(WorldSpec(seed=3)))
    assert load_spec(p).seed == 3


def test_unknown_key_rejected(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("seed: 1\nbogus: 2\n")
    with pytest.raises(ValueError, match="bogus"):
        load_spec(p)


def test_default_config_matches_defaults() -> None:
    cfg = Path(__file__).resolve().parents[1] / "configs" / "world_default.yaml"
    assert load_spec(cfg) == WorldSpec()


def test_provenance_covers_every_field(default_world: Path) -> None:
    prov = pd.read_csv(default_world / WORLD_FILES["provenance"])
    assert set(prov["status"]) <= {"real", "synthetic", "derived"}
    cells_cols = (default_world / WORLD_FILES["cells"]).read_text().splitlines()[0].split(",")
    got = set(prov.loc[prov["dataset"] == "carreaux_200m_met", "field"])
    assert set(cells_cols) <= got
    rpls_cols = (default_world / WORLD_FILES["rpls"]).read_text().splitlines()[0].split(";")
    assert set(rpls_cols) <= set(prov.loc[prov["dataset"] == "rpls_logements", "field"])
