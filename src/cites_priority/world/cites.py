"""The cités inventory: every real polygon, de-duplicated, plus synthetic cités up to 543.

Real layers (``data/external/real/mbm_unesco``): the UNESCO ``cites-minieres`` layer
(124 cités with an ``id_unesco`` plus 35 later rows copied from the ERBM layer),
``zt-cites-minieres`` (162, buffer zone) and ``cites-erbm`` (59). A UNESCO cité absorbs
any ZT/ERBM polygon covering mostly the same ground (it takes its ``ID_LSM``,
``PROPRIETAIRE``, ``NOM_2``); the other records are keyed by ``ID_LSM`` (ZT first, then
ERBM, then the UNESCO layer's extra rows) and de-duplicated by overlap.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity

from ..constants import CRS_L93
from .realdata import RealData

__all__ = [
    "COLUMNS",
    "TYPOLOGIES",
    "add_synthetic_cites",
    "main_commune",
    "norm_text",
    "real_cites",
]

log = logging.getLogger(__name__)

#: Output columns of ``cites_minieres`` (contracts §1), in order.
COLUMNS = [
    "ID_LSM",
    "NOM",
    "NOM_2",
    "COMMUNE_1",
    "COMMUNE_2",
    "COMMUNE_3",
    "INSEE_COM",
    "TYPE",
    "COMPAGNIE",
    "INTERET",
    "PROPRIETAIRE",
    "ID_UNESCO",
    "NB_LOGTS",
    "LOGTS_FILOSOFI",
]
TYPOLOGIES = ("Corons", "Cité pavillonnaire", "Cité jardin", "Cité moderne")
#: First ID_LSM given to real UNESCO cités that have none (real ids: ≤ 855, 10010, 10020, 1000xx).
UNESCO_ID_START = 1001
#: First ID_LSM of synthetic cités.
SYNTH_ID_START = 2001
_OVERLAP_SAME = 0.5


def norm_text(s: object) -> str:
    """Lower-case, accent-free, 'St' → 'saint', punctuation → space."""
    if s is None or (isinstance(s, float) and np.isnan(s)) or s is pd.NA:
        return ""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = s.replace("œ", "oe")
    s = re.sub(r"\bste?[-\s.]", lambda m: "sainte " if m.group(0).startswith("ste") else "saint ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


def _overlap_frac(a: shapely.Geometry, b: shapely.Geometry) -> float:
    inter = shapely.area(shapely.intersection(a, b))
    small = min(shapely.area(a), shapely.area(b))
    return float(inter / small) if small > 0 else 0.0


def main_commune(geoms: gpd.GeoSeries, communes: gpd.GeoDataFrame) -> pd.Series:
    """INSEE code of the commune holding the largest share of each polygon."""
    tree = shapely.STRtree(communes.geometry.values)
    left, right = tree.query(geoms.values, predicate="intersects")
    area = shapely.area(shapely.intersection(geoms.values[left], communes.geometry.values[right]))
    df = pd.DataFrame({"i": left, "c": right, "a": area}).sort_values(["i", "a", "c"])
    best = df.groupby("i").tail(1).set_index("i")["c"]
    out = pd.Series(pd.NA, index=range(len(geoms)), dtype="string")
    out.loc[best.index] = communes["insee"].to_numpy()[best.to_numpy()]
    missing = out.isna().to_numpy()
    if missing.any():  # outside every commune polygon: nearest commune
        idx = tree.nearest(shapely.centroid(geoms.values[missing]))
        out.loc[missing] = communes["insee"].to_numpy()[idx]
    return out


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df:
        return df[name].astype("object").where(df[name].notna(), None)
    return pd.Series([None] * len(df), index=df.index, dtype="object")


def _records(df: gpd.GeoDataFrame, source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ID_LSM": df["id_lsm"].astype("Int64") if "id_lsm" in df else pd.NA,
            "NOM": _col(df, "nom"),
            "NOM_2": _col(df, "nom_2"),
            "COMMUNE_1": _col(df, "commune_1"),
            "COMMUNE_2": _col(df, "commune_2"),
            "COMMUNE_3": _col(df, "commune_3"),
            "TYPE": _col(df, "type"),
            "COMPAGNIE": _col(df, "compagnie"),
            "INTERET": _col(df, "interet"),
            "PROPRIETAIRE": _col(df, "proprietaire"),
            "ID_UNESCO": _col(df, "id_unesco"),
            "source_layer": source,
            "geometry": df.geometry.values,
        }
    )


def real_cites(real: RealData) -> gpd.GeoDataFrame:
    """Every real cité polygon once, with its real attributes.

    Returns
    -------
    geopandas.GeoDataFrame
        The :data:`COLUMNS` (``NB_LOGTS`` empty) plus ``source_layer``, ``origin``
        (``real``) and ``proprietaire_real`` (bool); UNESCO cités first (by
        ``ID_UNESCO``), then the others by ``ID_LSM``.
    """
    u = real.unesco
    uni = u[u["id_unesco"].notna()].copy()
    extra = u[u["id_unesco"].isna()].copy()
    uni = uni.dissolve("id_unesco", as_index=False, aggfunc="first", sort=True)
    ucit = _records(uni, "cites-minieres")
    others = pd.concat(
        [_records(real.zt, "zt-cites-minieres"), _records(real.erbm, "cites-erbm"),
         _records(extra, "cites-minieres")],
        ignore_index=True,
    )
    # UNESCO cités absorb the ZT/ERBM polygons that cover the same ground.
    tree = shapely.STRtree(others["geometry"].values)
    absorbed: set[int] = set()
    ucit["proprietaire_real"] = ucit["PROPRIETAIRE"].notna()
    for i, g in enumerate(ucit["geometry"].values):
        for j in tree.query(g, predicate="intersects"):
            if _overlap_frac(g, others["geometry"].iat[j]) < _OVERLAP_SAME:
                continue
            absorbed.add(int(j))
            o = others.iloc[j]
            if pd.isna(ucit.at[i, "ID_LSM"]) and pd.notna(o["ID_LSM"]):
                ucit.at[i, "ID_LSM"] = o["ID_LSM"]
            for f in ("PROPRIETAIRE", "NOM_2", "COMMUNE_3"):
                if ucit.at[i, f] is None and o[f] is not None:
                    ucit.at[i, f] = o[f]
                    if f == "PROPRIETAIRE":
                        ucit.at[i, "proprietaire_real"] = True
    absorbed_ids = set(others.loc[sorted(absorbed), "ID_LSM"].dropna().astype(int))
    rest = others.drop(index=sorted(absorbed))
    rest = rest[~rest["ID_LSM"].isin(absorbed_ids)]
    rest = rest.drop_duplicates("ID_LSM", keep="first").reset_index(drop=True)
    keep: list[int] = []
    kept_geoms: list[shapely.Geometry] = []
    for i, g in enumerate(rest["geometry"].values):
        if any(_overlap_frac(g, k) >= _OVERLAP_SAME for k in kept_geoms if shapely.intersects(g, k)):
            continue
        keep.append(i)
        kept_geoms.append(g)
    rest = rest.iloc[keep].sort_values("ID_LSM").reset_index(drop=True)
    rest["proprietaire_real"] = rest["PROPRIETAIRE"].notna()
    # Unique ids for UNESCO cités without one.
    missing = ucit["ID_LSM"].isna()
    used = set(ucit["ID_LSM"].dropna().astype(int)) | set(rest["ID_LSM"].astype(int))
    new_ids = [k for k in range(UNESCO_ID_START, UNESCO_ID_START + 10 * len(ucit)) if k not in used]
    ucit.loc[missing, "ID_LSM"] = new_ids[: int(missing.sum())]
    out = pd.concat([ucit, rest], ignore_index=True)
    out["ID_LSM"] = out["ID_LSM"].astype("int64")
    out["origin"] = "real"
    gdf = gpd.GeoDataFrame(out, geometry="geometry", crs=CRS_L93)
    gdf["INSEE_COM"] = main_commune(gdf.geometry, real.communes).to_numpy()
    log.info("real cités: %d (%d UNESCO)", len(gdf), int(gdf["ID_UNESCO"].notna().sum()))
    return gdf


# --------------------------------------------------------------------------- synthetic

_NATURE = [
    "des Fleurs", "des Roses", "des Lilas", "des Tilleuls", "des Peupliers", "des Chênes",
    "du Bois", "des Prés", "du Moulin", "de la Gare", "du Marais", "des Glycines",
    "des Marronniers", "du Calvaire", "de la Chapelle", "des Hirondelles", "des Alouettes du Nord",
    "du Stade", "des Ormes", "des Acacias du Sud", "de la Plaine Basse", "des Jardins",
    "du Rivage", "des Bouleaux", "du Transvaal", "de la Fosse", "du Terril", "des Sablières",
]
_PEOPLE = [
    "Saint-Louis", "Sainte-Barbe", "Saint-Éloi", "Saint-Joseph", "Jeanne d'Arc", "Pasteur",
    "Jean Jaurès", "Lamartine", "Victor Hugo", "Renan", "Voltaire", "Mirabeau", "Guynemer",
    "Lavoisier", "Parmentier", "Berthelot", "Ampère", "Vauban", "Colbert", "Chateaubriand",
]
_TYPE_P = {"Corons": 0.25, "Cité pavillonnaire": 0.45, "Cité jardin": 0.12, "Cité moderne": 0.18}
_INTEREST_P = {"Témoin": 0.80, "Remarquable": 0.18, "Exceptionnelle": 0.02}
_LANDLORD_P = {
    "Maisons et Cités": 0.82,
    "SIA": 0.09,
    "Maisons et Cités / SIA": 0.06,
    "Partenord": 0.01,
    None: 0.02,
}


def _shape(x: float, y: float, area_m2: float, rng: np.random.Generator) -> shapely.Geometry:
    """A union of 1–3 rotated rectangles (a street-block layout) of about ``area_m2``."""
    n = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.20]))
    shares = rng.dirichlet(np.full(n, 3.0)) if n > 1 else np.array([1.0])
    shares = np.sort(shares)[::-1]
    parts: list[shapely.Geometry] = []
    ox = oy = 0.0
    for k, s in enumerate(shares):
        a = area_m2 * s
        r = rng.uniform(1.0, 2.6)
        w, h = np.sqrt(a * r), np.sqrt(a / r)
        if k > 0:  # glue to a side of the first block
            side = rng.integers(4)
            W, H = parts[0].bounds[2] - parts[0].bounds[0], parts[0].bounds[3] - parts[0].bounds[1]
            off = rng.uniform(-0.3, 0.3)
            ox, oy = [(W / 2 + w / 2 - 5, off * H), (-W / 2 - w / 2 + 5, off * H),
                      (off * W, H / 2 + h / 2 - 5), (off * W, -H / 2 - h / 2 + 5)][side]
        parts.append(shapely.box(ox - w / 2, oy - h / 2, ox + w / 2, oy + h / 2))
    g = shapely.union_all(parts)
    g = affinity.rotate(g, float(rng.uniform(0, 180)), origin=(0, 0))
    g = affinity.translate(g, x, y)
    return shapely.set_precision(g, 0.01)


def add_synthetic_cites(
    cites: gpd.GeoDataFrame,
    real: RealData,
    n_total: int,
    *,
    rng: np.random.Generator,
    named: Sequence[tuple[str, Sequence[str]]] = (),
    prefer_poor: Sequence[bool] = (),
    min_area_ha: float = 3.0,
    max_area_ha: float = 40.0,
) -> gpd.GeoDataFrame:
    """Add synthetic cités up to ``n_total``: first the ``named`` ones, then anonymous ones.

    Placement prefers inhabited Filosofi cells near former pits (puits de mines) and
    never overlaps an existing cité (20 m clearance).

    Parameters
    ----------
    cites
        The real cités (from :func:`real_cites`).
    real
        The real extracts.
    n_total
        Size of the final inventory.
    rng
        The random generator.
    named
        ``(name, [commune names])`` of documented cités that have no real polygon.
    prefer_poor
        Per named cité, True to favour low-income cells of its communes (weight ×
        exp(−(niveau de vie − 13 000 €) / 1 500 €)): conditioning of the listed cités.
    min_area_ha, max_area_ha
        Bounds of the synthetic areas.
    """
    communes = real.communes
    com_norm = {norm_text(n): i for i, n in enumerate(communes["nom"])}
    # Inhabited cells with a 'mining' weight.
    cells = real.cells
    cx = shapely.points(cells["x_laea"] + 100.0, cells["y_laea"] + 100.0)
    pts = gpd.GeoSeries(cx, crs="EPSG:3035").to_crs(CRS_L93)
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    ptree = shapely.STRtree(real.puits.geometry.values)
    dist = shapely.distance(pts.values, real.puits.geometry.values[ptree.nearest(pts.values)])
    ind = cells["ind"].to_numpy()
    w_cell = np.where(ind >= 8, np.sqrt(ind) * np.exp(-dist / 1500.0), 0.0)
    ctree = shapely.STRtree(communes.geometry.values)
    pi, ci = ctree.query(pts.values, predicate="within")
    cell_com = np.full(len(cells), -1)
    cell_com[pi] = ci
    inside = cell_com >= 0
    w_cell = np.where(inside, w_cell, 0.0)
    geoms = list(cites.geometry.values)
    tree_geoms = list(geoms)
    occupied = shapely.STRtree(tree_geoms)
    new_rows = []
    puits_comp = real.puits["compagnie"].astype("object").to_numpy()
    next_id = SYNTH_ID_START
    used_ids = set(cites["ID_LSM"].astype(int))
    used_names = {f"{norm_text(n)}|{i}" for n, i in zip(cites["NOM"], cites["INSEE_COM"], strict=True)}
    todo = [(nm, coms) for nm, coms in named] + [(None, None)] * max(
        0, n_total - len(cites) - len(named)
    )
    poor = list(prefer_poor) + [False] * (len(todo) - len(prefer_poor))
    nv = np.divide(cells["ind_snv"].to_numpy(float), ind, out=np.full(len(ind), 30000.0), where=ind > 0)
    poor_w = np.exp(-np.clip(nv - 13000.0, -3000.0, 20000.0) / 1500.0)
    extra_geoms: list[shapely.Geometry] = []
    for (name, coms), want_poor in zip(todo, poor, strict=True):
        if coms:
            idx = [com_norm[c] for c in (norm_text(x) for x in coms) if c in com_norm]
            mask = np.isin(cell_com, idx) if idx else inside
            w = np.where(mask, np.maximum(w_cell, 1e-6 * mask), 0.0)
            if want_poor:
                w = w * poor_w
        else:
            w = w_cell
        p = w / w.sum()
        geom = None
        for attempt in range(60):
            k = int(rng.choice(len(p), p=p))
            x, y = xy[k] + rng.uniform(-100, 100, 2)
            a_ha = float(np.clip(rng.lognormal(np.log(8.0), 0.6), min_area_ha, max_area_ha))
            if attempt > 30:
                a_ha = max(min_area_ha, a_ha / 2)
            g = _shape(x, y, a_ha * 1e4, rng)
            near = g.buffer(20.0)
            hits = occupied.query(near, predicate="intersects")
            hits2 = shapely.intersects(np.asarray(extra_geoms, dtype=object), near)
            if len(hits) == 0 and not hits2.any():
                geom = g
                break
        if geom is None:
            geom = g  # crowded commune: accept a touching placement
        extra_geoms.append(geom)
        while next_id in used_ids:
            next_id += 1
        used_ids.add(next_id)
        typ = str(rng.choice(list(_TYPE_P), p=list(_TYPE_P.values())))
        comp = puits_comp[ptree.nearest(shapely.centroid(geom))]
        landlord_keys = list(_LANDLORD_P)
        landlord = landlord_keys[int(rng.choice(len(landlord_keys), p=list(_LANDLORD_P.values())))]
        new_rows.append(
            {
                "ID_LSM": next_id,
                "NOM": name,
                "NOM_2": None,
                "name_seed": int(rng.integers(2**31)),
                "TYPE": typ,
                "COMPAGNIE": None if comp is None or pd.isna(comp) else str(comp),
                "INTERET": str(rng.choice(list(_INTEREST_P), p=list(_INTEREST_P.values()))),
                "PROPRIETAIRE": landlord,
                "ID_UNESCO": None,
                "source_layer": "synthetic",
                "origin": "synthetic",
                "proprietaire_real": False,
                "geometry": geom,
            }
        )
    syn = gpd.GeoDataFrame(pd.DataFrame(new_rows), geometry="geometry", crs=CRS_L93)
    if len(syn):
        syn["INSEE_COM"] = main_commune(syn.geometry, communes).to_numpy()
        names = communes.set_index("insee")["nom"]
        syn_com = _communes_of(syn.geometry, communes)
        syn["COMMUNE_1"] = [c[0] if c else names.get(i) for c, i in zip(syn_com, syn["INSEE_COM"], strict=True)]
        syn["COMMUNE_2"] = [c[1] if len(c) > 1 else None for c in syn_com]
        syn["COMMUNE_3"] = [c[2] if len(c) > 2 else None for c in syn_com]
        for i in syn.index[syn["NOM"].isna()]:
            nrng = np.random.default_rng(int(syn.at[i, "name_seed"]))
            syn.at[i, "NOM"] = _fresh_name(nrng, used_names, str(syn.at[i, "INSEE_COM"]))
        syn = syn.drop(columns="name_seed")
    out = pd.concat([cites, syn], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS_L93)


def _communes_of(geoms: gpd.GeoSeries, communes: gpd.GeoDataFrame) -> list[list[str]]:
    """Upper-case commune names covering ≥ 10 % of each polygon, largest first (MBM style)."""
    tree = shapely.STRtree(communes.geometry.values)
    left, right = tree.query(geoms.values, predicate="intersects")
    area = shapely.area(shapely.intersection(geoms.values[left], communes.geometry.values[right]))
    tot = shapely.area(geoms.values)
    out: list[list[str]] = [[] for _ in range(len(geoms))]
    order = np.lexsort((right, -area, left))
    for k in order:
        i = left[k]
        if area[k] >= 0.1 * tot[i] and len(out[i]) < 3:
            out[i].append(str(communes["nom"].iat[right[k]]).upper())
    return out


def _fresh_name(rng: np.random.Generator, used: set[str], insee: str) -> str:
    for _ in range(200):
        kind = rng.random()
        if kind < 0.4:
            nm = f"Cité n°{int(rng.integers(1, 30))}"
            if rng.random() < 0.5:
                nm += str(rng.choice([" bis", " Nord", " Sud", " Est", " Ouest"]))
        elif kind < 0.75:
            nm = f"Cité {rng.choice(_NATURE)}"
        else:
            nm = f"Cité {rng.choice(_PEOPLE)}"
        key = f"{norm_text(nm)}|{insee}"
        if key not in used:
            used.add(key)
            return nm
    nm = f"Cité n°{len(used) + 100}"
    used.add(f"{norm_text(nm)}|{insee}")
    return nm
