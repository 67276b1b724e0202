"""Tests of cites_priority.analysis.calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cites_priority.analysis.calibration import calibrate, fit_weights
from cites_priority.scenario import dump_scenario, load_scenario
from indicator_examples import example_indicators, example_reference

MISSION = Path(__file__).resolve().parents[1] / "configs" / "mission_2016.yaml"
TABLE = example_indicators()
REF = example_reference(TABLE)


@pytest.fixture(scope="module")
def result():
    s = load_scenario(MISSION)
    return calibrate(TABLE, s, REF, logements=TABLE["logements"], epci=TABLE["epci"],
                     cv=5, seed=0)


def test_fit_weights_recovers_the_informative_column():
    rng = np.random.default_rng(0)
    u = rng.random((400, 3))
    y = (u[:, 1] + 0.1 * rng.normal(size=400)) > 0.85
    w = fit_weights(u, y)
    assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
    assert w.argmax() == 1 and w[1] > 0.6


def test_calibrated_weights_are_valid_and_do_better(result):
    w = result.weights
    assert (w["weight_after"] >= 0).all()
    assert w["weight_after"].sum() == pytest.approx(1.0)
    res = result.scenario.resolved()
    assert sum(f.weight for f in res.criteria.values()) == pytest.approx(1.0)
    assert result.scenario.name.endswith("_calibrated")
    assert result.recall >= result.baseline_recall
    assert result.recall > 0.3


def test_weights_follow_the_rule_behind_the_list():
    """A list made of heritage-rich large cités pulls the weight towards heritage."""
    big = TABLE["logements"] >= 200
    rule = (TABLE["heritage_rank"] + TABLE["share_in_bien"]).where(big, -1.0)
    ref = rule.sort_values(ascending=False, kind="stable").index[:25].tolist()
    s = load_scenario(MISSION)
    res = calibrate(TABLE, s, ref, logements=TABLE["logements"], cv=2, seed=1)
    fam = res.weights.groupby("family")[["weight_before", "weight_after"]].sum()
    assert fam.loc["heritage", "weight_after"] > 0.5 > fam.loc["heritage", "weight_before"]
    assert res.recall > res.baseline_recall


def test_report_fields(result):
    assert int(result.selected.sum()) == 25
    assert 11000 <= result.logements_selected <= 13000
    assert 0 < result.reference_logements_captured <= result.logements_selected
    assert len(result.folds) == 5
    assert result.folds["n_reference"].sum() == len(REF)
    assert 0 <= result.cv_recall <= 1
    kinds = result.near_misses.groupby("kind").size()
    n_found = round(result.recall * len(REF))
    assert kinds.get("reference_outside", 0) == len(REF) - n_found
    assert kinds.get("non_reference_inside", 0) == 25 - n_found


def test_calibrated_scenario_round_trips(result, tmp_path):
    path = dump_scenario(result.scenario, tmp_path / "calibrated.yaml")
    back = load_scenario(path)
    assert back.model_dump() == result.scenario.model_dump()


def test_unknown_reference_ids_warn():
    s = load_scenario(MISSION)
    with pytest.warns(UserWarning, match="absents de la table des indicateurs"):
        calibrate(TABLE, s, [*REF[:6], 99], logements=TABLE["logements"], cv=2)
