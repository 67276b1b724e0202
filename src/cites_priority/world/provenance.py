"""``provenance.csv``: one row per (dataset, field) written, with its status and rule.

``status`` is a code (``real`` / ``synthetic`` / ``derived``, labelled in French by the
exports); ``source``, ``licence`` and ``rule`` are French text, shown as they are in the
report and the GeoPackage. The engine reads the synthetic cités' id range from the rule of
``cites_minieres.ID_LSM`` (« cités simulées 2001+ ») and the conditioning from the word
« conditionné ».
"""

from __future__ import annotations

import pandas as pd

from .cites import COLUMNS as CITE_COLUMNS
from .dwellings import DPE_COLUMNS, INVENTORY_COLUMNS, RPLS_COLUMNS
from .grid import REAL_LOG_COLS, SYNTH_COLS

__all__ = ["PROVENANCE_COLUMNS", "provenance_table"]

PROVENANCE_COLUMNS = ["dataset", "field", "status", "source", "licence", "rule"]
LO = "Licence Ouverte v2.0"
MBM = "couches des cités de la MBM (cites-minieres, zt-cites-minieres, cites-erbm) via rlespinasse/bassin-minier-unesco"
FILO = "carreaux Filosofi 2019 de 200 m de l'INSEE via jgaffuri/tiled-grid-france-filosofi"
FILO_LOG = FILO + " (thème logement, SOURCES.md §3.3)"
SYN = "cites_priority.world (simulation)"
SIM = "simulé, voir docs/world.md"

_CITE_RULES = {
    "ID_LSM": ("derived", MBM, "ID_LSM réel ; cités UNESCO qui n'en ont pas 1001+ ; cités simulées 2001+"),
    "NOM": ("derived", MBM, "nom réel ; cités simulées : nom documenté ou généré"),
    "NOM_2": ("derived", MBM, "réel ; vide pour les cités simulées"),
    "COMMUNE_1": ("derived", MBM, "réel ; cités simulées : communes couvrant ≥ 10 % (IGN/MBM)"),
    "COMMUNE_2": ("derived", MBM, "comme COMMUNE_1"),
    "COMMUNE_3": ("derived", MBM, "comme COMMUNE_1"),
    "INSEE_COM": ("derived", "communes-mbm.geojson", "commune qui porte la plus grande part du polygone"),
    "TYPE": ("derived", MBM, "réel ; cités simulées tirées (25/45/12/18 %)"),
    "COMPAGNIE": ("derived", MBM, "réel ; cités simulées : compagnie du puits de mine le plus proche"),
    "INTERET": ("derived", MBM, "réel ; cités simulées tirées (Témoin 80 %), conditionné sur les listes de la mission (docs/world.md)"),
    "PROPRIETAIRE": ("derived", MBM, "réel quand les couches ZT/ERBM le donnent ; sinon tiré (M&C 82 %) ; cités simulées des listes : M&C quand le monde est conditionné"),
    "ID_UNESCO": ("real", MBM, "réel (124 cités UNESCO) ; vide sinon"),
    "NB_LOGTS": ("derived", FILO, "cités réelles : LOGTS_FILOSOFI × un facteur global (Σ UNESCO = 27 000) ; cités simulées : "
                 "surface × densité tirée selon la typologie × un facteur global (Σ 543 = 70 000) ; plancher 8 ; "
                 "aucun calage cité par cité"),
    "LOGTS_FILOSOFI": ("derived", FILO, "cités réelles : ménages Filosofi 2019 (men) pondérés par la surface sur le polygone "
                       "(poids exacts de la grille de 200 m), non mis à l'échelle ; vide pour les cités simulées"),
    "geometry": ("derived", MBM, "polygones réels (reprojetés en EPSG:2154) ; cités simulées : îlots pivotés de 3 à 40 ha"),
}


