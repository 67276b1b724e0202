"""The commands of the ``cites-priority`` CLI (plain functions; :mod:`.cli` registers them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.status import Status

from ._errors import InputDataError, Problem
from .analysis.explain import smallest_flip, top_contributions, weight_change_to_flip
from .messages import fr_number, label, msg
from .pipeline import Inputs, Progress, input_notes, prepare_inputs, select_for
from .pipeline import run as run_pipeline
from .scenario import dump_scenario, load_scenario
from .scoring import score
from .scoring.availability import weights_with_availability
from .selection.forced import forcing_effect
from .selection.resolve import describe_constraints
from .sources import load_reference

#: Where the commands look for the inputs without ``--data``.
DEFAULT_DATA = Path("data/raw")

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help=(
        "Dossier des données d'entrée : chaque rôle (cités, Filosofi, RPLS, DPE, contexte…) "
        "y est trouvé sous ses noms usuels (voir README, « Entrées ») ; défaut : data/raw, "
        "sauf avec --inputs seul.")),
]


def _data_dir(data: Path | None, inputs: Path | None) -> Path | None:
    """``--data`` as given; by default ``data/raw``, unless an inputs file names the files.

    With ``--inputs`` and no ``--data``, only the inputs file is read: roles it does not name
    are absent, never filled silently from ``data/raw``.
    """
    if data is not None:
        return data
    return None if inputs is not None else DEFAULT_DATA
InputsOpt = Annotated[
    Path | None,
    typer.Option("--inputs", help=(
        "Fichier d'entrées YAML (entrees.yaml) : chemin, couche, SCR, encodage, séparateur "
        "de chaque rôle, pour des fichiers qui gardent leur nom publié.")),
]


def world(
    out: Annotated[Path, typer.Option("--out", help="Dossier où écrire le monde.")] = DEFAULT_DATA,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Spécification YAML (configs/world_default.yaml).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Graine aléatoire.")] = None,
    real: Annotated[
        Path | None,
        typer.Option("--real", help="Dossier des extraits réels (défaut : data/external/real du dépôt)."),
    ] = None,
) -> None:
    """Construit le monde par défaut (extraits réels + simulation documentée)."""
    # the world builder (scipy.ndimage, the real extracts' tooling) only for this command
    from .world import build_world

    build_world(out, spec=spec, seed=seed, real_dir=real)
    typer.echo(f"Monde écrit dans {out}")


ScenarioArg = Annotated[
    Path | None,
    typer.Argument(help="Scénario YAML (défaut : mission_2016, livré avec le paquet)."),
]


def _n(x: float) -> str:
    """Format a count the French way (thin space as thousands separator)."""
    return fr_number(x)


def _pct(x: float) -> str:
    """Format a share as a French percentage (``91 %``)."""
    return fr_number(x, 0, percent=True)


def _progress() -> tuple[Status, Progress]:
    """A rich status spinner whose label each pipeline step updates."""
    console = Console(stderr=True)
    status = console.status("Démarrage…")

    def progress(label: str) -> None:
        status.update(f"[bold]{label}…")

    return status, progress


def _cites_file(inputs: Inputs) -> Path:
    """The cités file of a run's inputs (named in the errors about a cité id)."""
    return Path(inputs.world.inputs.get("cites", inputs.world.data_dir / "cites_minieres.gpkg"))


