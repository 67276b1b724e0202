"""Fast exact re-solves of one selection problem for many score vectors (Monte Carlo).

:class:`FastPath` returns the same optimum as the exact MILP of
:class:`~cites_priority.selection.milp.SelectionProblem` (``SelectionProblem.solve``),
faster when good feasible selections are known (the optima of earlier draws):

1. the LP relaxation gives an upper bound and reduced costs;
2. a 1-swap local search improves the best known selection (the incumbent);
3. reduced-cost fixing: a variable whose reduced cost exceeds the LP–incumbent gap cannot
   be in (or out of) any better solution, so it is fixed;
4. the few variables left are solved exactly: a cardinality knapsack with a dwellings
   window by dynamic programming (no EPCI bounds, integer dwellings) or a small MILP.

Whenever a step cannot conclude (LP failure, numerical trouble) the full MILP is solved
instead, so the result is always the exact optimum.

The LP relaxation is solved by HiGHS through ``highspy``: the model is built once per
:class:`FastPath` and only its objective changes between solves, so each solve starts
from the previous optimal basis (warm start). ``lp_solver="scipy"`` (or the environment
variable ``CITES_PRIORITY_LP_SOLVER=scipy``) keeps the former ``scipy.optimize.linprog``
path, for benchmarks. Either LP gives valid reduced costs, so the optimum is the same.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from .milp import SelectionProblem

__all__ = ["FastPath", "LpSolver", "default_lp_solver"]

_TOL = 1e-4  # in scaled objective units

LpSolver = Literal["highspy", "scipy"]


def default_lp_solver() -> LpSolver:
    """LP solver of :class:`FastPath` when none is given.

    ``highspy`` unless the environment variable ``CITES_PRIORITY_LP_SOLVER`` is ``scipy``
    (the former path, kept for benchmarks).
    """
    return "scipy" if os.environ.get("CITES_PRIORITY_LP_SOLVER") == "scipy" else "highspy"


class _HighsLP:
    """The LP relaxation held in one HiGHS instance; only the costs change between solves.

    Parameters
    ----------
    a, lo, hi
        Dense constraint rows and their bounds (``lo == hi`` for an equality).
    lb, ub
        Column bounds.
    """

    def __init__(
        self, a: np.ndarray, lo: np.ndarray, hi: np.ndarray, lb: np.ndarray, ub: np.ndarray
    ) -> None:
        import highspy

        # the raw class: ``highspy.Highs()`` prints a banner on stdout when created
        cls = getattr(getattr(highspy, "_core", None), "_Highs", None) or highspy.Highs
        h = cls()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        m, n = a.shape
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = m
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.asarray(lb, float)
        lp.col_upper_ = np.asarray(ub, float)
        lp.row_lower_ = np.asarray(lo, float)
        lp.row_upper_ = np.asarray(hi, float)
        nz = a != 0
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(nz.sum(axis=0))]).astype(np.int32)
        col, row = np.nonzero(nz.T)  # column-major order
        lp.a_matrix_.index_ = row.astype(np.int32)
        lp.a_matrix_.value_ = a.T[col, row].astype(float)
        h.passModel(lp)
        self._h = h
        self._optimal = highspy.HighsModelStatus.kOptimal
        self._idx = np.arange(n, dtype=np.int32)

    def solve(self, cost: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
        """Minimise ``cost · x``: objective, lower and upper bound marginals (or None).

        The marginals follow ``scipy.optimize.linprog``: reduced costs of the columns at
        their lower bound (≥ 0) and at their upper bound (≤ 0), zero for basic columns.
        """
        h = self._h
        h.changeColsCost(len(self._idx), self._idx, np.asarray(cost, float))
        h.run()
        if h.getModelStatus() != self._optimal:
            return None
        dual = np.asarray(h.getSolution().col_dual, float)
        return (
            float(h.getInfo().objective_function_value),
            np.maximum(dual, 0.0),
            np.minimum(dual, 0.0),
        )


def _scipy_relaxation(
    c: np.ndarray, a: np.ndarray, lo: np.ndarray, hi: np.ndarray, lb: np.ndarray, ub: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """The same LP by one ``scipy.optimize.linprog`` call (the former path)."""
    from scipy.optimize import linprog

    eq = lo == hi
    a_ub = np.vstack([a[~eq], -a[~eq]])
    b_ub = np.concatenate([hi[~eq], -lo[~eq]])
    res = linprog(
        c, A_ub=a_ub, b_ub=b_ub, A_eq=a[eq], b_eq=lo[eq],
        bounds=np.column_stack([lb, ub]), method="highs",
    )
    if res.status != 0:
        return None
    return float(res.fun), res.lower.marginals, res.upper.marginals


class FastPath:
    """Repeated exact solves of one :class:`~cites_priority.selection.milp.SelectionProblem`.

    Parameters
    ----------
    problem
        The selection problem (its constraint rows and bounds are read once).
    lp_solver
        ``highspy`` (model built once, warm-started) or ``scipy`` (``linprog`` per call).
    """

    def __init__(self, problem: SelectionProblem, lp_solver: LpSolver) -> None:
        self.problem = problem
        self.lp_solver = lp_solver
        self._a, self._lo, self._hi = problem._rows()
        self._lb, self._ub = problem._bounds()
        self._lp: _HighsLP | None = None

    def _relaxation(self, c: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
        """LP relaxation of ``max c·x``: (minimised ``-c·x``, lower and upper marginals)."""
        if self.lp_solver == "highspy":
            if self._lp is None:
                self._lp = _HighsLP(self._a, self._lo, self._hi, self._lb, self._ub)
            return self._lp.solve(-c)
        return _scipy_relaxation(-c, self._a, self._lo, self._hi, self._lb, self._ub)

    def _local_search(self, c: np.ndarray, x: np.ndarray, max_iter: int = 60) -> np.ndarray:
        """Best-improvement 1-swap search from the feasible selection ``x``."""
        p = self.problem
        x = x.copy()
        lg = p.logements
        movable_out = ~p.fin
        movable_in = ~p.fout
        for _ in range(max_iter):
            inside = np.flatnonzero(x & movable_out)
            outside = np.flatnonzero(~x & movable_in)
            if not len(inside) or not len(outside):
                break
            total = lg[x].sum()
            new_total = total - lg[inside][:, None] + lg[outside][None, :]
            ok = (new_total >= p.lo - 1e-9) & (new_total <= p.hi + 1e-9)
            if p.has_epci:
                for _, member, mn, mx in p._groups:
                    cnt = int((x & member).sum())
                    mi = member[inside][:, None]
                    mo = member[outside][None, :]
                    delta = mo.astype(int) - mi.astype(int)
                    ok &= (cnt + delta >= mn) & (cnt + delta <= mx)
            gain = np.where(ok, c[outside][None, :] - c[inside][:, None], -np.inf)
            i, j = np.unravel_index(np.argmax(gain), gain.shape)
            if gain[i, j] <= _TOL:
                break
            x[inside[i]] = False
            x[outside[j]] = True
        return x

    def solve(
        self,
        scores: np.ndarray,
        tiebreak: np.ndarray | None = None,
        incumbents: Sequence[np.ndarray] = (),
    ) -> np.ndarray:
        """The exact optimum (boolean mask), as ``SelectionProblem.solve`` returns it.

        Parameters
        ----------
        scores
            Score per cité.
        tiebreak
            Position of each row in ``cite_id`` order.
        incumbents
            Feasible selections (boolean masks), e.g. the optima of earlier draws;
            without any, the full MILP is solved.

        Returns
        -------
        numpy.ndarray
            Boolean mask of the optimal selection.
        """
        p = self.problem
        if not incumbents:
            return p.solve(scores, tiebreak)
        c = p.objective(scores, tiebreak)
        a, lo, hi, lb, ub = self._a, self._lo, self._hi, self._lb, self._ub
        lp = self._relaxation(c)
        if lp is None:
            return p.solve(scores, tiebreak)
        lp_fun, marg_lower, marg_upper = lp
        best = max(incumbents, key=lambda m: float(c[m].sum()))
        best = self._local_search(c, best)
        z_inc = -float(c[best].sum())
        gap = z_inc - lp_fun
        if gap < -_TOL:  # the incumbent beats the LP bound: numerical trouble
            return p.solve(scores, tiebreak)
        movable = lb < ub
        fix0 = movable & (marg_lower > gap + _TOL)
        fix1 = movable & (-marg_upper > gap + _TOL)
        free = movable & ~(fix0 | fix1)
        ones = fix1 | (lb == 1)
        used = a[:, ones].sum(axis=1)
        if not free.any():
            x = ones
        elif not p.has_epci and p._integral:
            pick = _knapsack_dp(
                c[free], p.logements[free].astype(np.int64),
                int(round(p.n_cites - used[0])), p.lo - used[1], p.hi - used[1],
            )
            if pick is None:
                return p.solve(scores, tiebreak)
            x = ones.copy()
            x[np.flatnonzero(free)[pick]] = True
        else:
            from scipy.optimize import Bounds, LinearConstraint, milp

            res = milp(
                -c[free],
                constraints=LinearConstraint(a[:, free], lo - used, hi - used),
                integrality=np.ones(int(free.sum())),
                bounds=Bounds(0, 1),
                options={"mip_rel_gap": 0.0},
            )
            if res.status != 0 or res.x is None:
                return p.solve(scores, tiebreak)
            x = ones.copy()
            x[np.flatnonzero(free)[res.x > 0.5]] = True
        if -float(c[x].sum()) > z_inc + _TOL:  # should not happen; stay exact
            return p.solve(scores, tiebreak)
        return x


def _knapsack_dp(
    value: np.ndarray, weight: np.ndarray, count: int, lo: float, hi: float
) -> np.ndarray | None:
    """Exact cardinality-constrained knapsack with a weight window, by dynamic programming.

    Chooses exactly ``count`` items with total integer ``weight`` in ``[lo, hi]``
    maximising the total ``value``; ``None`` if impossible. Used on the few variables
    left free after reduced-cost fixing (cost ``O(m · count · hi)``).
    """
    m = len(value)
    if count < 0 or count > m:
        return None
    if count == 0:
        return np.zeros(m, dtype=bool) if lo <= 1e-9 and hi >= -1e-9 else None
    cap = int(np.floor(hi + 1e-9))
    if cap < 0:
        return None
    # no total of at most `count` items exceeds the `count` largest weights that fit:
    # the cells above stay unreachable, so the table stops there
    cap = min(cap, int(np.sort(weight[weight <= cap])[::-1][:count].sum()))
    dp = np.full((count + 1, cap + 1), -np.inf)
    dp[0, 0] = 0.0
    take = np.zeros((m, count + 1, cap + 1), dtype=bool)
    for i in range(m):
        w, v = int(weight[i]), float(value[i])
        if w > cap:
            continue
        cand = dp[:-1, : cap + 1 - w] + v  # computed from the table before item i
        cur = dp[1:, w:]
        better = cand > cur
        take[i, 1:, w:] = better
        np.copyto(cur, cand, where=better)
    first = max(int(np.ceil(lo - 1e-9)), 0)
    row = dp[count, first:]
    if not np.isfinite(row).any():
        return None
    tot = first + int(np.argmax(row))
    pick = np.zeros(m, dtype=bool)
    k = count
    for i in range(m - 1, -1, -1):
        if take[i, k, tot]:
            pick[i] = True
            tot -= int(weight[i])
            k -= 1
    return pick if k == 0 and tot == 0 else None
