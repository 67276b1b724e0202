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
    assert 'data-tables-ready="1"' in run.stdout  # sortable tables wired
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console
    assert "ERR_NAME_NOT_RESOLVED" not in run.stderr


def test_tables_sort_and_filter(tmp_path: Path) -> None:
    html = write_report(make_run_result(), tmp_path / "rapport.html")
    probe = """<script>
(function () {
  var table = document.getElementById("toutes-cites");
  var ths = table.tHead.rows[0].cells, col = -1;
  for (var i = 0; i < ths.length; i++) { if (ths[i].textContent === "Logements") { col = i; } }
  ths[col].click();  // ascending
  var first = table.tBodies[0].rows[0].cells[col].getAttribute("data-v");
  ths[col].click();  // descending
  var top = table.tBodies[0].rows[0].cells[col].getAttribute("data-v");
  var f = document.getElementById("filtre-cites");
  f.value = "synthétique n°12";
  f.dispatchEvent(new Event("input"));
  var shown = Array.prototype.filter.call(table.tBodies[0].rows,
    function (r) { return r.style.display !== "none"; }).length;
  document.body.setAttribute("data-probe", first + "|" + top + "|" + shown);
})();
</script></body>"""
    text = html.read_text("utf-8").replace("</body>", probe)
    html.write_text(text, encoding="utf-8")
    run = _dump_dom(html, tmp_path / "profile")
    probe_value = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert probe_value is not None, run.stderr[-2000:]
    first, top, shown = probe_value.group(1).split("|")
    logements = make_run_result().cites["logements"].dropna()
    assert float(first) == logements.min() and float(top) == logements.max()
    names = make_run_result().cites["name"]
    assert int(shown) == int(names.str.lower().str.contains("synthétique n°12").sum())
