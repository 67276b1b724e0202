"""Atomic writes keep the previous output when a writer fails."""

from __future__ import annotations

import os

import pytest

from cites_priority._atomic import TMP_PREFIX, atomic_path, sweep_stale_temporaries
from cites_priority._errors import OutputError


def test_success_replaces_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp.parent
        tmp.write_text("new")
        assert target.read_text() == "old"
    assert target.read_text() == "new"
    assert not list(tmp_path.glob(f"{TMP_PREFIX}*"))


def test_failure_keeps_previous_and_leaves_no_stray(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(f"{TMP_PREFIX}*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_is_an_output_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission"), atomic_path(ro / "x.csv") as tmp:
            tmp.write_text("x")
    finally:
        ro.chmod(0o700)


def test_sweep_removes_temporaries_of_dead_processes(tmp_path):
    stale = tmp_path / f"{TMP_PREFIX}999999999-cites_priority.gpkg"
    stale.write_text("half")
    assert sweep_stale_temporaries(tmp_path) == [stale]
    assert not stale.exists()
