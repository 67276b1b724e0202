"""Exports of a run: QGIS-styled GeoPackage and project, 200 m rasters, French CSV, HTML report,
maps, and the atelier (offline page re-solving the selection for new weights)."""

from __future__ import annotations

from .atelier import write_atelier
from .gpkg import write_geopackage
from .maps import write_static_maps
from .qgis_project import write_qgis_project
from .raster import write_rasters
from .report import write_report
from .tables import write_shortlist_csv

__all__ = [
    "write_atelier",
    "write_geopackage",
    "write_qgis_project",
    "write_rasters",
    "write_report",
    "write_shortlist_csv",
    "write_static_maps",
]
