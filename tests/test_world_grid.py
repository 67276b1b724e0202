"""The grid: real text copied, synthetic fields consistent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cites_priority.constants import WORLD_FILES
from cites_priority.world.grid import AGE_COLS, LOG_COLS, _allocate_tenths


def test_real_columns_same_text(default_world: Path, real_dir: Path) -> None:
    src = (real_dir / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv").read_text().splitlines()
    out = (default_world / WORLD_FILES["cells"]).read_text().splitlines()
    assert len(out) == len(src) == 19553
    for a, b in zip(src, out, strict=True):
        assert b.startswith(a + ",")


def test_synthetic_fields_consistent(default_world: Path) -> None:
    cells = pd.read_csv(default_world / WORLD_FILES["cells"], dtype={"lcog_geo": str})
    assert list(cells.columns[15:]) == ["log_soc", *LOG_COLS, *AGE_COLS, "lcog_geo"]
    assert np.allclose(cells[AGE_COLS].sum(axis=1), cells["ind"], atol=1e-6)
    assert np.allclose(cells[LOG_COLS].sum(axis=1), cells["men"], atol=1e-6)
    assert (cells["log_soc"] <= cells["men"] + 1e-9).all()
    assert cells["lcog_geo"].str.fullmatch(r"(\d{5})+").all()
    assert ((cells["ind_65_79"] + cells["ind_80p"]).sum() / cells["ind"].sum()) > 0.15


def test_allocate_tenths_exact() -> None:
    tot = np.array([0, 7, 355])
    shares = np.array([[0.2, 0.3, 0.5]] * 3)
    out = _allocate_tenths(tot, shares)
    assert (out.sum(axis=1) == tot).all()
