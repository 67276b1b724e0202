"""Reproducible GDAL writes: one fixed ``OGR_CURRENT_DATE`` for every GeoPackage we write.

GDAL stamps ``last_change`` in ``gpkg_contents``; with ``OGR_CURRENT_DATE`` fixed, two
identical writes give identical bytes. The run's date is ``SOURCE_DATE_EPOCH`` when set
(reproducible builds), else ``OGR_CURRENT_DATE``, else today at 00:00 UTC: reruns of the
same day are byte-identical, and the report shows the day it was produced. The value is
set only for the duration of a write, so it never leaks into other code of the process.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator

import pyogrio

__all__ = ["DEFAULT_GENERATION_DATE", "fixed_gdal_date", "generation_date"]

#: Fixed date of the default world's files (they do not depend on the day they are built).
DEFAULT_GENERATION_DATE = "2026-01-01T00:00:00.000Z"


def generation_date() -> str:
    """Return the run's date stamped in outputs (GeoPackage metadata, report).

    Returns
    -------
    str
        ``YYYY-MM-DDTHH:MM:SS.000Z``: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when
        set, else ``OGR_CURRENT_DATE``, else today at 00:00:00 UTC.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            when = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except (ValueError, OverflowError, OSError):
            when = None
        if when is not None:
            return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if os.environ.get("OGR_CURRENT_DATE"):
        return os.environ["OGR_CURRENT_DATE"]
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT00:00:00.000Z")


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
