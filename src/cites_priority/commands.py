"""The commands of the ``cites-priority`` CLI, registered on :data:`cli.app`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli import DEFAULT_DATA, app, guarded

DataOpt = Annotated[
    Path,
    typer.Option("--data", help="Dossier des données d'entrée (organisé comme data/raw/)."),
]


@app.command()
@guarded
def world(
    out: Annotated[Path, typer.Option("--out", help="Dossier où écrire le monde.")] = DEFAULT_DATA,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Spécification YAML (configs/world_default.yaml).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Graine aléatoire.")] = None,
) -> None:
    """Build the embedded default world (real extracts + documented simulation)."""
    from .world import build_world

    build_world(out, spec=spec, seed=seed)
    typer.echo(f"Monde écrit dans {out}")


ScenarioArg = Annotated[
    Path | None,
    typer.Argument(help="Scénario YAML (défaut : mission_2016, livré avec le paquet)."),
]


def _progress():
    """A rich status spinner whose label each pipeline step updates."""
    from rich.console import Console

    console = Console(stderr=True)
    status = console.status("Démarrage…")
    return status, (lambda label: status.update(f"[bold]{label}…"))


@app.command()
@guarded
def run(
    scenario: ScenarioArg = None,
    data: DataOpt = DEFAULT_DATA,
    out: Annotated[Path, typer.Option("--out", help="Dossier des livrables.")] = Path("data/processed"),
) -> None:
    """Run the whole pipeline: indicators, scores, selection, robustness, deliverables."""
    from .pipeline import run as run_pipeline

    status, progress = _progress()
    with status:
        result = run_pipeline(scenario, data_dir=data, out_dir=out, progress=progress)
    short = result.shortlist
    typer.echo(
        f"{len(short)} cités retenues, {int(short['logements'].sum())} logements "
        f"(phase 1 : {int((short['phase'] == 1).sum())} cités, phase 2 : "
        f"{int((short['phase'] == 2).sum())}) → {out / 'cites_priority.gpkg'}"
    )


@app.command()
@guarded
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scénario YAML à vérifier.")],
) -> None:
    """Check a scenario file and print its resolved weights."""
    from .pipeline import _weights_table
    from .scenario import load_scenario

    sc = load_scenario(scenario)
    table = _weights_table(sc)
    typer.echo(f"Scénario valide : {sc.name}")
    for row in table.itertuples():
        typer.echo(f"  {row.family:<9} {row.indicator:<28} {row.global_weight:6.3f}  ({row.direction})")


@app.command()
@guarded
def compare(
    a: Annotated[Path, typer.Argument(help="GeoPackage du scénario A (avant).")],
    b: Annotated[Path, typer.Argument(help="GeoPackage du scénario B (après).")],
    out: Annotated[Path | None, typer.Option("--out", help="GeoPackage de la couche de différences.")] = None,
) -> None:
    """Compare two runs: entries, exits and rank moves of the shortlist."""
    from .compare import compare_runs, write_diff

    cmp = compare_runs(a, b)
    typer.echo(f"Entrées ({len(cmp.entries)}) :")
    for r in cmp.entries.itertuples():
        typer.echo(f"  + {r.cite_id} {r.name} (rang {r.rank_a:.0f} → {r.rank_b:.0f})")
    typer.echo(f"Sorties ({len(cmp.exits)}) :")
    for r in cmp.exits.itertuples():
        typer.echo(f"  - {r.cite_id} {r.name} (rang {r.rank_a:.0f} → {r.rank_b:.0f})")
    typer.echo(f"Maintenues : {len(cmp.kept)}")
    if out is not None:
        write_diff(cmp, out)
        typer.echo(f"Couche de différences : {out}")