def run(
    scenario: ScenarioArg = None,
    data: DataOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Dossier des livrables.")] = Path("data/processed"),
    inputs: InputsOpt = None,
) -> None:
    """Lance toute la chaîne : indicateurs, scores, sélection, robustesse, livrables."""
    status, progress = _progress()
    with status:
        result = run_pipeline(scenario, data_dir=_data_dir(data, inputs), out_dir=out,
                              inputs_file=inputs,
                              progress=progress)
    for line in result.extras.get("input_notes", []):
        typer.echo(line)
    short = result.shortlist
    typer.echo(
        f"{len(short)} cités retenues, {_n(short['logements'].sum())} logements "
        f"(phase 1 : {int((short['phase'] == 1).sum())} cités, phase 2 : "
        f"{int((short['phase'] == 2).sum())}) → {out / 'cites_priority.gpkg'}"
    )
    if (out / "atelier.html").is_file():
        typer.echo(f"Atelier (hors ligne, dans un navigateur) : {out / 'atelier.html'}")
    if (out / "cites_priority.qgz").is_file():
        typer.echo(f"Projet QGIS (atlas par EPCI) : {out / 'cites_priority.qgz'}")
    mission = result.extras.get("agreement", {}).get("mission_2016")
    if mission and mission["n_reference"]:
        typer.echo(
            f"Liste de la mission 2016 : {mission['n_common']}/{mission['n_reference']} retenues "
            f"(rappel pondéré par les logements {_pct(mission['logement_recall'])})"
        )
        # lazy: the exporters load matplotlib and rasterio, which the other commands skip
        from .export.report import conditioned_world

        if conditioned_world(result):
            typer.echo(
                "  attention : monde en partie simulé, conditionné sur cette liste ; la "
                "concordance vérifie le moteur, pas la méthode (voir le rapport)"
            )


def validate(
    scenario: Annotated[Path, typer.Argument(help="Scénario YAML à vérifier.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Dossier des données contre lequel résoudre les EPCI et les cités "
            "(défaut : data/raw s'il existe).",
        ),
    ] = None,
    inputs_file: InputsOpt = None,
) -> None:
    """Vérifie un scénario et affiche ses poids et ses contraintes telles qu'appliquées.

    Avec des données (--data, --inputs, ou data/raw s'il existe), les indicateurs sont
    calculés : les poids affichés sont ceux qui seront appliqués, les indicateurs que les
    données ne mesurent pas sont signalés avec le report de leur poids.
    """
    filled = DEFAULT_DATA.is_dir() and any(not f.name.startswith(".")
                                           for f in DEFAULT_DATA.iterdir())
    data = data if data is not None else (
        DEFAULT_DATA if filled and inputs_file is None else None)
    cites = epci = None
    notes: list[str] = []
    if data is None and inputs_file is None:
        sc = load_scenario(scenario)
        table = sc.weight_table()
    else:
        inputs = prepare_inputs(scenario, data_dir=data, inputs=inputs_file)
        sc, cites, epci = inputs.scenario, inputs.world.cites, inputs.world.epci
        table = weights_with_availability(sc.weight_table(), inputs.availability)
        notes = input_notes(inputs)
    typer.echo(msg("validate.ok", name=sc.name))
    typer.echo(msg("validate.weights"))
    for row in table.itertuples():
        gone = "" if getattr(row, "available", True) else "  " + msg("validate.unavailable")
        typer.echo(
            f"  {label('family', row.family):<10} {row.indicator:<28} "
            f"{fr_number(row.effective_weight, 3):>6}  ({label('direction', row.direction)}){gone}"
        )
    if data is None and inputs_file is None:
        typer.echo(msg("validate.no_data"))
    else:
        typer.echo(msg("validate.constraints", data=data if data is not None else inputs_file))
    for line in describe_constraints(sc, cites=cites, epci=epci):
        typer.echo(line)
    for line in notes:
        typer.echo(line)


