"""Robustness of the shortlist to the weights: Monte Carlo (SMAA-like) and one-at-a-time.

:func:`monte_carlo` draws family weights from a Dirichlet distribution centred on the
scenario's (α = concentration × weight; and, if ``indicator_level``, the indicator
weights within each family likewise), recomputes every score as one matrix product on
the normalised matrix (computed once), and re-runs the *selection* (the exact MILP with
its logements window, not a top-k) for every draw. The draws are solved by
:func:`~cites_priority.selection.fastpath.solve_many`: the fast path (LP relaxation,
local search from the previous optima, reduced-cost fixing, exact DP or MILP on the few
variables left), which returns the same optimum as the full MILP, its LP relaxation one
HiGHS model (``highspy``) per chunk of draws, each draw changing only the objective and
starting from the previous optimal basis; the chunks are spread over the cores (forked
processes), with the same result whatever their number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..scenario import Scenario, rescaled_weights
from ..scoring import scores_for
from ..scoring.normalise import Prepared, prepare
from ..scoring.ranking import rank_scores
from ..selection.fastpath import LpSolver, solve_many
from ..selection.milp import SelectionProblem, selection_kwargs

__all__ = ["draw_weights", "monte_carlo", "one_at_a_time", "problem_for"]

logger = logging.getLogger(__name__)


def problem_for(
    prep: Prepared,
    scenario: Scenario,
    logements: pd.Series,
    epci: pd.Series | None,
    lp_solver: LpSolver | None = None,
) -> SelectionProblem:
    """Build the :class:`SelectionProblem` of a scenario on the prepared rows.

    ``lp_solver`` picks the LP of :meth:`SelectionProblem.solve_fast` (default: highspy).
    """
    lg = pd.to_numeric(pd.Series(logements).reindex(prep.index), errors="coerce")
    ep = None if epci is None else pd.Series(epci).reindex(prep.index).astype(object).to_numpy()
    return SelectionProblem(
        np.asarray(prep.index),
        lg.astype("float64").to_numpy(),
        epci=ep,
        **selection_kwargs(scenario),
        lp_solver=lp_solver,
    )


def _dirichlet(rng: np.random.Generator, w: np.ndarray, conc: float, draws: int) -> np.ndarray:
    out = np.zeros((len(w), draws))
    pos = w > 0
    if pos.sum() == 1:
        out[pos] = 1.0
    elif pos.any():
        out[pos] = rng.dirichlet(conc * w[pos] / w[pos].sum(), size=draws).T
    return out


def draw_weights(
    prep: Prepared,
    *,
    draws: int,
    concentration: float,
    seed: int,
    indicator_level: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Dirichlet draws around the scenario's weights.

    Parameters
    ----------
    prep
        The prepared matrix (gives the centre weights).
    draws
        Number of weight vectors.
    concentration
        Dirichlet concentration (α = concentration × weight); larger = tighter.
    seed
        Random seed.
    indicator_level
        Also draw the indicator weights within each family.

    Returns
    -------
    family_weights, indicator_weights
        ``F × draws`` and ``k × draws`` arrays (each column sums to 1 per group).
    """
    rng = np.random.default_rng(seed)
    fw = _dirichlet(rng, prep.family_weights, concentration, draws)
    if indicator_level:
        iw = np.zeros((len(prep.names), draws))
        for f in range(len(prep.families)):
            cols = prep.family_of == f
            iw[cols] = _dirichlet(rng, prep.indicator_weights[cols], concentration, draws)
    else:
        iw = np.repeat(prep.indicator_weights[:, None], draws, axis=1)
    return fw, iw


