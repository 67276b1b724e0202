"""contexte.gpkg: real layers, the QPV rule, transit, centralities."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from cites_priority.constants import WORLD_FILES
from cites_priority.world.context import qpv_cells


def test_layers(default_world: Path) -> None:
    names = {n for n, _ in pyogrio.list_layers(default_world / WORLD_FILES["context"])}
    assert names == {"communes", "epci", "departements", "bassin_minier", "bien_inscrit", "zone_tampon",
                     "terrils", "puits", "qpv", "transit_lignes", "transit_arrets", "centralites"}
    com = gpd.read_file(default_world / WORLD_FILES["context"], layer="communes")
    assert len(com) == 330 and com["population"].sum() == 1352111
    cen = gpd.read_file(default_world / WORLD_FILES["context"], layer="centralites")
    assert set(cen["kind"]) == {"centralite", "grand_site", "gare"}
    lines = gpd.read_file(default_world / WORLD_FILES["context"], layer="transit_lignes")
    assert set(lines["mode"]) == {"tram", "bhns"}
    stops = gpd.read_file(default_world / WORLD_FILES["context"], layer="transit_arrets")
    assert stops["route_id"].isin(lines["route_id"]).all()


def test_qpv_rule(default_world: Path, real_dir: Path) -> None:
    cells = pd.read_csv(real_dir / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv")
    lab = qpv_cells(cells, threshold_eur=16000, min_ind=1000)
    kept = lab > 0
    assert (cells.loc[kept, "ind_snv"] / cells.loc[kept, "ind"] < 16000).all()
    pop = cells.loc[kept].groupby(lab[kept])["ind"].sum()
    assert (pop >= 1000).all() and len(pop) >= 20
    qpv = gpd.read_file(default_world / WORLD_FILES["context"], layer="qpv")
    assert len(qpv) == len(pop)
    assert qpv["code_qp"].str.fullmatch(r"QN0(59|62)\d{3}M").all() and qpv["code_qp"].is_unique


def test_qpv_small_cluster_dropped() -> None:
    cells = pd.DataFrame({"x_laea": [0, 200, 2000], "y_laea": [0, 0, 0], "ind": [600.0, 600.0, 900.0],
                          "ind_snv": [600.0 * 9000, 600.0 * 9000, 900 * 9000.0]})
    lab = qpv_cells(cells, threshold_eur=16000, min_ind=1000)
    assert lab.iloc[0] == lab.iloc[1] > 0 and lab.iloc[2] == 0
    assert np.unique(lab).size == 2
