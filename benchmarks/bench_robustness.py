"""Benchmark of the weight Monte Carlo (543 cités × 2000 draws) and of the whole ``run``.

Cases (shape of ``benchmarks/run.py``: ``name, cells, targets, engine, seconds, peak_mb,
max_rel_diff``; the Monte Carlo and ``run_*`` cases add ``cpu_seconds``, user + system
time, worker processes included, which a loaded machine inflates less than the wall time):

- ``robustness_mc_2000``: :func:`cites_priority.analysis.robustness.monte_carlo` with the
  default scenario (2000 Dirichlet draws, the exact selection solved per draw by the fast
  path of :mod:`cites_priority.selection.fastpath`: LP relaxation + local search +
  reduced-cost fixing + DP/MILP on the rest), the LP relaxation held in a warm-started
  ``highspy`` model, the draws spread over the cores (forked workers).
- ``robustness_mc_2000_1_worker``: the same in one process (``workers=1``).
- ``robustness_mc_2000_scipy_lp``: the former path: one ``scipy.optimize.linprog`` call
  per draw, one process. ``max_rel_diff`` of these two is the share of cités whose
  ``p_selected`` or rank interval differs from the first case (must be 0.0).
- ``run_default`` / ``run_default_1_worker`` / ``run_default_scipy_lp`` (with a world
  folder only): the whole ``cites-priority run`` command on it, timed as a subprocess
  (imports included): as shipped, with ``CITES_PRIORITY_WORKERS=1``, and with
  ``CITES_PRIORITY_LP_SOLVER=scipy`` in one process; ``max_rel_diff`` of the last two is
  the share of rows of the GeoPackage ``cites`` layer whose selection, phase,
  probability, rank interval or flip columns differ from the first (must be 0.0). Goal of
  issue 11: ``run_default`` ≤ 10 s on an idle two-core machine.
- ``robustness_full_milp_200``: the first 200 draws solved by the plain ``scipy.optimize.
  milp`` model; ``max_rel_diff`` is the share of those draws whose selection differs
  from the fast path's (must be 0.0), ``seconds`` is extrapolated to 2000 draws.

Inputs: the indicators of ``data_dir`` when the world folder and the indicator module
are available, else the synthetic table of tests/indicator_examples.py.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
from _measure import measure

from cites_priority.analysis.robustness import draw_weights, monte_carlo, problem_for
from cites_priority.scenario import load_scenario
from cites_priority.scoring import prepare, scores_for

# the synthetic indicator table is test data: it lives in tests/, not in the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from indicator_examples import example_indicators

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "mission_2016.yaml"


def _inputs(data_dir):
    if data_dir is not None:
        try:
            from cites_priority.indicators import compute_indicators
            from cites_priority.sources import load_world

            world = load_world(data_dir)
            ind = compute_indicators(world)
            cites = world.cites.set_index("cite_id")
            return ind, cites["logements"].astype(float).reindex(ind.index), cites["epci"]
        except Exception:  # fall back to the synthetic table
            pass
    t = example_indicators()
    return t, t["logements"], t["epci"]


def _cpu() -> float:
    """User + system seconds of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cases(data_dir=None) -> list[dict]:
    """Run the robustness benchmark; one dict per case."""
    scenario = load_scenario(SCENARIO)
    ind, logements, epci = _inputs(data_dir)
    n = len(ind)
    draws = scenario.robustness.draws
    cols = ["p_selected", "rank_p05", "rank_median", "rank_p95", "robustness_class"]
    rows: list[dict] = []
    reference = None
    for suffix, engine, kw in (
        ("", "cites_priority (highspy LP, forked workers)", {}),
        ("_1_worker", "cites_priority (highspy LP, one process)", {"workers": 1}),
        ("_scipy_lp", "scipy.optimize.linprog (former path)", {"workers": 1,
                                                              "lp_solver": "scipy"}),
    ):
        before = _cpu()
        mc, seconds, peak = measure(
            lambda kw=kw: monte_carlo(ind, scenario, logements=logements, epci=epci,
                                      draws=draws, **kw)
        )
        cpu = _cpu() - before
        if reference is None:
            reference = mc
        differs = ~(mc[cols] == reference[cols]).all(axis=1)
        rows.append({"name": f"robustness_mc_{draws}{suffix}", "cells": 0, "targets": n,
                     "engine": engine, "seconds": round(seconds, 3),
                     "cpu_seconds": round(cpu, 3), "peak_mb": round(peak, 1),
                     "max_rel_diff": float(differs.mean())})

    prep = prepare(ind, scenario)
    rb = scenario.robustness
    fw, iw = draw_weights(prep, draws=200, concentration=rb.concentration, seed=rb.seed)
    scores = scores_for(prep, fw, iw)
    prob = problem_for(prep, scenario, logements, epci)

    def full():
        return [prob.solve(scores[:, j], prep.tiebreak) for j in range(scores.shape[1])]

    exact, secs_full, peak_full = measure(full)
    cache = [prob.solve(scores_for(prep), prep.tiebreak)]
    diff = 0
    for j, x_exact in enumerate(exact):
        x = prob.solve_fast(scores[:, j], prep.tiebreak, cache)
        cache = [x, *cache][:8]
        diff += int(not np.array_equal(x, x_exact))
    rows.append({"name": "robustness_full_milp_200_extrapolated_2000", "cells": 0, "targets": n,
                 "engine": "scipy.optimize.milp", "seconds": round(secs_full * draws / 200, 3),
                 "peak_mb": round(peak_full, 1), "max_rel_diff": diff / 200})
    if data_dir is not None and (Path(data_dir) / "cites_minieres.gpkg").exists():
        rows.extend(run_cases(data_dir))
    return rows


