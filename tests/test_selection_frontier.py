"""Tests of cites_priority.selection.frontier (the exact trade-off frontier)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from cites_priority.selection import frontier, select
from indicator_examples import example_indicators


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    t = example_indicators()
    t["score"] = np.random.default_rng(4).random(len(t))
    return t


@pytest.fixture(scope="module")
def front(table: pd.DataFrame) -> pd.DataFrame:
    return frontier(table["score"], table["logements"], epci=table["epci"],
                    n_cites=25, logements_range=(11000, 13000))


def test_grid_and_monotone(front: pd.DataFrame) -> None:
    budgets = front[front["axis"] == "logements"]
    assert budgets["value"].tolist() == [8000.0 + 500 * i for i in range(25)]
    ok = budgets[budgets["feasible"]]
    # a higher ceiling never lowers the best score, and each optimum respects its ceiling
    assert ok["score_sum"].is_monotonic_increasing
    assert (ok["logements"] <= ok["value"]).all()
    counts = front[front["axis"] == "n_cites"]
    assert counts["value"].tolist() == [float(k) for k in range(15, 36)]
    good = counts[counts["feasible"]]
    assert good["logements"].between(11000, 13000).all()
    assert good["score_sum"].is_monotonic_increasing  # scores are positive


def test_points_are_the_engine_optimum(table: pd.DataFrame, front: pd.DataFrame) -> None:
    at = front.set_index(["axis", "value"])
    for b in (9000.0, 12000.0, 16000.0):
        sel = select(table, n_cites=25, logements_range=(0, b))
        ids = ",".join(str(i) for i in sorted(sel.index[sel]))
        assert at.loc[("logements", b), "cite_ids"] == ids
        assert at.loc[("logements", b), "score_sum"] == pytest.approx(table["score"][sel].sum())
    # the scenario's own selection sits on the n_cites curve at its number of cités
    sel = select(table, n_cites=25, logements_range=(11000, 13000))
    assert at.loc[("n_cites", 25.0), "score_sum"] == pytest.approx(table["score"][sel].sum())


def test_exact_against_enumeration() -> None:
    rng = np.random.default_rng(11)
    idx = pd.Index(range(1, 13), name="cite_id")
    scores = pd.Series(rng.random(12), index=idx)
    logements = pd.Series(rng.integers(50, 400, 12), index=idx)
    budgets = [300.0, 600.0, 900.0, 1200.0]
    f = frontier(scores, logements, n_cites=4, logements_range=(500, 1100),
                 budgets=budgets, counts=[1, 2, 3, 4, 5, 6, 7])
    for row in f.itertuples():
        k = int(row.n_cites)
        best = -np.inf
        for combo in itertools.combinations(range(12), k):
            total = logements.iloc[list(combo)].sum()
            if row.logements_min <= total <= row.logements_max:
                best = max(best, scores.iloc[list(combo)].sum())
        if np.isfinite(best):
            assert row.feasible and row.score_sum == pytest.approx(best)
        else:
            assert not row.feasible and np.isnan(row.score_sum) and row.cite_ids == ""


def test_forced_cites_stay_on_every_point(table: pd.DataFrame) -> None:
    low = int(table["score"].idxmin())
    f = frontier(table["score"], table["logements"], n_cites=25, logements_range=(11000, 13000),
                 force_in=[low], budgets=[12000.0, 14000.0], counts=[20, 25])
    assert all(str(low) in row.split(",") for row in f.loc[f["feasible"], "cite_ids"])
