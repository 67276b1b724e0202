"""Shared fixtures: paths to the real extracts committed in data/external/real/."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Scripts run by other interpreters (Debian's QGIS Python), not by pytest.
collect_ignore = ["qgis_check.py"]

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "external" / "real"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Folder of the real public extracts (MBM, IGN, INSEE)."""
    return REAL


@pytest.fixture(scope="session")
def default_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default world (configs/world_default.yaml defaults), built once per session."""
    from cites_priority.world import build_world

    return build_world(tmp_path_factory.mktemp("world") / "raw", real_dir=REAL)


@pytest.fixture(scope="session")
def default_run(default_world: Path, tmp_path_factory: pytest.TempPathFactory):
    """The default scenario run on the default world, once per session: (result, out_dir)."""
    from cites_priority.pipeline import run

    out = tmp_path_factory.mktemp("run") / "processed"
    result = run(None, data_dir=default_world, out_dir=out)
    return result, out


@pytest.fixture(scope="session")
def fast_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default scenario without the Monte Carlo step (same scores and selection, faster)."""
    import yaml

    from cites_priority.pipeline import default_scenario_path

    data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    data.setdefault("outputs", {})["robustness"] = False
    path = tmp_path_factory.mktemp("scenario") / "fast.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
