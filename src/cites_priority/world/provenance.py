"""``provenance.csv``: one row per (dataset, field) written, with its status and rule."""

from __future__ import annotations

import pandas as pd

from .cites import COLUMNS as CITE_COLUMNS
from .dwellings import DPE_COLUMNS, INVENTORY_COLUMNS, RPLS_COLUMNS
from .grid import REAL_LOG_COLS, SYNTH_COLS

__all__ = ["PROVENANCE_COLUMNS", "provenance_table"]

PROVENANCE_COLUMNS = ["dataset", "field", "status", "source", "licence", "rule"]
LO = "Licence Ouverte v2.0"
MBM = "MBM cités layers (cites-minieres, zt-cites-minieres, cites-erbm) via rlespinasse/bassin-minier-unesco"
FILO = "INSEE Filosofi 2019 200 m grid via jgaffuri/tiled-grid-france-filosofi"
FILO_LOG = FILO + " (log theme, SOURCES.md §3.3)"
SYN = "cites_priority.world (simulation)"
SIM = "simulated, see docs/world.md"

_CITE_RULES = {
    "ID_LSM": ("derived", MBM, "real ID_LSM; UNESCO cités without one 1001+; synthetic cités 2001+"),
    "NOM": ("derived", MBM, "real name; synthetic cités: documented name or generated"),
    "NOM_2": ("derived", MBM, "real; empty for synthetic cités"),
    "COMMUNE_1": ("derived", MBM, "real; synthetic cités: communes covering ≥ 10 % (IGN/MBM)"),
    "COMMUNE_2": ("derived", MBM, "as COMMUNE_1"),
    "COMMUNE_3": ("derived", MBM, "as COMMUNE_1"),
    "INSEE_COM": ("derived", "communes-mbm.geojson", "commune holding the largest share of the polygon"),
    "TYPE": ("derived", MBM, "real; synthetic cités drawn (25/45/12/18 %)"),
    "COMPAGNIE": ("derived", MBM, "real; synthetic cités: company of the nearest puits de mine"),
    "INTERET": ("derived", MBM, "real; synthetic cités drawn (Témoin 80 %), conditioned on the mission's lists (docs/world.md)"),
    "PROPRIETAIRE": ("derived", MBM, "real when the ZT/ERBM layers give it; else drawn (M&C 82 %); listed synthetic cités: M&C when conditioning"),
    "ID_UNESCO": ("real", MBM, "real (124 UNESCO cités); empty otherwise"),
    "NB_LOGTS": ("derived", FILO, "real cités: LOGTS_FILOSOFI × one global factor (Σ UNESCO = 27 000); synthetic cités: "
                 "area × drawn typology density × one global factor (Σ 543 = 70 000); floor 8; no per-cité raking"),
    "LOGTS_FILOSOFI": ("derived", FILO, "real cités: Filosofi 2019 households (men) area-weighted over the polygon "
                       "(exact 200 m grid weights), unscaled; empty for synthetic cités"),
    "geometry": ("derived", MBM, "real polygons (reprojected to EPSG:2154); synthetic cités: rotated blocks 3–40 ha"),
}


def provenance_table(cells_header: list[str]) -> pd.DataFrame:
    """Every dataset and field of a world folder with its provenance."""
    rows = []
    for f in CITE_COLUMNS + ["geometry"]:
        st, src, rule = _CITE_RULES[f]
        rows.append(("cites_minieres", f, st, src, LO, rule))
    for f in cells_header:
        rows.append(("carreaux_200m_met", f, "real", FILO, LO, "copied unchanged (same text)"))
    for f in REAL_LOG_COLS:
        rows.append(("carreaux_200m_met", f, "real", FILO_LOG, LO, "copied unchanged (same text), joined on idcar_200m"))
    for f in SYNTH_COLS:
        rule = {
            "lcog_geo": "codes of the IGN 2018 communes the cell overlaps, largest first",
        }.get(f, "shares drawn around a basin profile (older where cités are), sum to ind; imputed cells: neighbours' shares")
        rows.append(("carreaux_200m_met", f, "synthetic" if f != "lcog_geo" else "derived", SYN if f != "lcog_geo" else "IGN Admin Express 2018", LO if f == "lcog_geo" else "n/a", rule))
    cond = {"DPEENERGIE", "DPESERRE", "INADAPTE", "ANNEE_REHAB", "etiquette_dpe", "etiquette_ges"}
    for f in RPLS_COLUMNS:
        rows.append(("rpls_logements", f, "synthetic", SYN, "n/a", SIM + (" (conditioned on the mission's lists)" if f in cond else "")))
    for f in DPE_COLUMNS:
        rows.append(("dpe_logements", f, "synthetic", SYN, "n/a", SIM + (" (conditioned on the mission's lists)" if f in cond else "")))
    for f in INVENTORY_COLUMNS:
        rows.append(("inventaire_bailleur", f, "synthetic", SYN, "n/a",
                     "a landlord's own inventory (not published): " + SIM
                     + (" (conditioned on the mission's lists)" if f in cond else "")))
    ctx = [
        ("communes", "insee;nom;epci_siren;epci_nom;population", "real", "MBM communes-mbm.geojson", LO),
        ("epci", "code_siren;nom", "real", "MBM / API Découpage administratif epci.geojson", LO),
        ("departements", "code;nom", "real", "departements.geojson (dissolved communes)", LO),
        ("bassin_minier", "nom;surface_km2;population", "real", "MBM bassin-minier.geojson", LO),
        ("bien_inscrit", "nom;section;surface_ha", "real", "MBM bien-inscrit.geojson", LO),
        ("zone_tampon", "id;surface_ha", "real", "MBM zone-tampon.geojson", LO),
        ("terrils", "no_terril;nom;commune_1;compagnie", "real", "MBM terrils.geojson", LO),
        ("puits", "commune;compagnie;fosse;puits", "real", "puits-de-mines.geojson", "not verified"),
    ]
    for layer, fields, st, src, lic in ctx:
        for f in fields.split(";") + ["geometry"]:
            rows.append((f"contexte.{layer}", f, st, src, lic, "copied, reprojected to EPSG:2154"))
    for f in ("code_qp", "lib_qp", "insee_com", "lib_com", "geometry"):
        rows.append(("contexte.qpv", f, "derived", FILO, LO,
                     "2014 QPV method on real cells: ind_snv/ind < threshold, queen clusters ≥ 1 000 ind, dissolved, closed"))
    for f in ("route_id", "route_short_name", "route_type", "mode", "geometry"):
        rows.append(("contexte.transit_lignes", f, "synthetic", SYN, "n/a", "plausible corridors between real commune points"))
    for f in ("stop_id", "stop_name", "route_id", "geometry"):
        rows.append(("contexte.transit_arrets", f, "synthetic", SYN, "n/a", "stops every ~500 m along the lines"))
    for f in ("nom", "kind", "geometry"):
        rows.append(("contexte.centralites", f, "derived", "seeds digest §3.4, §3.6; communes-mbm; puits-de-mines", LO,
                     "commune representative point, or the real pit of the grand site"))
    for f in ("cite_id", "name", "communes", "list", "confidence"):
        rows.append(("reference_lists", f, "derived", "shared/docs/reference_cites.csv (seed documents 000–004)", "n/a",
                     "names matched by rapidfuzz; examined list filled synthetically to 103; erbm = real cites-erbm"))
    rows.append(("world_spec", "*", "derived", SYN, "n/a", "the spec used"))
    return pd.DataFrame(rows, columns=PROVENANCE_COLUMNS)
