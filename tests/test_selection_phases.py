"""Tests of cites_priority.selection.phases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cites_priority.selection import assign_phases, select
from indicator_examples import example_indicators


@pytest.fixture(scope="module")
def selection():
    t = example_indicators()
    t["score"] = np.random.default_rng(2).random(len(t))
    sel = select(t)
    return t, sel


@pytest.mark.parametrize("rule", ["score_then_half", "balanced_milp"])
def test_two_phases_of_about_half_the_logements(selection, rule):
    t, sel = selection
    phase = assign_phases(sel, t["score"], t["logements"], rule=rule)
    assert phase.name == "phase" and phase.index.equals(t.index)
    assert set(phase[~sel]) == {0} and set(phase[sel]) == {1, 2}
    lg = t["logements"].groupby(phase).sum()
    total = lg[1] + lg[2]
    biggest = t.loc[sel, "logements"].max()
    assert abs(lg[1] - total / 2) <= biggest / 2 + 1e-9


def test_score_then_half_puts_the_most_urgent_first(selection):
    t, sel = selection
    phase = assign_phases(sel, t["score"], t["logements"])
    chosen = t.loc[sel].assign(phase=phase[sel]).sort_values("score", ascending=False)
    assert chosen["phase"].is_monotonic_increasing
    assert chosen["score"][chosen["phase"] == 1].mean() > chosen["score"][chosen["phase"] == 2].mean()


def test_three_phases_and_empty_selection():
    idx = pd.Index(range(1, 7), name="cite_id")
    sel = pd.Series(True, index=idx)
    sc = pd.Series([6, 5, 4, 3, 2, 1], index=idx, dtype=float)
    lg = pd.Series([100] * 6, index=idx)
    assert assign_phases(sel, sc, lg, count=3).tolist() == [1, 1, 2, 2, 3, 3]
    assert assign_phases(sel & False, sc, lg).eq(0).all()
