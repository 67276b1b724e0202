"""The exact trade-off frontier of the selection: best total score against the budget.

Two curves, each point an exact MILP (:class:`~cites_priority.selection.milp.SelectionProblem`,
the scenario's EPCI bounds and forced cités kept):

- **logements**: for each ceiling ``B`` on a grid (default 8 000 to 20 000 by 500) and
  the scenario's number of cités, the best total score of a selection holding at most
  ``B`` logements (no lower bound: a budget is a ceiling);
- **cités**: for each number of cités ``k`` on a grid (default the scenario's ± 10) and
  the scenario's logements window, the best total score of ``k`` cités.

A point where no selection meets the constraints is kept with ``feasible = False`` and a
NaN score, so charts show it as infeasible rather than drop it. The scenario's own
selection lies on or below both curves (on them where its constraint binds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._errors import SelectionInfeasibleError
from ..scoring.ranking import tiebreak_of
from .milp import SelectionProblem

__all__ = ["FRONTIER_COLUMNS", "frontier", "logements_grid", "n_cites_grid"]

#: Columns of the frames :func:`frontier` returns.
FRONTIER_COLUMNS = ("axis", "value", "n_cites", "logements_min", "logements_max", "feasible",
                    "score_sum", "logements", "cite_ids")


def logements_grid(lo: float = 8000, hi: float = 20000, step: float = 500) -> list[float]:
    """Ceilings of logements from ``lo`` to ``hi`` (inclusive) by ``step``."""
    return [float(v) for v in np.arange(lo, hi + step / 2, step)]


def n_cites_grid(n_cites: int, spread: int = 10) -> list[int]:
    """Numbers of cités from ``n_cites - spread`` (at least 1) to ``n_cites + spread``."""
    return list(range(max(1, n_cites - spread), n_cites + spread + 1))


def _incumbents(
    prob: SelectionProblem, c: np.ndarray, solved: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Feasible selections of ``prob`` built from the optima of the points solved before.

    Each earlier optimum of ``prob.n_cites`` cités is a candidate as it is; one of one
    cité less (more) gets the best (worst) cité by objective ``c`` whose dwellings keep
    the total in the window added (removed). The fewest-dwellings selection (forced
    cités plus the smallest others) is a candidate too. Only candidates meeting every
    constraint are returned.
    """
    k = prob.n_cites
    lg = prob.logements
    free = ~prob.fin & ~prob.fout
    found: list[np.ndarray] = []
    need = k - int(prob.fin.sum())
    if 0 <= need <= int(free.sum()):
        x = prob.fin & ~prob.fout
        order = np.flatnonzero(free)[np.argsort(lg[free], kind="stable")]
        x = x.copy()
        x[order[:need]] = True
        found.append(x)
    for y in solved[::-1][:8]:
        count, total = int(y.sum()), float(lg[y].sum())
        if count == k:
            found.append(y)
            continue
        if count == k - 1:
            pick = ~y & ~prob.fout
            fits = (total + lg >= prob.lo - 1e-9) & (total + lg <= prob.hi + 1e-9)
            best = np.flatnonzero(pick & fits)
            j = best[np.argmax(c[best])] if len(best) else None
        elif count == k + 1:
            pick = y & ~prob.fin
            fits = (total - lg >= prob.lo - 1e-9) & (total - lg <= prob.hi + 1e-9)
            best = np.flatnonzero(pick & fits)
            j = best[np.argmin(c[best])] if len(best) else None
        else:
            continue
        if j is not None:
            x = y.copy()
            x[j] = not x[j]
            found.append(x)
    return [x for x in found if prob.is_feasible(x)]


def _point(
    base: dict[str, Any], scores: np.ndarray, tiebreak: np.ndarray,
    solved: list[np.ndarray], **change: Any,
) -> tuple[bool, float, float, str]:
    """One point of the frontier: the exact optimum under the changed constraints.

    Without EPCI bounds and with whole dwellings, the point is solved by the exact fast
    path (:class:`~cites_priority.selection.fastpath.FastPath`, as the Monte Carlo
    draws) from feasible selections derived from the points already ``solved`` (the
    optimum found is appended to it); otherwise, or without such a selection, by the
    full MILP. Both return the same optimum.
    """
    prob = SelectionProblem(**{**base, **change})
    start: list[np.ndarray] = []
    if prob.knapsack:
        start = _incumbents(prob, prob.objective(scores, tiebreak), solved)
    try:
        x = prob.solve_fast(scores, tiebreak, start) if start else prob.solve(scores, tiebreak)
    except SelectionInfeasibleError:
        return False, float("nan"), float("nan"), ""
    solved.append(x)
    ids = ",".join(str(int(i)) for i in np.sort(prob.ids[x]))
    return True, float(scores[x].sum()), float(prob.logements[x].sum()), ids


