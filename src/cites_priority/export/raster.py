"""200 m rasters of the cells used, on INSEE's lattice (EPSG:3035), with QGIS styles.

One single-band GeoTIFF per variable (``niveau_vie_200m.tif`` float32, ``poverty_rate_200m.tif``
float32, ``ruc_class_200m.tif`` uint8), written as Cloud Optimized GeoTIFF (GDAL driver
``COG``, deflate) when rasterio's GDAL has it, else tiled GTiff with overviews. Pixels are
the Filosofi squares themselves: the transform's origin is a multiple of 200 m, so pixel
edges are INSEE's cell edges (``x_laea``/``y_laea`` are the south-west corners). Cells not
in ``result.cells`` are nodata (-9999 for floats, 0 for RUC classes; the classes are the
pipeline's ``result.cells["ruc_class"]``). A ``.qml`` beside each
file makes QGIS open it styled (pseudocolor ramp, or paletted RUC classes with French
labels).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from affine import Affine

from .._atomic import atomic_path
from .._errors import OutputError
from ..constants import CRS_GRID, GRID_RES
from ..messages import fr_number
from ..result import RunResult
from .aliases import RUC_CLASS_COLOURS, RUC_CLASS_LABELS
from .qgis_styles import raster_qml

__all__ = ["FLOAT_NODATA", "RASTER_BANDS", "cell_lattice", "write_rasters"]

logger = logging.getLogger(__name__)

#: Nodata value of the float rasters.
FLOAT_NODATA = -9999.0
#: Variable → (dtype, nodata).
RASTER_BANDS: dict[str, tuple[str, float]] = {
    "niveau_vie": ("float32", FLOAT_NODATA),
    "poverty_rate": ("float32", FLOAT_NODATA),
    "ruc_class": ("uint8", 0),
}
_ID = re.compile(r"N(\d+)E(\d+)")
_RAMP = ("#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6")


def _corners(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if {"x_laea", "y_laea"} <= set(cells.columns):
        x = pd.to_numeric(cells["x_laea"], errors="coerce").to_numpy(float)
        y = pd.to_numeric(cells["y_laea"], errors="coerce").to_numpy(float)
    elif "idcar_200m" in cells.columns:
        parts = cells["idcar_200m"].astype(str).str.extract(_ID)
        y = pd.to_numeric(parts[0], errors="coerce").to_numpy(float)
        x = pd.to_numeric(parts[1], errors="coerce").to_numpy(float)
    else:
        msg = "les carreaux n'ont ni x_laea/y_laea ni idcar_200m : impossible de les placer"
        raise OutputError(msg)
    bad = np.isnan(x) | np.isnan(y) | (x % GRID_RES != 0) | (y % GRID_RES != 0)
    if bad.any():
        msg = (f"{int(bad.sum())} carreaux hors de la grille INSEE de 200 m "
               f"(x_laea/y_laea doivent être des multiples de {GRID_RES})")
        raise OutputError(msg)
    return x, y


def cell_lattice(cells: pd.DataFrame) -> tuple[Affine, int, int, np.ndarray, np.ndarray]:
    """Return the lattice covering the cells: transform, width, height, rows, cols.

    Parameters
    ----------
    cells
        Cells with ``x_laea``/``y_laea`` (SW corners, EPSG:3035) or ``idcar_200m``.

    Returns
    -------
    tuple
        ``(transform, width, height, row, col)`` with ``row``/``col`` the pixel of each cell.
    """
    x, y = _corners(cells)
    if len(x) == 0:
        msg = "aucun carreau : pas de raster à écrire"
        raise OutputError(msg)
    xmin, ymax = x.min(), y.max() + GRID_RES
    width = int((x.max() - xmin) // GRID_RES) + 1
    height = int((ymax - y.min()) // GRID_RES)
    transform = Affine(GRID_RES, 0.0, xmin, 0.0, -GRID_RES, ymax)
    col = ((x - xmin) // GRID_RES).astype(int)
    row = ((ymax - GRID_RES - y) // GRID_RES).astype(int)
    return transform, width, height, row, col


def _driver_options() -> tuple[str, dict[str, object]]:
    with rasterio.Env() as env:
        if "COG" in env.drivers():
            return "COG", {"compress": "deflate", "blocksize": 256, "overviews": "auto"}
    return "GTiff", {"compress": "deflate", "tiled": True, "blockxsize": 256, "blockysize": 256}


def _fmt(value: float, kind: str) -> str:
    if kind == "poverty_rate":
        return fr_number(value, 0, percent=True)
    return f"{fr_number(value)} €"


def _qml(name: str, values: np.ndarray) -> str:
    if name == "ruc_class":
        return raster_qml(classes={k: (RUC_CLASS_LABELS[k], c)
                                   for k, c in RUC_CLASS_COLOURS.items()})
    finite = values[np.isfinite(values)]
    qs = np.quantile(finite, [0.02, 0.25, 0.5, 0.75, 0.98]) if finite.size else np.arange(5.0)
    qs = np.maximum.accumulate(qs + np.arange(5) * 1e-9)
    colours = _RAMP if name != "poverty_rate" else _RAMP[::-1]
    ramp = [(round(float(q), 6), c, _fmt(float(q), name)) for q, c in zip(qs, colours,
                                                                          strict=True)]
    return raster_qml(ramp=ramp, precision=0 if name == "niveau_vie" else 2)


def write_rasters(result: RunResult, folder: str | os.PathLike[str]) -> list[Path]:
    """Write the 200 m rasters of ``result.cells`` and their QGIS styles (atomically).

    Parameters
    ----------
    result
        The run; ``result.cells`` has ``niveau_vie``, ``poverty_rate`` and ``ruc_class``
        (a missing one is skipped with a warning).
    folder
        Output folder (created if needed).

    Returns
    -------
    list of pathlib.Path
        The GeoTIFFs written, ``<variable>_200m.tif``, each with a ``.qml`` beside it.
    """
    folder = Path(folder)
    cells = pd.DataFrame(result.cells.drop(columns=result.cells.geometry.name, errors="ignore"))
    key = "idcar_200m" if "idcar_200m" in cells.columns else None
    if key is not None and cells[key].duplicated().any():
        cells = cells.drop_duplicates(key)
    transform, width, height, row, col = cell_lattice(cells)
    driver, options = _driver_options()
    written = []
    for name, (dtype, nodata) in RASTER_BANDS.items():
        if name not in cells.columns:
            logger.warning("raster %s skipped: result.cells has no such column", name)
            continue
        values = pd.to_numeric(cells[name], errors="coerce").to_numpy(float)
        grid = np.full((height, width), nodata, dtype=dtype)
        ok = np.isfinite(values)
        grid[row[ok], col[ok]] = values[ok].astype(dtype)
        path = folder / f"{name}_200m.tif"
        with atomic_path(path) as tmp, rasterio.open(
            tmp, "w", driver=driver, width=width, height=height, count=1, dtype=dtype,
            crs=CRS_GRID, transform=transform, nodata=nodata, **options,
        ) as dst:
            dst.write(grid, 1)
            dst.set_band_description(1, name)
            dst.update_tags(source="INSEE Filosofi 2019, carreaux 200 m", variable=name)
        with atomic_path(path.with_suffix(".qml")) as tmp:
            tmp.write_text(_qml(name, values[ok]), encoding="utf-8")
        written.append(path)
    logger.info("rasters written in %s (%dx%d, %s)", folder, width, height, driver)
    return written
