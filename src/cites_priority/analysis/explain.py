"""Explanations: what drives a cité's score, and how far a weight must move to flip it.

- :func:`top_contributions`: the indicators contributing most to one cité's score;
  :func:`top_contributions_text` the same for every cité at once, as short texts.
- :func:`weight_change_to_flip`: for one cité, the smallest change of each family weight
  (the other families rescaled proportionally) that moves it into or out of the
  selection. A coarse scan finds the first weight at which the selection status changes,
  then bisection narrows it to ``tol``; each step re-runs the exact selection. For many
  cités, build a :class:`FlipContext` once (:func:`flip_context`) and pass it: the
  prepared matrix, the selection problem (its warm-started LP) and the base selection
  are then shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..constants import FAMILIES
from ..scenario import Scenario
from ..scoring import prepare, scores_for
from ..scoring.normalise import Prepared
from ..selection.milp import SelectionProblem
from .robustness import problem_for, rescaled_family_weights

__all__ = [
    "FlipContext",
    "family_contributions",
    "flip_context",
    "smallest_flip",
    "top_contributions",
    "top_contributions_table",
    "top_contributions_text",
    "weight_change_to_flip",
]


@dataclass(frozen=True)
class FlipContext:
    """What :func:`weight_change_to_flip` needs for every cité of one scenario.

    Attributes
    ----------
    prepared
        The prepared matrix (:func:`~cites_priority.scoring.prepare`).
    problem
        The scenario's selection problem on the prepared rows.
    base
        The scenario's selection (boolean mask in ``prepared.index`` order).
    solved
        The selections already solved, by (family position, family weight): the
        selection does not depend on the cité explained, so cités scanning the same
        weights share them.
    """

    prepared: Prepared
    problem: SelectionProblem
    base: np.ndarray
    solved: dict[tuple[int, float], np.ndarray] = field(default_factory=dict, repr=False)


def flip_context(
    indicators: pd.DataFrame,
    scenario: Scenario,
    *,
    logements: pd.Series,
    epci: pd.Series | None = None,
) -> FlipContext:
    """Prepare, build the selection problem and solve the base selection, once.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The scenario.
    logements, epci
        As for the selection.

    Returns
    -------
    FlipContext
    """
    prep = prepare(indicators, scenario)
    prob = problem_for(prep, scenario, logements, epci)
    return FlipContext(prep, prob, prob.solve(scores_for(prep), prep.tiebreak))


def top_contributions_text(contributions: pd.DataFrame, n: int = 3) -> pd.Series:
    """The ``n`` largest contributions of every cité as ``"indicator 0.081; …"`` texts.

    The rows of :func:`top_contributions_table` (decreasing contribution, then indicator
    name; missing values last), written as one text per cité.

    Parameters
    ----------
    contributions
        ``ScoreResult.contributions`` (index ``cite_id``, one column per indicator).
    n
        How many indicators per cité.

    Returns
    -------
    pandas.Series
        String dtype, same index as ``contributions``.

    Examples
    --------
    >>> c = pd.DataFrame({"b": [0.2, 0.1], "a": [0.2, 0.3]}, index=[7, 8])
    >>> top_contributions_text(c, 2).tolist()
    ['a 0.200; b 0.200', 'a 0.300; b 0.100']
    """
    table = top_contributions_table(contributions, n)
    k = min(n, contributions.shape[1])  # rows per cité in the table
    parts = [f"{name} {value:.3f}"
             for name, value in zip(table["indicator"], table["contribution"], strict=True)]
    texts = ["; ".join(parts[i * k:(i + 1) * k]) for i in range(len(contributions))]
    return pd.Series(texts, index=contributions.index, dtype="string")


def top_contributions(
    contributions: pd.DataFrame,
    cite_id: int,
    n: int = 5,
    *,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``n`` indicators contributing most to a cité's score.

    Parameters
    ----------
    contributions
        ``ScoreResult.contributions`` (index ``cite_id``, one column per indicator).
    cite_id
        The cité.
    n
        How many indicators.
    weights
        Optional weight table (``Scenario.weight_table()``) to add the ``family`` column.

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``contribution``, ``share`` (of the cité's score) and, with
        ``weights``, ``family``; sorted by decreasing contribution.

    Raises
    ------
    KeyError
        If ``cite_id`` is not in ``contributions``.
    """
    if cite_id not in contributions.index:
        raise KeyError(f"cite_id {cite_id} is not in the contributions table")
    row = contributions.loc[cite_id].astype(float)
    total = float(row.sum())
    out = (
        pd.DataFrame({"indicator": row.index, "contribution": row.to_numpy()})
        .sort_values(["contribution", "indicator"], ascending=[False, True], kind="stable")
        .head(n)
        .reset_index(drop=True)
    )
    out["share"] = out["contribution"] / total if total > 0 else 0.0
    if weights is not None:
        fam = weights.set_index("indicator")["family"]
        out.insert(0, "family", out["indicator"].map(fam))
    return out


