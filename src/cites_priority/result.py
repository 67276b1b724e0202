"""The result of one run of the pipeline, as handed to the exporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

import geopandas as gpd
import pandas as pd

from .scenario import Scenario
from .types import ScoreMethod

__all__ = ["RunExtras", "RunResult"]


class RunExtras(TypedDict, total=False):
    """What the pipeline hands the exporters besides the frames (``docs/contracts.md`` §5).

    Every key is optional: an exporter shows « — » or leaves a section out without it.
    """

    #: Agreement of the selection with each reference list (``mission_2016``, ``erbm``).
    agreement: dict[str, dict[str, float]]
    #: The world's communes, EPCI and centralities (map background, layers, atlas coverage).
    communes: gpd.GeoDataFrame | None
    epci: gpd.GeoDataFrame | None
    centralities: gpd.GeoDataFrame | None
    #: French lines on rows left out, estimated logements, unavailable indicators.
    input_notes: list[str]
    #: Monte Carlo draws of the scenario.
    n_draws: int
    #: ``analysis.stress.StressResult`` or None without robustness (typed ``Any``: the
    #: shared kernel does not import the analysis layer).
    stress: Any
    #: ``ScoreResult.normalised`` and ``.method``: the atelier recomputes scores from them.
    normalised: pd.DataFrame
    score_method: ScoreMethod
    #: ``selection.frontier.frontier`` of the scenario.
    frontier: pd.DataFrame
    #: Rendered by the report, computed by the pipeline (export computes nothing).
    top_contributions: pd.DataFrame
    family_contributions: pd.DataFrame
    perturbation: pd.DataFrame | None


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
        :class:`RunExtras`: what else an exporter shows, computed by the pipeline (top contributions,
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
    extras: RunExtras = field(default_factory=lambda: RunExtras())
