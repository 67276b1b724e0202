"""Indicators per cité: social, building, heritage and urban families, and the grid engine."""

from __future__ import annotations

from cites_priority.indicators.areal import area_weights, interpolate

__all__ = ["area_weights", "interpolate"]
