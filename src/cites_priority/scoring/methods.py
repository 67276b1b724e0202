"""Alternative aggregation methods: TOPSIS and PROMETHEE II (usual criterion).

Both work on the normalised matrix (all criteria are benefit criteria: 1 = most in need)
with the effective weights (family × indicator weight), and return a score in [0, 1]:

- TOPSIS: closeness D⁻ / (D⁺ + D⁻) to the observed ideal (column maxima of the weighted
  matrix) and anti-ideal (column minima). No further normalisation: the matrix is
  already commensurate. Equals ``pymcdm.methods.TOPSIS`` with an identity normalisation.
- PROMETHEE II, usual criterion: P_j(a, b) = 1 if u_j(a) > u_j(b) else 0; the net flow
  φ(a) = Σ_j w_j (#{b: u_j(b) < u_j(a)} − #{b: u_j(b) > u_j(a)}) / (n − 1) in [−1, 1],
  as ``pymcdm.methods.PROMETHEE_II('usual')``; score = (φ + 1) / 2. A missing value
  (``drop`` policy) is indifferent to every other cité on that criterion. The per-criterion
  flows do not depend on the weights, so many weight vectors cost one matrix product.
"""

from __future__ import annotations

import numpy as np

from .normalise import Prepared

__all__ = ["criterion_flows", "promethee_scores", "topsis_scores"]


def topsis_scores(matrix: np.ndarray, weights: np.ndarray, *, chunk: int = 250) -> np.ndarray:
    """TOPSIS closeness coefficients for one or many weight vectors.

    Parameters
    ----------
    matrix
        ``n × k`` benefit matrix (no NaN).
    weights
        ``k`` or ``k × D`` weights.
    chunk
        Weight vectors processed at once (memory bound: ``n × k × chunk`` floats).

    Returns
    -------
    numpy.ndarray
        ``n`` or ``n × D`` scores in [0, 1] (0.5 when every row is identical).
    """
    w = np.asarray(weights, float)
    one = w.ndim == 1
    w2 = w.reshape(matrix.shape[1], -1)
    out = np.empty((matrix.shape[0], w2.shape[1]))
    for start in range(0, w2.shape[1], chunk):
        wc = w2[:, start : start + chunk]
        v = matrix[:, :, None] * wc[None, :, :]  # n × k × d
        pis = v.max(axis=0, keepdims=True)
        nis = v.min(axis=0, keepdims=True)
        dp = np.sqrt(((v - pis) ** 2).sum(axis=1))
        dm = np.sqrt(((v - nis) ** 2).sum(axis=1))
        tot = dp + dm
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, start : start + chunk] = np.where(tot > 0, dm / np.where(tot > 0, tot, 1), 0.5)
    return out[:, 0] if one else out


def criterion_flows(matrix: np.ndarray) -> np.ndarray:
    """Per-criterion PROMETHEE net flows (usual criterion), weight-free.

    Parameters
    ----------
    matrix
        ``n × k`` benefit matrix; NaN = missing (indifferent to everyone).

    Returns
    -------
    numpy.ndarray
        ``n × k`` flows in [−1, 1]: (#worse − #better) / (n − 1).
    """
    n, k = matrix.shape
    out = np.zeros((n, k))
    if n < 2:
        return out
    for j in range(k):
        col = matrix[:, j]
        ok = ~np.isnan(col)
        xs = np.sort(col[ok])
        less = np.searchsorted(xs, col[ok], side="left")
        greater = len(xs) - np.searchsorted(xs, col[ok], side="right")
        out[ok, j] = (less - greater) / (n - 1)
    return out


def promethee_scores(flows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """PROMETHEE II scores (φ + 1) / 2 from :func:`criterion_flows` and weights.

    Parameters
    ----------
    flows
        ``n × k`` per-criterion flows.
    weights
        ``k`` or ``k × D`` weights summing to 1.

    Returns
    -------
    numpy.ndarray
        ``n`` or ``n × D`` scores in [0, 1].
    """
    return (flows @ np.asarray(weights, float) + 1.0) / 2.0


def method_scores(prep: Prepared, effective_weights: np.ndarray | None = None) -> np.ndarray:
    """Scores of ``prep.method`` (topsis or promethee) for one or many weight vectors.

    Parameters
    ----------
    prep
        The prepared matrix.
    effective_weights
        ``k`` or ``k × D`` effective weights (default: the scenario's).

    Returns
    -------
    numpy.ndarray
        ``n`` or ``n × D`` scores in [0, 1].
    """
    w = prep.effective_weights if effective_weights is None else effective_weights
    if prep.method == "topsis":
        return topsis_scores(np.nan_to_num(prep.matrix, nan=0.0), w)
    if prep.method == "promethee":
        return promethee_scores(criterion_flows(prep.matrix), w)
    raise ValueError(f"method_scores does not handle {prep.method!r}")
