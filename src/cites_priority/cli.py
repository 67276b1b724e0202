"""Command-line interface: ``cites-priority`` (typer).

The CLI is the only place that installs logging handlers and turns typed errors into
one-line messages with exit code 1 (traceback only with ``-v``).
"""

from __future__ import annotations

import functools
import logging
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from types import FrameType
from typing import Annotated, NoReturn, ParamSpec, TextIO, TypeVar

import typer
from rich.logging import RichHandler

from . import __version__, commands
from ._errors import CitesPriorityError

app = typer.Typer(
    name="cites-priority",
    help=(
        "Priorisation des cités minières du Bassin minier du Nord-Pas-de-Calais : "
        "monde par défaut, indicateurs, scénarios, sélection et livrables QGIS."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_STATE = {"verbose": False}

_P = ParamSpec("_P")
_R = TypeVar("_R")

DEFAULT_DATA = commands.DEFAULT_DATA


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cites-priority {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Affiche les traces d'appel et les journaux de débogage.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Affiche la version."),
    ] = False,
) -> None:
    """Moteur de priorisation des cités minières."""
    _STATE["verbose"] = verbose
    signal.signal(signal.SIGTERM, _terminate_cleanly)
    # Third-party libraries (pyogrio, matplotlib...) stay at WARNING; our own loggers
    # report progress at INFO, or DEBUG with -v.
    logging.basicConfig(
        level=logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(show_path=False, rich_tracebacks=verbose)],
        force=True,
    )
    logging.getLogger("cites_priority").setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        def _one_line(message: Warning | str, category: type[Warning], filename: str,
                      lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
            typer.echo(f"Attention : {message}", err=True)

        warnings.showwarning = _one_line


def fail(exc: BaseException) -> NoReturn:
    """Print ``exc`` as one line on stderr and exit 1 (traceback with ``-v``)."""
    if _STATE["verbose"]:
        traceback.print_exception(exc)
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    typer.echo(f"Erreur : {first}", err=True)
    raise typer.Exit(code=1)


def guarded(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate a command so typed errors become a one-line message and exit 1."""
    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except BrokenPipeError:  # output piped into `head`: not an error of ours
            sys.stderr.close()
            raise typer.Exit(code=0) from None
        except (CitesPriorityError, OSError, KeyboardInterrupt) as exc:
            fail(exc)

    return wrapper


def _terminate_cleanly(signum: int, frame: FrameType | None) -> NoReturn:  # pragma: no cover - exercised in a subprocess
    """Turn SIGTERM into an exception so staging files are removed on the way out."""
    raise KeyboardInterrupt(f"interrompu par le signal {signum}; les livrables précédents sont intacts")


def run_cli() -> None:  # pragma: no cover - console entry point
    """Entry point used by ``python -m cites_priority``."""
    app(prog_name="cites-priority")


for _command in commands.COMMANDS:
    app.command()(guarded(_command))

if __name__ == "__main__":  # pragma: no cover
    run_cli()