def _solve_many(
    prob: SelectionProblem,
    scores: np.ndarray,
    tiebreak: np.ndarray,
    base: np.ndarray,
    on_draw: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> np.ndarray:
    """Boolean ``n × D`` selections, one per score column (:func:`solve_many`).

    ``on_draw(j, D)`` is called for j = 0, 100, 200… as the draws get done.
    """
    d = scores.shape[1]
    marks = iter(range(0, d, 100))
    mark = next(marks, None)

    def progress(done: int) -> None:
        nonlocal mark
        while on_draw is not None and mark is not None and mark <= done:
            on_draw(mark, d)
            mark = next(marks, None)

    progress(0)
    return solve_many(prob, scores, tiebreak, base, workers=workers, on_progress=progress)


def monte_carlo(
    indicators: pd.DataFrame,
    scenario: Scenario,
    *,
    logements: pd.Series,
    epci: pd.Series | None = None,
    draws: int | None = None,
    seed: int | None = None,
    concentration: float | None = None,
    on_draw: Callable[[int, int], None] | None = None,
    lp_solver: LpSolver | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Probability of selection and rank interval of every cité under weight uncertainty.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The scenario (its ``robustness`` block gives the defaults).
    logements
        Dwellings per cité (Series indexed by ``cite_id``).
    epci
        EPCI code per cité (needed when the scenario has EPCI bounds).
    draws, seed, concentration
        Override the scenario's values.
    on_draw
        Called as ``on_draw(done, total)`` every 100 draws (progress display).
    lp_solver
        LP of the per-draw solve: ``highspy`` (default, warm-started) or ``scipy`` (the
        former ``linprog`` path, for benchmarks); the selections are the same.
    workers
        Processes solving the draws (this one included); default: the environment
        variable ``CITES_PRIORITY_WORKERS``, else the cores available. The result does
        not depend on it (:func:`~cites_priority.selection.fastpath.solve_many`).

    Returns
    -------
    pandas.DataFrame
        Index ``cite_id``: ``p_selected`` (share of draws whose selection holds the cité),
        ``rank_p05``, ``rank_median``, ``rank_p95`` (rank percentiles over draws),
        ``robustness_class`` (``core`` if p ≥ core_threshold, ``outside`` if p ≤
        outside_threshold, else ``borderline``).

    Raises
    ------
    SelectionInfeasibleError
        If the scenario's selection is infeasible.
    """
    rb = scenario.robustness
    draws = rb.draws if draws is None else int(draws)
    seed = rb.seed if seed is None else int(seed)
    conc = rb.concentration if concentration is None else float(concentration)
    prep = prepare(indicators, scenario)
    fw, iw = draw_weights(
        prep, draws=draws, concentration=conc, seed=seed, indicator_level=rb.indicator_level
    )
    scores = scores_for(prep, fw, iw)
    ranks = rank_scores(scores, prep.tiebreak)
    prob = problem_for(prep, scenario, logements, epci, lp_solver)
    base = prob.solve(scores_for(prep), prep.tiebreak)
    sel = _solve_many(prob, scores, prep.tiebreak, base, on_draw, workers)
    p = sel.mean(axis=1)
    q = np.quantile(ranks, [0.05, 0.5, 0.95], axis=1, method="nearest")
    cls = np.where(
        p >= rb.core_threshold, "core", np.where(p <= rb.outside_threshold, "outside", "borderline")
    )
    logger.info(
        "monte carlo: %d draws, %d core, %d borderline", draws, int((cls == "core").sum()),
        int((cls == "borderline").sum()),
    )
    return pd.DataFrame(
        {
            "p_selected": p,
            "rank_p05": q[0].astype("int64"),
            "rank_median": q[1].astype("int64"),
            "rank_p95": q[2].astype("int64"),
            "robustness_class": pd.array(cls, dtype="str"),
        },
        index=prep.index,
    )


def rescaled_family_weights(fw: np.ndarray, f: int, new: float) -> np.ndarray:
    """Set family ``f`` to ``new`` and rescale the others proportionally (sum 1).

    :func:`cites_priority.scenario.rescaled_weights`, the rule of ``Scenario.with_weights``.
    """
    return rescaled_weights(fw, {f: new})


def one_at_a_time(
    indicators: pd.DataFrame,
    scenario: Scenario,
    *,
    logements: pd.Series,
    epci: pd.Series | None = None,
    delta: float = 0.2,
) -> pd.DataFrame:
    """Change each family weight by ±``delta`` (relative) and count cités entering/leaving.

    The other family weights are rescaled proportionally so that they still sum to 1.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The scenario.
    logements
        Dwellings per cité.
    epci
        EPCI code per cité.
    delta
        Relative change (0.2 = ±20 %).

    Returns
    -------
    pandas.DataFrame
        One row per family and sign: ``family``, ``change``, ``weight_before``,
        ``weight_after``, ``n_entered``, ``n_left``, ``entered``, ``left`` (``cite_id``
        lists as "a; b").
    """
    prep = prepare(indicators, scenario)
    prob = problem_for(prep, scenario, logements, epci)
    base = prob.solve(scores_for(prep), prep.tiebreak)
    ids = np.asarray(prep.index)
    rows = []
    for f, fam in enumerate(prep.families):
        for sign in (+1, -1):
            w0 = prep.family_weights[f]
            fw = rescaled_family_weights(prep.family_weights, f, w0 * (1 + sign * delta))
            x = prob.solve_fast(scores_for(prep, fw), prep.tiebreak, [base])
            entered = ids[x & ~base]
            left = ids[base & ~x]
            rows.append(
                {
                    "family": fam,
                    "change": f"{sign * delta:+.0%}",
                    "weight_before": w0,
                    "weight_after": fw[f],
                    "n_entered": len(entered),
                    "n_left": len(left),
                    "entered": "; ".join(str(i) for i in entered),
                    "left": "; ".join(str(i) for i in left),
                }
            )
    return pd.DataFrame(rows)