def top_contributions_table(
    contributions: pd.DataFrame,
    n: int = 3,
    *,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``n`` largest contributions of every cité, one row per cité and indicator.

    The rows :func:`top_contributions` gives for each cité (same order: decreasing
    contribution, then indicator name; missing values last), computed for all cités at
    once.

    Parameters
    ----------
    contributions
        ``ScoreResult.contributions`` (index ``cite_id``, one column per indicator).
    n
        How many indicators per cité.
    weights
        Optional weight table (``Scenario.weight_table()``) to add the ``family`` column.

    Returns
    -------
    pandas.DataFrame
        ``cite_id``, (``family``,) ``indicator``, ``contribution``; the cités in the order
        of ``contributions``, each with its ``n`` rows in decreasing contribution.

    Examples
    --------
    >>> c = pd.DataFrame({"b": [0.2, 0.1], "a": [0.2, 0.3]}, index=[7, 8])
    >>> top_contributions_table(c, 1).to_dict("list")
    {'cite_id': [7, 8], 'indicator': ['a', 'a'], 'contribution': [0.2, 0.3]}
    """
    names = np.asarray(contributions.columns, dtype=object)
    values = contributions.to_numpy(dtype=float)
    name_rank = np.empty(len(names), dtype=np.int64)
    name_rank[np.argsort(names.astype(str), kind="stable")] = np.arange(len(names))
    keys = (np.broadcast_to(name_rank, values.shape), -np.nan_to_num(values), np.isnan(values))
    order = np.lexsort(keys, axis=-1)[:, :n]
    out = pd.DataFrame({
        "cite_id": np.repeat(contributions.index.to_numpy(), order.shape[1]),
        "indicator": names[order].ravel(),
        "contribution": np.take_along_axis(values, order, axis=1).ravel(),
    })
    if weights is not None:
        fam = weights.set_index("indicator")["family"]
        out.insert(1, "family", out["indicator"].map(fam))
    return out


def family_contributions(contributions: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Sum each cité's indicator contributions by family.

    Parameters
    ----------
    contributions
        ``ScoreResult.contributions`` (index ``cite_id``, one column per indicator); a
        missing contribution counts 0.
    weights
        With ``family`` and ``indicator`` (maps indicators to families; indicators not in
        it are left out).

    Returns
    -------
    pandas.DataFrame
        Same index as ``contributions``, one column per family (:data:`FAMILIES` order
        first).

    Examples
    --------
    >>> c = pd.DataFrame({"a": [0.1, None], "b": [0.2, 0.3], "c": [0.4, 0.4]}, index=[7, 8])
    >>> w = pd.DataFrame({"indicator": ["a", "b", "c"],
    ...                   "family": ["urban", "urban", "social"]})
    >>> family_contributions(c, w).round(3).to_dict("list")
    {'social': [0.4, 0.4], 'urban': [0.3, 0.3]}
    """
    mapping = dict(zip(weights["indicator"], weights["family"], strict=False))
    contrib = contributions.fillna(0.0)
    known = [c for c in contrib.columns if c in mapping]
    by_family = contrib[known].T.groupby(pd.Series(mapping)[known]).sum().T
    order = [f for f in FAMILIES if f in by_family.columns]
    order += [f for f in by_family.columns if f not in order]
    return by_family[order]


def smallest_flip(flips: pd.DataFrame) -> pd.Series | None:
    """The row of :func:`weight_change_to_flip` with the smallest absolute weight change.

    Returns
    -------
    pandas.Series or None
        ``None`` when no single family weight between 0 and 1 flips the cité.
    """
    moves = flips.dropna(subset=["weight_after"])
    if moves.empty:
        return None
    return moves.loc[moves["change"].abs().idxmin()]


def weight_change_to_flip(
    indicators: pd.DataFrame,
    scenario: Scenario,
    cite_id: int,
    *,
    logements: pd.Series,
    epci: pd.Series | None = None,
    families: list[str] | None = None,
    steps: int = 20,
    tol: float = 1e-3,
    context: FlipContext | None = None,
) -> pd.DataFrame:
    """Smallest change of one family weight that moves a cité in or out of the selection.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The scenario.
    cite_id
        The cité to explain (typically a borderline one).
    logements, epci
        As for the selection.
    families
        Families to try (default: all).
    steps
        Coarse scan steps between the current weight and 0 (or 1).
    tol
        Bisection tolerance on the weight.
    context
        From :func:`flip_context` for the same ``indicators``, ``scenario``,
        ``logements`` and ``epci``: reused instead of preparing and solving again.

    Returns
    -------
    pandas.DataFrame
        One row per family and direction (``increase``/``decrease``): ``family``,
        ``direction``, ``weight_before``, ``weight_after`` (NaN if no flip between 0 and
        1), ``change`` (after − before), ``effect`` (``enters``/``leaves`` or ``none``).
    """
    prep = prepare(indicators, scenario) if context is None else context.prepared
    pos = np.flatnonzero(np.asarray(prep.index) == cite_id)
    if not len(pos):
        raise KeyError(f"cite_id {cite_id} is not in the indicator table")
    i = int(pos[0])
    if context is None:
        prob = problem_for(prep, scenario, logements, epci)
        base = prob.solve(scores_for(prep), prep.tiebreak)
        solved: dict[tuple[int, float], np.ndarray] = {}
    else:
        prob, base, solved = context.problem, context.base, context.solved
    status0 = bool(base[i])
    cache = [base]

    def status(f: int, w: float) -> bool:
        key = (f, w)
        x = solved.get(key)
        if x is None:
            fw = rescaled_family_weights(prep.family_weights, f, w)
            x = prob.solve_fast(scores_for(prep, fw), prep.tiebreak, cache)
            solved[key] = x
        cache.insert(0, x)
        del cache[6:]
        return bool(x[i])

    rows = []
    for f, fam in enumerate(prep.families):
        if families is not None and fam not in families:
            continue
        w0 = float(prep.family_weights[f])
        for direction, end in (("increase", 1.0), ("decrease", 0.0)):
            grid = np.linspace(w0, end, steps + 1)[1:]
            prev, found = w0, None
            for w in grid:
                if status(f, float(w)) != status0:
                    found = (prev, float(w))
                    break
                prev = float(w)
            if found is None:
                rows.append({"family": fam, "direction": direction, "weight_before": w0,
                             "weight_after": np.nan, "change": np.nan, "effect": "none"})
                continue
            a, b = found  # status0 at a, flipped at b
            while abs(b - a) > tol:
                mid = (a + b) / 2
                if status(f, mid) == status0:
                    a = mid
                else:
                    b = mid
            rows.append({"family": fam, "direction": direction, "weight_before": w0,
                         "weight_after": b, "change": b - w0,
                         "effect": "leaves" if status0 else "enters"})
    out = pd.DataFrame(rows)
    if len(out):
        out = out.assign(_abs=out["change"].abs()).sort_values(
            ["_abs", "family"], na_position="last", kind="stable").drop(columns="_abs")
    return out.reset_index(drop=True)