def compare(
    a: Annotated[Path, typer.Argument(help="GeoPackage du scénario A (avant).")],
    b: Annotated[Path, typer.Argument(help="GeoPackage du scénario B (après).")],
    out: Annotated[Path | None, typer.Option("--out", help="GeoPackage de la couche de différences.")] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="Projet QGIS d'un run (cites_priority.qgz) : en écrire une copie avec la couche "
            "de différences (<nom>_comparaison.qgz, à côté). Demande --out.",
        ),
    ] = None,
) -> None:
    """Compare deux runs : entrées, sorties et changements de rang des cités retenues."""
    # lazy: compare writes through the exporters, which load matplotlib and rasterio
    from .compare import compare_runs, diff_project_path, write_diff

    if project is not None and out is None:
        raise typer.BadParameter("--project demande --out (le GeoPackage de la couche de différences)")

    cmp = compare_runs(a, b)
    typer.echo(f"Entrées ({len(cmp.entries)}) :")
    for r in cmp.entries.itertuples():
        typer.echo(f"  + {r.cite_id} {r.name} (rang {_n(r.rank_a)} → {_n(r.rank_b)})")
    typer.echo(f"Sorties ({len(cmp.exits)}) :")
    for r in cmp.exits.itertuples():
        typer.echo(f"  - {r.cite_id} {r.name} (rang {_n(r.rank_a)} → {_n(r.rank_b)})")
    typer.echo(f"Maintenues : {len(cmp.kept)}")
    if out is not None:
        write_diff(cmp, out, project=project)
        typer.echo(f"Couche de différences : {out}")
        if project is not None:
            typer.echo(f"Projet QGIS avec la comparaison : {diff_project_path(project)}")


def calibrate(
    reference: Annotated[Path, typer.Option("--reference", help="reference_lists.csv (cite_id, list…).")],
    out: Annotated[Path, typer.Option("--out", help="Scénario calibré à écrire (YAML).")],
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Scénario de départ (défaut : mission_2016).")
    ] = None,
    data: DataOpt = None,
    inputs_file: InputsOpt = None,
    list_name: Annotated[
        str, typer.Option("--list", help="Liste de référence à reproduire (colonne `list`).")
    ] = "mission_2016",
    folds: Annotated[int, typer.Option("--cv", help="Nombre de plis de validation croisée.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Graine des plis.")] = 0,
) -> None:
    """Apprend les poids qui reproduisent au mieux une liste de référence à partir des seules données."""
    # lazy: calibration loads scikit-learn, which the other commands skip
    from .analysis.calibration import calibrate as fit

    ref = load_reference(reference)
    ids = ref.loc[ref["list"] == list_name, "cite_id"]
    if ids.empty:
        lists = ", ".join(sorted(ref["list"].unique()))
        raise InputDataError(
            reference,
            [Problem(f"aucune ligne de liste « {list_name} »", field="list",
                     fix=f"donner à --list l'une de : {lists}")],
        )
    status, progress = _progress()
    with status:
        inputs = prepare_inputs(scenario, data_dir=_data_dir(data, inputs_file),
                                inputs=inputs_file, progress=progress)
        unknown = sorted(set(ids) - set(inputs.indicators.index))
        if unknown:
            raise InputDataError(
                reference,
                [
                    Problem(
                        "cités de référence absentes du fichier des cités",
                        field="cite_id",
                        rows=unknown,
                        fix=f"les faire correspondre aux ID_LSM de {_cites_file(inputs)}",
                    )
                ],
            )
        progress("Calibration (validation croisée)")
        res = fit(
            inputs.indicators,
            inputs.scenario,
            ids.tolist(),
            logements=inputs.logements,
            epci=inputs.epci,
            cv=folds,
            seed=seed,
        )
    dump_scenario(res.scenario, out)
    n_ref = len(ids)
    typer.echo(f"Liste de référence « {list_name} » : {n_ref} cités")
    typer.echo(f"Rappel avec les poids de départ : {_pct(res.baseline_recall)}")
    typer.echo(
        f"Rappel avec les poids calibrés : {_pct(res.recall)} ({round(res.recall * n_ref)}/{n_ref}), "
        f"validation croisée : {_pct(res.cv_recall)}"
    )
    typer.echo(
        f"Logements sélectionnés : {_n(res.logements_selected)}, dont cités de référence : "
        f"{_n(res.reference_logements_captured)}"
    )
    fam = res.weights.groupby("family")["weight_after"].sum()
    typer.echo("Poids calibrés par famille : " + ", ".join(
        f"{label('family', k)} {fr_number(v, 2)}" for k, v in fam.items()))
    if not res.near_misses.empty:
        typer.echo("Quasi-sélections :")
        labels = {"reference_outside": "référence non retenue", "non_reference_inside": "retenue hors référence"}
        for r in res.near_misses.head(10).itertuples():
            name = inputs.cites["name"].get(r.cite_id, "")
            typer.echo(f"  {labels.get(r.kind, r.kind):<23} {r.cite_id} {name} (rang {r.rank})")
    typer.echo(f"Scénario calibré : {out}")


