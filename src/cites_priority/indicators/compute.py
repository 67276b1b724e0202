"""All indicators of every cité, from a loaded world."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from cites_priority.indicators.building import (
    DEFAULT_REFERENCE_YEAR,
    building_indicators,
)
from cites_priority.indicators.heritage import heritage_indicators
from cites_priority.indicators.logements import logements_estimates
from cites_priority.indicators.social import social_indicators
from cites_priority.indicators.urban import urban_indicators
from cites_priority.types import IndicatorTable, Weighting

if TYPE_CHECKING:
    from cites_priority.sources.world import World
from cites_priority.registry import INDICATOR_COLUMNS  # re-exported: the one registry

__all__ = ["INDICATOR_COLUMNS", "compute_indicators"]

logger = logging.getLogger(__name__)


def _dwelling_points(world: World) -> gpd.GeoSeries | None:
    """The RPLS then DPE dwelling points of ``world`` (CRS of the first), or None."""
    frames = [f for f in (world.rpls, world.dpe) if f is not None and len(f)]
    if not frames:
        return None
    pts = frames[0].geometry
    for f in frames[1:]:
        pts = pd.concat([pts, f.geometry.to_crs(pts.crs)], ignore_index=True)
    return pts


def compute_indicators(
    world: World,
    *,
    weighting: Weighting = "area",
    reference_year: int = DEFAULT_REFERENCE_YEAR,
) -> IndicatorTable:
    """Compute every indicator of docs/contracts.md §3 for each cité.

    Parameters
    ----------
    world
        The loaded world (:func:`cites_priority.sources.load_world`); its ``cites``,
        ``cells``, ``rpls``, ``dpe``, ``inventory``, ``bien``, ``buffer``, ``qpv``,
        ``transit_stops`` and ``centralities`` are read (the optional dwelling layers may
        be ``None``).
    weighting
        ``"area"`` (uniform within each 200 m cell) or ``"population"`` (dasymetric on
        the dwelling points of ``rpls`` and ``dpe``; cells without any point fall back
        to area). Weighting on building footprints is
        :func:`~cites_priority.indicators.areal.interpolate`'s ``how="built"``: a world
        carries no footprint layer.
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
    if weighting not in {"area", "population"}:
        raise ValueError(f"weighting must be 'area' or 'population', not {weighting!r}")
    points = _dwelling_points(world) if weighting == "population" else None
    social = social_indicators(world.cells, cites, weighting=weighting, points=points)
    building = building_indicators(cites, world.rpls, world.dpe, world.inventory,
                                   reference_year=reference_year)
    logements = logements_estimates(
        cites, world.cells, building["n_dwellings"] if world.rpls is not None else None)
    cites = cites.assign(logements=logements["logements"].to_numpy())
    heritage = heritage_indicators(
        cites,
        world.bien,
        world.buffer,
        share_dpe_efg=building["share_dpe_efg"],
    )
    urban = urban_indicators(
        cites,
        centralities=world.centralities,
        transit_stops=world.transit_stops,
        qpv=world.qpv,
    )
    out = pd.concat([social, building, heritage, urban,
                     logements.drop(columns=["logements"])], axis=1)
    out.attrs = {**social.attrs, **building.attrs}
    logger.info("indicators: %d cités × %d columns", *out.shape)
    return out
