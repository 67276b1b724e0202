"""RPLS / DPE rows: calibration, join, points inside cités."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from cites_priority.constants import WORLD_FILES
from cites_priority.world.dwellings import DPE_COLUMNS, RPLS_COLUMNS, very_poor_mask


def test_rpls_calibration(default_world: Path) -> None:
    r = pd.read_csv(default_world / WORLD_FILES["rpls"], sep=";", dtype=str, keep_default_na=False)
    assert list(r.columns) == RPLS_COLUMNS
    assert r["NUMERO_RPLS"].is_unique
    assert 13500 <= r["DPEENERGIE"].isin(["E", "F", "G"]).sum() <= 15500
    unfit = (r["INADAPTE"] == "1").sum()
    assert 3000 <= unfit <= 5000
    mc = r[r["BAILLEUR"] == "Maisons et Cités"]
    assert 0.35 <= very_poor_mask(mc["DPEENERGIE"], mc["DPESERRE"]).mean() <= 0.45
    cites = gpd.read_file(default_world / WORLD_FILES["cites"])
    assert 0.6 * cites["NB_LOGTS"].sum() <= len(r) <= cites["NB_LOGTS"].sum()
    corons = r["CONSTRUCT"].astype(int)
    assert corons.min() >= 1850 and corons.max() <= 1980


def test_dpe_join_and_points(default_world: Path) -> None:
    r = pd.read_csv(default_world / WORLD_FILES["rpls"], sep=";", dtype=str, keep_default_na=False)
    d = pd.read_csv(default_world / WORLD_FILES["dpe"], dtype=str)
    assert list(d.columns) == DPE_COLUMNS
    assert d["numero_rpls_logement"].isin(r["NUMERO_RPLS"]).all()
    assert 0.4 < len(d) / len(r) < 0.7
    cites = gpd.read_file(default_world / WORLD_FILES["cites"])
    u = shapely.union_all(cites.geometry.values)
    pts = shapely.points(r["X"].astype(float).to_numpy()[:2000], r["Y"].astype(float).to_numpy()[:2000])
    assert shapely.contains(u.buffer(0.2), pts).all()