def explain(
    cite_id: Annotated[int, typer.Argument(help="Identifiant de la cité (ID_LSM).")],
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Scénario (défaut : mission_2016).")
    ] = None,
    data: DataOpt = None,
    inputs_file: InputsOpt = None,
    n: Annotated[int, typer.Option("--top", help="Nombre de contributions affichées.")] = 6,
) -> None:
    """Pourquoi cette cité a son rang, et le plus petit changement de poids qui la ferait basculer."""
    # lazy: the export package loads matplotlib and rasterio, which the other commands skip
    from .export.aliases import alias

    status, progress = _progress()
    with status:
        inputs = prepare_inputs(scenario, data_dir=_data_dir(data, inputs_file),
                                inputs=inputs_file, progress=progress)
        if cite_id not in inputs.indicators.index:
            raise InputDataError(
                _cites_file(inputs),
                [Problem(msg("explain.unknown_cite", cite_id=cite_id), field="ID_LSM",
                         fix="donner un identifiant de cité existant (ID_LSM)")],
            )
        progress("Notation et sélection")
        scored = score(inputs.indicators, inputs.scenario)
        selected = select_for(inputs.scenario, scored.table["score"], inputs.logements, inputs.epci)
        effect = forcing_effect(inputs.scenario, cite_id, scores=scored.table["score"],
                                logements=inputs.logements, epci=inputs.epci, selected=selected)
        flips = None
        if effect is None:
            progress("Recherche du plus petit changement de poids")
            flips = weight_change_to_flip(
                inputs.indicators, inputs.scenario, cite_id, logements=inputs.logements,
                epci=inputs.epci,
            )
    row = scored.table.loc[cite_id]
    names = inputs.cites["name"]
    name = names.loc[cite_id]
    typer.echo(msg(
        "explain.head", name=name, cite_id=cite_id, rank=int(row["rank"]), n=len(scored.table),
        score=fr_number(row["score"], 3), state=label("state", bool(selected.loc[cite_id])),
    ))
    typer.echo(msg("explain.families", parts=", ".join(
        f"{label('family', c.removeprefix('score_'))} {fr_number(row[c], 2)}"
        for c in scored.table.columns if c.startswith("score_")
    )))
    typer.echo(msg("explain.top"))
    top = top_contributions(scored.contributions, cite_id, n, weights=scored.weights)
    for r in top.itertuples():
        fam = label("family", getattr(r, "family", "")) if isinstance(getattr(r, "family", None), str) else ""
        typer.echo(f"  {fam:<10} {alias(r.indicator):<40} {fr_number(r.contribution, 3, sign=True)}")
    if effect is not None:
        shown = ", ".join(f"{names.loc[c]} ({c})" for c in (
            effect.displaced if effect.kind == "in" else effect.replacing)) or msg("validate.none")
        key = "explain.forced_in" if effect.kind == "in" else "explain.forced_out"
        typer.echo(msg(key, rank=int(row["rank"]), score=fr_number(row["score"], 3),
                       state=label("state", effect.selected_unforced), displaced=shown))
        return
    best = smallest_flip(flips)
    if best is None:
        typer.echo(msg("explain.no_flip"))
    else:
        typer.echo(msg(
            "explain.flip", family=label("family", best["family"]),
            before=fr_number(best["weight_before"], 3), after=fr_number(best["weight_after"], 3),
            change=fr_number(best["change"], 3, sign=True), effect=label("flip_verb", best["effect"]),
        ))


#: The commands, in the order ``--help`` lists them.
COMMANDS = (world, run, validate, compare, calibrate, explain)
