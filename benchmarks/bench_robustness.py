"""Benchmark of the weight Monte Carlo: 543 cités × 2000 draws, selection re-run per draw.

Cases (shape of ``benchmarks/run.py``: ``name, cells, targets, engine, seconds, peak_mb,
max_rel_diff``):

- ``robustness_mc_2000``: :func:`cites_priority.scoring.robustness.monte_carlo` with the
  default scenario (2000 Dirichlet draws, the exact selection solved per draw by the fast
  path: LP relaxation + local search + reduced-cost fixing + DP/MILP on the rest).
- ``robustness_full_milp_200``: the first 200 draws solved by the plain ``scipy.optimize.
  milp`` model; ``max_rel_diff`` is the share of those draws whose selection differs
  from the fast path's (must be 0.0), ``seconds`` is extrapolated to 2000 draws.

Inputs: the indicators of ``data_dir`` when the world folder and the indicator module
are available, else the synthetic table of :mod:`cites_priority.scoring.examples`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _measure import measure

from cites_priority.scenario import load_scenario
from cites_priority.scoring import prepare, scores_for
from cites_priority.scoring.examples import example_indicators
from cites_priority.scoring.robustness import draw_weights, monte_carlo, problem_for

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


def cases(data_dir=None) -> list[dict]:
    """Run the robustness benchmark; one dict per case."""
    scenario = load_scenario(SCENARIO)
    ind, logements, epci = _inputs(data_dir)
    n = len(ind)
    draws = scenario.robustness.draws
    mc, seconds, peak = measure(
        lambda: monte_carlo(ind, scenario, logements=logements, epci=epci, draws=draws)
    )
    rows = [{"name": f"robustness_mc_{draws}", "cells": 0, "targets": n,
             "engine": "cites_priority", "seconds": round(seconds, 3),
             "peak_mb": round(peak, 1), "max_rel_diff": 0.0}]

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
    return rows


if __name__ == "__main__":
    for row in cases():
        print(row)
