"""The result of one run of the pipeline, as handed to the exporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from .scenario import Scenario

__all__ = ["RunResult"]


@dataclass
class RunResult:
    """Everything a run produced; see ``docs/contracts.md`` §5 for the columns.

    Attributes
    ----------
    cites
        All cités (EPSG:2154): canonical cité fields, indicators, ``score_<family>``,
        ``score``, ``rank``, ``selected``, ``phase``, ``priority_class``, ``p_selected``,
        ``rank_p05``, ``rank_p95``, ``robustness_class``, ``in_mission_list``, ``in_erbm``.
    shortlist
        The selected rows of ``cites``, ordered by phase then rank.
    cells
        The 200 m cells used (EPSG:2154) with ``niveau_vie``, ``poverty_rate`` and
        ``ruc_class``.
    contributions
        Index ``cite_id``, one column per indicator: its weighted normalised value.
    weights
        Columns ``family, indicator, family_weight, weight, effective_weight, direction,
        normalisation`` (:meth:`Scenario.weight_table`, scenario order).
    scenario
        The resolved scenario.
    scenario_hash
        SHA-256 of the resolved scenario's canonical JSON.
    provenance
        Columns ``dataset, field, status, source, licence, rule``.
    reference
        The reference lists (``cite_id, name, communes, list, confidence``) or ``None``.
    grappes
        Clusters of selected cités with the centralities they connect to.
    checksums
        Input file name → SHA-256.
    version
        Package version.
    extras
        Anything else an exporter may show, computed by the pipeline (top contributions,
        family contributions, weight intervals, stress table, frontier...: ``docs/contracts.md``
        §5).
    """

    cites: gpd.GeoDataFrame
    shortlist: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame
    contributions: pd.DataFrame
    weights: pd.DataFrame
    scenario: Scenario
    scenario_hash: str
    provenance: pd.DataFrame
    reference: pd.DataFrame | None
    grappes: gpd.GeoDataFrame
    checksums: dict[str, str]
    version: str
    extras: dict[str, Any] = field(default_factory=dict)
