"""RPLS / DPE rows: calibration, join, points inside cités."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from cites_priority.constants import WORLD_FILES
from cites_priority.sources.layouts import DPE_LAYOUTS, RPLS_LAYOUTS
from cites_priority.world.dwellings import (
    DPE_COLUMNS,
    INVENTORY_COLUMNS,
    RPLS_COLUMNS,
    very_poor_mask,
)


def test_rpls_calibration(default_world: Path) -> None:
    r = pd.read_csv(default_world / WORLD_FILES["rpls"], sep=";", dtype=str, keep_default_na=False)
    assert list(r.columns) == RPLS_COLUMNS == list(RPLS_LAYOUTS["rpls_2023"].columns)
    assert 13500 <= r["DPEENERGIE"].isin(["E", "F", "G"]).sum() <= 15500
    inv = pd.read_csv(default_world / WORLD_FILES["inventory"], sep=";", dtype=str,
                      keep_default_na=False)
    assert list(inv.columns) == INVENTORY_COLUMNS and len(inv) == len(r)
    assert inv["NUMERO_LOGEMENT"].is_unique
    assert (inv[["X", "Y"]].to_numpy() == r[["X", "Y"]].to_numpy()).all()
    unfit = (inv["INADAPTE"] == "1").sum()
    assert 3000 <= unfit <= 5000
    mc = r[(inv["BAILLEUR"] == "Maisons et Cités").to_numpy()]
    assert 0.35 <= very_poor_mask(mc["DPEENERGIE"], mc["DPESERRE"]).mean() <= 0.45
    cites = gpd.read_file(default_world / WORLD_FILES["cites"])
    assert 0.6 * cites["NB_LOGTS"].sum() <= len(r) <= cites["NB_LOGTS"].sum()
    corons = r["CONSTRUCT"].astype(int)
    assert corons.min() >= 1850 and corons.max() <= 1980


def test_dpe_join_and_points(default_world: Path) -> None:
    r = pd.read_csv(default_world / WORLD_FILES["rpls"], sep=";", dtype=str, keep_default_na=False)
    d = pd.read_csv(default_world / WORLD_FILES["dpe"], dtype=str)
    assert list(d.columns) == DPE_COLUMNS == list(DPE_LAYOUTS["dpe03existant"].columns)
    assert d["numero_rpls_logement"].isna().all()  # as in nearly all real rows: no link
    assert 0.4 < len(d) / len(r) < 0.7
    cites = gpd.read_file(default_world / WORLD_FILES["cites"])
    u = shapely.union_all(cites.geometry.values)
    pts = shapely.points(r["X"].astype(float).to_numpy()[:2000], r["Y"].astype(float).to_numpy()[:2000])
    assert shapely.contains(u.buffer(0.2), pts).all()
