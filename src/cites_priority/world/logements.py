"""Logements per cité (``NB_LOGTS``): real cités from Filosofi households, synthetic ones drawn.

Real cités (a real MBM polygon) are anchored on the real Filosofi 2019 households
(= occupied main dwellings) area-weighted over their polygon (:func:`filosofi_households`),
kept unscaled in the world as ``LOGTS_FILOSOFI``. One global factor, the same for every
real cité, brings the 124 UNESCO cités to the documented 27 000 logements (seeds digest
§1.2): it stands for vacant and secondary dwellings, which Filosofi does not count, and
for the simplified polygons. Synthetic cités keep a drawn count (area × typology density ×
noise, :func:`base_logements`) times one second global factor that brings the 543 cités to
70 000 (§1.1). No list-dependent or per-cité raking: the mission's 25 and the 103 examined
hold what their real households give (docs/world.md reports the measured totals).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .spec import CitesSpec

__all__ = ["AnchoredLogements", "anchored_logements", "base_logements", "filosofi_households"]

#: Smallest count of a cité (a real polygon over empty squares still has a few houses).
FLOOR = 8


def base_logements(
    area_ha: np.ndarray, types: np.ndarray, spec: CitesSpec, *, rng: np.random.Generator
) -> np.ndarray:
    """Unscaled logements: area × a density drawn in the typology's range, with noise."""
    lo = np.array([spec.density_per_ha.get(t, (15.0, 25.0))[0] for t in types])
    hi = np.array([spec.density_per_ha.get(t, (15.0, 25.0))[1] for t in types])
    dens = rng.uniform(lo, hi)
    return np.maximum(area_ha * dens * rng.lognormal(0.0, 0.2, len(area_ha)), 8.0)


def filosofi_households(geometry: gpd.GeoSeries, cells: pd.DataFrame) -> np.ndarray:
    """Filosofi households (= occupied main dwellings) area-weighted over each polygon.

    The engine's own estimate (:func:`cites_priority.indicators.logements.filosofi_households`:
    Σ over the 200 m squares of ``men`` × (area of square ∩ polygon) / 40 000 m², exact
    grid weights), in the polygons' order.

    Parameters
    ----------
    geometry
        Cité polygons (any CRS).
    cells
        Filosofi cells with ``x_laea``, ``y_laea`` (SW corner, EPSG:3035) and ``men``.

    Returns
    -------
    numpy.ndarray
        One float per polygon (0 where no inhabited square is touched).
    """
    from ..indicators.logements import filosofi_households as engine_households

    polys = gpd.GeoDataFrame({"cite_id": np.arange(len(geometry))}, geometry=np.asarray(geometry.values), crs=geometry.crs)
    return engine_households(cells, polys).to_numpy(dtype=float)


@dataclass(frozen=True)
class AnchoredLogements:
    """Outcome of :func:`anchored_logements`.

    Attributes
    ----------
    logements
        ``NB_LOGTS`` per cité (int64).
    real_factor
        Logements per Filosofi household, the same for every real cité.
    synthetic_factor
        Scale applied to every synthetic cité's drawn count.
    """

    logements: np.ndarray
    real_factor: float
    synthetic_factor: float


def _scaled(values: np.ndarray, factor: float, floor: int) -> np.ndarray:
    return np.maximum(np.rint(values * factor), floor).astype(np.int64)


def _solve(values: np.ndarray, target: float, floor: int) -> float:
    """Factor ``f`` with Σ max(rint(values × f), floor) as close as possible to ``target``."""
    f = target / max(float(values.sum()), 1e-9)
    for _ in range(50):
        free = values * f >= floor
        rest = target - floor * float((~free).sum())
        nxt = rest / max(float(values[free].sum()), 1e-9)
        if abs(nxt - f) < 1e-12:
            break
        f = nxt
    return f


def anchored_logements(
    households: np.ndarray,
    drawn: np.ndarray,
    real: np.ndarray,
    unesco: np.ndarray,
    *,
    unesco_total: float,
    total: float,
    floor: int = FLOOR,
) -> AnchoredLogements:
    """Logements of every cité: real ones from their households, synthetic ones drawn.

    Parameters
    ----------
    households
        :func:`filosofi_households` per cité (used for real cités only).
    drawn
        :func:`base_logements` per cité (used for synthetic cités only).
    real, unesco
        Boolean masks (``unesco`` ⊂ ``real``).
    unesco_total
        Σ logements of the UNESCO cités (27 000): sets the real factor.
    total
        Σ logements of all cités (70 000): sets the synthetic factor.
    floor
        Smallest count of a cité.

    Returns
    -------
    AnchoredLogements
        Counts and the two global factors.

    Examples
    --------
    >>> out = anchored_logements(np.array([100.0, 50.0, 0.0]), np.array([0.0, 0.0, 40.0]),
    ...                          np.array([True, True, False]), np.array([True, False, False]),
    ...                          unesco_total=120, total=200)
    >>> out.logements.tolist(), round(out.real_factor, 2)
    ([120, 60, 20], 1.2)
    """
    real = np.asarray(real, bool)
    unesco = np.asarray(unesco, bool)
    f_real = _solve(np.asarray(households, float)[unesco], unesco_total, floor)
    out = np.zeros(len(real), dtype=np.int64)
    out[real] = _scaled(np.asarray(households, float)[real], f_real, floor)
    syn = ~real
    f_syn = _solve(np.asarray(drawn, float)[syn], total - float(out[real].sum()), floor) if syn.any() else 1.0
    out[syn] = _scaled(np.asarray(drawn, float)[syn], f_syn, floor)
    return AnchoredLogements(logements=out, real_factor=float(f_real), synthetic_factor=float(f_syn))
