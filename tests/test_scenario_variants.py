"""Scenario variants in memory: with_weights, with_indicator_weights, with_selection,
with_outputs, and the pipeline taking a Scenario object instead of a path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cites_priority import ScenarioError
from cites_priority.scenario import Scenario, dump_scenario, load_scenario, scenario_hash
from cites_priority.scoring import score
from indicator_examples import example_indicators

ROOT = Path(__file__).resolve().parents[1]
MISSION = ROOT / "configs" / "mission_2016.yaml"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return example_indicators()


def _family_weights(scenario: Scenario) -> dict[str, float]:
    return {f: s.weight for f, s in scenario.resolved().criteria.items()}


def test_with_weights_gives_named_families_their_share_and_rescales_the_others(mission):
    before = _family_weights(mission)
    variant = mission.with_weights(heritage=0.4)
    after = _family_weights(variant)
    assert after["heritage"] == pytest.approx(0.4)
    others = [f for f in before if f != "heritage"]
    rest = sum(before[f] for f in others)
    for f in others:
        assert after[f] == pytest.approx(0.6 * before[f] / rest)
    assert sum(after.values()) == pytest.approx(1.0)
    # a new scenario: the original is unchanged and the source folder is kept
    assert _family_weights(mission) == before
    assert variant is not mission and variant._source == mission._source


def test_with_weights_naming_every_family_takes_the_weights_as_given(mission):
    variant = mission.with_weights(social=2, building=1, heritage=1, urban=0)
    assert {f: s.weight for f, s in variant.criteria.items()} == {
        "social": 2.0, "building": 1.0, "heritage": 1.0, "urban": 0.0}
    assert _family_weights(variant)["social"] == pytest.approx(0.5)
    assert variant.weight_warnings()  # like a YAML file whose weights do not sum to 1


def test_with_weights_refuses_an_unknown_family_naming_the_known_ones(mission):
    with pytest.raises(ScenarioError) as err:
        mission.with_weights(patrimoine=0.4)
    text = str(err.value)
    assert "« patrimoine »" in text and "inconnue" in text
    for fam in mission.criteria:
        assert fam in text


def test_with_weights_suggests_the_closest_family(mission):
    with pytest.raises(ScenarioError, match="vouliez-vous dire « heritage »"):
        mission.with_weights(heritag=0.4)


@pytest.mark.parametrize("weights", [{"social": -0.1}, {"social": float("nan")}, {"social": "beaucoup"}])
def test_with_weights_refuses_invalid_weights(mission, weights):
    with pytest.raises(ScenarioError, match="social"):
        mission.with_weights(**weights)


def test_with_weights_refuses_shares_over_one_when_families_are_left_out(mission):
    with pytest.raises(ScenarioError, match="plus que 1"):
        mission.with_weights(social=0.7, heritage=0.5)


def test_with_weights_scores_like_the_same_weights_written_in_yaml(mission, table, tmp_path):
    variant = mission.with_weights(social=0.5, heritage=0.3, urban=0.2)
    # the YAML route: the mission file with the family weights edited by hand
    data = yaml.safe_load(MISSION.read_text(encoding="utf-8"))
    for fam, w in {f: s.weight for f, s in variant.criteria.items()}.items():
        data["criteria"][fam]["weight"] = w
    path = tmp_path / "variante.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    from_yaml = load_scenario(path)
    assert _family_weights(variant)["building"] == 0.0
    assert scenario_hash(variant) == scenario_hash(from_yaml)
    a, b = score(table, variant).table, score(table, from_yaml).table
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    # and the dump of the variant reads back identically
    again = load_scenario(dump_scenario(variant, tmp_path / "dump.yaml"))
    pd.testing.assert_frame_equal(score(table, again).table, a, check_exact=True)
    assert not score(table, mission).table["score"].equals(a["score"])


def test_with_indicator_weights(mission):
    variant = mission.with_indicator_weights(niveau_vie=3.0)
    assert variant.criteria["social"].indicators["niveau_vie"].weight == 3.0
    assert mission.criteria["social"].indicators["niveau_vie"].weight != 3.0
    with pytest.raises(ScenarioError, match="« niveau_vi »"):
        mission.with_indicator_weights(niveau_vi=1.0)


def test_with_selection_and_outputs(mission):
    variant = mission.with_selection(n_cites=30).with_outputs(robustness=False)
    assert variant.selection.n_cites == 30 and not variant.outputs.robustness
    assert mission.selection.n_cites == 25 and mission.outputs.robustness
    with pytest.raises(ScenarioError, match="n_cites"):
        mission.with_selection(n_cites=0)
    with pytest.raises(ScenarioError, match="clé inconnue"):
        mission.with_selection(n_cite=30)


def test_pipeline_takes_a_scenario_object_like_its_yaml(default_world, fast_scenario, tmp_path):
    from cites_priority.pipeline import prepare_inputs, select_for

    variant = load_scenario(fast_scenario).with_weights(heritage=0.4)
    path = dump_scenario(variant, tmp_path / "variante.yaml")
    by_object = prepare_inputs(variant, data_dir=default_world)
    by_path = prepare_inputs(path, data_dir=default_world)
    assert scenario_hash(by_object.scenario) == scenario_hash(by_path.scenario)
    scores = [score(i.indicators, i.scenario).table for i in (by_object, by_path)]
    pd.testing.assert_frame_equal(*scores, check_exact=True)
    picks = [select_for(i.scenario, s["score"], i.logements, i.epci)
             for i, s in zip((by_object, by_path), scores, strict=True)]
    pd.testing.assert_series_equal(*picks)


def test_with_weights_rescales_like_the_analyses_one_family_change(mission):
    from cites_priority.analysis.robustness import rescaled_family_weights

    before = np.array(list(_family_weights(mission).values()))
    f = list(mission.criteria).index("urban")
    expected = rescaled_family_weights(before, f, 0.35)
    after = np.array([s.weight for s in mission.with_weights(urban=0.35).criteria.values()])
    np.testing.assert_array_equal(after, expected)
