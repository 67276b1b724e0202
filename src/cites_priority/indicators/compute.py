"""All indicators of every cité, from a loaded world."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from cites_priority.indicators.building import (
    DEFAULT_REFERENCE_YEAR,
    building_indicators,
)
from cites_priority.indicators.heritage import heritage_indicators
from cites_priority.indicators.logements import logements_estimates
from cites_priority.indicators.social import social_indicators
from cites_priority.indicators.urban import urban_indicators
from cites_priority.registry import INDICATOR_COLUMNS  # re-exported: the one registry

__all__ = ["INDICATOR_COLUMNS", "compute_indicators"]

logger = logging.getLogger(__name__)


def _dwelling_points(world: Any):
    frames = [f for f in (getattr(world, "rpls", None), getattr(world, "dpe", None)) if f is not None and len(f)]
    if not frames:
        return None
    pts = frames[0].geometry
    for f in frames[1:]:
        pts = pd.concat([pts, f.geometry.to_crs(pts.crs)], ignore_index=True)
    return pts


def compute_indicators(
    world: Any,
    *,
    weighting: str = "area",
    reference_year: int = DEFAULT_REFERENCE_YEAR,
) -> pd.DataFrame:
    """Compute every indicator of docs/contracts.md §3 for each cité.

    Parameters
    ----------
    world
        A ``cites_priority.sources.World`` or any object with the attributes ``cites``,
        ``cells``, ``rpls``, ``dpe``, ``bien``, ``buffer``, ``qpv``, ``transit_stops``,
        ``centralities`` and optionally ``inventory`` (canonical frames; layers may be
        ``None``).
    weighting
        ``"area"`` (uniform within each 200 m cell), ``"population"`` (dasymetric on the
        dwelling points of ``rpls`` and ``dpe``) or ``"built"`` (dasymetric on the
        footprints of an optional ``world.built`` layer); cells without any point or
        footprint fall back to area.
    reference_year
        Year at which ``share_renovated_10y`` is judged.

    Returns
    -------
    DataFrame
        Indexed by ``cite_id`` (order of ``world.cites``), the columns of
        :data:`INDICATOR_COLUMNS` family after family, then the text column
        ``dpe_source`` and the logements columns ``logements_source``,
        ``logements_rpls``, ``logements_filosofi`` (the urban ``logements`` is the
        inventory's count, else the estimate: :mod:`~cites_priority.indicators.logements`).
        ``attrs`` carries the side tables: ``cites_without_inhabited_cell``,
        ``dwellings_outside`` (rows inside no cité, by source), ``cites_without_dwellings``,
        ``unavailable`` (building indicators no input measures), ``dpe_source_counts``.
    """
    cites = world.cites
    if weighting not in {"area", "population", "built"}:
        raise ValueError(f"weighting must be 'area', 'population' or 'built', not {weighting!r}")
    points = _dwelling_points(world) if weighting == "population" else None
    built = getattr(world, "built", None) if weighting == "built" else None
    if weighting == "built" and built is None:
        raise ValueError("weighting='built' needs a `built` layer (built-up polygons) in the world")
    social = social_indicators(world.cells, cites, weighting=weighting, points=points, built=built)
    building = building_indicators(cites, getattr(world, "rpls", None), getattr(world, "dpe", None),
                                   getattr(world, "inventory", None), reference_year=reference_year)
    logements = logements_estimates(
        cites, world.cells,
        building["n_dwellings"] if getattr(world, "rpls", None) is not None else None)
    cites = cites.assign(logements=logements["logements"].to_numpy())
    heritage = heritage_indicators(
        cites,
        getattr(world, "bien", None),
        getattr(world, "buffer", None),
        share_dpe_efg=building["share_dpe_efg"],
    )
    urban = urban_indicators(
        cites,
        centralities=getattr(world, "centralities", None),
        transit_stops=getattr(world, "transit_stops", None),
        qpv=getattr(world, "qpv", None),
    )
    out = pd.concat([social, building, heritage, urban,
                     logements.drop(columns=["logements"])], axis=1)
    out.attrs = {**social.attrs, **building.attrs}
    logger.info("indicators: %d cités × %d columns", *out.shape)
    return out
