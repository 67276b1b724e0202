"""Tests of cites_priority.analysis.robustness (Monte Carlo on weights, one-at-a-time)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cites_priority.analysis.robustness import (
    draw_weights,
    monte_carlo,
    one_at_a_time,
    rescaled_family_weights,
)
from cites_priority.scoring import prepare, score
from cites_priority.selection import select, selection_kwargs
from indicator_examples import example_indicators

TABLE = example_indicators()


@pytest.fixture(scope="module")
def mc(mission):
    return monte_carlo(TABLE, mission, logements=TABLE["logements"], epci=TABLE["epci"],
                       draws=150, seed=7)


def test_draws_are_centred_on_the_weights(mission):
    prep = prepare(TABLE, mission)
    fw, iw = draw_weights(prep, draws=4000, concentration=100, seed=1)
    np.testing.assert_allclose(fw.sum(axis=0), 1.0)
    np.testing.assert_allclose(fw.mean(axis=1), prep.family_weights, atol=0.005)
    for f in range(len(prep.families)):
        np.testing.assert_allclose(iw[prep.family_of == f].sum(axis=0), 1.0)
    tight, _ = draw_weights(prep, draws=4000, concentration=10000, seed=1)
    assert tight.std(axis=1).max() < fw.std(axis=1).min()


def test_monte_carlo_columns_and_classes(mission, mc):
    assert mc.index.equals(TABLE.index)
    assert list(mc.columns) == ["p_selected", "rank_p05", "rank_median", "rank_p95",
                                "robustness_class"]
    assert mc["p_selected"].between(0, 1).all()
    # every draw selects exactly n_cites cités
    assert mc["p_selected"].sum() == pytest.approx(25.0)
    assert (mc["rank_p05"] <= mc["rank_median"]).all()
    assert (mc["rank_median"] <= mc["rank_p95"]).all()
    core = mc["robustness_class"] == "core"
    assert (mc.loc[core, "p_selected"] >= 0.8).all()
    assert (mc.loc[mc["robustness_class"] == "outside", "p_selected"] <= 0.2).all()
    assert set(mc["robustness_class"]) <= {"core", "borderline", "outside"}
    assert core.sum() >= 5


def test_base_selection_is_mostly_core(mission, mc):
    table = score(TABLE, mission).table.join(TABLE[["logements"]])
    sel = select(table, **selection_kwargs(mission))
    assert mc.loc[sel, "p_selected"].mean() > 0.6
    assert mc.loc[~sel, "p_selected"].mean() < 0.05


def test_monte_carlo_is_reproducible(mission, mc):
    again = monte_carlo(TABLE, mission, logements=TABLE["logements"], epci=TABLE["epci"],
                        draws=150, seed=7)
    assert again.equals(mc)


def test_rescaled_family_weights():
    fw = np.array([0.3, 0.25, 0.25, 0.2])
    out = rescaled_family_weights(fw, 0, 0.36)
    assert out.sum() == pytest.approx(1.0) and out[0] == pytest.approx(0.36)
    np.testing.assert_allclose(out[1:] / out[1:].sum(), fw[1:] / fw[1:].sum())


def test_one_at_a_time_counts_balance(mission):
    oat = one_at_a_time(TABLE, mission, logements=TABLE["logements"], delta=0.2)
    assert len(oat) == 8
    assert set(oat["change"]) == {"+20%", "-20%"}
    # cardinality is fixed: as many cités enter as leave
    assert (oat["n_entered"] == oat["n_left"]).all()
    assert oat["n_entered"].sum() > 0


def test_monte_carlo_highspy_equals_former_scipy_path(mission, mc):
    old = monte_carlo(TABLE, mission, logements=TABLE["logements"], epci=TABLE["epci"],
                      draws=150, seed=7, lp_solver="scipy")
    pd.testing.assert_frame_equal(mc, old)
