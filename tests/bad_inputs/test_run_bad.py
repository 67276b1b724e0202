"""Bad inputs through the real command line: exit 1, one line naming file, field and fix.

Each case copies the default world, breaks one thing, runs ``cites-priority`` in a
subprocess (as an analyst would) and checks: non-zero exit, no traceback, a message that
names the file and the field, and that a previous output folder is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import yaml

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "cites_priority"]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def assert_clean_failure(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    err = proc.stderr
    assert "Traceback" not in err, err
    assert err.strip().startswith("Erreur :"), err
    for needle in needles:
        assert needle in err, (needle, err)
    assert "correction" in err or "assouplir" in err or "augmenter" in err or "baisser" in err, err
    return err


@pytest.fixture
def world(default_world: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(default_world, copy)
    return copy


@pytest.fixture
def previous(default_run, tmp_path: Path) -> Path:
    """An output folder holding yesterday's good results."""
    _, out = default_run
    prev = tmp_path / "processed"
    shutil.copytree(out, prev)
    return prev


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def scenario_file(tmp_path: Path, edit) -> Path:
    from cites_priority.pipeline import default_scenario_path

    data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_truncated_cites_geopackage_keeps_previous_outputs(world, previous):
    gpkg = world / "cites_minieres.gpkg"
    gpkg.write_bytes(gpkg.read_bytes()[:50_000])
    before = snapshot(previous)
    err = assert_clean_failure(cli("run", "--data", str(world), "--out", str(previous)), "cites_minieres.gpkg")
    assert "tronqué ou corrompu" in err or "GeoPackage" in err
    assert snapshot(previous) == before


def test_missing_cites_file(world, tmp_path):
    (world / "cites_minieres.gpkg").unlink()
    assert_clean_failure(cli("run", "--data", str(world), "--out", str(tmp_path / "o")), "cites_minieres.gpkg")


def _cells_in_study_area(world: Path, cells: pd.DataFrame) -> pd.Index:
    """Rows of the grid the run reads: Filosofi is only read over the cités' extent."""
    import geopandas as gpd

    from cites_priority.sources.filosofi import parse_idcar

    xmin, ymin, xmax, ymax = pyogrio.read_dataframe(world / "cites_minieres.gpkg").total_bounds
    xy = parse_idcar(cells["idcar_200m"]).astype(float)
    centre = gpd.GeoSeries(gpd.points_from_xy(xy["x_laea"] + 100, xy["y_laea"] + 100),
                           crs="EPSG:3035").to_crs("EPSG:2154")
    return cells.index[(centre.x.between(xmin, xmax) & centre.y.between(ymin, ymax)).to_numpy()]


def test_excel_mangled_counts_in_the_grid(world, tmp_path):
    path = world / "carreaux_200m_met.csv"
    cells = pd.read_csv(path, dtype=str)
    first, second = _cells_in_study_area(world, cells)[[3, 7]]
    cells.loc[first, "ind"] = "12,5"  # decimal comma
    cells.loc[second, "men"] = "1 234"
    cells.to_csv(path, index=False)
    err = assert_clean_failure(cli("run", "--data", str(world), "--out", str(tmp_path / "o")),
                               "carreaux_200m_met.csv", "champ « ind »", "champ « men »")
    assert "virgule comme séparateur décimal" in err and "séparateur de milliers" in err


def test_dpe_class_outside_a_to_g_in_rpls(world, tmp_path):
    path = world / "rpls_logements.csv"
    rows = pd.read_csv(path, sep=";", dtype=str)
    rows.loc[[0, 5], "DPEENERGIE"] = "H"
    rows.to_csv(path, sep=";", index=False)
    assert_clean_failure(cli("run", "--data", str(world), "--out", str(tmp_path / "o")), "rpls_logements.csv", "DPEENERGIE")


def test_landlord_file_for_another_department(world, tmp_path):
    path = world / "rpls_logements.csv"
    rows = pd.read_csv(path, sep=";", dtype=str)
    rows["X"] = (pd.to_numeric(rows["X"]) + 400_000).astype(str)  # pushed into Normandy / the sea
    rows.to_csv(path, sep=";", index=False)
    assert_clean_failure(cli("run", "--data", str(world), "--out", str(tmp_path / "o")), "rpls_logements.csv")


def test_duplicate_cite_ids(world, tmp_path):
    gpkg = world / "cites_minieres.gpkg"
    cites = pyogrio.read_dataframe(gpkg)
    cites.loc[1, "ID_LSM"] = cites.loc[0, "ID_LSM"]
    pyogrio.write_dataframe(cites, gpkg, layer="cites_minieres")
    assert_clean_failure(cli("run", "--data", str(world), "--out", str(tmp_path / "o")), "cites_minieres.gpkg", "ID_LSM")


