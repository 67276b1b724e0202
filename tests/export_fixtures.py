"""A realistic :class:`RunResult` built in code, so the export tests stand alone.

543 cités: the real polygons of ``data/external/real/mbm_unesco`` (zt-cites-minieres,
cites-erbm, cites-minieres; reprojected to EPSG:2154 and made valid), padded with synthetic
squares; seeded random indicators and scores; 25 selected in two phases; real Filosofi 2019
cells around the cités as ``cells``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cites_priority.analysis.explain import family_contributions, top_contributions_table
from cites_priority.analysis.stress import family_weight_intervals
from cites_priority.constants import CRS_GRID, CRS_L93, RUC_BREAKS_SHARE, RUC_REFERENCE_EUR
from cites_priority.result import RunResult

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "external" / "real"
N_CITES = 543
N_SELECTED = 25

INDICATORS = {
    "social": ["niveau_vie", "poverty_rate", "share_65_plus"],
    "building": ["share_dpe_efg", "share_unfit"],
    "heritage": ["heritage_rank", "share_in_bien"],
    "urban": ["dist_centrality_m", "qpv_share"],
}
FAMILY_WEIGHTS = {"social": 0.35, "building": 0.3, "heritage": 0.2, "urban": 0.15}


def _real_cites() -> gpd.GeoDataFrame:
    parts = []
    for name in ("zt-cites-minieres", "cites-erbm", "cites-minieres"):
        g = gpd.read_file(REAL / "mbm_unesco" / f"{name}.geojson").to_crs(CRS_L93)
        g = g.rename(columns={"nom": "name", "type": "typology", "interet": "heritage_interest",
                              "compagnie": "company", "proprietaire": "landlord"})
        g["communes"] = g["commune_1"].astype("string")
        parts.append(g[["name", "communes", "typology", "heritage_interest", "company",
                        "landlord", "geometry"]])
    out = pd.concat(parts, ignore_index=True)
    out["geometry"] = shapely.make_valid(out.geometry.values)
    out["geometry"] = out.geometry.apply(
        lambda g: g if g.geom_type in ("Polygon", "MultiPolygon")
        else shapely.union_all([p for p in getattr(g, "geoms", [g])
                                if p.geom_type in ("Polygon", "MultiPolygon")])
    )
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS_L93)


def _cells(cites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    df = pd.read_csv(REAL / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv")
    x = df["x_laea"].to_numpy(float)
    y = df["y_laea"].to_numpy(float)
    squares = shapely.box(x, y, x + 200, y + 200)
    cells = gpd.GeoDataFrame(df, geometry=squares, crs=CRS_GRID).to_crs(CRS_L93)
    hit = cells.sindex.query(cites.geometry.values, predicate="intersects")[1]
    cells = cells.iloc[np.unique(hit)].reset_index(drop=True)
    cells["niveau_vie"] = cells["ind_snv"] / cells["ind"]
    cells["poverty_rate"] = (cells["men_pauv"] / cells["men"]).where(cells["men"] > 0)
    share = cells["niveau_vie"] / RUC_REFERENCE_EUR
    cells["ruc_class"] = (np.searchsorted(RUC_BREAKS_SHARE, share.to_numpy(), side="right") + 1)
    return cells[["idcar_200m", "x_laea", "y_laea", "i_est_200", "ind", "niveau_vie",
                  "poverty_rate", "ruc_class", "geometry"]]


@functools.cache
def make_run_result(seed: int = 7) -> RunResult:
    """Return a realistic run result (cached; copy frames before mutating them)."""
    rng = np.random.default_rng(seed)
    real = _real_cites()
    n_pad = N_CITES - len(real)
    x0, y0 = 690000.0, 7040000.0
    pads = [shapely.box(x0 + (i % 20) * 900, y0 + (i // 20) * 900,
                        x0 + (i % 20) * 900 + 300, y0 + (i // 20) * 900 + 250)
            for i in range(n_pad)]
    pad = gpd.GeoDataFrame({
        "name": [f"Cité synthétique n°{i + 1}" for i in range(n_pad)],
        "communes": rng.choice(["Lens", "Liévin", "Douai", "Béthune; Beuvry"], n_pad),
        "typology": rng.choice(["Corons", "Cité pavillonnaire", "Cité jardin"], n_pad),
        "heritage_interest": rng.choice(["Exceptionnelle", "Remarquable", "Témoin"], n_pad),
        "company": "Compagnie des mines de Lens",
        "landlord": "Maisons et Cités",
    }, geometry=pads, crs=CRS_L93)
    cites = pd.concat([real, pad], ignore_index=True)
    cites = gpd.GeoDataFrame(cites, geometry="geometry", crs=CRS_L93)
    for col in ("name", "communes", "typology", "heritage_interest", "company", "landlord"):
        cites[col] = cites[col].astype("string")
    cites.loc[3, "name"] = 'Cité "des Aulnes" <b>&</b> Saint-Éloi'  # text to escape
    cites.insert(0, "cite_id", np.arange(1, N_CITES + 1, dtype="int64") * 3 + 100)
    cites["epci"] = rng.choice(["200044618", "200072460", "246200364", "245901160"], N_CITES)
    cites["logements"] = pd.array(rng.integers(40, 1100, N_CITES), dtype="Int64")
    cites.loc[[10, 20], "logements"] = pd.NA
    cites["unesco"] = rng.random(N_CITES) < 0.25

    ind = pd.DataFrame(index=cites.index)
    ind["niveau_vie"] = rng.normal(17500, 2500, N_CITES)
    ind["poverty_rate"] = rng.uniform(0.05, 0.45, N_CITES)
    ind["share_65_plus"] = rng.uniform(0.1, 0.3, N_CITES)
    ind["share_dpe_efg"] = rng.uniform(0, 0.8, N_CITES)
    ind["share_unfit"] = rng.uniform(0, 0.3, N_CITES)
    ind["heritage_rank"] = rng.integers(0, 4, N_CITES).astype(float)
    ind["share_in_bien"] = rng.uniform(0, 1, N_CITES)
    ind["dist_centrality_m"] = rng.uniform(100, 6000, N_CITES)
    ind["qpv_share"] = rng.uniform(0, 1, N_CITES)
    ind.loc[5, "poverty_rate"] = np.nan
    weights_rows, contrib = [], pd.DataFrame(index=cites.index)
    for fam, names in INDICATORS.items():
        for name in names:
            w = 1 / len(names)
            direction = "min" if name in ("niveau_vie", "dist_centrality_m") else "max"
            v = ind[name].rank(pct=True).fillna(0)
            v = 1 - v if direction == "min" else v
            contrib[name] = FAMILY_WEIGHTS[fam] * w * v
            weights_rows.append({"family": fam, "indicator": name,
                                 "family_weight": FAMILY_WEIGHTS[fam], "weight": w,
                                 "direction": direction, "normalisation": "rank"})
    for col in ind:
        cites[col] = ind[col]
    for fam, names in INDICATORS.items():
        cites[f"score_{fam}"] = contrib[names].sum(axis=1)
    cites["score"] = contrib.sum(axis=1)
    cites["rank"] = cites["score"].rank(ascending=False, method="first").astype("int64")
    top = cites["rank"] <= N_SELECTED + 3
    sel_idx = cites.index[top][:N_SELECTED]
    cites["selected"] = cites.index.isin(sel_idx)
    cites["phase"] = 0
    order = cites.loc[cites["selected"]].sort_values("rank").index
    cites.loc[order[:13], "phase"] = 1
    cites.loc[order[13:], "phase"] = 2
    cites["phase"] = cites["phase"].astype("int64")
    cites["priority_class"] = pd.qcut(cites["rank"], 5, labels=False).astype("int64") + 1
    p = 1 / (1 + np.exp((cites["rank"] - N_SELECTED) / 4))
    cites["p_selected"] = p.round(3)
    cites["rank_p05"] = (cites["rank"] * 0.8).round().astype("int64").clip(lower=1)
    cites["rank_p95"] = (cites["rank"] * 1.3).round().astype("int64")
    cites["robustness_class"] = np.where(
        cites["p_selected"] > 0.9, "core", np.where(cites["p_selected"] > 0.1, "borderline",
                                                    "outside"))
    cites["robustness_class"] = cites["robustness_class"].astype("string")
    mission = list(sel_idx[:15]) + list(cites.index[cites["rank"].between(60, 69)])
    cites["in_mission_list"] = cites.index.isin(mission)
    cites["in_erbm"] = cites.index.isin(range(len(real) - 220, len(real) - 161))

    shortlist = cites.loc[cites["selected"]].sort_values(["phase", "rank"])
    contributions = contrib.set_index(cites["cite_id"])
    reference = pd.concat([
        pd.DataFrame({"cite_id": cites.loc[mission, "cite_id"].to_numpy(),
                      "name": cites.loc[mission, "name"].to_numpy(),
                      "communes": cites.loc[mission, "communes"].to_numpy(),
                      "list": "mission_2016", "confidence": "confirmed"}),
        pd.DataFrame({"cite_id": cites.loc[cites["in_erbm"], "cite_id"].to_numpy(),
                      "name": cites.loc[cites["in_erbm"], "name"].to_numpy(),
                      "communes": cites.loc[cites["in_erbm"], "communes"].to_numpy(),
                      "list": "erbm", "confidence": "real"}),
        pd.DataFrame({"cite_id": [pd.NA], "name": ["Cité introuvable"], "communes": ["Nulle"],
                      "list": ["mission_2016"], "confidence": ["probable"]}),
    ], ignore_index=True)
    reference["cite_id"] = reference["cite_id"].astype("Int64")

    g1 = shortlist.iloc[:3]
    grappes = gpd.GeoDataFrame({
        "grappe_id": [1, 2],
        "n_cites": [3, len(shortlist) - 3],
        "cite_ids": ["; ".join(map(str, g1["cite_id"])),
                     "; ".join(map(str, shortlist["cite_id"].iloc[3:]))],
        "names": ["; ".join(g1["name"]), "; ".join(shortlist["name"].iloc[3:])],
        "logements": [int(g1["logements"].sum()), int(shortlist["logements"].iloc[3:].sum())],
        "phase_1": [3, 10], "phase_2": [0, 12],
        "centralities": ["Gare de Lens", ""],
        "score_mean": [float(g1["score"].mean()), float(shortlist["score"].iloc[3:].mean())],
    }, geometry=[g1.union_all().convex_hull.buffer(100),
                 shortlist.iloc[3:].union_all().convex_hull.buffer(100)], crs=CRS_L93)

    communes = gpd.read_file(REAL / "mbm_unesco" / "communes-mbm.geojson").to_crs(CRS_L93)
    provenance = pd.DataFrame({
        "dataset": ["cites_minieres", "carreaux_200m_met", "rpls_logements", "rpls_logements"],
        "field": ["geometry", "men_pauv", "DPEENERGIE", "INADAPTE"],
        "status": ["real", "real", "synthetic", "synthetic"],
        "source": ["Mission Bassin Minier", "INSEE Filosofi 2019", "simulation", "simulation"],
        "licence": ["Licence ouverte 2.0", "Licence ouverte 2.0", "", ""],
        "rule": ["", "", "tirage selon l'âge du bâti", "tirage <script>alert(1)</script>"],
    })
    scenario = {
        "name": "base",
        "method": "weighted_sum",
        "criteria": {fam: {"weight": FAMILY_WEIGHTS[fam],
                           "indicators": {n: {"weight": 1 / len(ns)} for n in ns}}
                     for fam, ns in INDICATORS.items()},
        "selection": {"n_cites": N_SELECTED, "logements_min": 11000, "logements_max": 13000,
                      "force_in": [], "phases": 2},
        "robustness": {"draws": 200, "seed": 1, "concentration": 50.0},
    }
    weights = pd.DataFrame(weights_rows)
    # what the pipeline hands the report besides the frames (contracts §5)
    extras = {
        "communes": communes[["insee", "nom", "epci_siren", "epci_nom", "geometry"]],
        "top_contributions": top_contributions_table(contributions, 3, weights=weights),
        "family_contributions": family_contributions(contributions, weights),
        "perturbation": family_weight_intervals(weights, scenario["robustness"]["concentration"]),
    }
    def by_id(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        # the pipeline's convention: indexed by cite_id, the column kept (contracts §5)
        return frame.set_index(pd.Index(frame["cite_id"].to_numpy(), name="cite_id"))

    return RunResult(
        cites=by_id(cites), shortlist=by_id(shortlist), cells=_cells(cites),
        contributions=contributions, weights=weights, scenario=scenario, scenario_hash="ab12" * 16,
        provenance=provenance, reference=reference, grappes=grappes,
        checksums={"cites_minieres.gpkg": "0" * 64, "carreaux_200m_met.csv": "f" * 64},
        version="0.1.0", extras=extras,
    )
