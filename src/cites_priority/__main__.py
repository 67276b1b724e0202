"""Allow ``python -m cites_priority``."""

from .cli import run_cli

run_cli()
