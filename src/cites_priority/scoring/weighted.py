"""Weighted sum with per-indicator contributions, and ranking.

score = Σ_f w_f · S_f with S_f = Σ_{j∈f} v_j · u_j / Σ_{j∈f, u_j known} v_j, where u_j is
the normalised value (1 = most in need), v_j the indicator weight within family f and w_f
the family weight (both normalised to sum to 1). The denominator differs from 1 only for
the ``drop`` missing policy. The contribution of indicator j is w_f · v_j · u_j / Σ v; a
row of contributions sums to the score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .normalise import Prepared
from .ranking import rank_scores

__all__ = ["contributions", "family_scores", "score_matrix", "weighted_sum"]

def score_matrix(
    prep: Prepared,
    family_weights: np.ndarray | None = None,
    indicator_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted-sum scores for one or many weight vectors at once.

    Parameters
    ----------
    prep
        The prepared matrix.
    family_weights
        ``F`` or ``F × D`` family weights (default: the scenario's).
    indicator_weights
        ``k`` or ``k × D`` within-family indicator weights (default: the scenario's).

    Returns
    -------
    numpy.ndarray
        ``n`` scores (1-d weights) or ``n × D`` (one column per weight vector).
    """
    fw = prep.family_weights if family_weights is None else np.asarray(family_weights, float)
    iw = prep.indicator_weights if indicator_weights is None else np.asarray(indicator_weights, float)
    one = fw.ndim == 1 and iw.ndim == 1
    fw2 = fw.reshape(len(prep.families), -1)
    iw2 = iw.reshape(len(prep.names), -1)
    fam = family_scores(prep, iw2)  # n × F × D
    out = np.einsum("nfd,fd->nd", fam, np.broadcast_to(fw2, (fw2.shape[0], fam.shape[2])))
    return out[:, 0] if one else out


def family_scores(prep: Prepared, indicator_weights: np.ndarray | None = None) -> np.ndarray:
    """Family sub-scores (weighted means of the normalised indicators), in [0, 1].

    Parameters
    ----------
    prep
        The prepared matrix.
    indicator_weights
        ``k`` or ``k × D`` within-family weights (default: the scenario's).

    Returns
    -------
    numpy.ndarray
        ``n × F`` (1-d weights) or ``n × F × D``.
    """
    iw = prep.indicator_weights if indicator_weights is None else np.asarray(indicator_weights, float)
    one = iw.ndim == 1
    iw2 = iw.reshape(len(prep.names), -1)
    u = prep.matrix
    known = ~np.isnan(u)
    u0 = np.where(known, u, 0.0)
    n, nf, d = u.shape[0], len(prep.families), iw2.shape[1]
    out = np.zeros((n, nf, d))
    for f in range(nf):
        cols = prep.family_of == f
        num = u0[:, cols] @ iw2[cols]
        if known[:, cols].all():
            den = iw2[cols].sum(axis=0, keepdims=True)
        else:
            den = known[:, cols].astype(float) @ iw2[cols]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, f, :] = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return out[:, :, 0] if one else out


def contributions(prep: Prepared) -> pd.DataFrame:
    """Per-indicator contributions to the weighted-sum score (rows sum to the score).

    Parameters
    ----------
    prep
        The prepared matrix.

    Returns
    -------
    pandas.DataFrame
        Index ``cite_id``, one column per indicator.
    """
    u = prep.matrix
    known = ~np.isnan(u)
    u0 = np.where(known, u, 0.0)
    iw = prep.indicator_weights
    out = np.zeros_like(u0)
    for f in range(len(prep.families)):
        cols = prep.family_of == f
        den = known[:, cols].astype(float) @ iw[cols]
        safe = np.where(den > 0, den, 1.0)
        out[:, cols] = prep.family_weights[f] * u0[:, cols] * iw[cols] / safe[:, None]
    return pd.DataFrame(out, index=prep.index, columns=list(prep.names))


def weighted_sum(prep: Prepared) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score, rank and family sub-scores by the weighted sum.

    Parameters
    ----------
    prep
        The prepared matrix.

    Returns
    -------
    table, contributions
        ``table``: index ``cite_id``, columns ``score``, ``rank``, ``score_<family>``;
        ``contributions``: see :func:`contributions`.
    """
    contrib = contributions(prep)
    score = np.clip(contrib.to_numpy().sum(axis=1), 0.0, 1.0)
    table = _table(prep, score)
    return table, contrib


def _table(prep: Prepared, score: np.ndarray) -> pd.DataFrame:
    fam = family_scores(prep)
    table = pd.DataFrame({"score": score}, index=prep.index)
    table["rank"] = rank_scores(score, prep.tiebreak)
    for f, name in enumerate(prep.families):
        table[f"score_{name}"] = fam[:, f]
    return table
