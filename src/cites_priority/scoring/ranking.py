"""The one rank rule: 1 = highest score, scores rounded first, ties to the smaller cite_id.

Every ranking of the engine (the score table, the Monte Carlo rank intervals, calibration,
the rank epsilon of the selection's objective) goes through :func:`rank_scores`, with the
tie-break positions of :func:`tiebreak_of`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["RANK_DECIMALS", "rank_scores", "tiebreak_of"]

#: Scores are rounded to this many decimals before ranking, so that float noise never
#: decides a tie (ties go to the smaller cite_id).
RANK_DECIMALS = 12


def tiebreak_of(ids: Any) -> np.ndarray:
    """Return each row's position in ascending ``cite_id`` order (the tie-break key).

    Parameters
    ----------
    ids
        ``n`` cité ids, in row order.

    Returns
    -------
    numpy.ndarray
        ``n`` int64, a permutation of ``0 … n-1``.

    Examples
    --------
    >>> tiebreak_of([30, 10, 20]).tolist()
    [2, 0, 1]
    """
    ids = np.asarray(ids)
    out = np.empty(len(ids), dtype=np.int64)
    out[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return out


def rank_scores(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Rank rows (1 = highest score; ties by ``tiebreak`` ascending).

    Parameters
    ----------
    scores
        ``n`` scores, or an ``n × D`` matrix (one column per draw).
    tiebreak
        ``n`` integers (position in cite_id order, :func:`tiebreak_of`).

    Returns
    -------
    numpy.ndarray
        Integer ranks with the shape of ``scores``.

    Examples
    --------
    >>> rank_scores(np.array([0.5, 0.9, 0.5]), np.array([1, 2, 0])).tolist()
    [3, 1, 2]
    """
    s = np.round(np.asarray(scores, dtype="float64"), RANK_DECIMALS)
    if s.ndim == 1:
        order = np.lexsort((tiebreak, -s))
        ranks = np.empty(len(s), dtype=np.int64)
        ranks[order] = np.arange(1, len(s) + 1)
        return ranks
    # matrix: sort rows by cite_id first, then a stable sort on -score keeps that order
    by_id = np.argsort(tiebreak, kind="stable")
    sub = -s[by_id]
    order = np.argsort(sub, axis=0, kind="stable")
    ranks = np.empty_like(order)
    cols = np.arange(s.shape[1])
    ranks[order, cols] = np.arange(1, s.shape[0] + 1)[:, None]
    out = np.empty_like(ranks)
    out[by_id] = ranks
    return out
