"""Headless QGIS opens the exported GeoPackage and rasters styled (tests/qgis_check.py)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

import pytest

from cites_priority.export import write_geopackage, write_rasters
from cites_priority.export.aliases import FIELD_ALIASES
from export_fixtures import make_run_result

DEBIAN_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("qgis_check.py")


@functools.cache
def _has_qgis() -> bool:
    if not Path(DEBIAN_PYTHON).exists():
        return False
    try:
        run = subprocess.run([DEBIAN_PYTHON, "-c", "import qgis.core"], capture_output=True,
                             timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0


pytestmark = [
    pytest.mark.qgis,
    pytest.mark.skipif(not _has_qgis(), reason="Debian python3-qgis not installed"),
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": "/tmp"}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([DEBIAN_PYTHON, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=240, env=env)


def test_qgis_opens_layers_styled_with_french_aliases(tmp_path: Path) -> None:
    result = make_run_result()
    gpkg = write_geopackage(result, tmp_path / "run.gpkg")
    rasters = write_rasters(result, tmp_path / "rasters")
    fields = ["name", "score", "rank", "p_selected", "priority_class", "phase", "in_erbm"]
    aliases = tmp_path / "aliases.json"
    aliases.write_text(json.dumps({f: FIELD_ALIASES[f] for f in fields}), encoding="utf-8")
    run = _run(str(gpkg), "--aliases", str(aliases), "--rasters", str(rasters[0].parent))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "cites: 543 features, renderer=categorizedSymbol, attr=priority_class" in run.stdout
    assert "shortlist: 25 features, renderer=categorizedSymbol, attr=phase" in run.stdout
    assert "cites: 7 aliases checked" in run.stdout
    assert "reference: 82 features, renderer=categorizedSymbol" in run.stdout
    assert "grappes: 2 features, renderer=singleSymbol, labels=True" in run.stdout
    assert f"carreaux_200m: {len(result.cells)} features, renderer=categorizedSymbol" \
        in run.stdout
    assert "renderer=paletted" in run.stdout and "renderer=singlebandpseudocolor" in run.stdout


def test_qgis_check_fails_on_unstyled_file(tmp_path: Path) -> None:
    import pyogrio

    result = make_run_result()
    plain = tmp_path / "plain.gpkg"
    for name in ("cites", "shortlist"):
        pyogrio.write_dataframe(getattr(result, name), plain, layer=name)
    run = _run(str(plain))
    assert run.returncode == 1
    assert "expected categorizedSymbol" in run.stdout
