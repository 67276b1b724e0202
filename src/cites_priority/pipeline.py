"""The whole pipeline: world folder + scenario → RunResult → files in the output folder.

``run`` computes everything in memory first, then writes every output into a staging
folder inside ``out_dir`` and moves the files into place only once all of them are
complete, so a failed or interrupted run leaves ``out_dir`` as it was.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd

from . import __version__
from ._atomic import TMP_PREFIX, sweep_stale_temporaries
from ._errors import InputDataError, OutputError, Problem
from .analysis.explain import family_contributions, top_contributions_table
from .analysis.flips import explanations, forcing_swaps
from .analysis.reference import reference_agreement, reference_ids
from .analysis.robustness import monte_carlo
from .analysis.stress import family_weight_intervals, stress_test
from .indicators import compute_indicators
from .indicators.social import ruc_class
from .messages import fr_number, msg
from .result import RunExtras, RunResult
from .scenario import Scenario, dump_scenario, load_scenario, scenario_hash
from .scoring import score
from .scoring.availability import Availability, apply_availability, weights_with_availability
from .selection import assign_phases, select
from .selection.fastpath import ForkedCall, default_workers, fork_call
from .selection.frontier import frontier
from .selection.grappes import build_grappes
from .selection.milp import selection_kwargs
from .selection.resolve import resolve_selection
from .sources import World, load_world
from .types import IndicatorTable, Selection

__all__ = [
    "OUTPUT_FILES",
    "Inputs",
    "Progress",
    "as_scenario",
    "compute",
    "default_scenario_path",
    "prepare_inputs",
    "select_for",
    "run",
    "write_outputs",
]

log = logging.getLogger(__name__)

#: Files ``run`` always writes into the output folder with the default outputs (plus the
#: static PNG maps beside the report, and the 200 m GeoTIFFs when ``outputs.rasters``).
OUTPUT_FILES = (
    "cites_priority.gpkg", "shortlist.csv", "report.html", "atelier.html", "scenario_resolved.yaml",
)

#: Called with a short French label before each step of a run (a progress display).
Progress: TypeAlias = Callable[[str], None]


def default_scenario_path() -> Path:
    """Return the packaged default scenario (``mission_2016.yaml``)."""
    # the file ships inside the package; configs/mission_2016.yaml is a link to it
    return Path(str(files("cites_priority") / "scenarios" / "mission_2016.yaml"))


def as_scenario(scenario: Scenario | str | os.PathLike[str] | None) -> Scenario:
    """Return ``scenario`` itself, the scenario read from that YAML, or the packaged default.

    Parameters
    ----------
    scenario
        A :class:`~cites_priority.scenario.Scenario`, a path, or ``None``.

    Returns
    -------
    Scenario
        As given or as read (not resolved: weights as written).
    """
    if isinstance(scenario, Scenario):
        return scenario
    return load_scenario(scenario or default_scenario_path())


def _noop(_: str) -> None:
    return None


def _tercile_bins(values: np.ndarray) -> np.ndarray:
    """Tercile class of each value, 0 (lowest) … 2: ``mapclassify.Quantiles(k=3).yb``.

    The same arithmetic (scipy's ``scoreatpercentile`` with fraction interpolation, classes
    ``bins[j-1] < y <= bins[j]``) without importing mapclassify (and scikit-learn) at run
    time.

    Examples
    --------
    >>> _tercile_bins(np.array([5.0, 1.0, 3.0, 2.0, 4.0, 6.0])).tolist()
    [2, 0, 1, 0, 1, 2]
    """
    y = np.asarray(values, dtype=float).ravel()
    v = np.sort(y)
    w = 100.0 / 3
    pct = np.arange(w, 100 + w, w)
    if pct[-1] > 100.0:
        pct[-1] = 100.0
    q = []
    for per in pct:
        idx = per / 100.0 * (len(v) - 1)
        i = int(idx)
        if i == idx:
            q.append(v[i])
        else:
            wt = np.array([(i + 1 - idx), (idx - i)], float)
            q.append(np.add.reduce(v[i : i + 2] * wt) / wt.sum())
    bins = np.unique(np.array(q))
    return np.searchsorted(bins, y, side="left")


def _priority_class(score: pd.Series, rank: pd.Series, n_cites: int) -> pd.Series:
    """Priority class 1 (highest) … 5 of each cité, from its score alone.

    1 = the ``n_cites`` best-ranked cités, 2 = the next ``n_cites``, then the others split
    in three classes by terciles of their score (3 = highest third of them). The class
    does not depend on the selection: a cité forced in or kept out by a constraint keeps
    the class of its score (the selection and the phase are separate fields).
    """
    cls = pd.Series(5, index=score.index, dtype="int64")
    r = rank.reindex(score.index)
    cls[r <= n_cites] = 1
    cls[(r > n_cites) & (r <= 2 * n_cites)] = 2
    rest = score[~(r <= 2 * n_cites)].dropna()
    if len(rest) >= 3 and rest.nunique() >= 3:
        bins = _tercile_bins(rest.to_numpy())  # 0 lowest … 2 highest
        cls[rest.index] = 5 - bins
    return cls


def synthetic_cites(provenance: pd.DataFrame | None, cite_ids: pd.Index) -> pd.Series:
    """Flag the cités the simulation added (no real polygon in the MBM inventory).

    The world's ``provenance.csv`` states the id range of its synthetic cités in the rule
    of ``cites_minieres.ID_LSM`` (``"… cités simulées 2001+"``, or the former English
    ``"synthetic cités 2001+"``); without that row (a real inventory) no cité is flagged.

    Parameters
    ----------
    provenance
        The world's provenance table, or ``None``.
    cite_ids
        The cités' ids.

    Returns
    -------
    pandas.Series
        Boolean, indexed like ``cite_ids``.
    """
    flag = pd.Series(False, index=cite_ids, dtype=bool)
    if provenance is None or not {"dataset", "field", "rule"} <= set(provenance.columns):
        return flag
    rows = provenance.loc[
        (provenance["dataset"] == "cites_minieres") & (provenance["field"] == "ID_LSM"), "rule"
    ]
    for rule in rows.astype(str):
        m = re.search(r"(?:cités simulées|synthetic cit\S*) (\d+)\+", rule)
        if m:
            start = int(m.group(1))
            ids = pd.Series(cite_ids, index=cite_ids)
            # synthetic ids count up from `start`, within its number of digits (2001–9999);
            # the real ids above (10010, 1000xx) are longer
            flag = (ids >= start) & (ids < 10 ** len(m.group(1)))
            return flag.astype(bool)
    return flag


def _forced(scenario: Scenario, index: pd.Index) -> pd.Series:
    """``in`` for force_in, ``out`` for force_out, NA otherwise."""
    forced = pd.Series(pd.NA, index=index, dtype="string")
    forced[index.isin(list(scenario.selection.force_in))] = "in"
    forced[index.isin(list(scenario.selection.force_out))] = "out"
    return forced


@dataclass(frozen=True)
class Inputs:
    """A scenario with the world it reads and the indicators computed from it.

    Attributes
    ----------
    scenario
        The scenario resolved against the data (EPCI keys as SIREN codes) and with the
        weights of the indicators the data cannot measure moved (``availability``).
    world
        The inputs read (:func:`cites_priority.sources.load_world`).
    indicators
        The indicator table (``docs/contracts.md`` §3).
    cites
        The world's cités indexed by ``cite_id`` (the column kept).
    logements, epci
        Dwellings (float) and EPCI code per cité, indexed like ``indicators``.
    availability
        Which indicators the data measures and where the others' weights went.
    """

    scenario: Scenario
    world: World
    indicators: IndicatorTable
    cites: gpd.GeoDataFrame
    logements: pd.Series
    epci: pd.Series
    availability: Availability


def prepare_inputs(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None,
    inputs: str | os.PathLike[str] | None = None,
    progress: Progress = _noop,
) -> Inputs:
    """Load the scenario and the world, compute the indicators (shared by every command).

    Parameters
    ----------
    scenario
        A :class:`~cites_priority.scenario.Scenario` (e.g. built with
        :meth:`~cites_priority.scenario.Scenario.with_weights`), a scenario YAML, or
        ``None`` for the packaged default.
    data_dir
        A folder holding the inputs (found by role: the world layout or the producers'
        own names); may be None when ``inputs`` names every required file.
    inputs
        An inputs file (``entrees.yaml``) naming files, layers and reading overrides.
    progress
        Called with a short French label before each step.

    Returns
    -------
    Inputs
    """

    progress("Lecture du scénario")
    declared = as_scenario(scenario)
    progress("Lecture des données")
    world = load_world(data_dir, inputs=inputs)
    # every EPCI key and cité id of the scenario must exist in the data: nothing is ignored
    declared = resolve_selection(declared, cites=world.cites, epci=world.epci,
                                 data=data_dir if data_dir is not None else world.data_dir)
    progress("Calcul des indicateurs")
    indicators = compute_indicators(world)
    scenario, availability = apply_availability(indicators, declared)
    # indexed by cite_id, the column kept (sources.load_world; docs/contracts.md §2)
    cites = world.cites.set_index(pd.Index(world.cites["cite_id"].to_numpy(), name="cite_id"))
    logements = indicators["logements"].astype("float64")
    if logements.isna().any():
        missing = logements.index[logements.isna()].tolist()
        raise InputDataError(
            world.inputs.get("cites", Path(data_dir or ".")),
            [
                Problem(
                    msg("inputs.missing_logements"),
                    field="NB_LOGTS",
                    rows=missing,
                    fix=msg("inputs.missing_logements_fix"),
                )
            ],
        )
    epci = cites["epci"].reindex(indicators.index)
    return Inputs(scenario, world, indicators, cites, logements, epci, availability)


def input_notes(inputs: Inputs) -> list[str]:
    """French lines saying what the inputs left out, estimated or could not measure.

    Printed by ``run`` and shown in the report: rows of the dwelling files left out (no
    coordinates, outside the study area), logements estimated rather than counted,
    indicators unavailable and where their weight went, families accepted as incomplete.
    """

    labels = {"rpls": "RPLS", "dpe": "DPE", "inventaire": "Inventaire du bailleur"}
    lines = []
    for role, rows in inputs.world.rows_left_out.items():
        if rows["without_coordinates"] + rows["outside"]:
            lines.append(msg(
                "inputs.rows_left_out", source=labels[role], read=fr_number(rows["read"]),
                kept=fr_number(rows["kept"]), no_coords=fr_number(rows["without_coordinates"]),
                share=fr_number(rows["without_coordinates"] / rows["read"], 1, percent=True),
                outside=fr_number(rows["outside"])))
    source = inputs.indicators.get("logements_source")
    if source is not None:
        counts = source.value_counts()
        estimated = int(counts.drop("inventaire", errors="ignore").sum())
        if estimated:
            parts = ", ".join(msg("inputs.logements_part", n=int(counts[k]), source=k)
                              for k in ("rpls", "filosofi") if k in counts)
            lines.append(msg("inputs.logements_estimated", n=estimated, parts=parts))
    av = inputs.availability
    for ind in av.unavailable:
        lines.append(msg("inputs.unavailable", indicator=ind, note=av.notes[ind]))
    for fam, share in av.incomplete.items():
        lines.append(msg("inputs.incomplete", family=fam,
                         share=fr_number(share, 0, percent=True)))
    return lines


def select_for(
    scenario: Scenario, scores: pd.Series, logements: pd.Series, epci: pd.Series | None
) -> Selection:
    """Run the scenario's selection (MILP) on ``scores``; boolean Series by ``cite_id``."""

    return select(
        scores.to_frame("score"), scores=scores, logements=logements, epci=epci, **selection_kwargs(scenario)
    )


