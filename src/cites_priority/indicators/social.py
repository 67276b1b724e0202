"""Social indicators: Filosofi 200 m counts interpolated onto the cités, ratios after.

Extensive counts (``ind``, ``men``, ``men_pauv``, ``ind_snv``, age bands, ``log_soc``, the
dwellings by construction period ``log_av45 … log_inc``) are
interpolated with the exact grid engine (:mod:`cites_priority.indicators.areal`); every
ratio is then taken on the sums (``niveau_vie = Σ ind_snv / Σ ind``), never as a mean of
cell ratios.
"""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

from cites_priority.constants import RUC_BREAKS_SHARE, RUC_REFERENCE_EUR
from cites_priority.indicators.areal import area_weights, interpolate, to_grid_crs
from cites_priority.registry import INDICATOR_COLUMNS
from cites_priority.types import Interpolation

from ..messages import msg

__all__ = ["PERIOD_COLUMNS", "SOCIAL_COLUMNS", "ruc_class", "social_indicators"]

logger = logging.getLogger(__name__)

#: Output columns, in order.
SOCIAL_COLUMNS = INDICATOR_COLUMNS["social"]

#: Filosofi dwellings (main dwellings of fiscal households) by construction period.
PERIOD_COLUMNS = ("log_av45", "log_45_70", "log_70_90", "log_ap90", "log_inc")
_COUNTS = ("ind", "ind_snv", "men", "men_pauv", "ind_65_79", "ind_80p", "log_soc", *PERIOD_COLUMNS)


def ruc_class(niveau_vie: pd.Series) -> pd.Series:
    """Class of the mission's RUC map: 1 (< 60 % of 18 749 €) … 9 (≥ 160 %).

    Parameters
    ----------
    niveau_vie
        € per consumption unit per year.

    Returns
    -------
    Series
        ``Int64`` class, NA where ``niveau_vie`` is NA. A value on a break goes to the
        upper class.

    Examples
    --------
    >>> ruc_class(pd.Series([10000.0, 18749.0, 40000.0])).tolist()
    [1, 6, 9]
    """
    breaks = np.asarray(RUC_BREAKS_SHARE) * RUC_REFERENCE_EUR
    values = pd.to_numeric(niveau_vie, errors="coerce").astype(float)
    cls = np.searchsorted(breaks, values.to_numpy(), side="right") + 1
    out = pd.Series(cls, index=niveau_vie.index, dtype="Int64")
    return out.mask(values.isna())


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype("Float64")


def social_indicators(
    cells: pd.DataFrame,
    cites: gpd.GeoDataFrame,
    *,
    weighting: Interpolation = "area",
    points: gpd.GeoSeries | None = None,
    built: gpd.GeoSeries | None = None,
) -> pd.DataFrame:
    """Social indicators of each cité from the 200 m Filosofi cells.

    Parameters
    ----------
    cells
        Canonical Filosofi frame (``x_laea``, ``y_laea``, ``i_est_200`` and counts).
        Counts absent from the table give NA indicators (with a warning).
    cites
        Canonical cités (``cite_id``, polygon ``geometry``, any CRS).
    weighting
        ``"area"``, ``"population"`` (dasymetric on dwelling ``points``) or ``"built"``
        (dasymetric on ``built`` footprints); see :func:`~cites_priority.indicators.areal.interpolate`.
    points
        Dwelling points, for ``weighting="population"``.
    built
        Built-up polygons, for ``weighting="built"``.

    Returns
    -------
    DataFrame
        Indexed by ``cite_id``, columns :data:`SOCIAL_COLUMNS`. Cités with no inhabited
        cell (Σ interpolated ``ind`` = 0 or no cell at all) get NA everywhere, never 0;
        they are listed in ``attrs["cites_without_inhabited_cell"]``.
    """
    present = [c for c in _COUNTS if c in cells.columns]
    absent = [c for c in (*_COUNTS, "i_est_200") if c not in cells.columns]
    if absent:
        warnings.warn(
            msg("warn.cells_lack", fields=", ".join(absent)),
            stacklevel=2,
        )
    work = cells[["x_laea", "y_laea", *present]].copy()
    if "ind" in present and "i_est_200" in cells.columns:
        imputed = pd.to_numeric(cells["i_est_200"], errors="coerce").fillna(0).to_numpy(dtype=float)
        work["ind_imputed"] = work["ind"].astype(float).fillna(0.0).to_numpy() * (imputed > 0)
        present.append("ind_imputed")
    polys = to_grid_crs(cites.geometry)
    weights = area_weights(work["x_laea"], work["y_laea"], polys)
    sums = interpolate(
        work, polys, present, how=weighting, weights=weights, points=points, built=built
    )
    sums.index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    for c in _COUNTS:
        if c not in sums.columns:
            sums[c] = np.nan

    out = pd.DataFrame(index=sums.index)
    out["pop_200m"] = sums["ind"].astype("Float64")
    out["niveau_vie"] = _ratio(sums["ind_snv"], sums["ind"])
    out["poverty_rate"] = _ratio(sums["men_pauv"], sums["men"])
    out["share_65_plus"] = _ratio(sums["ind_65_79"] + sums["ind_80p"], sums["ind"])
    out["social_housing_share"] = _ratio(sums["log_soc"], sums["men"])
    dated = sum(sums[c] for c in PERIOD_COLUMNS)  # = Σ men up to INSEE's rounding
    out["share_built_before_1945"] = _ratio(sums["log_av45"], dated)
    out["share_built_1945_69"] = _ratio(sums["log_45_70"], dated)
    out["imputed_share"] = (
        _ratio(sums["ind_imputed"], sums["ind"])
        if "ind_imputed" in sums
        else pd.Series(pd.NA, index=sums.index, dtype="Float64")
    )
    out["ruc_class"] = ruc_class(out["niveau_vie"])

    empty = ~(sums["ind"] > 0)
    if empty.any():
        ids = sorted(out.index[empty].tolist())
        warnings.warn(
            msg("warn.no_inhabited_cell", n=len(ids),
                ids=f"{', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}"),
            stacklevel=2,
        )
        out.loc[empty, :] = pd.NA
    out["pop_200m"] = out["pop_200m"].astype("Float64")
    out["ruc_class"] = out["ruc_class"].astype("Int64")
    out.attrs["cites_without_inhabited_cell"] = out.index[empty].tolist()
    logger.info("social indicators for %d cités (%d without inhabited cell)", len(out), int(empty.sum()))
    return out