def test_scenario_with_a_typo(tmp_path, world):
    path = scenario_file(tmp_path, lambda d: d.setdefault("selection", {}).update({"n_cite": 25}))
    assert_clean_failure(cli("run", str(path), "--data", str(world), "--out", str(tmp_path / "o")), "scenario.yaml", "n_cite")


def test_scenario_with_a_negative_weight(tmp_path, world):
    path = scenario_file(tmp_path, lambda d: d["criteria"]["social"].update({"weight": -0.3}))
    assert_clean_failure(cli("run", str(path), "--data", str(world), "--out", str(tmp_path / "o")), "scenario.yaml", "weight")


def test_scenario_naming_an_unknown_indicator(tmp_path, world):
    def edit(d):
        d["criteria"]["social"]["indicators"]["povety_rate"] = d["criteria"]["social"]["indicators"].pop("poverty_rate")

    path = scenario_file(tmp_path, edit)
    err = assert_clean_failure(cli("validate", str(path)), "scenario.yaml", "povety_rate")
    assert "poverty_rate" in err


def test_infeasible_selection_says_what_to_relax(tmp_path, world, previous):
    path = scenario_file(tmp_path, lambda d: d.setdefault("selection", {}).update({"logements_max": 65000, "logements_min": 60000}))
    before = snapshot(previous)
    err = assert_clean_failure(cli("run", str(path), "--data", str(world), "--out", str(previous)), "logements")
    assert "logements_max" in err or "n_cites" in err
    assert snapshot(previous) == before


def test_reference_list_naming_unknown_cites(tmp_path, world):
    ref = pd.read_csv(world / "reference_lists.csv")
    ref.loc[ref["list"] == "mission_2016", "cite_id"] = ref.loc[ref["list"] == "mission_2016", "cite_id"] + 500_000
    bad = tmp_path / "reference.csv"
    ref.to_csv(bad, index=False)
    assert_clean_failure(
        cli("calibrate", "--data", str(world), "--reference", str(bad), "--out", str(tmp_path / "s.yaml")),
        "reference.csv", "cite_id",
    )


def test_output_folder_is_a_file(tmp_path, world):
    target = tmp_path / "not_a_folder"
    target.write_text("x")
    assert_clean_failure(cli("run", "--data", str(world), "--out", str(target)), "not_a_folder")


def test_explain_unknown_cite(world):
    assert_clean_failure(cli("explain", "999999", "--data", str(world)), "cites_minieres.gpkg", "999999")


def test_full_disk_keeps_previous_outputs(default_run, previous, monkeypatch):
    """ENOSPC while writing the report: OutputError, previous outputs and no stray file."""
    from cites_priority import OutputError
    from cites_priority import export as export_pkg
    from cites_priority.pipeline import write_outputs

    result, _ = default_run
    before = snapshot(previous)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_pkg, "write_report", full_disk)
    with pytest.raises(OutputError, match="espace disque"):
        write_outputs(result, previous)
    assert snapshot(previous) == before


def test_read_only_output_folder(default_run, previous, monkeypatch):
    """EACCES from the file system (simulated: tests run as root) is named with its fix."""
    from cites_priority import OutputError
    from cites_priority.pipeline import write_outputs

    result, _ = default_run
    before = snapshot(previous)
    real_mkdir = Path.mkdir

    def denied(self, *args, **kwargs):
        if self.parent == previous:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(OutputError, match="accessible en écriture"):
        write_outputs(result, previous)
    assert snapshot(previous) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork (Linux)")
@pytest.mark.parametrize("workers", ["2", "1"], ids=["forked", "sequential"])
def test_full_disk_in_the_pictures_writer(default_run, previous, monkeypatch, tmp_path, workers):
    """ENOSPC while drawing the maps (a forked child with 2 workers, this process with 1):
    the same French OutputError, previous outputs kept, no staging folder left."""
    from cites_priority import OutputError
    from cites_priority import export as export_pkg
    from cites_priority.pipeline import write_outputs

    result, _ = default_run
    before = snapshot(previous)
    pid_file = tmp_path / "pid"

    def full_disk(*args, **kwargs):
        pid_file.write_text(str(os.getpid()))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_pkg, "write_static_maps", full_disk)
    monkeypatch.setenv("CITES_PRIORITY_WORKERS", workers)
    with pytest.raises(OutputError, match="impossible d'écrire les livrables \\(No space left "
                                          "on device\\) ; correction : libérer de l'espace disque"):
        write_outputs(result, previous)
    assert snapshot(previous) == before
    forked = int(pid_file.read_text()) != os.getpid()
    assert forked == (workers == "2")