def provenance_table(cells_header: list[str]) -> pd.DataFrame:
    """Every dataset and field of a world folder with its provenance."""
    rows = []
    for f in CITE_COLUMNS + ["geometry"]:
        st, src, rule = _CITE_RULES[f]
        rows.append(("cites_minieres", f, st, src, LO, rule))
    for f in cells_header:
        rows.append(("carreaux_200m_met", f, "real", FILO, LO, "copié tel quel (même texte)"))
    for f in REAL_LOG_COLS:
        rows.append(("carreaux_200m_met", f, "real", FILO_LOG, LO, "copié tel quel (même texte), joint sur idcar_200m"))
    for f in SYNTH_COLS:
        rule = {
            "lcog_geo": "codes des communes IGN 2018 que le carreau recoupe, la plus grande part d'abord",
        }.get(f, "parts tirées autour d'un profil du bassin (plus âgé là où sont les cités), de somme ind ; carreaux imputés : parts des voisins")
        rows.append(("carreaux_200m_met", f, "synthetic" if f != "lcog_geo" else "derived", SYN if f != "lcog_geo" else "IGN Admin Express 2018", LO if f == "lcog_geo" else "sans objet", rule))
    cond = {"DPEENERGIE", "DPESERRE", "INADAPTE", "ANNEE_REHAB", "etiquette_dpe", "etiquette_ges"}
    for f in RPLS_COLUMNS:
        rows.append(("rpls_logements", f, "synthetic", SYN, "sans objet", SIM + (" (conditionné sur les listes de la mission)" if f in cond else "")))
    for f in DPE_COLUMNS:
        rows.append(("dpe_logements", f, "synthetic", SYN, "sans objet", SIM + (" (conditionné sur les listes de la mission)" if f in cond else "")))
    for f in INVENTORY_COLUMNS:
        rows.append(("inventaire_bailleur", f, "synthetic", SYN, "sans objet",
                     "inventaire propre d'un bailleur (non publié) : " + SIM
                     + (" (conditionné sur les listes de la mission)" if f in cond else "")))
    ctx = [
        ("communes", "insee;nom;epci_siren;epci_nom;population", "real", "MBM communes-mbm.geojson", LO),
        ("epci", "code_siren;nom", "real", "MBM / API Découpage administratif epci.geojson", LO),
        ("departements", "code;nom", "real", "departements.geojson (communes fusionnées)", LO),
        ("bassin_minier", "nom;surface_km2;population", "real", "MBM bassin-minier.geojson", LO),
        ("bien_inscrit", "nom;section;surface_ha", "real", "MBM bien-inscrit.geojson", LO),
        ("zone_tampon", "id;surface_ha", "real", "MBM zone-tampon.geojson", LO),
        ("terrils", "no_terril;nom;commune_1;compagnie", "real", "MBM terrils.geojson", LO),
        ("puits", "commune;compagnie;fosse;puits", "real", "puits-de-mines.geojson", "non vérifiée"),
    ]
    for layer, fields, st, src, lic in ctx:
        for f in fields.split(";") + ["geometry"]:
            rows.append((f"contexte.{layer}", f, st, src, lic, "copié, reprojeté en EPSG:2154"))
    for f in ("code_qp", "lib_qp", "insee_com", "lib_com", "geometry"):
        rows.append(("contexte.qpv", f, "derived", FILO, LO,
                     "méthode QPV 2014 sur les carreaux réels : ind_snv/ind < seuil, grappes (contiguïté reine) ≥ 1 000 ind, fusionnées, fermées"))
    for f in ("route_id", "route_short_name", "route_type", "mode", "geometry"):
        rows.append(("contexte.transit_lignes", f, "synthetic", SYN, "sans objet", "corridors plausibles entre des points réels de communes"))
    for f in ("stop_id", "stop_name", "route_id", "geometry"):
        rows.append(("contexte.transit_arrets", f, "synthetic", SYN, "sans objet", "arrêts tous les 500 m environ le long des lignes"))
    for f in ("nom", "kind", "geometry"):
        rows.append(("contexte.centralites", f, "derived", "seeds digest §3.4, §3.6 ; communes-mbm ; puits-de-mines", LO,
                     "point représentatif de la commune, ou le puits réel du grand site"))
    for f in ("cite_id", "name", "communes", "list", "confidence"):
        rows.append(("reference_lists", f, "derived", "shared/docs/reference_cites.csv (documents sources 000–004)", "sans objet",
                     "noms appariés par rapidfuzz ; liste des examinées complétée par simulation jusqu'à 103 ; erbm = cites-erbm réel"))
    rows.append(("world_spec", "*", "derived", SYN, "sans objet", "la spécification utilisée"))
    return pd.DataFrame(rows, columns=PROVENANCE_COLUMNS)
