"""Grappes group nearby selected cités and name the centralities they reach."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, box

from cites_priority.selection.grappes import build_grappes


def _shortlist():
    geoms = [box(0, 0, 300, 300), box(1500, 0, 1800, 300), box(3500, 0, 3800, 300), box(20000, 0, 20300, 300)]
    return gpd.GeoDataFrame(
        {
            "cite_id": [4, 2, 9, 7],
            "name": ["Cité A", "Cité B", "Cité C", "Cité D"],
            "logements": [400, 500, 300, 900],
            "phase": [1, 2, 1, 2],
            "score": [0.9, 0.8, 0.7, 0.6],
        },
        geometry=geoms,
        crs="EPSG:2154",
    )


def test_single_linkage_chains_cites_within_link_distance():
    g = build_grappes(_shortlist(), None, link_m=2000)
    # A–B are 1 200 m apart, B–C 1 700 m: one chain of three; D is alone.
    assert g["n_cites"].tolist() == [3, 1]
    assert g.loc[0, "cite_ids"] == "2;4;9"
    assert g.loc[0, "logements"] == 1200
    assert (g.loc[0, "phase_1"], g.loc[0, "phase_2"]) == (2, 1)
    # every cité lies inside its grappe's hull
    assert g.geometry.iloc[0].contains(_shortlist().geometry.iloc[2])


def test_tighter_link_splits_the_chain():
    g = build_grappes(_shortlist(), None, link_m=1500)
    assert sorted(g["n_cites"].tolist()) == [1, 1, 2]


def test_centralities_within_reach_are_listed():
    cent = gpd.GeoDataFrame(
        {"name": ["Gare", "Loin"], "kind": ["gare", "centralite"]},
        geometry=[Point(2000, 2500), Point(50000, 0)],
        crs="EPSG:2154",
    )
    g = build_grappes(_shortlist(), cent, reach_m=3000)
    assert g.loc[0, "centralities"] == "Gare"
    assert g.loc[1, "centralities"] == ""


def test_empty_shortlist_gives_empty_layer():
    g = build_grappes(_shortlist().iloc[0:0], None)
    assert g.empty and "grappe_id" in g.columns
