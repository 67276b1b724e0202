"""The report's Leaflet map initialises offline in headless Chromium."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cites_priority.export import write_report
from export_fixtures import make_run_result

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def _dump_dom(html: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}",
         # any network lookup fails: the map must not need one
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=180,
    )


def test_map_ready_offline(tmp_path: Path) -> None:
    html = write_report(make_run_result(), tmp_path / "rapport.html")
    run = _dump_dom(html, tmp_path / "profile")
    assert run.returncode == 0, run.stderr[-2000:]
    tag = re.search(r'<div id="map"[^>]*>', run.stdout)
    assert tag is not None, run.stdout[:500]
    assert 'data-map-ready="1"' in tag.group(0), run.stderr[-2000:]
    assert 'data-n-cites="543"' in tag.group(0)
    assert 'data-n-shortlist="25"' in tag.group(0)
    assert "leaflet-container" in tag.group(0)
    assert "leaflet-control-layers" in run.stdout  # controls built
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console
    assert "ERR_NAME_NOT_RESOLVED" not in run.stderr
