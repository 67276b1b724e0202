"""Run every benchmark in one process and write ``bench.json`` plus a printed table.

Usage: ``python benchmarks/run.py --data data/raw --out data/processed/bench.json``
(what ``make bench`` does). Each benchmark module exposes ``cases(data_dir) -> list[dict]``
with the keys ``name, cells, targets, engine, seconds, peak_mb, max_rel_diff``; peers are
timed in the same run, on the same inputs, so the comparison holds on any machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ("bench_areal", "bench_robustness", "bench_filosofi", "bench_atelier")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/raw"))
    parser.add_argument("--out", type=Path, default=Path("data/processed/bench.json"))
    parser.add_argument("--only", choices=MODULES, action="append")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    cases: list[dict] = []
    for name in args.only or MODULES:
        module = importlib.import_module(name)
        got = module.cases(args.data if args.data.exists() else None)
        cases.extend(got)
    from rich.console import Console
    from rich.table import Table

    table = Table(title="cites-priority benchmarks")
    for col in ("name", "cells", "targets", "engine", "seconds", "peak_mb", "max_rel_diff"):
        table.add_column(col, justify="right" if col not in ("name", "engine") else "left")
    for c in cases:
        table.add_row(
            str(c["name"]),
            f"{c['cells']:,}",
            f"{c['targets']:,}",
            str(c["engine"]),
            "skipped" if c.get("seconds") is None else f"{c['seconds']:.3f}",
            "" if c.get("peak_mb") is None else f"{c['peak_mb']:.0f}",
            "" if c.get("max_rel_diff") is None else f"{c['max_rel_diff']:.1e}",
        )
    Console().print(table)
    payload = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "cases": cases,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    tmp.replace(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
