"""Tests of cites_priority.scenario: loading, resolving, hashing, dumping, JSON schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cites_priority.constants import FAMILIES
from cites_priority.scenario import (
    INDICATORS,
    Scenario,
    dump_scenario,
    load_scenario,
    scenario_hash,
    scenario_json_schema,
)

ROOT = Path(__file__).resolve().parents[1]
MISSION = ROOT / "configs" / "mission_2016.yaml"


def test_mission_covers_the_four_families_with_known_indicators(mission):
    assert list(mission.criteria) == list(FAMILIES)
    assert set(mission.indicator_names()) <= set(INDICATORS)
    assert mission.criteria["social"].indicators["niveau_vie"].normalisation == "value_function"
    assert mission.selection.n_cites == 25
    assert (mission.selection.logements_min, mission.selection.logements_max) == (11000, 13000)
    assert mission.robustness.draws >= 2000


def test_ruc_value_function_thresholds_are_shares_of_the_reference(mission):
    spec = mission.criteria["social"].indicators["niveau_vie"]
    shares = [t / 18749 for t in spec.thresholds]
    assert shares == pytest.approx([0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6], abs=1e-3)
    assert spec.values[0] == 1.0 and spec.values[-1] == 0.0


def test_resolved_weights_sum_to_one(mission):
    res = mission.resolved()
    assert sum(f.weight for f in res.criteria.values()) == pytest.approx(1.0)
    for fam in res.criteria.values():
        assert sum(i.weight for i in fam.indicators.values()) == pytest.approx(1.0)
    table = mission.weight_table()
    assert table["effective_weight"].sum() == pytest.approx(1.0)
    assert set(table.columns) >= {"family", "indicator", "weight", "direction"}


def test_hash_ignores_weight_scale_but_not_weights(mission):
    data = mission.model_dump()
    for fam in data["criteria"].values():
        fam["weight"] *= 3
    scaled = Scenario.model_validate(data)
    assert scenario_hash(scaled) == scenario_hash(mission)
    data["criteria"]["social"]["weight"] *= 2
    assert scenario_hash(Scenario.model_validate(data)) != scenario_hash(mission)
    assert len(scenario_hash(mission)) == 64


def test_dump_then_load_round_trips(mission, tmp_path):
    out = dump_scenario(mission, tmp_path / "sub" / "copy.yaml", header="copie")
    assert out.read_text(encoding="utf-8").startswith("# copie")
    back = load_scenario(out)
    assert back.model_dump() == mission.model_dump()
    assert scenario_hash(back) == scenario_hash(mission)


def test_data_dir_is_relative_to_the_scenario_file(tmp_path):
    text = MISSION.read_text(encoding="utf-8") + "\ninputs:\n  data_dir: ../data/raw\n"
    (tmp_path / "cfg").mkdir()
    path = tmp_path / "cfg" / "s.yaml"
    path.write_text(text, encoding="utf-8")
    s = load_scenario(path)
    assert s.data_dir() == (tmp_path / "cfg" / "../data/raw")
    assert load_scenario(MISSION).data_dir() is None


def test_committed_json_schema_is_up_to_date():
    committed = json.loads((ROOT / "configs" / "scenario.schema.json").read_text("utf-8"))
    assert committed == scenario_json_schema()
    assert committed["additionalProperties"] is False
    assert "criteria" in committed["required"]


def test_phases_carry_their_years(mission):
    from pydantic import ValidationError

    from cites_priority.scenario import PhasesSpec

    assert mission.selection.phases.period_labels() == {1: "2017–2021", 2: "2022–2026"}
    three = PhasesSpec(count=3, years_each=4, start_year=2020)
    assert three.period_labels() == {1: "2020–2023", 2: "2024–2027", 3: "2028–2031"}
    explicit = PhasesSpec(periods=[(2018, 2020), (2021, 2027)])
    assert explicit.period_labels() == {1: "2018–2020", 2: "2021–2027"}
    with pytest.raises(ValidationError, match="2 phases"):
        PhasesSpec(periods=[(2017, 2026)])
    with pytest.raises(ValidationError, match="2022 > 2021"):
        PhasesSpec(periods=[(2017, 2021), (2022, 2021)])
