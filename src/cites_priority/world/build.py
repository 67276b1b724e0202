"""``build_world``: write a complete world folder (contracts §1) from a spec."""

from __future__ import annotations

import logging
import os
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .._atomic import atomic_path
from ..constants import WORLD_FILES
from . import context
from .cites import COLUMNS, add_synthetic_cites, real_cites
from .dwellings import make_dwellings
from .grid import SYNTH_COLS, cell_squares, cite_cover, synthesize_cells
from .logements import base_logements, rake_logements
from .mission import condition_bias, pick_extra_examined, proxy_appraisal
from .provenance import provenance_table
from .realdata import RealData, read_real
from .reference import match_names, named_cites, reference_table
from .spec import WorldSpec, dump_spec, load_spec

__all__ = ["build_world", "generate"]

log = logging.getLogger(__name__)
_STREAMS = ("cites", "logements", "grid", "dwellings", "examined", "transit")


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    ss = np.random.SeedSequence(seed)
    return {name: np.random.default_rng(s) for name, s in zip(_STREAMS, ss.spawn(len(_STREAMS)), strict=True)}


def generate(spec: WorldSpec, real: RealData) -> dict[str, object]:
    """Generate every table of a world in memory (no file written)."""
    rng = _rngs(spec.seed)
    cond = spec.mission.condition
    cites = real_cites(real)
    named = named_cites()
    named["cite_id"] = match_names(named, cites)
    todo = named[named["cite_id"].isna()]
    cites = add_synthetic_cites(
        cites, real, spec.cites.n_cites, rng=rng["cites"],
        named=[(r["name"], r["communes"]) for _, r in todo.iterrows()],
        min_area_ha=spec.cites.min_area_ha, max_area_ha=spec.cites.max_area_ha,
    )
    named["cite_id"] = match_names(named, cites)
    # UNESCO cités whose landlord no real layer gives: draw one (flagged in provenance).
    miss = (cites["origin"] == "real") & cites["ID_UNESCO"].notna() & cites["PROPRIETAIRE"].isna()
    draw = rng["cites"].choice(["Maisons et Cités", "SIA", "Maisons et Cités / SIA"], int(miss.sum()), p=[0.85, 0.1, 0.05])
    cites.loc[miss, "PROPRIETAIRE"] = draw
    ids = cites["ID_LSM"].to_numpy()
    mission = np.isin(ids, named.loc[named["list"] == "mission_2016", "cite_id"].astype(int))
    examined = mission | np.isin(ids, named.loc[named["list"] == "examined_2016", "cite_id"].astype(int))
    # Income proxy per cité (area-weighted cells) for the examined fill.
    squares = cell_squares(real.cells)
    tree = shapely.STRtree(squares.values)
    ci, si = tree.query(cites.geometry.values, predicate="intersects")
    a = shapely.area(shapely.intersection(cites.geometry.values[ci], squares.values[si]))
    cells = real.cells
    snv = np.bincount(ci, weights=a * cells["ind_snv"].to_numpy()[si], minlength=len(cites))
    ind = np.bincount(ci, weights=a * cells["ind"].to_numpy()[si], minlength=len(cites))
    nv = np.divide(snv, ind, out=np.full(len(cites), np.nan), where=ind > 0)
    proxy = proxy_appraisal(cites, nv, spec.mission)
    n_extra = spec.cites.examined_n - int(examined.sum())
    extra = pick_extra_examined(cites, examined, max(n_extra, 0), score=proxy, condition=cond, rng=rng["examined"])
    examined |= np.isin(ids, extra)
    # Logements.
    area_ha = cites.geometry.area.to_numpy() / 1e4
    base = base_logements(area_ha, cites["TYPE"].fillna("Cité pavillonnaire").to_numpy(), spec.cites, rng=rng["logements"])
    unesco = cites["ID_UNESCO"].notna().to_numpy()
    cons = [(unesco, float(spec.cites.unesco_logements))]
    if cond:
        cons += [(mission, float(spec.cites.mission_logements)), (examined, float(spec.cites.examined_logements))]
    cites["NB_LOGTS"] = rake_logements(base, cons, float(spec.cites.logements_total))
    # Grid.
    cover = cite_cover(squares, cites)
    synth = synthesize_cells(cells, squares, cover, cites["TYPE"].to_numpy(), real.admin_communes, rng=rng["grid"])
    # Context.
    labels = context.qpv_cells(cells, threshold_eur=spec.qpv.threshold_eur, min_ind=spec.qpv.min_ind)
    qpv = context.qpv_zones(real, squares, labels, smooth_m=spec.qpv.smooth_m, min_commune_pop=spec.qpv.min_commune_pop)
    lines, stops = context.transit(real)
    cents = context.centralities(real)
    # Dwellings.
    bias = condition_bias(mission, examined, condition=cond)
    names = dict(zip(real.communes["insee"].astype(str), real.communes["nom"], strict=True))
    rpls, dpe = make_dwellings(cites, spec=spec.dwellings, bias=bias, qpv=qpv, commune_names=names, rng=rng["dwellings"])
    erbm_ids = _erbm_ids(real, cites)
    ref = reference_table(named, cites, erbm_ids=erbm_ids, extra_examined=extra)
    return {
        "cites": cites, "synth": synth, "qpv": qpv, "lines": lines, "stops": stops,
        "centralites": cents, "rpls": rpls, "dpe": dpe, "reference": ref,
        "mission": mission, "examined": examined, "qpv_labels": labels,
    }


