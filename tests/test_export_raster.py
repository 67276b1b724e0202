"""Tests of cites_priority.export.raster (200 m rasters on INSEE's lattice)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio

from cites_priority._errors import OutputError
from cites_priority.export import write_rasters
from cites_priority.export.aliases import RUC_CLASS_LABELS
from cites_priority.export.raster import FLOAT_NODATA
from export_fixtures import make_run_result


@pytest.fixture(scope="module")
def rasters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_rasters(make_run_result(), tmp_path_factory.mktemp("r"))


def test_files_profiles_and_lattice(rasters: list[Path]) -> None:
    assert [p.name for p in rasters] == [
        "niveau_vie_200m.tif", "poverty_rate_200m.tif", "ruc_class_200m.tif"]
    for path, dtype, nodata in zip(rasters, ["float32", "float32", "uint8"],
                                   [FLOAT_NODATA, FLOAT_NODATA, 0], strict=True):
        assert path.with_suffix(".qml").exists()
        with rasterio.open(path) as src:
            assert src.crs.to_epsg() == 3035
            assert src.dtypes[0] == dtype
            assert src.nodata == nodata
            t = src.transform
            assert (t.a, t.e) == (200.0, -200.0)
            assert t.c % 200 == 0 and t.f % 200 == 0  # aligned on INSEE's grid
            assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            assert src.overviews(1)


def test_pixel_values_are_the_cells(rasters: list[Path]) -> None:
    cells = make_run_result().cells
    centre_x = cells["x_laea"].to_numpy() + 100
    centre_y = cells["y_laea"].to_numpy() + 100
    with rasterio.open(rasters[0]) as src:
        nv = np.array([v[0] for v in src.sample(zip(centre_x, centre_y, strict=True))])
        grid = src.read(1)
    np.testing.assert_allclose(nv, cells["niveau_vie"].to_numpy(), rtol=1e-6)
    assert (grid != FLOAT_NODATA).sum() == len(cells)
    with rasterio.open(rasters[1]) as src:
        pr = np.array([v[0] for v in src.sample(zip(centre_x, centre_y, strict=True))])
    expected = cells["poverty_rate"].to_numpy()
    ok = np.isfinite(expected)
    np.testing.assert_allclose(pr[ok], expected[ok], rtol=1e-6)
    assert (pr[~ok] == FLOAT_NODATA).all()
    with rasterio.open(rasters[2]) as src:
        ruc = np.array([v[0] for v in src.sample(zip(centre_x, centre_y, strict=True))])
    assert (ruc == cells["ruc_class"].to_numpy()).all()


def test_qml_styles(rasters: list[Path]) -> None:
    ruc = rasters[2].with_suffix(".qml").read_text("utf-8")
    assert 'type="paletted"' in ruc
    assert ruc.count("<paletteEntry") == 9
    assert "moins de 60 %" in RUC_CLASS_LABELS[1] and RUC_CLASS_LABELS[1] in ruc
    nv = rasters[0].with_suffix(".qml").read_text("utf-8")
    assert 'type="singlebandpseudocolor"' in nv and nv.count("<item ") == 5
    assert " €" in nv


def test_idcar_fallback_and_nothing_derived(tmp_path: Path) -> None:
    result = make_run_result()
    cells = result.cells.drop(columns=["ruc_class", "x_laea", "y_laea"])
    patched = type(result)(**{**result.__dict__, "cells": cells})
    out = write_rasters(patched, tmp_path)
    # the RUC classes are the pipeline's: without them there is no RUC raster
    assert [p.name for p in out] == ["niveau_vie_200m.tif", "poverty_rate_200m.tif"]
    with rasterio.open(out[0]) as src:
        assert src.transform.c == result.cells["x_laea"].min()


def test_byte_identical(rasters: list[Path], tmp_path: Path) -> None:
    again = write_rasters(make_run_result(), tmp_path)
    for a, b in zip(rasters, again, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert a.with_suffix(".qml").read_text("utf-8") == b.with_suffix(".qml").read_text(
            "utf-8")


def test_off_lattice_cells_rejected(tmp_path: Path) -> None:
    result = make_run_result()
    cells = result.cells.copy()
    cells.loc[0, "x_laea"] = cells.loc[0, "x_laea"] + 50
    with pytest.raises(OutputError, match="hors de la grille"):
        write_rasters(type(result)(**{**result.__dict__, "cells": cells}), tmp_path)
    assert list(tmp_path.iterdir()) == []
