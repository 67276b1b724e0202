"""``build_world``: write a complete world folder (contracts §1) from a spec."""

from __future__ import annotations

import logging
import os
import tempfile
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .._atomic import atomic_path
from .._gdal import DEFAULT_GENERATION_DATE, fixed_gdal_date
from ..constants import WORLD_FILES
from . import context
from .cites import COLUMNS, add_synthetic_cites, real_cites
from .conditioning import (
    condition_dwellings,
    dwelling_membership,
    engine_scores,
    fixed_indicators,
    hidden_noise,
    mission_scenario,
    noisy_scores,
)
from .dwellings import draw_dwellings, dwelling_tables, label_dwellings
from .grid import REAL_LOG_COLS, SYNTH_COLS, cell_squares, cite_cover, synthesize_cells
from .logements import anchored_logements, base_logements, filosofi_households
from .mission import (
    MISSION_SCENARIO,
    condition_bias,
    engine_available,
    pick_extra_examined,
    proxy_appraisal,
)
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


def _scenario_path(real: RealData) -> Path | None:
    """``configs/mission_2016.yaml`` of the checkout holding the real extracts, if any."""
    for folder in (Path(real.real_dir).resolve(), *Path(real.real_dir).resolve().parents):
        cand = folder / "configs" / MISSION_SCENARIO
        if cand.is_file():
            return cand
    return None


def _cite_niveau_vie(cites: gpd.GeoDataFrame, squares: gpd.GeoSeries, cells: pd.DataFrame) -> np.ndarray:
    """Area-weighted mean niveau de vie of each cité (the proxy appraisal's income term)."""
    tree = shapely.STRtree(squares.values)
    ci, si = tree.query(cites.geometry.values, predicate="intersects")
    a = shapely.area(shapely.intersection(cites.geometry.values[ci], squares.values[si]))
    snv = np.bincount(ci, weights=a * cells["ind_snv"].to_numpy()[si], minlength=len(cites))
    ind = np.bincount(ci, weights=a * cells["ind"].to_numpy()[si], minlength=len(cites))
    return np.divide(snv, ind, out=np.full(len(cites), np.nan), where=ind > 0)