def _erbm_ids(real: RealData, cites: gpd.GeoDataFrame) -> list[int]:
    """``ID_LSM`` of the cités holding the 59 real ERBM polygons (by id, else by overlap)."""
    out = []
    have = set(cites["ID_LSM"].astype(int))
    tree = shapely.STRtree(cites.geometry.values)
    for lsm, g in zip(real.erbm["id_lsm"], real.erbm.geometry, strict=True):
        if int(lsm) in have:
            out.append(int(lsm))
            continue
        hits = tree.query(g, predicate="intersects")
        if len(hits):
            areas = shapely.area(shapely.intersection(g, cites.geometry.values[hits]))
            out.append(int(cites["ID_LSM"].iat[hits[int(np.argmax(areas))]]))
    return sorted(set(out))


def _write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer: str, *, append: bool = False) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", append=append)


def _write_csv(df: pd.DataFrame, path: Path, *, sep: str = ",") -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, sep=sep, index=False, encoding="utf-8", lineterminator="\n")


def write_world(out: Path, spec: WorldSpec, real: RealData, gen: dict[str, object]) -> None:
    """Write the generated tables into ``out`` (each file atomically)."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2026-01-01T00:00:00.000Z"})
    out.mkdir(parents=True, exist_ok=True)
    cites = gen["cites"]
    gdf = gpd.GeoDataFrame(cites[COLUMNS].copy(), geometry=shapely.force_2d(cites.geometry.values), crs=cites.crs)
    gdf["geometry"] = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) if g.geom_type == "Polygon"
                       else shapely.MultiPolygon([p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"])
                       for g in gdf.geometry]
    for c in COLUMNS:
        if c not in ("ID_LSM", "NB_LOGTS"):
            gdf[c] = gdf[c].astype("object").where(gdf[c].notna(), None)
    with atomic_path(out / WORLD_FILES["cites"]) as tmp:
        _write_gpkg(gdf, tmp, "cites_minieres")
    # Grid: real text + synthetic columns.
    synth = gen["synth"]
    extra = synth[SYNTH_COLS].astype(str).agg(",".join, axis=1).to_numpy()
    header = real.cells_header + "," + ",".join(SYNTH_COLS)
    body = "\n".join(f"{line},{e}" for line, e in zip(real.cells_lines, extra, strict=True))
    with atomic_path(out / WORLD_FILES["cells"]) as tmp:
        tmp.write_text(header + "\n" + body + "\n", encoding="utf-8")
    _write_csv(gen["rpls"], out / WORLD_FILES["rpls"], sep=";")
    _write_csv(gen["dpe"], out / WORLD_FILES["dpe"])
    # Context.
    layers = {
        "communes": real.communes[["insee", "nom", "epci_siren", "epci_nom", "population", "geometry"]],
        "epci": real.epci[["code_siren", "nom", "geometry"]],
        "departements": real.departements[["code", "nom", "geometry"]],
        "bassin_minier": real.bassin[["nom", "surface_km2", "population", "geometry"]],
        "bien_inscrit": real.bien[["nom", "section", "surface_ha", "geometry"]],
        "zone_tampon": real.tampon[["id", "surface_ha", "geometry"]],
        "terrils": real.terrils[["no_terril", "nom", "commune_1", "compagnie", "geometry"]],
        "puits": real.puits[["commune", "compagnie", "fosse", "puits", "geometry"]],
        "qpv": gen["qpv"],
        "transit_lignes": gen["lines"],
        "transit_arrets": gen["stops"],
        "centralites": gen["centralites"],
    }
    with atomic_path(out / WORLD_FILES["context"]) as tmp:
        for k, (name, layer) in enumerate(layers.items()):
            _write_gpkg(gpd.GeoDataFrame(layer).reset_index(drop=True), tmp, name, append=k > 0)
    _write_csv(gen["reference"], out / WORLD_FILES["reference"])
    _write_csv(provenance_table(real.cells_header.split(",")), out / WORLD_FILES["provenance"])
    with atomic_path(out / WORLD_FILES["spec"]) as tmp:
        tmp.write_text(dump_spec(spec), encoding="utf-8")


def build_world(
    out: str | os.PathLike[str],
    *,
    spec: WorldSpec | str | os.PathLike[str] | None = None,
    seed: int | None = None,
    real_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Build the embedded default world into ``out``.

    Parameters
    ----------
    out
        Destination folder (created if needed); every file is written atomically.
    spec
        A :class:`WorldSpec`, a path to a spec YAML, or None for the defaults.
    seed
        Overrides ``spec.seed``.
    real_dir
        The ``data/external/real`` folder; found by walking up from the cwd when omitted.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    t0 = time.perf_counter()
    if spec is None:
        spec = WorldSpec()
    elif not isinstance(spec, WorldSpec):
        spec = load_spec(spec)
    if seed is not None:
        spec = spec.model_copy(update={"seed": int(seed)})
    real = read_real(real_dir)
    gen = generate(spec, real)
    out = Path(out)
    write_world(out, spec, real, gen)
    log.info("world written to %s in %.1f s", out, time.perf_counter() - t0)
    return out
