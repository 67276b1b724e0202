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
