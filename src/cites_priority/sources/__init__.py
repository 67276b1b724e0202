"""Loaders of the input data: one per family, each returning a validated frame in
EPSG:2154 with canonical field names (``docs/contracts.md`` §2, ``docs/sources.md``)."""

from __future__ import annotations

from .bailleurs import load_dpe, load_rpls
from .cites import load_cites
from .context import (
    load_centralities,
    load_communes,
    load_epci,
    load_qpv,
    load_transit_lines,
    load_transit_stops,
    load_unesco_bien,
    load_unesco_buffer,
)
from .filosofi import load_filosofi, parse_idcar
from .reference import load_reference
from .world import World, load_world

__all__ = [
    "World",
    "load_centralities",
    "load_cites",
    "load_communes",
    "load_dpe",
    "load_epci",
    "load_filosofi",
    "load_qpv",
    "load_reference",
    "load_rpls",
    "load_transit_lines",
    "load_transit_stops",
    "load_unesco_bien",
    "load_unesco_buffer",
    "load_world",
    "parse_idcar",
]
