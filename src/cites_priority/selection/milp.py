"""Exact budgeted selection: a 0/1 program solved by HiGHS (``scipy.optimize.milp``).

maximise   Σ_j (score_j + ε_j) x_j
subject to Σ_j x_j = n_cites
           logements_min ≤ Σ_j logements_j x_j ≤ logements_max
           epci_min[e] ≤ Σ_{j ∈ e} x_j ≤ epci_max[e]       (for the EPCI given)
           x_j = 1 (forced in), x_j = 0 (forced out or logements unknown), x_j ∈ {0, 1}

ε_j = 1e-7 × (n − rank_j) / n breaks ties deterministically in favour of the better rank
(and so of the smaller ``cite_id`` at equal score). Objective coefficients are scaled by
1e4 so that HiGHS's absolute gap (1e-6) is far below ε; the relative gap is set to 0.

When the constraints cannot all hold, :class:`SelectionInfeasibleError` names the
constraint to relax: simple bounds are checked first (e.g. the n smallest cités already
exceed ``logements_max``), then each constraint group is dropped in turn.

:meth:`SelectionProblem.solve_fast` returns the same optimum faster for repeated solves
(robustness draws): LP relaxation, a 1-swap local search from known feasible selections,
reduced-cost fixing (a variable whose reduced cost exceeds the LP-incumbent gap cannot
be in or out of any better solution), then a MILP on the few variables left.

The LP relaxation of :meth:`~SelectionProblem.solve_fast` is solved by HiGHS through
``highspy``: the model is built once per problem and only its objective changes between
solves, so each solve starts from the previous optimal basis (warm start) and skips
scipy's per-call model building and checks. ``lp_solver="scipy"`` (or the environment
variable ``CITES_PRIORITY_LP_SOLVER=scipy``) keeps the former ``scipy.optimize.linprog``
path, for benchmarks. Either LP gives valid reduced costs, so the returned optimum is the
same.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .._errors import SelectionInfeasibleError
from ..messages import fr_number, msg
from ..scoring.ranking import rank_scores, tiebreak_of

__all__ = ["SelectionProblem", "default_lp_solver", "select", "selection_kwargs"]

logger = logging.getLogger(__name__)

SCALE = 1e4
EPS = 1e-7
_TOL = 1e-4  # in scaled objective units

LpSolver = Literal["highspy", "scipy"]


def default_lp_solver() -> LpSolver:
    """LP solver of :meth:`SelectionProblem.solve_fast` when none is given.

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
        self._hs = highspy
        self._idx = np.arange(n, dtype=np.int32)

    def solve(self, cost: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
        """Minimise ``cost · x``: objective, lower and upper bound marginals (or None).

        The marginals follow ``scipy.optimize.linprog``: reduced costs of the columns at
        their lower bound (≥ 0) and at their upper bound (≤ 0), zero for basic columns.
        """
        h = self._h
        h.changeColsCost(len(self._idx), self._idx, np.asarray(cost, float))
        h.run()
        if h.getModelStatus() != self._hs.HighsModelStatus.kOptimal:
            return None
        dual = np.asarray(h.getSolution().col_dual, float)
        return (
            float(h.getInfo().objective_function_value),
            np.maximum(dual, 0.0),
            np.minimum(dual, 0.0),
        )




class SelectionProblem:
    """The constraint side of the selection, built once and solved for many score vectors.

    Parameters
    ----------
    ids
        ``cite_id`` of the rows (for messages).
    logements
        Dwellings per cité (NaN = unknown: the cité cannot be selected).
    epci
        EPCI code per cité (or None).
    n_cites
        Exact number of cités to select.
    logements_range
        ``(min, max)`` total dwellings of the selection.
    epci_min, epci_max
        Minimum / maximum number of selected cités per EPCI code.
    force_in, force_out
        ``cite_id`` that must / must not be selected.
    lp_solver
        LP solver of :meth:`solve_fast`: ``highspy`` (model built once, warm-started) or
        ``scipy`` (``linprog`` per call, the former path); default
        :func:`default_lp_solver`.
    """

    def __init__(
        self,
        ids: Sequence[int],
        logements: np.ndarray,
        *,
        epci: np.ndarray | None = None,
        n_cites: int = 25,
        logements_range: tuple[float, float] = (11000, 13000),
        epci_min: Mapping[str, int] | None = None,
        epci_max: Mapping[str, int] | None = None,
        force_in: Iterable[int] = (),
        force_out: Iterable[int] = (),
        lp_solver: LpSolver | None = None,
    ) -> None:
        self.lp_solver: LpSolver = default_lp_solver() if lp_solver is None else lp_solver
        if self.lp_solver not in ("highspy", "scipy"):
            raise ValueError(f"lp_solver must be 'highspy' or 'scipy', not {self.lp_solver!r}")
        self._lp: _HighsLP | None = None
        self.ids = np.asarray(ids)
        n = len(self.ids)
        lg = np.asarray(logements, dtype="float64")
        self.unknown = np.isnan(lg)
        self.logements = np.where(self.unknown, 0.0, lg)
        self.epci = None if epci is None else np.asarray(epci, dtype=object)
        self.n_cites = int(n_cites)
        self.lo, self.hi = float(logements_range[0]), float(logements_range[1])
        self.epci_min = dict(epci_min or {})
        self.epci_max = dict(epci_max or {})
        pos = {int(c): i for i, c in enumerate(self.ids)}
        self.force_in_ids = [int(c) for c in force_in]
        self.force_out_ids = [int(c) for c in force_out]
        unknown_ids = [c for c in [*self.force_in_ids, *self.force_out_ids] if c not in pos]
        if unknown_ids:
            warnings.warn(
                msg("warn.force_unknown", ids=unknown_ids[:10]),
                UserWarning,
                stacklevel=3,
            )
        self.fin = np.zeros(n, dtype=bool)
        self.fout = self.unknown.copy()
        self.fin[[pos[c] for c in self.force_in_ids if c in pos]] = True
        self.fout[[pos[c] for c in self.force_out_ids if c in pos]] = True
        if (self.epci_min or self.epci_max) and self.epci is None:
            raise SelectionInfeasibleError(
                "epci_min/epci_max sont donnés mais aucune colonne EPCI : passer epci= ou "
                "retirer les contraintes par EPCI"
            )
        self._groups: list[tuple[str, np.ndarray, float, float]] = []
        for code in sorted(set(self.epci_min) | set(self.epci_max)):
            member = self.epci == code
            self._groups.append(
                (code, member, float(self.epci_min.get(code, 0)), float(self.epci_max.get(code, n)))
            )
        self.has_epci = bool(self._groups)
        self._integral = bool(np.all(self.logements == np.round(self.logements)))

    # -- model -----------------------------------------------------------------------
    def _rows(self, *, window: bool = True, emin: bool = True, emax: bool = True):
        n = len(self.ids)
        a = [np.ones(n)]
        lo = [self.n_cites]
        hi = [self.n_cites]
        if window:
            a.append(self.logements)
            lo.append(self.lo)
            hi.append(self.hi)
        for _, member, mn, mx in self._groups:
            a.append(member.astype(float))
            lo.append(mn if emin else 0.0)
            hi.append(mx if emax else float(n))
        return np.vstack(a), np.array(lo, float), np.array(hi, float)

    def _bounds(self, *, fin: bool = True) -> tuple[np.ndarray, np.ndarray]:
        lb = (self.fin & fin & ~self.fout).astype(float)
        ub = (~self.fout).astype(float)
        return lb, ub

    def objective(self, scores: np.ndarray, tiebreak: np.ndarray | None = None) -> np.ndarray:
        """Scaled maximisation objective (score + rank epsilon), as a vector."""
        s = np.asarray(scores, float)
        n = len(s)
        tb = np.arange(n) if tiebreak is None else np.asarray(tiebreak)
        rank = rank_scores(s, tb)
        return (s + EPS * (n - rank) / max(n, 1)) * SCALE

    def _milp(self, c: np.ndarray, **drop) -> np.ndarray | None:
        a, lo, hi = self._rows(**{k: v for k, v in drop.items() if k != "fin"})
        lb, ub = self._bounds(fin=drop.get("fin", True))
        res = milp(
            -c,
            constraints=LinearConstraint(a, lo, hi),
            integrality=np.ones(len(c)),
            bounds=Bounds(lb, ub),
            options={"mip_rel_gap": 0.0},
        )
        if res.status != 0 or res.x is None:
            return None
        return res.x > 0.5

    # -- diagnosis ----------------------------------------------------------------------
    def check(self) -> None:
        """Raise :class:`SelectionInfeasibleError` if a simple bound already fails."""
        n_avail = int((~self.fout).sum())
        nfi = int((self.fin & ~self.fout).sum())
        k = self.n_cites
        if n_avail < k:
            raise SelectionInfeasibleError(
                f"seules {n_avail} cités peuvent être retenues ({int(self.unknown.sum())} sans "
                f"logements, {len(self.force_out_ids)} exclues) < n_cites {k} : baisser "
                "n_cites ou libérer force_out"
            )
        if nfi > k:
            raise SelectionInfeasibleError(
                f"{nfi} cités imposées > n_cites {k} : augmenter n_cites ou raccourcir force_in"
            )
        rest = np.sort(self.logements[~self.fout & ~self.fin])
        base = self.logements[self.fin & ~self.fout].sum()
        need = k - nfi
        smallest = base + rest[:need].sum()
        largest = base + rest[::-1][:need].sum()
        forced = f" (avec les {nfi} imposées)" if nfi else ""
        if smallest > self.hi:
            raise SelectionInfeasibleError(
                f"les {k} plus petites cités{forced} comptent {fr_number(smallest)} logements > "
                f"logements_max {fr_number(self.hi)} : augmenter logements_max ou baisser n_cites"
            )
        if largest < self.lo:
            raise SelectionInfeasibleError(
                f"les {k} plus grandes cités{forced} comptent {fr_number(largest)} logements < "
                f"logements_min {fr_number(self.lo)} : baisser logements_min ou augmenter n_cites"
            )
        total_min = sum(mn for *_, mn, _ in self._groups)
        if total_min > k:
            raise SelectionInfeasibleError(
                f"epci_min demande {total_min:g} cités en tout > n_cites {k} : baisser epci_min "
                "ou augmenter n_cites"
            )
        for code, member, mn, mx in self._groups:
            avail = int((member & ~self.fout).sum())
            if mn > avail:
                raise SelectionInfeasibleError(
                    f"epci_min[{code}] = {mn:g} mais seules {avail} cités de l'EPCI {code} peuvent "
                    f"être retenues : baisser epci_min[{code}]"
                )
            fin_e = int((member & self.fin & ~self.fout).sum())
            if fin_e > mx:
                raise SelectionInfeasibleError(
                    f"{fin_e} cités imposées appartiennent à l'EPCI {code} > epci_max[{code}] = "
                    f"{mx:g} : augmenter epci_max[{code}] ou raccourcir force_in"
                )

    def _diagnose(self, c: np.ndarray) -> SelectionInfeasibleError:
        for label, drop, fix in (
            ("l'enveloppe de logements", {"window": False},
             f"élargir logements_min/logements_max ({fr_number(self.lo)}–{fr_number(self.hi)})"),
            ("epci_max", {"emax": False}, "augmenter epci_max"),
            ("epci_min", {"emin": False}, "baisser epci_min"),
            ("force_in", {"fin": False}, "raccourcir force_in"),
        ):
            if label.startswith("epci") and not self.has_epci:
                continue
            if label == "force_in" and not self.fin.any():
                continue
            if self._milp(c, **drop) is not None:
                return SelectionInfeasibleError(
                    f"aucune sélection de {self.n_cites} cités ne respecte toutes les contraintes ; "
                    f"elle devient possible sans {label} : {fix}"
                )
        return SelectionInfeasibleError(
            f"aucune sélection de {self.n_cites} cités ne respecte toutes les contraintes, et "
            "aucun groupe de contraintes ne l'explique seul : en assouplir plusieurs (enveloppe "
            "de logements, bornes par EPCI, force_in) ou baisser n_cites"
        )

    # -- solving ------------------------------------------------------------------------
    def solve(self, scores: np.ndarray, tiebreak: np.ndarray | None = None) -> np.ndarray:
        """Exact optimum (boolean mask) for one score vector.

        Raises
        ------
        SelectionInfeasibleError
            With the constraint to relax.
        """
        self.check()
        c = self.objective(scores, tiebreak)
        x = self._milp(c)
        if x is None:
            raise self._diagnose(c)
        return x

    def _relaxation(
        self, c: np.ndarray, a: np.ndarray, lo: np.ndarray, hi: np.ndarray,
        lb: np.ndarray, ub: np.ndarray,
    ) -> tuple[float, np.ndarray, np.ndarray] | None:
        """LP relaxation of ``max c·x``: (minimised ``-c·x``, lower and upper marginals)."""
        if self.lp_solver == "highspy":
            if self._lp is None:
                self._lp = _HighsLP(a, lo, hi, lb, ub)
            return self._lp.solve(-c)
        eq = lo == hi
        a_ub = np.vstack([a[~eq], -a[~eq]])
        b_ub = np.concatenate([hi[~eq], -lo[~eq]])
        res = linprog(
            -c, A_ub=a_ub, b_ub=b_ub, A_eq=a[eq], b_eq=lo[eq],
            bounds=np.column_stack([lb, ub]), method="highs",
        )
        if res.status != 0:
            return None
        return float(res.fun), res.lower.marginals, res.upper.marginals

    def _local_search(self, c: np.ndarray, x: np.ndarray, max_iter: int = 60) -> np.ndarray:
        x = x.copy()
        lg = self.logements
        movable_out = ~self.fin
        movable_in = ~self.fout
        for _ in range(max_iter):
            inside = np.flatnonzero(x & movable_out)
            outside = np.flatnonzero(~x & movable_in)
            if not len(inside) or not len(outside):
                break
            total = lg[x].sum()
            new_total = total - lg[inside][:, None] + lg[outside][None, :]
            ok = (new_total >= self.lo - 1e-9) & (new_total <= self.hi + 1e-9)
            if self.has_epci:
                for _, member, mn, mx in self._groups:
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

    def solve_fast(
        self,
        scores: np.ndarray,
        tiebreak: np.ndarray | None = None,
        incumbents: Sequence[np.ndarray] = (),
    ) -> np.ndarray:
        """Same optimum as :meth:`solve`, faster when good feasible selections are known.

        Parameters
        ----------
        scores
            Score per cité.
        tiebreak
            Position of each row in ``cite_id`` order.
        incumbents
            Feasible selections (boolean masks), e.g. the optima of earlier draws.

        Returns
        -------
        numpy.ndarray
            Boolean mask of the optimal selection.
        """
        if not incumbents:
            return self.solve(scores, tiebreak)
        c = self.objective(scores, tiebreak)
        a, lo, hi = self._rows()
        lb, ub = self._bounds()
        lp = self._relaxation(c, a, lo, hi, lb, ub)
        if lp is None:
            return self.solve(scores, tiebreak)
        lp_fun, marg_lower, marg_upper = lp
        best = max(incumbents, key=lambda m: float(c[m].sum()))
        best = self._local_search(c, best)
        z_inc = -float(c[best].sum())
        gap = z_inc - lp_fun
        if gap < -_TOL:  # the incumbent beats the LP bound: numerical trouble
            return self.solve(scores, tiebreak)
        movable = lb < ub
        fix0 = movable & (marg_lower > gap + _TOL)
        fix1 = movable & (-marg_upper > gap + _TOL)
        free = movable & ~(fix0 | fix1)
        ones = fix1 | (lb == 1)
        used = a[:, ones].sum(axis=1)
        if not free.any():
            x = ones
        elif not self.has_epci and self._integral:
            pick = _knapsack_dp(
                c[free], self.logements[free].astype(np.int64),
                int(round(self.n_cites - used[0])), self.lo - used[1], self.hi - used[1],
            )
            if pick is None:
                return self.solve(scores, tiebreak)
            x = ones.copy()
            x[np.flatnonzero(free)[pick]] = True
        else:
            res = milp(
                -c[free],
                constraints=LinearConstraint(a[:, free], lo - used, hi - used),
                integrality=np.ones(int(free.sum())),
                bounds=Bounds(0, 1),
                options={"mip_rel_gap": 0.0},
            )
            if res.status != 0 or res.x is None:
                return self.solve(scores, tiebreak)
            x = ones.copy()
            x[np.flatnonzero(free)[res.x > 0.5]] = True
        if -float(c[x].sum()) > z_inc + _TOL:  # should not happen; stay exact
            return self.solve(scores, tiebreak)
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


def _series(table: pd.DataFrame, value, name: str) -> pd.Series | None:
    if value is None:
        return None
    if isinstance(value, str):
        if value not in table.columns:
            raise SelectionInfeasibleError(
                f"column '{value}' ({name}) is not in the table: pass a Series or add the column"
            )
        return table[value]
    return pd.Series(value).reindex(table.index)


def selection_kwargs(scenario) -> dict:
    """Keyword arguments of :func:`select` from a scenario's ``selection`` block."""
    sel = scenario.selection
    return {
        "n_cites": sel.n_cites,
        "logements_range": (sel.logements_min, sel.logements_max),
        "epci_min": dict(sel.epci_min),
        "epci_max": dict(sel.epci_max),
        "force_in": tuple(sel.force_in),
        "force_out": tuple(sel.force_out),
    }


def select(
    table: pd.DataFrame,
    *,
    scores: str | pd.Series = "score",
    logements: str | pd.Series = "logements",
    epci: str | pd.Series | None = None,
    n_cites: int = 25,
    logements_range: tuple[float, float] = (11000, 13000),
    epci_min: Mapping[str, int] | None = None,
    epci_max: Mapping[str, int] | None = None,
    force_in: Iterable[int] = (),
    force_out: Iterable[int] = (),
) -> pd.Series:
    """Choose the cités maximising the total score under the constraints (exact MILP).

    Parameters
    ----------
    table
        Frame indexed by ``cite_id`` (e.g. ``ScoreResult.table``).
    scores, logements, epci
        Column names of ``table`` or Series indexed by ``cite_id``.
    n_cites
        Exact number of cités.
    logements_range
        ``(min, max)`` total dwellings.
    epci_min, epci_max
        Per-EPCI minimum / maximum number of cités.
    force_in, force_out
        ``cite_id`` forced in / out.

    Returns
    -------
    pandas.Series
        Boolean, index ``cite_id``, name ``selected``.

    Raises
    ------
    SelectionInfeasibleError
        When no selection meets the constraints; the message says what to relax.

    Examples
    --------
    >>> t = pd.DataFrame({"score": [0.9, 0.8, 0.7, 0.1], "logements": [500, 400, 300, 100]},
    ...                  index=pd.Index([1, 2, 3, 4], name="cite_id"))
    >>> select(t, n_cites=2, logements_range=(0, 800)).tolist()
    [True, False, True, False]
    """
    s = _series(table, scores, "scores")
    lg = _series(table, logements, "logements")
    ep = _series(table, epci, "epci")
    assert s is not None and lg is not None
    lgv = pd.to_numeric(lg, errors="coerce").astype("float64")
    if lgv.isna().any():
        bad = lgv.index[lgv.isna()].tolist()
        warnings.warn(
            msg("warn.logements_unknown", ids=f"{bad[:10]}{' …' if len(bad) > 10 else ''}"),
            UserWarning,
            stacklevel=2,
        )
    sv = pd.to_numeric(s, errors="coerce").astype("float64").fillna(0.0).to_numpy()
    ids = np.asarray(table.index)
    tb = tiebreak_of(ids)
    prob = SelectionProblem(
        ids,
        lgv.to_numpy(),
        epci=None if ep is None else ep.astype(object).to_numpy(),
        n_cites=n_cites,
        logements_range=logements_range,
        epci_min=epci_min,
        epci_max=epci_max,
        force_in=force_in,
        force_out=force_out,
    )
    x = prob.solve(sv, tb)
    out = pd.Series(x, index=table.index, name="selected")
    logger.info(
        "selected %d cités, %s logements", int(x.sum()), fr_number(prob.logements[x].sum())
    )
    return out
