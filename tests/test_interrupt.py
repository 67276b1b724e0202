"""A run killed while it writes leaves the previous outputs intact."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cites_priority._atomic import TMP_PREFIX, sweep_stale_temporaries

pytestmark = pytest.mark.slow


def _kill_while_writing(default_world: Path, out: Path, scenario: Path, sig: int) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cites_priority", "run", str(scenario), "--data", str(default_world), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    # wait until the staging folder holds the first complete output, then strike
    while time.monotonic() < deadline and proc.poll() is None:
        stages = list(out.glob(f"{TMP_PREFIX}*-stage"))
        if stages and any(stages[0].glob("*.gpkg")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    os.kill(proc.pid, sig)
    proc.communicate(timeout=120)
    return proc.returncode


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Bytes of every visible output (hidden staging entries excluded)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(TMP_PREFIX)}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_run_keeps_previous_outputs(default_world, default_run, fast_scenario, tmp_path, sig):
    _, previous = default_run
    out = tmp_path / "processed"
    shutil.copytree(previous, out)
    before = _snapshot(out)
    code = _kill_while_writing(default_world, out, fast_scenario, sig)
    assert code != 0
    assert _snapshot(out) == before
    strays = list(out.glob(f"{TMP_PREFIX}*"))
    if sig == signal.SIGTERM:
        # a catchable signal: the staging folder is removed on the way out
        assert strays == []
    else:
        # SIGKILL cannot be caught: the hidden staging folder remains until the next run sweeps it
        assert sweep_stale_temporaries(out) == strays
        assert not list(out.glob(f"{TMP_PREFIX}*"))