RUN_COLUMNS = ["selected", "phase", "p_selected", "rank_p05", "rank_p95", "robustness_class",
               "top_contributions", "flip_family", "flip_weight_after", "flip_change",
               "flip_effect"]


def _timed_run(data_dir, out_dir, env) -> tuple[float, float, float]:
    """``cites-priority run`` on ``data_dir`` as a subprocess.

    Returns wall seconds, CPU seconds (user + system, its worker processes included) and
    peak RSS (MiB) of the main process.
    """
    cmd = [sys.executable, "-m", "cites_priority", "run", "--data", str(data_dir),
           "--out", str(out_dir)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        try:
            p = psutil.Process(proc.pid)
            while proc.poll() is None:
                peak[0] = max(peak[0], p.memory_info().rss)
                time.sleep(0.01)
        except psutil.Error:
            pass

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    thread.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"cites-priority run failed: {err.decode(errors='replace')[-2000:]}")
    return seconds, cpu, peak[0] / 2**20


def _cites_layer(out_dir) -> pd.DataFrame:
    import pyogrio

    t = pyogrio.read_dataframe(Path(out_dir) / "cites_priority.gpkg", layer="cites",
                               read_geometry=False, fid_as_index=True)
    return t[[c for c in RUN_COLUMNS if c in t.columns]].sort_index()


def run_cases(data_dir) -> list[dict]:
    """The whole ``run``: as shipped, in one process, and with the former scipy LP."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_run_") as tmp:
        layers = {}
        for name, engine, extra in (
            ("run_default", "cites-priority run (highspy LP, forked workers)", {}),
            ("run_default_1_worker", "cites-priority run (highspy LP, one process)",
             {"CITES_PRIORITY_WORKERS": "1"}),
            ("run_default_scipy_lp", "cites-priority run (scipy LP, one process)",
             {"CITES_PRIORITY_LP_SOLVER": "scipy", "CITES_PRIORITY_WORKERS": "1"}),
        ):
            out = Path(tmp) / name
            env = {k: v for k, v in os.environ.items()
                   if k not in ("CITES_PRIORITY_LP_SOLVER", "CITES_PRIORITY_WORKERS")}
            env.update(extra)
            seconds, cpu, peak = _timed_run(data_dir, out, env)
            layers[name] = _cites_layer(out)
            ref = layers["run_default"]
            same = (layers[name] == ref) | (layers[name].isna() & ref.isna())
            rows.append({"name": name, "cells": 0, "targets": len(ref), "engine": engine,
                         "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                         "peak_mb": round(peak, 1),
                         "max_rel_diff": float((~same.all(axis=1)).mean())})
    return rows


if __name__ == "__main__":
    for row in cases():
        print(row)