def compute(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None,
    inputs_file: str | os.PathLike[str] | None = None,
    progress: Progress = _noop,
) -> RunResult:
    """Run the engine in memory.

    Parameters
    ----------
    scenario
        A :class:`~cites_priority.scenario.Scenario`, a scenario YAML, or ``None`` for the
        packaged default.
    data_dir
        The folder holding the inputs, found by role (``sources.inputs``).
    inputs_file
        An inputs file (``entrees.yaml``) naming files, layers and reading overrides.
    progress
        Called with a short French label before each step.

    Returns
    -------
    RunResult
    """
    inputs = prepare_inputs(scenario, data_dir=data_dir, inputs=inputs_file,
                            progress=progress)
    scenario, world, indicators = inputs.scenario, inputs.world, inputs.indicators
    cites, logements, epci = inputs.cites, inputs.logements, inputs.epci

    progress("Notation multicritère")
    scored = score(indicators, scenario)
    table = scored.table
    progress("Sélection optimale (MILP)")
    selected = select_for(scenario, table["score"], logements, epci)
    phases = scenario.selection.phases
    phase = assign_phases(
        selected, scores=table["score"], logements=logements, count=phases.count, rule=phases.rule
    )
    progress("Robustesse (Monte Carlo sur les poids)")
    if scenario.outputs.robustness:
        robust = monte_carlo(
            indicators,
            scenario,
            logements=logements,
            epci=epci,
            on_draw=lambda done, total: progress(f"Robustesse : tirage {done}/{total}"),
        )
    else:
        robust = pd.DataFrame(
            {"p_selected": np.nan, "rank_p05": np.nan, "rank_p95": np.nan, "robustness_class": "non calculée"},
            index=indicators.index,
        )

    out = cites.drop(columns=[c for c in indicators.columns if c in cites.columns])
    out = out.join(indicators).join(table.drop(columns=[c for c in table.columns if c in indicators.columns]))
    out["selected"] = selected.reindex(out.index).fillna(False).astype(bool)
    out["phase"] = phase.reindex(out.index).fillna(0).astype("int64")
    out["phase_period"] = out["phase"].map(phases.period_labels()).astype("string")
    out["priority_class"] = _priority_class(out["score"], out["rank"], scenario.selection.n_cites)
    out["forced"] = _forced(scenario, out.index)
    out = out.join(robust[["p_selected", "rank_p05", "rank_p95", "robustness_class"]])
    # a forced cité's selection is the scenario's decision, not a probability
    imposed = out["forced"].notna()
    out.loc[imposed, "p_selected"] = np.nan
    out["robustness_class"] = out["robustness_class"].astype("string")
    out.loc[out["forced"] == "in", "robustness_class"] = "forced"
    out.loc[out["forced"] == "out", "robustness_class"] = "excluded"
    stress = None
    if scenario.outputs.robustness:
        progress("Scénarios voisins (table de stress)")
        stress = stress_test(indicators, scenario, logements=logements, epci=epci)
        out["stress_share"] = stress.share.reindex(out.index)
        # "Noyau stable" only for cités every nearby scenario keeps
        fragile = (out["robustness_class"] == "core") & (out["stress_share"] < 1)
        out.loc[fragile, "robustness_class"] = "borderline"
    else:
        out["stress_share"] = np.nan
    out["forced_swap"] = forcing_swaps(scenario, table["score"], logements, epci, selected, out)
    out["synthetique"] = synthetic_cites(world.provenance, out.index).to_numpy()
    if scenario.outputs.explanations:
        progress("Explications (contributions, changements de poids)")
        # the flips cover the cités a nearby scenario demoted from "core" too
        classes = out["robustness_class"].reindex(robust.index)
        out = out.join(explanations(inputs, scored, robust.assign(robustness_class=classes)))
    ref = world.reference
    ref_ids = reference_ids(ref)
    out["in_mission_list"] = out.index.isin(list(ref_ids["mission_2016"]))
    out["in_erbm"] = out.index.isin(list(ref_ids["erbm"]))
    if "epci" in out.columns and world.epci is not None:
        names = world.epci.drop_duplicates("epci").set_index("epci")["name"]
        out.insert(out.columns.get_loc("epci") + 1, "epci_nom", out["epci"].map(names).astype("string"))
    # rank order, indexed by cite_id like every table keyed by cité (contracts §5)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=world.cites.crs)
    out = out.sort_values("rank", kind="stable")
    shortlist = out[out["selected"]].sort_values(["phase", "rank"])

    progress("Grappes et carreaux")
    grappes = build_grappes(shortlist.reset_index(drop=True), world.centralities)
    cells = _cells_used(world.cells, out)

    weights = weights_with_availability(scored.weights, inputs.availability)
    provenance = (
        world.provenance
        if world.provenance is not None
        else pd.DataFrame(columns=["dataset", "field", "status", "source", "licence", "rule"])
    )
    selected_by_id = out["selected"]
    logements_by_id = out["logements"].astype("float64")
    extras: RunExtras = {
        "agreement": reference_agreement(selected_by_id, ref, logements_by_id),
        "communes": world.communes,
        "epci": world.epci,
        "centralities": world.centralities,
        "input_notes": input_notes(inputs),
        "n_draws": int(scenario.robustness.draws),
        "stress": stress,
        # the atelier recomputes scores in the page from these (contracts §5)
        "normalised": scored.normalised,
        "score_method": scored.method,
        "frontier": frontier(table["score"], logements, epci=epci, **selection_kwargs(scenario)),
        # the report renders these numbers, it does not compute them (contracts §5)
        "top_contributions": top_contributions_table(scored.contributions, 3, weights=weights),
        "family_contributions": family_contributions(scored.contributions, weights),
        "perturbation": family_weight_intervals(weights, scenario.robustness.concentration)
        if scenario.outputs.robustness
        else None,
    }
    return RunResult(
        cites=out,
        shortlist=shortlist,
        cells=cells,
        contributions=scored.contributions,
        weights=weights,
        scenario=scenario,
        scenario_hash=scenario_hash(scenario),
        provenance=provenance,
        reference=ref,
        grappes=grappes,
        checksums=dict(world.checksums),
        version=__version__,
        extras=extras,
    )


