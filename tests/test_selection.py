"""Tests of cites_priority.selection.milp: constraints, optimality, diagnosis, fast path."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cites_priority import SelectionInfeasibleError
from cites_priority.scenario import load_scenario
from cites_priority.scoring import score
from cites_priority.selection import SelectionProblem, select, selection_kwargs
from indicator_examples import example_indicators

MISSION = Path(__file__).resolve().parents[1] / "configs" / "mission_2016.yaml"
TABLE = example_indicators()


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    s = load_scenario(MISSION)
    return score(TABLE, s).table.join(TABLE[["logements", "epci"]])


def _check(sel: pd.Series, table: pd.DataFrame, *, n=25, lo=11000, hi=13000):
    assert sel.dtype == bool and sel.name == "selected"
    assert int(sel.sum()) == n
    total = table.loc[sel, "logements"].sum()
    assert lo <= total <= hi


def test_mission_selection_respects_the_window(scored):
    sel = select(scored, scores="score", logements="logements")
    _check(sel, scored)
    assert sel.index.equals(scored.index)


def test_selection_is_optimal_on_a_small_case():
    rng = np.random.default_rng(5)
    t = pd.DataFrame(
        {"score": rng.random(12), "logements": rng.integers(50, 400, 12)},
        index=pd.Index(range(100, 112), name="cite_id"),
    )
    sel = select(t, n_cites=4, logements_range=(700, 900))
    best, best_set = -1.0, None
    for combo in itertools.combinations(range(12), 4):
        lg = t["logements"].iloc[list(combo)].sum()
        if 700 <= lg <= 900:
            val = t["score"].iloc[list(combo)].sum()
            if val > best:
                best, best_set = val, set(t.index[list(combo)])
    assert set(sel.index[sel]) == best_set


def test_ties_go_to_the_better_rank_then_smaller_id():
    t = pd.DataFrame({"score": [0.5, 0.5, 0.5, 0.5], "logements": [10, 10, 10, 10]},
                     index=pd.Index([40, 10, 30, 20], name="cite_id"))
    sel = select(t, n_cites=2, logements_range=(0, 100))
    assert sorted(sel.index[sel]) == [10, 20]


def test_force_in_force_out_and_epci_bounds(scored):
    top = scored.sort_values("rank").index
    epci_counts = scored["epci"].value_counts()
    small = epci_counts.index[-1]
    kw = dict(
        n_cites=25, logements_range=(11000, 13000), force_in=[int(top[-1])],
        force_out=[int(top[0])], epci_min={small: 2}, epci_max={scored["epci"].iloc[0]: 3},
    )
    sel = select(scored, epci="epci", **kw)
    _check(sel, scored)
    assert sel.loc[top[-1]] and not sel.loc[top[0]]
    chosen = scored.loc[sel, "epci"].value_counts()
    assert chosen.get(small, 0) >= 2
    assert chosen.get(scored["epci"].iloc[0], 0) <= 3


def test_unknown_logements_cannot_be_selected(scored):
    t = scored.copy()
    t["logements"] = t["logements"].astype("float64")
    best = t.sort_values("rank").index[0]
    t.loc[best, "logements"] = np.nan
    with pytest.warns(UserWarning, match=str(best)):
        sel = select(t)
    assert not sel.loc[best]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"n_cites": 400}, "plus petites cités comptent .* > logements_max 13\u202f000 : augmenter logements_max"),
        ({"n_cites": 3}, "les 3 plus grandes cités comptent .* < logements_min 11\u202f000 : baisser logements_min"),
        ({"n_cites": 2, "force_in": [1001, 1002, 1003]}, "3 cités imposées > n_cites 2"),
        ({"epci_min": {"X": 1}}, r"epci_min\[X\] = 1 mais seules 0 cités"),
        ({"epci_min": {"A": 20, "B": 20}}, "epci_min demande 40 cités en tout > n_cites 25"),
    ],
)
def test_infeasible_constraints_are_named(scored, kwargs, expected):
    with pytest.raises(SelectionInfeasibleError, match=expected):
        select(scored, epci="epci", **kwargs)


def test_infeasibility_found_by_dropping_one_constraint(scored):
    # every EPCI capped at 2 cités: 8 EPCI × 2 = 16 < 25
    caps = {e: 2 for e in scored["epci"].unique()}
    with pytest.raises(SelectionInfeasibleError, match="possible sans epci_max : augmenter epci_max"):
        select(scored, epci="epci", epci_max=caps)


def test_selection_kwargs_from_scenario():
    kw = selection_kwargs(load_scenario(MISSION))
    assert kw["n_cites"] == 25 and kw["logements_range"] == (11000, 13000)


def test_fast_path_equals_exact_milp(scored):
    rng = np.random.default_rng(11)
    ids = np.asarray(scored.index)
    tb = np.argsort(np.argsort(ids))
    base = scored["score"].to_numpy()
    for epci_max in (None, {scored["epci"].iloc[0]: 2}):
        prob = SelectionProblem(ids, scored["logements"].to_numpy(float),
                                epci=scored["epci"].to_numpy(object), epci_max=epci_max,
                                force_in=[int(ids[7])])
        cache = [prob.solve(base, tb)]
        for _ in range(12):
            s = base * rng.uniform(0.85, 1.15, size=len(base))
            fast = prob.solve_fast(s, tb, cache)
            assert np.array_equal(fast, prob.solve(s, tb))
            cache = [fast, *cache][:5]


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 30),
    lo=st.integers(0, 15000),
    width=st.integers(0, 6000),
    seed=st.integers(0, 10_000),
)
def test_selection_respects_constraints_or_raises(n, lo, width, seed):
    rng = np.random.default_rng(seed)
    t = TABLE[["logements"]].iloc[:120].copy()
    t["score"] = rng.random(len(t))
    hi = lo + width
    try:
        sel = select(t, n_cites=n, logements_range=(lo, hi))
    except SelectionInfeasibleError as exc:
        verbs = ("assouplir", "augmenter", "baisser", "élargir", "raccourcir", "libérer")
        assert any(v in str(exc) for v in verbs)
        return
    assert int(sel.sum()) == n
    assert lo <= t.loc[sel, "logements"].sum() <= hi


def test_highspy_and_scipy_lp_give_the_same_selections(scored):
    """The warm-started highspy LP and the former linprog path agree draw for draw."""
    rng = np.random.default_rng(5)
    ids = np.asarray(scored.index)
    tb = np.argsort(np.argsort(ids))
    base = scored["score"].to_numpy()
    for epci_max in (None, {scored["epci"].iloc[0]: 2}):
        kw = {"epci": scored["epci"].to_numpy(object), "epci_max": epci_max}
        fast = SelectionProblem(ids, scored["logements"].to_numpy(float), lp_solver="highspy", **kw)
        old = SelectionProblem(ids, scored["logements"].to_numpy(float), lp_solver="scipy", **kw)
        cache_new = cache_old = [fast.solve(base, tb)]
        for _ in range(30):
            s = base * rng.uniform(0.8, 1.2, size=len(base))
            x_new = fast.solve_fast(s, tb, cache_new)
            x_old = old.solve_fast(s, tb, cache_old)
            assert np.array_equal(x_new, x_old)
            cache_new, cache_old = [x_new, *cache_new][:8], [x_old, *cache_old][:8]


def test_lp_solver_is_checked_and_env_selects_scipy(scored, monkeypatch):
    ids = np.asarray(scored.index)
    lg = scored["logements"].to_numpy(float)
    with pytest.raises(ValueError, match="lp_solver"):
        SelectionProblem(ids, lg, lp_solver="glpk")
    assert SelectionProblem(ids, lg).lp_solver == "highspy"
    monkeypatch.setenv("CITES_PRIORITY_LP_SOLVER", "scipy")
    assert SelectionProblem(ids, lg).lp_solver == "scipy"