def generate(spec: WorldSpec, real: RealData, *, scenario: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """Generate every table of a world in memory (no file written to the destination).

    With ``spec.mission.condition`` and the engine available, the conditioning loop
    (:mod:`cites_priority.world.conditioning`) runs the engine on a scratch folder and
    adjusts the synthetic fields until the noisy hidden appraisal ranks the mission's
    25 first and the other examined cités next.

    Parameters
    ----------
    spec
        The world spec.
    real
        The real extracts.
    scenario
        The engine scenario whose family weights the mission's replace (default:
        ``configs/mission_2016.yaml`` above the real extracts).
    """
    rng = _rngs(spec.seed)
    cond = spec.mission.condition
    cites = real_cites(real)
    named = named_cites()
    named["cite_id"] = match_names(named, cites)
    todo = named[named["cite_id"].isna()]
    cites = add_synthetic_cites(
        cites, real, spec.cites.n_cites, rng=rng["cites"],
        named=[(r["name"], r["communes"]) for _, r in todo.iterrows()],
        prefer_poor=[cond and r["list"] != "" for _, r in todo.iterrows()],
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
    squares = cell_squares(real.cells)
    cells = real.cells
    area_ha = cites.geometry.area.to_numpy() / 1e4
    base = base_logements(area_ha, cites["TYPE"].fillna("Cité pavillonnaire").to_numpy(), spec.cites, rng=rng["logements"])
    # Logements: real cités from their real households, synthetic ones drawn (world/logements.py).
    is_real = (cites["origin"] == "real").to_numpy()
    unesco = cites["ID_UNESCO"].notna().to_numpy()
    households = filosofi_households(cites.geometry, cells)
    anchored = anchored_logements(households, base, is_real, unesco, unesco_total=float(spec.cites.unesco_logements),
                                  total=float(spec.cites.logements_total))
    cites["NB_LOGTS"] = anchored.logements
    cites["LOGTS_FILOSOFI"] = np.where(is_real, np.round(households, 1), np.nan)
    log.info("logements: %.4f per Filosofi household (real cités), %.4f × drawn (synthetic cités)",
             anchored.real_factor, anchored.synthetic_factor)
    # Grid and context (they do not depend on the lists).
    cover = cite_cover(squares, cites)
    synth = synthesize_cells(cells, squares, cover, cites["TYPE"].to_numpy(), real.admin_communes, rng=rng["grid"])
    labels = context.qpv_cells(cells, threshold_eur=spec.qpv.threshold_eur, min_ind=spec.qpv.min_ind)
    qpv = context.qpv_zones(real, squares, labels, smooth_m=spec.qpv.smooth_m, min_commune_pop=spec.qpv.min_commune_pop)
    lines, stops = context.transit(real)
    cents = context.centralities(real)
    gen: dict[str, object] = {
        "synth": synth, "qpv": qpv, "lines": lines, "stops": stops, "centralites": cents, "qpv_labels": labels,
    }
    scen_path = Path(scenario) if scenario is not None else _scenario_path(real)
    use_engine = cond and scen_path is not None and engine_available()
    if cond and not use_engine:
        warnings.warn("engine or mission scenario unavailable: conditioning falls back to the proxy appraisal "
                      "(the engine will not reproduce the mission list exactly)", stacklevel=2)
    n_extra = max(spec.cites.examined_n - int(examined.sum()), 0)
    scratch = tempfile.TemporaryDirectory(prefix="cites-world-") if use_engine else None
    try:
        if scratch is not None and scen_path is not None:  # i.e. use_engine
            # Engine pass on a scratch folder (cités, cells, context): every indicator
            # that does not depend on the dwelling rows.
            folder = Path(scratch.name)
            write_cites(folder, cites)
            write_cells(folder, real, synth)
            write_context(folder, real, gen)
            fixed, canon = fixed_indicators(folder, cites_file=WORLD_FILES["cites"], cells_file=WORLD_FILES["cells"],
                                            context_file=WORLD_FILES["context"])
            fixed = fixed.reindex(pd.Index(ids, name="cite_id"))
            scen = mission_scenario(scen_path, spec.mission)
            z = hidden_noise(ids, spec.seed)
            partial = noisy_scores(engine_scores(fixed, scen), z, spec.mission.noise)
            cand = np.flatnonzero(~examined)
            chosen = cand[np.argsort(-partial[cand], kind="stable")[:n_extra]]
            extra = sorted(int(x) for x in ids[chosen])
        else:
            proxy = proxy_appraisal(cites, _cite_niveau_vie(cites, squares, cells), spec.mission)
            extra = pick_extra_examined(cites, examined, n_extra, score=proxy, condition=cond, rng=rng["examined"])
        examined |= np.isin(ids, extra)
        _log_list_logements(cites, mission, examined, spec)
        if cond:  # a listed synthetic cité is a landlord's cité (it has dwelling rows to appraise)
            private = examined & (cites["origin"] == "synthetic").to_numpy() & cites["PROPRIETAIRE"].isna().to_numpy()
            cites.loc[private, "PROPRIETAIRE"] = "Maisons et Cités"
        # Dwellings: draws, then labels for the conditioned bias.
        bias = condition_bias(mission, examined, condition=cond)
        draws = draw_dwellings(cites, spec=spec.dwellings, qpv=qpv, rng=rng["dwellings"])
        cond_info = None
        if use_engine:
            member = dwelling_membership(canon, draws.xy)
            cond_info = condition_dwellings(
                fixed, draws, member, scenario=scen, mission=mission, examined=examined,
                interest=cites["INTERET"].to_numpy(dtype=object), synthetic=(cites["origin"] == "synthetic").to_numpy(),
                z=z, spec=spec.mission, dwellings=spec.dwellings, bias0=bias,
            )
            cites["INTERET"] = cond_info.interest
            dlabels = cond_info.labels
        else:
            dlabels = label_dwellings(draws, bias, spec=spec.dwellings)
    finally:
        if scratch is not None:
            scratch.cleanup()
    names = dict(zip(real.communes["insee"].astype(str), real.communes["nom"], strict=True))
    rpls, dpe, inventory = dwelling_tables(draws, dlabels, commune_names=names)
    erbm_ids = _erbm_ids(real, cites)
    ref = reference_table(named, cites, erbm_ids=erbm_ids, extra_examined=extra)
    gen.update({
        "cites": cites, "rpls": rpls, "dpe": dpe, "inventory": inventory, "reference": ref,
        "mission": mission, "examined": examined, "conditioning": cond_info,
    })
    return gen


def _log_list_logements(cites: gpd.GeoDataFrame, mission: np.ndarray, examined: np.ndarray, spec: WorldSpec) -> None:
    """Log what the lists hold against the documented 12 000 / 30 000 (not imposed)."""
    n = cites["NB_LOGTS"].to_numpy()
    log.info("logements: mission %d (documented %d), examined %d (documented %d)",
             int(n[mission].sum()), spec.cites.mission_logements, int(n[examined].sum()), spec.cites.examined_logements)


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


def write_cites(out: Path, cites: gpd.GeoDataFrame) -> None:
    """Write ``cites_minieres.gpkg`` (MultiPolygons, contracts §1 columns)."""
    gdf = gpd.GeoDataFrame(cites[COLUMNS].copy(), geometry=shapely.force_2d(cites.geometry.values), crs=cites.crs)
    gdf["geometry"] = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) if g.geom_type == "Polygon"
                       else shapely.MultiPolygon([p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"])
                       for g in gdf.geometry]
    for c in COLUMNS:
        if c not in ("ID_LSM", "NB_LOGTS", "LOGTS_FILOSOFI"):
            gdf[c] = gdf[c].astype("object").where(gdf[c].notna(), None)
    with atomic_path(out / WORLD_FILES["cites"]) as tmp, fixed_gdal_date(DEFAULT_GENERATION_DATE):
        _write_gpkg(gdf, tmp, "cites_minieres")


def write_cells(out: Path, real: RealData, synth: pd.DataFrame) -> None:
    """Write the grid: the real cells' text, their real dwelling fields' text, then the added columns."""
    text = synth[SYNTH_COLS].astype(str)
    extra = text[SYNTH_COLS[0]].to_numpy(dtype=object)
    for col in SYNTH_COLS[1:]:  # column by column: same text as a row-wise ",".join, 10x faster
        extra = extra + "," + text[col].to_numpy(dtype=object)
    header = real.cells_header + "," + ",".join(REAL_LOG_COLS) + "," + ",".join(SYNTH_COLS)
    body = "\n".join(f"{line},{logs},{e}" for line, logs, e in zip(real.cells_lines, real.log_lines, extra, strict=True))
    with atomic_path(out / WORLD_FILES["cells"]) as tmp:
        tmp.write_text(header + "\n" + body + "\n", encoding="utf-8")


def write_context(out: Path, real: RealData, gen: dict[str, object]) -> None:
    """Write ``contexte.gpkg``: real boundaries and heritage, derived QPV, transit, centralities."""
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
    with atomic_path(out / WORLD_FILES["context"]) as tmp, fixed_gdal_date(DEFAULT_GENERATION_DATE):
        for k, (name, layer) in enumerate(layers.items()):
            _write_gpkg(gpd.GeoDataFrame(layer).reset_index(drop=True), tmp, name, append=k > 0)


def write_world(out: Path, spec: WorldSpec, real: RealData, gen: dict[str, object]) -> None:
    """Write the generated tables into ``out`` (each file atomically)."""
    out.mkdir(parents=True, exist_ok=True)
    write_cites(out, gen["cites"])
    write_cells(out, real, gen["synth"])
    _write_csv(gen["rpls"], out / WORLD_FILES["rpls"], sep=";")
    _write_csv(gen["dpe"], out / WORLD_FILES["dpe"])
    _write_csv(gen["inventory"], out / WORLD_FILES["inventory"], sep=";")
    write_context(out, real, gen)
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
    scenario: str | os.PathLike[str] | None = None,
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
    scenario
        The engine scenario of the mission's hidden appraisal (default:
        ``configs/mission_2016.yaml`` above the real extracts).

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
    gen = generate(spec, real, scenario=scenario)
    out = Path(out)
    write_world(out, spec, real, gen)
    log.info("world written to %s in %.1f s", out, time.perf_counter() - t0)
    return out