def frontier(
    scores: pd.Series,
    logements: pd.Series,
    *,
    epci: pd.Series | None = None,
    n_cites: int = 25,
    logements_range: tuple[float, float] = (11000, 13000),
    epci_min: Mapping[str, int] | None = None,
    epci_max: Mapping[str, int] | None = None,
    force_in: Iterable[int] = (),
    force_out: Iterable[int] = (),
    budgets: Sequence[float] | None = None,
    counts: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Best total score against the logements ceiling and against the number of cités.

    Parameters
    ----------
    scores
        Score per cité, indexed by ``cite_id``.
    logements
        Dwellings per cité (same index; NaN = cannot be selected).
    epci
        EPCI code per cité (needed with ``epci_min``/``epci_max``).
    n_cites, logements_range, epci_min, epci_max, force_in, force_out
        The scenario's selection constraints (:func:`~cites_priority.selection.milp.selection_kwargs`).
    budgets
        Logements ceilings (default :func:`logements_grid`).
    counts
        Numbers of cités (default :func:`n_cites_grid` around ``n_cites``).

    Returns
    -------
    pandas.DataFrame
        One row per point, columns :data:`FRONTIER_COLUMNS`: ``axis`` (``logements`` or
        ``n_cites``), ``value`` (the ceiling or the count), the constraints used,
        ``feasible``, ``score_sum`` (best total score, NaN if infeasible), ``logements``
        (of that optimum) and ``cite_ids`` (its cités, comma-separated, sorted).

    Examples
    --------
    >>> idx = pd.Index([1, 2, 3, 4], name="cite_id")
    >>> f = frontier(pd.Series([0.9, 0.8, 0.7, 0.1], index=idx),
    ...              pd.Series([500, 400, 300, 100], index=idx), n_cites=2,
    ...              logements_range=(0, 800), budgets=[300, 800, 900], counts=[1, 2])
    >>> f[["axis", "value", "feasible", "score_sum"]].round(2).values.tolist()
    [['logements', 300.0, False, nan], ['logements', 800.0, True, 1.6], ['logements', 900.0, True, 1.7], ['n_cites', 1.0, True, 0.9], ['n_cites', 2.0, True, 1.6]]
    """
    index = scores.index
    ids = np.asarray(index)
    tb = tiebreak_of(ids)
    sv = pd.to_numeric(scores, errors="coerce").astype("float64").fillna(0.0).to_numpy()
    lg = pd.to_numeric(logements.reindex(index), errors="coerce").astype("float64").to_numpy()
    base: dict[str, Any] = {
        "ids": ids,
        "logements": lg,
        "epci": None if epci is None else epci.reindex(index).astype(object).to_numpy(),
        "n_cites": int(n_cites),
        "logements_range": tuple(logements_range),
        "epci_min": epci_min,
        "epci_max": epci_max,
        "force_in": tuple(force_in),
        "force_out": tuple(force_out),
    }
    rows = []
    solved: list[np.ndarray] = []
    for b in logements_grid() if budgets is None else budgets:
        ok, total, used, chosen = _point(base, sv, tb, solved, logements_range=(0.0, float(b)))
        rows.append(("logements", float(b), int(n_cites), 0.0, float(b), ok, total, used, chosen))
    lo, hi = (float(v) for v in logements_range)
    for k in n_cites_grid(int(n_cites)) if counts is None else counts:
        ok, total, used, chosen = _point(base, sv, tb, solved, n_cites=int(k))
        rows.append(("n_cites", float(k), int(k), lo, hi, ok, total, used, chosen))
    out = pd.DataFrame(rows, columns=list(FRONTIER_COLUMNS))
    out["feasible"] = out["feasible"].astype(bool)
    return out
