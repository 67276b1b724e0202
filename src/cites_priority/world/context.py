"""Context layers (``contexte.gpkg``): real boundaries and heritage, QPV-like zones from
the grid, plausible BHNS/tram lines and stops, centralities and major sites.

QPV (2014 method, applied to the real 2019 cells): a cell is low-income when its mean
niveau de vie (``ind_snv / ind``) is below the threshold (default 16 000 €: 60 % of the
2019 national median niveau de vie, 13 224 €, raised by ~20 % because the grid gives cell
*means*, above the cell medians the method uses; see docs/world.md); low-income cells touching by a side or
a corner form clusters; clusters of ≥ 1 000 inhabitants in urban areas are kept,
dissolved and smoothed (closing by ``smooth_m``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from ..constants import CRS_L93, GRID_RES
from .cites import norm_text
from .realdata import RealData

__all__ = ["CENTRALITIES", "LINES", "centralities", "qpv_cells", "qpv_zones", "transit"]

#: (route_id, short name, mode, communes along the corridor) — approximate corridors.
LINES = [
    ("B1", "Bulle 1", "bhns", ["Liévin", "Lens", "Sallaumines", "Noyelles-Godault", "Hénin-Beaumont"]),
    ("B2", "Bulle 2", "bhns", ["Lens", "Loos-en-Gohelle", "Grenay", "Bully-les-Mines", "Nœux-les-Mines", "Béthune"]),
    ("B3", "Bulle 3", "bhns", ["Bruay-la-Buissière", "Labuissière", "Béthune", "Beuvry"]),
    ("B4", "Bulle 4", "bhns", ["Hénin-Beaumont", "Courcelles-lès-Lens", "Carvin", "Libercourt"]),
    ("B5", "Bulle 5", "bhns", ["Lens", "Harnes", "Courrières", "Oignies"]),
    ("B6", "Bulle 6", "bhns", ["Liévin", "Avion", "Méricourt", "Rouvroy", "Hénin-Beaumont"]),
    ("T1", "Tram T1", "tram", ["Famars", "Valenciennes", "Trith-Saint-Léger", "Prouvy", "Denain"]),
    ("T2", "Tram T2", "tram", ["Valenciennes", "Anzin", "Bruay-sur-l'Escaut", "Fresnes-sur-Escaut", "Condé-sur-l'Escaut", "Vieux-Condé"]),
    ("EA", "Evéole A", "bhns", ["Guesnain", "Dechy", "Douai", "Cuincy"]),
    ("EB", "Evéole B", "bhns", ["Douai", "Sin-le-Noble", "Waziers"]),
]

#: (name, kind, commune, optional pit to locate it: (commune, fosse))
CENTRALITIES = [
    ("Lens centralité", "centralite", "Lens", None),
    ("Sainte-Henriette", "centralite", "Hénin-Beaumont", None),
    ("Les Alouettes (écoquartier)", "centralite", "Bruay-la-Buissière", None),
    ("Douai centre – le Raquet", "centralite", "Douai", None),
    ("Rives créatives (Escaut)", "centralite", "Anzin", None),
    ("Liévin centre", "centralite", "Liévin", None),
    ("Béthune centre", "centralite", "Béthune", None),
    ("Denain centre", "centralite", "Denain", None),
    ("Valenciennes centre", "centralite", "Valenciennes", None),
    ("Gare de Béthune", "gare", "Béthune", None),
    ("Gare de Libercourt", "gare", "Libercourt", None),
    ("Gare de Lens", "gare", "Lens", None),
    ("Gare de Douai", "gare", "Douai", None),
    ("Gare de Valenciennes", "gare", "Valenciennes", None),
    ("11/19 Loos-en-Gohelle", "grand_site", "Loos-en-Gohelle", "11"),
    ("9/9bis Oignies", "grand_site", "Oignies", "9"),
    ("Wallers-Arenberg", "grand_site", "Wallers", "Arenberg"),
]


def _commune_points(communes: gpd.GeoDataFrame) -> dict[str, shapely.Point]:
    return {norm_text(n): g.representative_point() for n, g in zip(communes["nom"], communes.geometry, strict=True)}


def centralities(real: RealData) -> gpd.GeoDataFrame:
    """Centralities, stations and major sites at their commune's point (or real pit)."""
    pts = _commune_points(real.communes)
    puits = real.puits
    rows = []
    for name, kind, commune, fosse in CENTRALITIES:
        g = pts.get(norm_text(commune))
        if fosse is not None:
            m = puits["commune"].map(norm_text).eq(norm_text(commune)) & (
                puits["fosse"].astype(str).str.contains(fosse, regex=False)
                | puits["fosse_alias"].astype(str).str.contains(fosse, regex=False)
            )
            if m.any():
                g = puits.geometry[m].iloc[0]
        if g is not None:
            rows.append({"nom": name, "kind": kind, "geometry": g})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS_L93)


