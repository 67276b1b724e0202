"""Constants shared across the package: CRS, world file names, families, indicator columns,
RUC classes."""

from __future__ import annotations

__all__ = [
    "CRS_GRID",
    "CRS_L93",
    "DPE_CLASSES",
    "FAMILIES",
    "GRID_RES",
    "HERITAGE_RANK",
    "RUC_BREAKS_SHARE",
    "RUC_REFERENCE_EUR",
    "WORLD_FILES",
]

#: Lambert-93, the CRS of every output and of the canonical frames.
CRS_L93 = "EPSG:2154"
#: ETRS89-LAEA, the CRS in which INSEE's 200 m lattice is defined.
CRS_GRID = "EPSG:3035"
#: Side of an INSEE Filosofi cell, in metres.
GRID_RES = 200

#: File names of a world folder (``data/raw/`` by default).
WORLD_FILES = {
    "cites": "cites_minieres.gpkg",
    "cells": "carreaux_200m_met.csv",
    "rpls": "rpls_logements.csv",
    "dpe": "dpe_logements.csv",
    "inventory": "inventaire_bailleur.csv",
    "context": "contexte.gpkg",
    "reference": "reference_lists.csv",
    "provenance": "provenance.csv",
    "spec": "world_spec.yaml",
}

#: The criteria families of the 2016 mission (building condition split from heritage).
FAMILIES = ("social", "building", "heritage", "urban")

#: DPE energy classes, best to worst.
DPE_CLASSES = ("A", "B", "C", "D", "E", "F", "G")

#: Ordinal rank of the MBM heritage interest classes.
HERITAGE_RANK = {"Exceptionnelle": 3, "Remarquable": 2, "Témoin": 1}

#: Reference median niveau de vie of the mission's Lens-Liévin RUC map (€ per UC per year).
RUC_REFERENCE_EUR = 18749.0
#: Class breaks of that map, as shares of the reference (seeds digest §1.9).
RUC_BREAKS_SHARE = (0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6)