def _cells_used(cells: gpd.GeoDataFrame, cites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The cells touching a cité, with their own niveau de vie, poverty rate and RUC class."""
    hit = cells.sindex.query(cites.geometry.to_numpy(), predicate="intersects")[1]
    used = cells.iloc[np.unique(hit)].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        used["niveau_vie"] = used["ind_snv"] / used["ind"].where(used["ind"] > 0)
        if {"men_pauv", "men"} <= set(used.columns):
            used["poverty_rate"] = used["men_pauv"] / used["men"].where(used["men"] > 0)
    used["ruc_class"] = ruc_class(used["niveau_vie"])
    return used.reset_index(drop=True)


def write_outputs(result: RunResult, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every output of ``result`` into ``out_dir``, all or nothing.

    Parameters
    ----------
    result
        What :func:`compute` returned.
    out_dir
        Destination folder (created if needed).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    OutputError
        If the folder cannot be written; ``out_dir`` is then unchanged.
    """
    # export loads matplotlib and rasterio (~1 s): only a run that writes files needs it
    from .export import (
        write_atelier,
        write_geopackage,
        write_qgis_project,
        write_rasters,
        write_report,
        write_shortlist_csv,
        write_static_maps,
    )

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        sweep_stale_temporaries(out)
        stage = out / f"{TMP_PREFIX}{os.getpid()}-stage"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
    except OSError as exc:
        raise OutputError(
            f"{out} : impossible d'écrire les livrables ({exc.strerror or exc}) ; "
            "correction : rendre le dossier accessible en écriture, libérer de "
            "l'espace disque ou choisir un autre --out"
        ) from exc
    flags = result.scenario.outputs

    def pictures() -> None:
        """The static maps and the rasters (matplotlib and GDAL, independent of the rest)."""
        if flags.report:
            write_static_maps(result, stage)
        if flags.rasters:
            write_rasters(result, stage)

    child: ForkedCall | None = None
    try:
        # the pictures are drawn in a forked child while this process writes the rest
        # (2 cores: ~1.5 s less); CITES_PRIORITY_WORKERS=1 or no fork: one after the other
        if (flags.report or flags.rasters) and default_workers() > 1:
            child = fork_call(pictures)
        if flags.geopackage:
            write_geopackage(result, stage / "cites_priority.gpkg")
        if flags.shortlist_csv:
            write_shortlist_csv(result, stage / "shortlist.csv")
        if flags.report:
            write_report(result, stage / "report.html")
            write_atelier(result, stage / "atelier.html")
        if child is None:
            pictures()
        else:
            # the child's exception is raised here, as if this process had written them
            running, child = child, None
            try:
                running.join()
            finally:
                running.kill()
        if flags.geopackage:  # after the rasters: the project lists those written
            write_qgis_project(result, stage)
        dump_scenario(result.scenario, stage / "scenario_resolved.yaml")
        # every file is complete: move them in (renames within one folder, near-instant)
        written = []
        for name in sorted(p.name for p in stage.iterdir()):
            os.replace(stage / name, out / name)
            written.append(out / name)
        return written
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(
            f"{out} : impossible d'écrire les livrables ({exc.strerror or exc}) ; "
            "correction : libérer de l'espace disque ou choisir un autre --out ; "
            "les livrables précédents sont conservés"
        ) from exc
    finally:
        if child is not None:  # this process failed first: stop the child before cleaning
            child.kill()
        shutil.rmtree(stage, ignore_errors=True)


def run(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None,
    out_dir: str | os.PathLike[str],
    inputs_file: str | os.PathLike[str] | None = None,
    progress: Progress = _noop,
) -> RunResult:
    """Compute and write: the ``cites-priority run`` command.

    Parameters
    ----------
    scenario
        A :class:`~cites_priority.scenario.Scenario`, a scenario YAML, or ``None`` for the
        packaged default.
    data_dir
        A world folder laid out like ``data/raw/``.
    out_dir
        Destination of ``cites_priority.gpkg``, ``shortlist.csv``, ``report.html`` and the
        resolved scenario.
    progress
        Called with a short French label before each step.

    Returns
    -------
    RunResult
    """
    result = compute(scenario, data_dir=data_dir, inputs_file=inputs_file,
                     progress=progress)
    progress("Écriture des livrables")
    write_outputs(result, out_dir)
    return result
