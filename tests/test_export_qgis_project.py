"""The QGIS project (cites_priority.qgz): relative, deterministic, opened by headless QGIS."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pyogrio
import pytest

from cites_priority.export import write_geopackage, write_qgis_project, write_rasters
from cites_priority.export.aliases import FIELD_ALIASES
from cites_priority.export.qgis_project import ATLAS_LAYOUT, BASIN_LAYOUT, MAP_THEMES
from export_fixtures import make_run_result
from test_export_qgis import DEBIAN_PYTHON, SCRIPT, _has_qgis


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run's GeoPackage, rasters and project in one folder."""
    folder = tmp_path_factory.mktemp("livrables")
    result = make_run_result()
    write_geopackage(result, folder / "cites_priority.gpkg")
    write_rasters(result, folder)
    write_qgis_project(result, folder)
    return folder


def _qgs(qgz: Path) -> ET.Element:
    with zipfile.ZipFile(qgz) as archive:
        return ET.fromstring(archive.read("cites_priority.qgs"))


def test_project_is_one_dated_member_with_relative_sources(outputs: Path) -> None:
    qgz = outputs / "cites_priority.qgz"
    with zipfile.ZipFile(qgz) as archive:
        infos = archive.infolist()
    assert [(i.filename, i.date_time) for i in infos] == [
        ("cites_priority.qgs", (1980, 1, 1, 0, 0, 0))]
    root = _qgs(qgz)
    sources = [el.text for el in root.iter("datasource")]
    assert len(sources) == 10  # 7 GeoPackage layers + 3 rasters
    assert all(s.startswith("./") for s in sources)
    for source in sources:
        assert (outputs / source.split("|")[0]).exists(), source
    assert root.find("properties/Paths/Absolute").text == "false"
    assert not list(outputs.glob("*.aux.xml"))


def test_project_layers_carry_styles_themes_and_layouts(outputs: Path) -> None:
    root = _qgs(outputs / "cites_priority.qgz")
    layers = {el.findtext("datasource").split("layername=")[-1]: el
              for el in root.iter("maplayer")}
    assert layers["cites"].find("renderer-v2").get("attr") == "priority_class"
    assert layers["shortlist"].find("renderer-v2").get("attr") == "phase"
    assert layers["epci"].find("labeling/settings/text-style").get("fieldName") == "epci_nom"
    aliases = {a.get("field"): a.get("name") for a in layers["cites"].iter("alias")}
    assert aliases["epci"] == FIELD_ALIASES["epci"] and aliases["score"] == FIELD_ALIASES["score"]
    themes = {p.get("name"): [lay.get("id") for lay in p.iter("layer")]
              for p in root.iter("visibility-preset")}
    assert list(themes) == list(MAP_THEMES)
    assert "cites_priority_ruc_class_200m" in themes["carreaux"]
    layouts = {el.get("name"): el for el in root.iter("Layout")}
    assert list(layouts) == [ATLAS_LAYOUT, BASIN_LAYOUT]
    atlas = layouts[ATLAS_LAYOUT].find("Atlas")
    assert atlas.get("coverageLayer") == "cites_priority_epci"
    assert atlas.get("featureFilter") == '"n_cites" > 0'
    page = layouts[ATLAS_LAYOUT].find("PageCollection/LayoutItem")
    assert page.get("size") == "420,297,mm"
    columns = [c.get("attribute") for c in layouts[ATLAS_LAYOUT].iter("column")
               if c.get("sortByRank") == "0"]
    assert columns == ["name", "communes", "logements", "phase", "phase_period"]


def test_project_bytes_are_identical_on_rewrite(outputs: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(outputs, again)
    (again / "cites_priority.qgz").unlink()
    write_qgis_project(make_run_result(), again)
    assert (again / "cites_priority.qgz").read_bytes() == \
        (outputs / "cites_priority.qgz").read_bytes()


@pytest.mark.qgis
@pytest.mark.skipif(not _has_qgis(), reason="Debian python3-qgis not installed")
def test_qgis_opens_moved_project_and_exports_one_a3_page_per_epci(
        outputs: Path, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    moved = tmp_path / "ailleurs" / "livrables"
    shutil.copytree(outputs, moved)
    pdf, png = tmp_path / "atlas.pdf", tmp_path / "page.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(
        [DEBIAN_PYTHON, str(SCRIPT), str(moved / "cites_priority.gpkg"),
         "--project", str(moved / "cites_priority.qgz"), "--pdf", str(pdf), "--png", str(png)],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "project: 10 layers, 10 valid, crs=EPSG:2154, absolute_paths=False" in run.stdout
    assert "cites: form layout=1, tabs=Identité, Score et rang, Social, Bâti, Patrimoine, " \
        "Urbain, Sélection; value maps on " in run.stdout
    assert "project layer Cités minières par priorité: renderer=categorizedSymbol, " \
        "form tabs=7" in run.stdout
    epci = pyogrio.read_dataframe(moved / "cites_priority.gpkg", layer="epci")
    holding = epci.loc[epci["n_cites"] > 0].sort_values("epci_nom")
    assert f"atlas: {len(holding)} pages, 420x297 mm, coverage=EPCI" in run.stdout
    assert "; ".join(holding["epci_nom"]) in run.stdout
    pages = pypdf.PdfReader(pdf).pages
    assert len(pages) == len(holding) > 1
    # A3 landscape in points: 420 x 297 mm
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [1191, 842]
    text = " ".join(pages[0].extract_text().split())
    first = holding.iloc[0]
    assert f"EPCI : {first['epci_nom']}" in text
    assert f"{first['n_retenues']} cités retenues sur {first['n_cites']}" in text
    assert "Phase 1" in text and "Cités retenues de l'EPCI" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
