"""Exports of a run: QGIS-styled GeoPackage, 200 m rasters, French CSV, HTML report, maps."""

from __future__ import annotations

from .gpkg import write_geopackage
from .raster import write_rasters

__all__ = ["write_geopackage", "write_rasters"]
