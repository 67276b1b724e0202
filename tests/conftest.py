"""Shared fixtures: the real extracts, the default world and the default run.

The heavy fixtures are built once per test run. Under pytest-xdist (``make test`` runs two
workers) the default world, run and forced run are built once for all workers, in the run's shared
temporary folder, under a file lock; tests read them and copy them before changing anything.
A file's tests are kept on one worker (``--dist loadfile``), so its module-scoped fixtures
are built once, except the long standalone tests of a few files, spread test by test.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    # the test workers already share the cores: a Monte Carlo in a test solves its draws in
    # its own process (CLI subprocesses inherit this; tests of the forked path set their own)
    os.environ.setdefault("CITES_PRIORITY_WORKERS", "1")

#: Scripts run by other interpreters (Debian's QGIS Python), not by pytest.
collect_ignore = ["qgis_check.py"]

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "external" / "real"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Folder of the real public extracts (MBM, IGN, INSEE)."""
    return REAL


@pytest.fixture(scope="session")
def mission():
    """The default scenario (configs/mission_2016.yaml), read once; it must load without warning."""
    import warnings

    from cites_priority.scenario import load_scenario

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_scenario(ROOT / "configs" / "mission_2016.yaml")


#: Files without module-scoped fixtures whose tests are each long (world builds, full runs):
#: under ``--dist loadfile`` their tests are spread one by one over the workers.
SPREAD_FILES = frozenset({
    "tests/test_world_mission.py",
    "tests/test_world_build.py",
    "tests/test_pipeline.py",
    "tests/test_interrupt.py",
    "tests/bad_inputs/test_run_bad.py",
})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile``, except the tests of :data:`SPREAD_FILES`, scheduled one by one.

    A file's tests stay on one worker, so its module-scoped fixtures are built once.
    """
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD_FILES else path

    return Scheduling(config, log)


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)`` once per test run, its value shared by the xdist workers.

    Without xdist this is a plain call. Under xdist the first worker to ask builds into the
    run's shared temporary folder under a file lock and pickles the value; the others wait
    for the lock and read it back.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # one per run, common to its workers
    done = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder = shared / name
            folder.mkdir()
            value = build(folder)
            done.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            return value
    return pickle.loads(done.read_bytes())


@pytest.fixture(scope="session")
def default_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default world (configs/world_default.yaml defaults), built once per test run.

    Read-only: a test that changes the inputs works on a copy.
    """
    from cites_priority.world import build_world

    return _built_once(tmp_path_factory, "world",
                       lambda folder: build_world(folder / "raw", real_dir=REAL))


@pytest.fixture(scope="session")
def default_run(default_world: Path, tmp_path_factory: pytest.TempPathFactory):
    """The default scenario run on the default world, once per session: (result, out_dir)."""
    from cites_priority.pipeline import run

    def build(folder: Path):
        out = folder / "processed"
        return run(None, data_dir=default_world, out_dir=out), out

    return _built_once(tmp_path_factory, "run", build)


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

    def build(folder: Path):
        path = folder / "imposee.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out = folder / "processed"
        return run(path, data_dir=default_world, out_dir=out), out, forced_in, forced_out

    return _built_once(tmp_path_factory, "forced", build)
