"""Tests of cites_priority.scoring.methods against pymcdm on the same matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pymcdm.methods import PROMETHEE_II, TOPSIS
from scipy.stats import spearmanr

from cites_priority.scenario import Scenario, load_scenario
from cites_priority.scoring import prepare, score
from cites_priority.scoring.methods import criterion_flows, promethee_scores, topsis_scores
from indicator_examples import example_indicators

MISSION = Path(__file__).resolve().parents[1] / "configs" / "mission_2016.yaml"


def _identity(x, cost):
    return np.asarray(x, dtype=float)


@pytest.fixture(scope="module")
def prepared():
    s = load_scenario(MISSION)
    return prepare(example_indicators(), s)


def test_topsis_matches_pymcdm(prepared):
    m, w = prepared.matrix, prepared.effective_weights
    ours = topsis_scores(m, w)
    ref = TOPSIS(normalization_function=_identity)(m, w, np.ones(m.shape[1]))
    np.testing.assert_allclose(ours, ref, atol=1e-12)
    assert spearmanr(ours, ref).statistic == pytest.approx(1.0)


def test_promethee_usual_matches_pymcdm_on_a_sample(prepared):
    rows = np.random.default_rng(3).choice(543, size=150, replace=False)
    m, w = prepared.matrix[rows], prepared.effective_weights
    ours = promethee_scores(criterion_flows(m), w)
    ref = PROMETHEE_II("usual")(m, w, np.ones(m.shape[1]))
    np.testing.assert_allclose(2 * ours - 1, ref, atol=1e-10)
    # ties differ only by float noise (1e-16): compare rankings at 10 decimals
    rho = spearmanr(np.round(2 * ours - 1, 10), np.round(ref, 10)).statistic
    assert rho == pytest.approx(1.0)


def test_promethee_pymcdm_docstring_example():
    m = np.array([[4, 3, 2], [3, 2, 4], [5, 1, 3]], dtype=float)
    flows = 2 * promethee_scores(criterion_flows(m), np.array([0.5, 0.3, 0.2])) - 1
    np.testing.assert_allclose(flows, [0.1, -0.3, 0.2], atol=1e-12)


def test_many_weight_vectors_at_once(prepared):
    m = prepared.matrix
    w = np.random.default_rng(0).dirichlet(np.ones(m.shape[1]), size=3).T
    many = topsis_scores(m, w, chunk=2)
    for j in range(3):
        np.testing.assert_allclose(many[:, j], topsis_scores(m, w[:, j]), atol=1e-12)


@pytest.mark.parametrize("method", ["topsis", "promethee"])
def test_score_with_other_methods(method):
    s = load_scenario(MISSION)
    data = s.model_dump()
    data["method"] = method
    alt = score(example_indicators(), Scenario.model_validate(data))
    base = score(example_indicators(), s)
    assert alt.method == method
    assert alt.table["score"].between(0, 1).all()
    assert sorted(alt.table["rank"]) == list(range(1, 544))
    # same data, same weights: orderings broadly agree with the weighted sum
    assert spearmanr(alt.table["score"], base.table["score"]).statistic > 0.8


def test_topsis_says_when_drop_becomes_median():
    import warnings

    from cites_priority.scenario import Scenario
    from cites_priority.scoring import score
    from indicator_examples import example_indicators

    ind = example_indicators()
    ind.loc[ind.index[:3], "poverty_rate"] = float("nan")
    sc = Scenario.model_validate(
        {
            "name": "t",
            "method": "topsis",
            "missing": {"policy": "drop"},
            "criteria": {"social": {"weight": 1, "indicators": {"poverty_rate": {"weight": 1, "direction": "max"}}}},
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        score(ind, sc)
    assert any("ne s'applique pas à TOPSIS" in str(w.message) for w in caught)
