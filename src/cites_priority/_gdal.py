"""Reproducible GDAL writes: one fixed ``OGR_CURRENT_DATE`` for every GeoPackage we write.

GDAL stamps ``last_change`` in ``gpkg_contents``; with ``OGR_CURRENT_DATE`` fixed, two
identical writes give identical bytes. The value comes from the environment (the Makefile
exports one) or defaults to :data:`DEFAULT_GENERATION_DATE`, and is set only for the
duration of a write, so it never leaks into other code of the process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pyogrio

__all__ = ["DEFAULT_GENERATION_DATE", "fixed_gdal_date", "generation_date"]

#: Generation date used when ``OGR_CURRENT_DATE`` is not set (reproducible bytes).
DEFAULT_GENERATION_DATE = "2026-01-01T00:00:00.000Z"


def generation_date() -> str:
    """Return the generation date stamped in outputs.

    Returns
    -------
    str
        ``OGR_CURRENT_DATE`` from the environment, else :data:`DEFAULT_GENERATION_DATE`.
    """
    return os.environ.get("OGR_CURRENT_DATE") or DEFAULT_GENERATION_DATE


@contextlib.contextmanager
def fixed_gdal_date(value: str | None = None) -> Iterator[str]:
    """Set GDAL's ``OGR_CURRENT_DATE`` for the block, then restore the previous value.

    Parameters
    ----------
    value
        The date (``YYYY-MM-DDTHH:MM:SS.sssZ``); default :func:`generation_date`.

    Yields
    ------
    str
        The date in force.
    """
    value = value or generation_date()
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": value})
    try:
        yield value
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
