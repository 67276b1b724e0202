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


@pytest.fixture(scope="session")
def forced_run(default_world: Path, default_run, tmp_path_factory: pytest.TempPathFactory):
    """The default scenario with one cité forced in (rank ~60) and the top cité forced out.

    Returns (result, out_dir, forced_in_id, forced_out_id); run once per session.
    """
    import yaml

    from cites_priority.pipeline import default_scenario_path, run

    base, _ = default_run
    cites = base.cites.sort_values("rank")
    forced_in = int(cites.loc[~cites["selected"] & (cites["rank"] >= 60), "cite_id"].iloc[0])
    forced_out = int(cites.loc[cites["selected"], "cite_id"].iloc[0])
    data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    data["name"] = "variante_imposee"
    data["selection"]["force_in"] = [forced_in]
    data["selection"]["force_out"] = [forced_out]
    folder = tmp_path_factory.mktemp("forced")
    path = folder / "imposee.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = folder / "processed"
    return run(path, data_dir=default_world, out_dir=out), out, forced_in, forced_out
