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
(robustness draws): see :mod:`cites_priority.selection.fastpath` (LP relaxation held in
one warm-started HiGHS model, local search, reduced-cost fixing, exact DP or MILP on the
few variables left).
"""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import SelectionInfeasibleError
from ..messages import fr_number, msg
from ..scoring.ranking import rank_scores, tiebreak_of
from .fastpath import FastPath, LpSolver, default_lp_solver

__all__ = ["SelectionProblem", "default_lp_solver", "select", "selection_kwargs"]

logger = logging.getLogger(__name__)

SCALE = 1e4
EPS = 1e-7




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
        ids: Sequence[int] | np.ndarray,
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
        self._fast: FastPath | None = None
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
            member = np.asarray(self.epci == code, dtype=bool)
            self._groups.append(
                (code, member, float(self.epci_min.get(code, 0)), float(self.epci_max.get(code, n)))
            )
        self.has_epci = bool(self._groups)
        #: No EPCI bound and whole dwellings: the exact knapsack DP of the fast path
        #: applies (:mod:`.fastpath`), so the selection never needs a MILP.
        self.knapsack = not self.has_epci and bool(
            np.all(self.logements == np.round(self.logements)))

    # -- model -----------------------------------------------------------------------
    def _rows(self, *, window: bool = True, emin: bool = True, emax: bool = True):
        n = len(self.ids)
        a = [np.ones(n)]
        lo: list[float] = [float(self.n_cites)]
        hi: list[float] = [float(self.n_cites)]
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

    def is_feasible(self, x: np.ndarray) -> bool:
        """Whether the selection ``x`` (boolean mask) meets every constraint of the problem."""
        a, lo, hi = self._rows()
        lb, ub = self._bounds()
        v = a @ x.astype(float)
        return bool(np.all(v >= lo - 1e-9) and np.all(v <= hi + 1e-9)
                    and np.all(x >= lb) and np.all(x <= ub))

    def objective(self, scores: np.ndarray, tiebreak: np.ndarray | None = None) -> np.ndarray:
        """Scaled maximisation objective (score + rank epsilon), as a vector."""
        s = np.asarray(scores, float)
        n = len(s)
        tb = np.arange(n) if tiebreak is None else np.asarray(tiebreak)
        rank = rank_scores(s, tb)
        return (s + EPS * (n - rank) / max(n, 1)) * SCALE

    def _milp(self, c: np.ndarray, **drop) -> np.ndarray | None:
        from scipy.optimize import Bounds, LinearConstraint, milp

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

    def solve_fast(
        self,
        scores: np.ndarray,
        tiebreak: np.ndarray | None = None,
        incumbents: Sequence[np.ndarray] = (),
    ) -> np.ndarray:
        """Same optimum as :meth:`solve`, faster when good feasible selections are known.

        Delegates to one :class:`~cites_priority.selection.fastpath.FastPath` per problem
        (built on the first call, its LP model kept between calls).

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
        if self._fast is None:
            self._fast = FastPath(self, self.lp_solver)
        return self._fast.solve(scores, tiebreak, incumbents)

    def fresh(self) -> SelectionProblem:
        """A shallow copy without the fast path's solver state (e.g. for a worker process)."""
        other = copy.copy(self)
        other._fast = None
        return other


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
