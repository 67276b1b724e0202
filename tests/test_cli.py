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


def test_real_extracts_are_found_from_any_directory(tmp_path, monkeypatch, real_dir):
    from cites_priority.world.realdata import find_real_dir

    monkeypatch.delenv("CITES_PRIORITY_REAL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert find_real_dir() == real_dir.resolve()
    monkeypatch.setenv("CITES_PRIORITY_REAL", str(real_dir))
    assert find_real_dir(tmp_path) == real_dir.resolve()


def test_world_help_lists_its_options():
    result = runner.invoke(app, ["world", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--spec", "--seed", "--real"):
        assert option in result.output


def test_make_help_is_the_default_goal():
    import shutil
    import subprocess
    from pathlib import Path

    import pytest

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(["make", "-s"], cwd=root, capture_output=True, text=True, check=True).stdout
    import re

    listed = set(re.findall(r"^\s+(?:\x1b\[\d+m)?([\w-]+)", out, flags=re.M))
    assert {"run", "test", "data", "calibrate", "report", "bench", "qgis-check"} <= listed
