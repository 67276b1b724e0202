"""Explanations: what drives a cité's score, and how far a weight must move to flip it.

- :func:`top_contributions`: the indicators contributing most to one cité's score.
- :func:`weight_change_to_flip`: for one cité, the smallest change of each family weight
  (the other families rescaled proportionally) that moves it into or out of the
  selection. A coarse scan finds the first weight at which the selection status changes,
  then bisection narrows it to ``tol``; each step re-runs the exact selection.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario import Scenario
from . import prepare, scores_for
from .robustness import problem_for, rescaled_family_weights

__all__ = ["smallest_flip", "top_contributions", "weight_change_to_flip"]


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

    Returns
    -------
    pandas.DataFrame
        One row per family and direction (``increase``/``decrease``): ``family``,
        ``direction``, ``weight_before``, ``weight_after`` (NaN if no flip between 0 and
        1), ``change`` (after − before), ``effect`` (``enters``/``leaves`` or ``none``).
    """
    prep = prepare(indicators, scenario)
    pos = np.flatnonzero(np.asarray(prep.index) == cite_id)
    if not len(pos):
        raise KeyError(f"cite_id {cite_id} is not in the indicator table")
    i = int(pos[0])
    prob = problem_for(prep, scenario, logements, epci)
    base = prob.solve(scores_for(prep), prep.tiebreak)
    status0 = bool(base[i])
    cache = [base]

    def status(f: int, w: float) -> bool:
        fw = rescaled_family_weights(prep.family_weights, f, w)
        x = prob.solve_fast(scores_for(prep, fw), prep.tiebreak, cache)
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
