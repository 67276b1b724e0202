"""Recovery study: can calibration recover the simulated mission's list from the data alone?

Usage: ``python benchmarks/recovery.py --out data/processed/recovery.json [--draws 2000]``.

For each world of :data:`CASES` (built into a temporary folder with
:func:`cites_priority.world.build_world`), the engine reads the folder like any user's
(:func:`cites_priority.pipeline.prepare_inputs`, packaged default scenario), then
:func:`cites_priority.analysis.calibration.calibrate` learns weights from the indicators and
the ``mission_2016`` ids of ``reference_lists.csv`` only. ``world_spec.yaml`` is read
*after* calibration and only to report the hidden weights beside the learned ones.

Figures per world: recall of the 25 in sample and held out (stratified k-fold, pooled),
the family weights learned, logements of the selection, the 16 *confirmed* cités found
in sample and held out, the overlap of the default-scenario and calibrated selections
with the real ERBM list (59 cités), and what chance gives: the hypergeometric
expectation and a simulation of random feasible selections (uniform random scores
through the same MILP: count, logements window, EPCI bounds), mean and 95th percentile.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

from cites_priority.analysis.calibration import calibrate, fit_weights, split_effective
from cites_priority.analysis.robustness import problem_for
from cites_priority.pipeline import Inputs, default_scenario_path, prepare_inputs, select_for
from cites_priority.scoring import prepare, score, scores_for
from cites_priority.sources import load_reference
from cites_priority.world import build_world
from cites_priority.world.spec import MissionSpec, MissionWeights, WorldSpec

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "external" / "real"
FAMILIES_ORDER = ("social", "heritage", "building", "urban")

logger = logging.getLogger("recovery")


@dataclass(frozen=True)
class Case:
    """One world of the study: seed, hidden mission weights, conditioning switch."""

    name: str
    seed: int = 20160622
    weights: dict[str, float] = field(default_factory=dict)
    condition: bool = True
    note: str = ""

    def spec(self) -> WorldSpec:
        """The world spec (defaults of ``configs/world_default.yaml`` elsewhere)."""
        weights = MissionWeights(**self.weights) if self.weights else MissionWeights()
        return WorldSpec(
            seed=self.seed, mission=MissionSpec(weights=weights, condition=self.condition)
        )


CASES: tuple[Case, ...] = (
    Case("default", note="configs/world_default.yaml"),
    Case("seed7", seed=7, note="default weights, other seed"),
    Case(
        "social_heavy",
        seed=11,
        weights={"social": 0.55, "heritage": 0.15, "building": 0.20, "urban": 0.10},
    ),
    Case(
        "heritage_heavy",
        seed=12,
        weights={"social": 0.20, "heritage": 0.50, "building": 0.20, "urban": 0.10},
    ),
    Case("unconditioned", condition=False, note="mission.condition: false"),
    Case("unconditioned_seed7", seed=7, condition=False, note="mission.condition: false, seed 7"),
    Case(
        "unconditioned_seed11", seed=11, condition=False, note="mission.condition: false, seed 11"
    ),
    Case(
        "unconditioned_seed12", seed=12, condition=False, note="mission.condition: false, seed 12"
    ),
)
CASE_BY_NAME = {c.name: c for c in CASES}


def build(case: Case, folder: Path, *, real_dir: Path = REAL) -> Path:
    """Build the world of ``case`` into ``folder / case.name``; return the folder."""
    return build_world(Path(folder) / case.name, spec=case.spec(), real_dir=real_dir)


def hidden_weights(world_dir: Path) -> dict[str, float] | None:
    """The hidden mission family weights written in ``world_spec.yaml`` (report only)."""
    path = Path(world_dir) / "world_spec.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    mission = data.get("mission", {})
    w = mission.get("weights", {})
    return {k: float(w[k]) for k in FAMILIES_ORDER if k in w} | {
        "condition": bool(mission.get("condition", True))
    }


def reference_ids(world_dir: Path) -> dict[str, list[int]]:
    """``mission`` (25), ``confirmed`` (16 of them) and ``erbm`` (59) cite ids."""
    ref = load_reference(Path(world_dir) / "reference_lists.csv")
    mission = ref[ref["list"] == "mission_2016"]
    return {
        "mission": sorted(int(i) for i in mission["cite_id"]),
        "confirmed": sorted(
            int(i) for i in mission.loc[mission["confidence"] == "confirmed", "cite_id"]
        ),
        "erbm": sorted(int(i) for i in ref.loc[ref["list"] == "erbm", "cite_id"]),
    }


def heldout_found(
    inputs: Inputs, ids: list[int], *, cv: int, seed: int, l2: float = 1e-3
) -> list[int]:
    """Reference ids inside the selection made with weights fitted without their fold.

    Same folds, fit and selection as :func:`calibrate`'s cross-validation (so the count
    equals its pooled ``cv_recall`` × n), but returns *which* cités were found.
    """
    prep = prepare(inputs.indicators, inputs.scenario)
    y = np.asarray(prep.index.isin(ids))
    u = np.where(np.isnan(prep.matrix), 0.0, prep.matrix)
    prob = problem_for(prep, inputs.scenario, inputs.logements, inputs.epci)
    found: list[int] = []
    skf = StratifiedKFold(n_splits=int(min(cv, y.sum())), shuffle=True, random_state=seed)
    for train, test in skf.split(u, y):
        eff = fit_weights(u[train], y[train], l2=l2)
        sel = prob.solve(scores_for(prep, *split_effective(prep, eff)), prep.tiebreak)
        hit = np.zeros(len(y), dtype=bool)
        hit[test] = True
        found += [int(i) for i in np.asarray(prep.index)[hit & y & sel]]
    return sorted(found)


def chance(
    inputs: Inputs, lists: dict[str, list[int]], *, draws: int, seed: int = 0
) -> dict[str, dict]:
    """Overlap of random feasible selections with each list, beside the hypergeometric mean.

    Each draw gives every cité a uniform random score and runs the scenario's exact
    selection (25 cités, logements window, EPCI bounds) on it.
    """
    prep = prepare(inputs.indicators, inputs.scenario)
    prob = problem_for(prep, inputs.scenario, inputs.logements, inputs.epci)
    rng = np.random.default_rng(seed)
    n = len(prep.index)
    member = {k: np.asarray(prep.index.isin(v)) for k, v in lists.items()}
    counts = {k: np.zeros(draws, dtype=int) for k in lists}
    for d in range(draws):
        sel = prob.solve(rng.random(n), prep.tiebreak)
        for k, m in member.items():
            counts[k][d] = int((sel & m).sum())
    n_sel = inputs.scenario.selection.n_cites
    return {
        k: {
            "list_size": len(lists[k]),
            "hypergeometric_mean": n_sel * len(lists[k]) / n,
            "random_mean": float(c.mean()),
            "random_p95": float(np.percentile(c, 95)),
            "random_max": int(c.max()),
            "histogram": np.bincount(c, minlength=len(lists[k]) + 1).tolist(),
            "draws": draws,
        }
        for k, c in counts.items()
    }


def recover(
    world_dir: Path,
    *,
    cv: int = 5,
    seed: int = 0,
    draws: int = 0,
    fold_seeds: tuple[int, ...] = (),
    scenario: Path | None = None,
) -> dict:
    """Calibrate on the mission list of ``world_dir`` and measure what it recovers.

    Parameters
    ----------
    world_dir
        A world folder.
    cv
        Folds of the held-out recall.
    seed
        Fold shuffling seed.
    draws
        Random selections for the chance figures (0: hypergeometric only).
    fold_seeds
        Other fold-shuffling seeds whose held-out count is also reported (fold noise).
    scenario
        The scenario calibration starts from (default: the packaged default scenario).

    Returns
    -------
    dict
        JSON-ready figures (see the module docstring).
    """
    world_dir = Path(world_dir)
    inputs = prepare_inputs(scenario or default_scenario_path(), data_dir=world_dir)
    lists = reference_ids(world_dir)
    mission, confirmed, erbm = (set(lists[k]) for k in ("mission", "confirmed", "erbm"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = calibrate(
            inputs.indicators,
            inputs.scenario,
            lists["mission"],
            logements=inputs.logements,
            epci=inputs.epci,
            cv=cv,
            seed=seed,
        )
        held = heldout_found(inputs, lists["mission"], cv=cv, seed=seed)
        default_sel = select_for(
            inputs.scenario,
            score(inputs.indicators, inputs.scenario).table["score"],
            inputs.logements,
            inputs.epci,
        )
    calib = {int(i) for i in res.selected.index[res.selected]}
    default = {int(i) for i in default_sel.index[default_sel]}
    fam = res.weights.groupby("family")["weight_after"].sum()
    out = {
        "world": world_dir.name,
        "n_cites": len(inputs.indicators),
        "learned_weights": {k: round(float(fam.get(k, 0.0)), 4) for k in FAMILIES_ORDER},
        "mission_in_sample": len(calib & mission),
        "mission_heldout": len(held),
        "mission_heldout_from_calibrate": round(res.cv_recall * len(mission), 6),
        "mission_default_weights": len(default & mission),
        "mission_size": len(mission),
        "logements_selected": res.logements_selected,
        "reference_logements_captured": res.reference_logements_captured,
        "confirmed_in_sample": len(calib & confirmed),
        "confirmed_heldout": len(set(held) & confirmed),
        "confirmed_default_weights": len(default & confirmed),
        "confirmed_size": len(confirmed),
        "erbm_default_weights": len(default & erbm),
        "erbm_calibrated": len(calib & erbm),
        "erbm_size": len(erbm),
        # ERBM cités that are not on the mission list (16 of the 25 are ERBM cités)
        "erbm_not_mission_default_weights": len((default & erbm) - mission),
        "erbm_not_mission_calibrated": len((calib & erbm) - mission),
        "erbm_not_mission_size": len(erbm - mission),
        "selected_calibrated": sorted(calib),
        "selected_default_weights": sorted(default),
        "mission_missed": sorted(mission - calib),
        "cv": cv,
    }
    if fold_seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            out["mission_heldout_by_fold_seed"] = {
                int(k): len(heldout_found(inputs, lists["mission"], cv=cv, seed=k))
                for k in fold_seeds
            }
    if draws:
        extra = {"erbm_not_mission": sorted(erbm - mission)}
        out["chance"] = chance(inputs, lists | extra, draws=draws, seed=seed)
        # share of random selections doing at least as well as the calibrated one
        seen = {
            "mission": out["mission_heldout"],
            "confirmed": out["confirmed_heldout"],
            "erbm": out["erbm_calibrated"],
            "erbm_not_mission": out["erbm_not_mission_calibrated"],
        }
        for k, got in seen.items():
            hist = np.asarray(out["chance"][k]["histogram"])
            out["chance"][k]["p_random_at_least_calibrated"] = float(hist[got:].sum() / hist.sum())
    else:
        out["chance"] = {
            k: {"list_size": len(v), "hypergeometric_mean": 25 * len(v) / len(inputs.indicators)}
            for k, v in lists.items()
        }
    # read only now, and only to report: the calibration above never saw it
    out["hidden_weights"] = hidden = hidden_weights(world_dir)
    if hidden:
        oracle = oracle_selection(inputs, hidden)
        out["mission_hidden_weights"] = len(oracle & mission)
    return out


def oracle_selection(inputs: Inputs, hidden: dict[str, float]) -> set[int]:
    """The selection with the hidden family weights on the default scenario, without noise.

    The world's mission appraised with these family weights on the packaged scenario's
    indicators, plus a noise the engine cannot see: this is the ceiling any weight
    vector can reach on the noisy list (report only; never used to calibrate).
    """
    data = inputs.scenario.model_dump()
    for fam in FAMILIES_ORDER:
        if fam in data["criteria"] and fam in hidden:
            data["criteria"][fam]["weight"] = hidden[fam]
    sc = type(inputs.scenario).model_validate(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sel = select_for(
            sc, score(inputs.indicators, sc).table["score"], inputs.logements, inputs.epci
        )
    return {int(i) for i in sel.index[sel]}


def _fmt_w(w: dict | None) -> str:
    if not w:
        return "-"
    return "/".join(f"{w[k]:.2f}" for k in FAMILIES_ORDER if k in w)


def print_table(rows: list[dict]) -> None:
    """Print the study's table (rich)."""
    from rich.console import Console
    from rich.table import Table

    t = Table(
        title="Recovery of the mission list by calibration (weights social/heritage/building/urban)"
    )
    for col in (
        "world",
        "hidden weights",
        "learned weights",
        "25: in sample",
        "25: held out",
        "25: default w.",
        "25: hidden w.",
        "logements",
        "16 confirmed (in/held)",
        "ERBM 59 (default/calib)",
        "chance conf. (mean/p95)",
        "chance ERBM (mean/p95)",
        "s",
    ):
        t.add_column(
            col, justify="left" if col.startswith(("world", "hidden", "learned")) else "right"
        )
    for r in rows:
        ch = r["chance"]

        def c(k: str, ch: dict = ch) -> str:
            d = ch[k]
            if "random_mean" in d:
                return f"{d['random_mean']:.2f}/{d['random_p95']:.0f} (hyp {d['hypergeometric_mean']:.2f})"
            return f"hyp {d['hypergeometric_mean']:.2f}"

        t.add_row(
            r["world"],
            _fmt_w(r["hidden_weights"]),
            _fmt_w(r["learned_weights"]),
            f"{r['mission_in_sample']}/25",
            f"{r['mission_heldout']}/25",
            f"{r['mission_default_weights']}/25",
            f"{r.get('mission_hidden_weights', '-')}/25",
            f"{r['logements_selected']:,.0f}",
            f"{r['confirmed_in_sample']}/{r['confirmed_heldout']}",
            f"{r['erbm_default_weights']}/{r['erbm_calibrated']}",
            c("confirmed"),
            c("erbm"),
            f"{r.get('seconds', 0):.0f}",
        )
    Console(width=220).print(t)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("data/processed/recovery.json"))
    parser.add_argument(
        "--cases", nargs="+", choices=list(CASE_BY_NAME), default=list(CASE_BY_NAME)
    )
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="fold and chance seed")
    parser.add_argument(
        "--draws",
        type=int,
        default=2000,
        help="random selections for chance on the default and unconditioned worlds",
    )
    parser.add_argument("--draws-other", type=int, default=200, help="the same on the other worlds")
    parser.add_argument(
        "--keep", type=Path, default=None, help="build the worlds here (default: a temp folder)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: reuse a world already built there"
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="scenario calibration starts from (default: the packaged one)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=UserWarning)
    rows = []
    with tempfile.TemporaryDirectory(prefix="recovery_") as tmp:
        folder = args.keep or Path(tmp)
        for name in args.cases:
            case = CASE_BY_NAME[name]
            t0 = time.perf_counter()
            world = Path(folder) / case.name
            if not (args.reuse and (world / "world_spec.yaml").is_file()):
                world = build(case, folder)
            t1 = time.perf_counter()
            draws = args.draws if name == "default" or not case.condition else args.draws_other
            row = recover(
                world,
                cv=args.cv,
                seed=args.seed,
                draws=draws,
                fold_seeds=tuple(range(10)),
                scenario=args.scenario,
            )
            row |= {
                "case": name,
                "note": case.note,
                "seed": case.seed,
                "scenario": str(args.scenario or "default"),
                "build_seconds": round(t1 - t0, 1),
                "seconds": round(time.perf_counter() - t0, 1),
            }
            rows.append(row)
            print(
                f"{name}: {row['mission_in_sample']}/25 in sample, {row['mission_heldout']}/25 held out "
                f"({row['seconds']:.0f} s)",
                file=sys.stderr,
            )
    print_table(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = args.out.with_suffix(".json.tmp")
    tmp_out.write_text(json.dumps({"cases": rows}, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp_out.replace(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
