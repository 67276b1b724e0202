"""Phasing of the selection.

Rule ``score_then_half`` (default; the mission's "deux étapes de cinq ans", most urgent
first): sort the selected cités by score, descending (ties by ``cite_id``), and fill
phase 1 until it holds half the selected logements (1/count each for ``count`` phases).
The cité that crosses a boundary goes to the phase that leaves the cumulative logements
closer to the target. Phase numbers therefore never decrease along the score order.

Rule ``balanced_milp`` (two phases): the exact partition of the selected logements
closest to half and half (subset-sum dynamic programming; the name is kept for the
scenario schema), then the phases are numbered by decreasing mean score. With more than
two phases it falls back to ``score_then_half``.
"""

from __future__ import annotations

from typing import get_args

import numpy as np
import pandas as pd

from ..types import PhaseRule, Selection

__all__ = ["assign_phases"]


def _order(scores: pd.Series) -> pd.Index:
    frame = pd.DataFrame({"s": -scores.to_numpy(float), "id": np.asarray(scores.index)})
    frame = frame.sort_values(["s", "id"], kind="stable")
    return scores.index[frame.index.to_numpy()]


def assign_phases(
    selected: Selection,
    scores: pd.Series,
    logements: pd.Series,
    *,
    count: int = 2,
    rule: PhaseRule = "score_then_half",
) -> pd.Series:
    """Split the selection into ``count`` phases of about equal logements.

    Parameters
    ----------
    selected
        Boolean, index ``cite_id``.
    scores
        Score per cité (same index).
    logements
        Dwellings per cité (same index).
    count
        Number of phases.
    rule
        ``score_then_half`` or ``balanced_milp`` (see the module docstring).

    Returns
    -------
    pandas.Series
        Integer, index ``cite_id``, name ``phase``: 1…count for selected cités, 0 otherwise.

    Examples
    --------
    >>> idx = pd.Index([1, 2, 3, 4], name="cite_id")
    >>> sel = pd.Series([True, True, True, False], index=idx)
    >>> sc = pd.Series([0.9, 0.5, 0.7, 0.1], index=idx)
    >>> lg = pd.Series([300, 300, 300, 50], index=idx)
    >>> assign_phases(sel, sc, lg).tolist()
    [1, 2, 1, 0]
    """
    if rule not in get_args(PhaseRule):
        raise ValueError(f"unknown phasing rule {rule!r}")
    phase = pd.Series(0, index=selected.index, name="phase", dtype="int64")
    sel = selected.fillna(False).astype(bool)
    idx = selected.index[sel.to_numpy()]
    if len(idx) == 0:
        return phase
    sc = scores.reindex(idx).astype(float).fillna(0.0)
    lg = logements.reindex(idx).astype(float).fillna(0.0)
    order = _order(sc)
    lgo = lg.reindex(order).to_numpy()
    total = lgo.sum()
    if rule == "score_then_half" or count == 1:
        cum = np.cumsum(lgo)
        before = cum - lgo
        out = np.empty(len(order), dtype=np.int64)
        p = 1
        for i in range(len(order)):
            target = total * p / count
            # the cité crossing the boundary stays if that leaves us closer to the target
            if p < count and before[i] >= target - 1e-9:
                p += 1
            elif p < count and cum[i] > target and (cum[i] - target) > (target - before[i]):
                p += 1
            out[i] = p
        phase.loc[order] = out
        return phase
    if count != 2:
        return assign_phases(selected, scores, logements, count=count)
    y = _balanced_split(np.round(lgo).astype(np.int64))
    # phases in decreasing mean score: the most urgent group goes first
    sco = sc.reindex(order).to_numpy()
    means = [sco[y == p].mean() if (y == p).any() else -np.inf for p in range(count)]
    relabel = np.empty(count, dtype=np.int64)
    relabel[np.argsort(-np.array(means), kind="stable")] = np.arange(1, count + 1)
    phase.loc[order] = relabel[y]
    return phase


def _balanced_split(weights: np.ndarray) -> np.ndarray:
    """Exact two-way partition closest to half the total (subset-sum DP); 0/1 per item."""
    total = int(weights.sum())
    reach = np.zeros((len(weights) + 1, total + 1), dtype=bool)
    reach[0, 0] = True
    for i, w in enumerate(weights):
        reach[i + 1] = reach[i]
        if w <= total:
            reach[i + 1, w:] |= reach[i, : total + 1 - w]
    sums = np.flatnonzero(reach[-1])
    target = sums[np.argmin(np.abs(2 * sums - total))]
    side = np.ones(len(weights), dtype=np.int64)
    for i in range(len(weights) - 1, -1, -1):
        w = int(weights[i])
        if not reach[i, target]:  # item i must be in the subset
            side[i] = 0
            target -= w
    return side
