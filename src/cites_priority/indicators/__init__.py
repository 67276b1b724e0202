"""Indicators per cité: social, building, heritage and urban families, and the grid engine."""

from __future__ import annotations

from cites_priority.indicators.areal import area_weights, interpolate
from cites_priority.indicators.building import building_indicators
from cites_priority.indicators.compute import INDICATOR_COLUMNS, compute_indicators
from cites_priority.indicators.heritage import heritage_indicators
from cites_priority.indicators.social import ruc_class, social_indicators
from cites_priority.indicators.urban import urban_indicators

__all__ = [
    "INDICATOR_COLUMNS",
    "area_weights",
    "building_indicators",
    "compute_indicators",
    "heritage_indicators",
    "interpolate",
    "ruc_class",
    "social_indicators",
    "urban_indicators",
]
