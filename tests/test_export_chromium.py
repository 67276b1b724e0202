"""The report works offline in headless Chromium: map, popups, sortable tables.

One Chromium run serves every test (module fixture): the report gets a probe script
appended that, once the page has loaded, sorts a table, filters it and opens a popup, and
writes what it saw into ``data-probe-*`` attributes of ``<body>`` for ``--dump-dom``.
"""

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

PROBE = """<script>
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
  document.body.setAttribute("data-probe-sort", first + "|" + top + "|" + shown);
  var m = window.citesPriorityMap, found = null;
  m.cites.eachLayer(function (l) { if (l.feature.properties.id === @ID@) { found = l; } });
  found.openPopup();
  var box = document.querySelector(".leaflet-popup-content");
  document.body.setAttribute("data-probe-bold", String(box.querySelectorAll("b b").length));
  document.body.setAttribute("data-probe-text", box.textContent);
})();
</script></body>"""


def _dump_dom(html: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}",
         # any network lookup fails: the page must not need one
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=180,
    )


@pytest.fixture(scope="module")
def dom(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    tmp = tmp_path_factory.mktemp("chromium")
    result = make_run_result()
    html = write_report(result, tmp / "rapport.html")
    probe = PROBE.replace("@ID@", str(int(result.cites["cite_id"].iloc[3])))
    html.write_text(html.read_text("utf-8").replace("</body>", probe), encoding="utf-8")
    run = _dump_dom(html, tmp / "profile")
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def test_map_ready_offline(dom: subprocess.CompletedProcess[str]) -> None:
    tag = re.search(r'<div id="map"[^>]*>', dom.stdout)
    assert tag is not None, dom.stdout[:500]
    assert 'data-map-ready="1"' in tag.group(0), dom.stderr[-2000:]
    assert 'data-n-cites="543"' in tag.group(0)
    assert 'data-n-shortlist="25"' in tag.group(0)
    assert "leaflet-container" in tag.group(0)
    assert "leaflet-control-layers" in dom.stdout  # controls built
    assert 'data-tables-ready="1"' in dom.stdout  # sortable tables wired
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console
    assert "ERR_NAME_NOT_RESOLVED" not in dom.stderr


def test_tables_sort_and_filter(dom: subprocess.CompletedProcess[str]) -> None:
    probe = re.search(r'data-probe-sort="([^"]*)"', dom.stdout)
    assert probe is not None, dom.stderr[-2000:]
    first, top, shown = probe.group(1).split("|")
    cites = make_run_result().cites
    logements = cites["logements"].dropna()
    assert float(first) == logements.min() and float(top) == logements.max()
    assert int(shown) == int(cites["name"].str.lower().str.contains("synthétique n°12").sum())


def test_popup_shows_escaped_text(dom: subprocess.CompletedProcess[str]) -> None:
    odd = make_run_result().cites.iloc[3]  # its name holds markup
    assert 'data-probe-bold="0"' in dom.stdout, dom.stderr[-2000:]
    text = re.search(r'data-probe-text="([^"]*)"', dom.stdout).group(1)
    assert "Cité &quot;des Aulnes&quot; &lt;b&gt;&amp;&lt;/b&gt; Saint-Éloi" in text
    assert f"Rang : {int(odd['rank'])}" in text
