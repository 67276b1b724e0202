"""The one indicator registry: every indicator, the family that computes it, its default family.

Shared kernel (any layer imports it): :mod:`cites_priority.indicators` computes the columns
of :data:`INDICATOR_COLUMNS` (and re-exports it), :mod:`cites_priority.scenario` validates a
scenario's indicator names against :data:`INDICATORS`. docs/contracts.md §3 describes them.
"""

from __future__ import annotations

from types import MappingProxyType

from .constants import FAMILIES

__all__ = ["INDICATORS", "INDICATOR_COLUMNS", "SCENARIO_FAMILY_OVERRIDES"]

#: Columns computed by each indicator module (``indicators.social`` …), in output order.
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "social": (
        "pop_200m",
        "niveau_vie",
        "poverty_rate",
        "share_65_plus",
        "social_housing_share",
        "share_built_before_1945",
        "share_built_1945_69",
        "imputed_share",
        "ruc_class",
    ),
    # numeric columns; the text column ``dpe_source`` follows them
    "building": (
        "n_dwellings",
        "share_dpe_efg",
        "mean_dpe_rank",
        "share_unfit",
        "share_renovated_10y",
        "median_construction_year",
    ),
    "heritage": (
        "heritage_rank",
        "unesco",
        "share_in_bien",
        "share_in_buffer",
        "poor_state_x_heritage",
    ),
    "urban": (
        "dist_centrality_m",
        "dist_major_site_m",
        "dist_transit_m",
        "qpv_share",
        "logements",
        "enclavement",
    ),
}

#: Indicators a scenario puts in another family than the one computing them: the Filosofi
#: construction periods are computed with the social counts but describe the building.
SCENARIO_FAMILY_OVERRIDES = MappingProxyType({
    "share_built_before_1945": "building",
    "share_built_1945_69": "building",
})


def _scenario_families() -> dict[str, str]:
    """Indicator → default scenario family, family by family (FAMILIES order).

    Within a family: the columns its module computes, then the ones moved into it by
    :data:`SCENARIO_FAMILY_OVERRIDES`. This order is the summation order of the scores.
    """
    out: dict[str, str] = {}
    for fam in FAMILIES:
        for name in INDICATOR_COLUMNS[fam]:
            if SCENARIO_FAMILY_OVERRIDES.get(name, fam) == fam:
                out[name] = fam
        for name, target in SCENARIO_FAMILY_OVERRIDES.items():
            if target == fam:
                out[name] = fam
    return out


#: Every indicator of ``docs/contracts.md`` §3 → the family it belongs to by default in a
#: scenario. Its order is the canonical order of a scenario's indicators.
INDICATORS: dict[str, str] = _scenario_families()
