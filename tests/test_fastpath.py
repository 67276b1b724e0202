"""Tests of cites_priority.selection.fastpath: many draws, over forked workers."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cites_priority.analysis.robustness import draw_weights, monte_carlo, problem_for
from cites_priority.scenario import load_scenario
from cites_priority.scoring import prepare, scores_for
from cites_priority.selection import fastpath
from cites_priority.selection.fastpath import FastPath, default_workers, solve_many
from indicator_examples import example_indicators

MISSION = Path(__file__).resolve().parents[1] / "configs" / "mission_2016.yaml"
TABLE = example_indicators()
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork (Linux)")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(fastpath, "CHUNK", 40)


@pytest.fixture(scope="module")
def draws():
    """Problem, 130 draws (4 chunks of 40, the last one short), tiebreak and base selection."""
    scenario = load_scenario(MISSION)
    prep = prepare(TABLE, scenario)
    fw, iw = draw_weights(prep, draws=130, concentration=30, seed=3)
    prob = problem_for(prep, scenario, TABLE["logements"], TABLE["epci"])
    base = prob.solve(scores_for(prep), prep.tiebreak)
    assert prob.knapsack  # the knapsack path: spread over workers
    return prob, scores_for(prep, fw, iw), prep.tiebreak, base


def _exact(prob, scores, tb):
    return np.column_stack([prob.solve(scores[:, j], tb) for j in range(scores.shape[1])])


def test_solve_many_is_the_exact_optimum_whatever_the_workers(draws):
    prob, scores, tb, base = draws
    one = solve_many(prob, scores, tb, base, workers=1)
    assert one.shape == scores.shape and one.dtype == bool
    assert (one.sum(axis=0) == prob.n_cites).all()
    # the full MILP on a sample of draws, one per chunk
    sample = [0, 45, 99, 129]
    assert np.array_equal(one[:, sample], _exact(prob, scores[:, sample], tb))
    for workers in (2, 3):
        assert np.array_equal(solve_many(prob, scores, tb, base, workers=workers), one)


def test_progress_counts_up_to_every_draw(draws):
    prob, scores, tb, base = draws
    for workers in (1, 2):
        seen: list[int] = []
        solve_many(prob, scores, tb, base, workers=workers, on_progress=seen.append)
        assert seen == sorted(seen) and seen[-1] == scores.shape[1]


@linux_only
def test_chunks_a_worker_gives_up_are_solved_by_the_parent(draws, monkeypatch):
    """A worker may not run a MILP: the chunks needing one come back to the parent."""
    prob, scores, tb, base = draws
    expected = solve_many(prob, scores, tb, base, workers=1)
    solve = FastPath.solve

    def no_milp_in_workers(self, *args, **kwargs):
        if not self.milp_allowed:
            raise fastpath._NeedsMilp
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(FastPath, "solve", no_milp_in_workers)
    assert np.array_equal(solve_many(prob, scores, tb, base, workers=2), expected)


@linux_only
def test_a_stalled_worker_is_killed_and_its_chunks_redone(draws, monkeypatch):
    prob, scores, tb, base = draws
    expected = solve_many(prob, scores, tb, base, workers=1)
    solve = FastPath.solve

    def hang_in_workers(self, *args, **kwargs):
        if not self.milp_allowed:
            time.sleep(60)
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(FastPath, "solve", hang_in_workers)
    monkeypatch.setattr(fastpath, "_STALL", 0.5)
    t0 = time.monotonic()
    assert np.array_equal(solve_many(prob, scores, tb, base, workers=2), expected)
    assert time.monotonic() - t0 < 30


def test_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("CITES_PRIORITY_WORKERS", "1")
    assert default_workers() == 1
    monkeypatch.setenv("CITES_PRIORITY_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.delenv("CITES_PRIORITY_WORKERS")
    assert default_workers() >= 1


def test_monte_carlo_does_not_depend_on_the_workers():
    scenario = load_scenario(MISSION)
    kw = {"logements": TABLE["logements"], "epci": TABLE["epci"], "draws": 210, "seed": 9}
    marks: list[tuple[int, int]] = []
    one = monte_carlo(TABLE, scenario, workers=1, on_draw=lambda j, d: marks.append((j, d)), **kw)
    assert marks == [(0, 210), (100, 210), (200, 210)]
    marks.clear()
    two = monte_carlo(TABLE, scenario, workers=2, on_draw=lambda j, d: marks.append((j, d)), **kw)
    assert marks == [(0, 210), (100, 210), (200, 210)]
    assert one.equals(two)


class _TwoArgs(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}/{b}")


@linux_only
def test_fork_call_runs_in_a_child_and_reports_success(tmp_path):
    import os

    from cites_priority.selection.fastpath import fork_call

    out = tmp_path / "pid"
    child = fork_call(lambda: out.write_text(str(os.getpid())))
    assert child is not None
    child.join()
    assert int(out.read_text()) not in (0, os.getpid())


@linux_only
def test_fork_call_raises_the_childs_exception_here():
    from cites_priority import OutputError
    from cites_priority.selection.fastpath import fork_call

    def fail():
        raise OutputError("dossier plein ; correction : libérer de l'espace")

    child = fork_call(fail)
    assert child is not None
    with pytest.raises(OutputError, match="^dossier plein ; correction : libérer de l'espace$"):
        child.join()

    def odd():
        raise _TwoArgs(1, 2)  # pickles, but cannot be rebuilt from its args

    child = fork_call(odd)
    assert child is not None
    with pytest.raises(RuntimeError, match="^_TwoArgs: 1/2$"):
        child.join()


@linux_only
def test_fork_call_kill_stops_the_child():
    import os

    from cites_priority.selection.fastpath import fork_call

    child = fork_call(lambda: time.sleep(60))
    assert child is not None
    pid = child.pid
    start = time.monotonic()
    child.kill()
    assert time.monotonic() - start < 10
    assert child.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped
