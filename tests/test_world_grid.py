"""The grid: real text copied (income, households, dwellings), synthetic age bands consistent."""

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


def test_real_dwelling_fields_same_text(default_world: Path, real_dir: Path) -> None:
    """log_soc and log_av45 … log_inc are the real Filosofi dwelling fields, token for token."""
    src = (real_dir / "filosofi" / "filosofi2019_carreaux200m_bassin_minier_logements.csv").read_text().splitlines()
    out = (default_world / WORLD_FILES["cells"]).read_text().splitlines()
    head_src, head_out = src[0].split(","), out[0].split(",")
    cols = ["idcar_200m", "log_soc", *LOG_COLS]
    for a, b in zip(src[1:], out[1:], strict=True):
        ta, tb = a.split(","), b.split(",")
        assert [ta[head_src.index(c)] for c in cols] == [tb[head_out.index(c)] for c in cols]


def test_synthetic_fields_consistent(default_world: Path) -> None:
    cells = pd.read_csv(default_world / WORLD_FILES["cells"], dtype={"lcog_geo": str})
    assert list(cells.columns[15:]) == ["log_soc", *LOG_COLS, *AGE_COLS, "lcog_geo"]
    assert np.allclose(cells[AGE_COLS].sum(axis=1), cells["ind"], atol=1e-6)
    # Real fields: INSEE's rounding to 0.1 leaves up to 0.35 between Σ ages and men.
    assert np.allclose(cells[LOG_COLS].sum(axis=1), cells["men"], rtol=0, atol=0.36)
    assert (cells["log_soc"] <= cells["men"] + 1e-9).all()
    assert cells["lcog_geo"].str.fullmatch(r"(\d{5})+").all()
    assert ((cells["ind_65_79"] + cells["ind_80p"]).sum() / cells["ind"].sum()) > 0.15


def test_allocate_tenths_exact() -> None:
    tot = np.array([0, 7, 355])
    shares = np.array([[0.2, 0.3, 0.5]] * 3)
    out = _allocate_tenths(tot, shares)
    assert (out.sum(axis=1) == tot).all()


def test_dwelling_file_out_of_step_is_refused(real_dir: Path, tmp_path: Path) -> None:
    """A dwelling extract whose cells do not follow the income file's is a clear input error."""
    import pytest

    from cites_priority._errors import InputDataError
    from cites_priority.world.realdata import FILOSOFI_CSV, FILOSOFI_LOG_CSV, _read_dwelling_fields

    lines = (real_dir / FILOSOFI_LOG_CSV).read_text(encoding="utf-8").splitlines()
    lines[5], lines[6] = lines[6], lines[5]  # two cells swapped
    bad = tmp_path / FILOSOFI_LOG_CSV.name
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = pd.read_csv(real_dir / FILOSOFI_CSV, usecols=["idcar_200m"], dtype=str)["idcar_200m"]
    with pytest.raises(InputDataError) as err:
        _read_dwelling_fields(bad, ids)
    text = str(err.value)
    assert "idcar_200m" in text and "ligne 6" in text and FILOSOFI_LOG_CSV.name in text
    text_ok, frame = _read_dwelling_fields(real_dir / FILOSOFI_LOG_CSV, ids)
    assert len(text_ok) == len(frame) == 19552
    assert frame["log_av45"].sum() / frame[LOG_COLS].sum().sum() == pytest.approx(0.369, abs=0.001)
