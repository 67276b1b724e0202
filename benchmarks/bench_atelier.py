"""Benchmark of the atelier: one in-page re-selection against the engine's Python path.

Cases (shape of ``benchmarks/run.py``):

- ``atelier_reselection_chromium``: median over 20 weight vectors (seeded Dirichlet draws
  around the scenario's family weights, set through the URL fragment) of one in-page
  re-selection in headless Debian Chromium (Playwright): weighted sum, ranks, HiGHS
  WebAssembly MILP, phases and rendering (``document.body.dataset.computeMs``);
  ``max_rel_diff`` is the share of the 20 vectors whose in-page selection differs from
  the engine's (must be 0.0). Skipped (``seconds`` None) without ``/usr/bin/chromium``
  or Playwright.
- ``atelier_milp_only_chromium``: the HiGHS part alone (``solveMs``), same draws.
- ``engine_reselection_python``: median of ``scoring.score`` + ``selection.select``
  (scipy HiGHS) for the same 20 weight vectors, in this process.

Inputs: the world folder ``data_dir`` (the default scenario, without its Monte Carlo).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

CHROMIUM = Path("/usr/bin/chromium")
DRAWS = 20


def _draws(families: list[str], base: np.ndarray) -> list[dict[str, float]]:
    rng = np.random.default_rng(2016)
    out = []
    for _ in range(DRAWS):
        w = rng.dirichlet(20 * base)
        out.append({f: round(float(v), 4) for f, v in zip(families, w, strict=True)})
    return out


def _page_times(path: Path, draws: list[dict[str, float]]):
    from playwright.sync_api import sync_playwright

    total, solve, chosen = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("document.body.dataset.state === 'ready'", timeout=60_000)
        for w in draws:
            frag = "#w=" + ",".join(f"{k}:{v}" for k, v in w.items())
            page.evaluate("document.body.dataset.state = 'stale'")
            page.evaluate(f"location.hash = {frag!r}")
            page.wait_for_function("document.body.dataset.state === 'ready'", timeout=60_000)
            total.append(float(page.evaluate("document.body.dataset.computeMs")) / 1000)
            solve.append(float(page.evaluate("document.body.dataset.solveMs")) / 1000)
            chosen.append(sorted(page.eval_on_selector_all(
                "#selection tbody tr", "rows => rows.map(r => Number(r.dataset.citeId))")))
        browser.close()
    return total, solve, chosen


def cases(data_dir=None) -> list[dict]:
    """Run the atelier benchmark; one dict per case."""
    import yaml

    from cites_priority.export import write_atelier
    from cites_priority.pipeline import compute, default_scenario_path, prepare_inputs, select_for
    from cites_priority.scenario import Scenario
    from cites_priority.scoring import score

    if data_dir is None:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
        data["outputs"]["robustness"] = False
        scen_path = Path(tmp) / "fast.yaml"
        scen_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        result = compute(scen_path, data_dir=data_dir)
        inputs = prepare_inputs(scen_path, data_dir=data_dir)
        families = list(inputs.scenario.criteria)
        base = np.array([inputs.scenario.criteria[f].weight for f in families])
        draws = _draws(families, base / base.sum())

        engine_secs, engine_ids = [], []
        for w in draws:
            d = inputs.scenario.model_dump()
            for f, v in w.items():
                d["criteria"][f]["weight"] = v
            scen = Scenario.model_validate(d)
            t0 = time.perf_counter()
            table = score(inputs.indicators, scen).table
            sel = select_for(scen, table["score"], inputs.logements, inputs.epci)
            engine_secs.append(time.perf_counter() - t0)
            engine_ids.append(sorted(int(i) for i in sel.index[sel]))
        n = len(inputs.indicators)
        rows = [{"name": f"engine_reselection_python_median_{DRAWS}", "cells": 0, "targets": n,
                 "engine": "cites_priority (scipy HiGHS)",
                 "seconds": round(statistics.median(engine_secs), 4), "peak_mb": None,
                 "max_rel_diff": 0.0}]
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            available = False
        else:
            available = CHROMIUM.exists()
        if not available:
            for name in ("atelier_reselection_chromium", "atelier_milp_only_chromium"):
                rows.append({"name": name, "cells": 0, "targets": n, "engine": "highs wasm",
                             "seconds": None, "peak_mb": None, "max_rel_diff": None})
            return rows
        page = write_atelier(result, Path(tmp) / "atelier.html")
        total, solve, chosen = _page_times(page, draws)
        differ = sum(a != b for a, b in zip(chosen, engine_ids, strict=True)) / DRAWS
        rows.append({"name": f"atelier_reselection_chromium_median_{DRAWS}", "cells": 0,
                     "targets": n, "engine": "highs 1.15.3 wasm (in page, with rendering)",
                     "seconds": round(statistics.median(total), 4), "peak_mb": None,
                     "max_rel_diff": differ})
        rows.append({"name": f"atelier_milp_only_chromium_median_{DRAWS}", "cells": 0,
                     "targets": n, "engine": "highs 1.15.3 wasm (MILP only)",
                     "seconds": round(statistics.median(solve), 4), "peak_mb": None,
                     "max_rel_diff": differ})
    return rows


if __name__ == "__main__":
    import sys

    for row in cases(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/raw")):
        print(row)
