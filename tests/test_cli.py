"""The console script answers --help and --version."""

from __future__ import annotations

from typer.testing import CliRunner

from cites_priority import __version__
from cites_priority.cli import app

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "world" in result.output


def test_public_api_resolves():
    import cites_priority as cp

    for name in cp.__all__:
        assert getattr(cp, name) is not None, name
    assert callable(cp.run) and callable(cp.load_world) and callable(cp.score)