def transit(real: RealData, *, stop_spacing: float = 500.0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """BHNS/tram lines through town-centre points, and stops every ``stop_spacing`` m."""
    pts = _commune_points(real.communes)
    lines, stops = [], []
    for rid, short, mode, towns in LINES:
        p = [pts[norm_text(t)] for t in towns if norm_text(t) in pts]
        if len(p) < 2:
            continue
        line = shapely.LineString([(q.x, q.y) for q in p])
        lines.append({"route_id": rid, "route_short_name": short, "route_type": 0 if mode == "tram" else 3,
                      "mode": mode, "geometry": line})
        n = max(2, int(round(line.length / stop_spacing)) + 1)
        for k, d in enumerate(np.linspace(0, line.length, n)):
            stops.append({"stop_id": f"{rid}_{k:03d}", "stop_name": f"{short} arrêt {k + 1}",
                          "route_id": rid, "geometry": line.interpolate(d)})
    return (gpd.GeoDataFrame(lines, geometry="geometry", crs=CRS_L93),
            gpd.GeoDataFrame(stops, geometry="geometry", crs=CRS_L93))


def qpv_cells(cells: pd.DataFrame, *, threshold_eur: float, min_ind: float) -> pd.Series:
    """Cluster label of each cell kept by the QPV rule (0 = not in a QPV)."""
    ind = cells["ind"].to_numpy()
    nv = np.divide(cells["ind_snv"].to_numpy(), ind, out=np.full(len(ind), np.inf), where=ind > 0)
    low = nv < threshold_eur
    ix = (cells["x_laea"].to_numpy() // GRID_RES).astype(int)
    iy = (cells["y_laea"].to_numpy() // GRID_RES).astype(int)
    ix -= ix.min()
    iy -= iy.min()
    grid = np.zeros((iy.max() + 1, ix.max() + 1), dtype=bool)
    grid[iy[low], ix[low]] = True
    lab, nlab = ndimage.label(grid, structure=np.ones((3, 3)))
    cell_lab = np.where(low, lab[iy, ix], 0)
    pop = np.bincount(cell_lab, weights=ind, minlength=nlab + 1)
    keep = pop >= min_ind
    keep[0] = False
    cell_lab = np.where(keep[cell_lab], cell_lab, 0)
    return pd.Series(cell_lab, index=cells.index, name="qpv_label")


def qpv_zones(real: RealData, squares: gpd.GeoSeries, labels: pd.Series, *, smooth_m: float,
              min_commune_pop: int) -> gpd.GeoDataFrame:
    """Dissolve the kept clusters into QPV polygons (2024 schema)."""
    communes = real.communes
    rows = []
    for lab in sorted(set(labels[labels > 0])):
        g = shapely.union_all(squares.values[(labels == lab).to_numpy()])
        if smooth_m > 0:
            g = g.buffer(smooth_m, join_style="mitre").buffer(-smooth_m, join_style="mitre")
        g = shapely.simplify(g, 5.0)
        inter = shapely.area(shapely.intersection(g, communes.geometry.values))
        if inter.max() <= 0:
            continue
        k = int(np.argmax(inter))
        if communes["population"].iat[k] < min_commune_pop and communes.loc[
            communes["epci_siren"] == communes["epci_siren"].iat[k], "population"
        ].sum() < min_commune_pop:
            continue
        rows.append({"insee_com": str(communes["insee"].iat[k]), "lib_com": str(communes["nom"].iat[k]),
                     "geometry": g})
    gdf = gpd.GeoDataFrame(rows, columns=["insee_com", "lib_com", "geometry"], geometry="geometry", crs=CRS_L93)
    gdf = gdf.sort_values(["insee_com"], kind="stable").reset_index(drop=True)
    counters: dict[str, int] = {}
    codes, libs = [], []
    for insee, lib in zip(gdf["insee_com"], gdf["lib_com"], strict=True):
        dep = insee[:2]
        counters[dep] = counters.get(dep, 0) + 1
        codes.append(f"QN0{dep}{counters[dep]:03d}M")
        libs.append(f"Quartier prioritaire {lib} {counters[dep]}")
    gdf.insert(0, "code_qp", codes)
    gdf.insert(1, "lib_qp", libs)
    return gdf
