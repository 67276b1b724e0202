"""Logements per cité (``NB_LOGTS``): area × typology density, raked to documented totals.

Totals (seeds digest §1.1, §1.2, §1.6): 70 000 logements in the 543 cités, 27 000 in the
124 UNESCO cités; with conditioning, 12 000 in the mission's 25 and 30 000 in the 103
examined (the 25 included). Real and synthetic cités alike get a synthetic count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .spec import CitesSpec

__all__ = ["base_logements", "rake_logements"]


def base_logements(
    area_ha: np.ndarray, types: np.ndarray, spec: CitesSpec, *, rng: np.random.Generator
) -> np.ndarray:
    """Unscaled logements: area × a density drawn in the typology's range, with noise."""
    lo = np.array([spec.density_per_ha.get(t, (15.0, 25.0))[0] for t in types])
    hi = np.array([spec.density_per_ha.get(t, (15.0, 25.0))[1] for t in types])
    dens = rng.uniform(lo, hi)
    return np.maximum(area_ha * dens * rng.lognormal(0.0, 0.2, len(area_ha)), 8.0)


def rake_logements(
    base: np.ndarray,
    constraints: list[tuple[np.ndarray, float]],
    total: float,
    *,
    iterations: int = 200,
    floor: int = 8,
) -> np.ndarray:
    """Rake ``base`` so that each masked group sums to its target and all to ``total``.

    Parameters
    ----------
    base
        Positive starting values.
    constraints
        ``(mask, target)`` pairs; each is raked as the partition (mask, not mask).
    total
        Grand total.
    iterations
        Raking sweeps.
    floor
        Smallest count of a cité.

    Returns
    -------
    numpy.ndarray
        Integer counts (int64) meeting the targets to within rounding.
    """
    v = base.astype(float) * total / base.sum()
    for _ in range(iterations):
        for mask, target in constraints:
            s_in, s_out = v[mask].sum(), v[~mask].sum()
            v[mask] *= target / s_in
            if s_out > 0:
                v[~mask] *= (total - target) / s_out
        v = np.maximum(v, floor)
    out = np.rint(v).astype(np.int64)
    # Put the rounding residue of the total on the cités of no constrained group.
    free = np.ones(len(v), dtype=bool)
    for mask, _ in constraints:
        free &= ~mask
    diff = int(round(total)) - int(out.sum())
    if diff and free.any():
        idx = np.flatnonzero(free)
        idx = idx[np.argsort(-out[idx], kind="stable")][: abs(diff)]
        out[idx] += np.sign(diff)
    return pd.Series(out).to_numpy()
