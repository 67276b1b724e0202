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
        return ET.fromstring(archive.read(qgz.with_suffix(".qgs").name))


def test_project_is_one_dated_member_with_relative_sources(outputs: Path) -> None:
    qgz = outputs / "cites_priority.qgz"
    with zipfile.ZipFile(qgz) as archive:
        infos = archive.infolist()
    assert [(i.filename, i.date_time) for i in infos] == [
        ("cites_priority.qgs", (1980, 1, 1, 0, 0, 0))]
    root = _qgs(qgz)
    sources = [el.text for el in root.iter("datasource")]
    assert len(sources) == 11  # 7 GeoPackage layers, the atlas mask, 3 rasters
    assert all(s.startswith("./") for s in sources)
    for source in sources:
        assert (outputs / source.split("|")[0]).exists(), source
    assert root.find("properties/Paths/Absolute").text == "false"
    assert not list(outputs.glob("*.aux.xml"))


def test_project_layers_carry_styles_themes_and_layouts(outputs: Path) -> None:
    root = _qgs(outputs / "cites_priority.qgz")
    layers = {el.findtext("id").removeprefix("cites_priority_"): el
              for el in root.iter("maplayer")}
    assert layers["cites"].find("renderer-v2").get("attr") == "priority_class"
    assert layers["shortlist"].find("renderer-v2").get("attr") == "phase"
    assert layers["epci"].find("labeling/settings/text-style").get("fieldName") == "epci_nom"
    mask = layers["epci_masque"]
    assert mask.findtext("datasource") == "./cites_priority.gpkg|layername=epci"
    assert "@atlas_feature" in mask.find("renderer-v2/rules/rule").get("filter")
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
    basin = [c.get("attribute") for c in layouts[BASIN_LAYOUT].iter("column")
             if c.get("sortByRank") == "0"]
    assert basin == ["name", "epci_nom", "logements", "phase_period"]
    assert layouts[BASIN_LAYOUT].find("Atlas") is None


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
    assert "project: 11 layers, 11 valid, crs=EPSG:2154, absolute_paths=False (" in run.stdout
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


@pytest.fixture(scope="module")
def compared(outputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the outputs plus, via the CLI, a diff against a run with 2 swaps."""
    from typer.testing import CliRunner

    from cites_priority.cli import app

    folder = tmp_path_factory.mktemp("compare") / "livrables"
    shutil.copytree(outputs, folder)
    cached = make_run_result()  # shared by other tests: never mutate it
    cites = cached.cites.copy()
    out_ids = cites.loc[cites["selected"], "cite_id"].head(2)
    in_ids = cites.loc[~cites["selected"]].sort_values("rank")["cite_id"].head(2)
    cites.loc[cites["cite_id"].isin(out_ids), "selected"] = False
    cites.loc[cites["cite_id"].isin(in_ids), "selected"] = True
    b = folder.parent / "b.gpkg"
    write_geopackage(type(cached)(**{**cached.__dict__, "cites": cites}), b)
    run = CliRunner().invoke(app, [
        "compare", str(folder / "cites_priority.gpkg"), str(b),
        "--out", str(folder / "comparaison.gpkg"),
        "--project", str(folder / "cites_priority.qgz")])
    assert run.exit_code == 0, run.output
    assert "Entrées (2)" in run.output and "Sorties (2)" in run.output
    assert "cites_priority_comparaison.qgz" in run.output
    return folder


def test_compare_writes_a_styled_french_diff_and_a_project_copy(compared: Path) -> None:
    diff = pyogrio.read_dataframe(compared / "comparaison.gpkg", layer="comparaison")
    assert diff["change"].value_counts().to_dict()["entrée"] == 2
    assert diff["cite_id"].is_unique and len(diff) == 543
    styles = pyogrio.read_dataframe(compared / "comparaison.gpkg", layer="layer_styles")
    qml = ET.fromstring(styles.loc[0, "styleQML"])
    assert qml.find("renderer-v2").get("attr") == "change"
    labels = [c.get("label") for c in qml.iter("category")]
    assert labels[:2] == ["Entrée dans la sélection", "Sortie de la sélection"]
    aliases = {a.get("field"): a.get("name") for a in qml.iter("alias")}
    assert aliases["cite_id"] == FIELD_ALIASES["cite_id"] and aliases["rank_move"]
    root = _qgs(compared / "cites_priority_comparaison.qgz")
    sources = [el.text for el in root.iter("datasource")]
    assert sources[0] == "./comparaison.gpkg|layername=comparaison" and len(sources) == 12
    assert "comparaison" in [p.get("name") for p in root.iter("visibility-preset")]
    # the run's own project is left as it was
    assert len(list(_qgs(compared / "cites_priority.qgz").iter("datasource"))) == 11


@pytest.mark.qgis
@pytest.mark.skipif(not _has_qgis(), reason="Debian python3-qgis not installed")
def test_qgis_opens_the_project_copy_with_the_diff_layer(compared: Path, tmp_path: Path) -> None:
    moved = tmp_path / "deplace"
    shutil.copytree(compared, moved)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(
        [DEBIAN_PYTHON, str(SCRIPT), str(moved / "cites_priority.gpkg"),
         "--project", str(moved / "cites_priority_comparaison.qgz")],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "project: 12 layers, 12 valid" in run.stdout
    assert "project layer Comparaison A → B: renderer=categorizedSymbol" in run.stdout
    assert "comparaison" in run.stdout.split("project themes:")[1].splitlines()[0]


@pytest.mark.parametrize("qgs", [
    {},  # no .qgs in the archive
    {"a.qgs": "<qgis/>", "b.qgs": "<qgis/>"},  # two of them
    {"p.qgs": "<qgis><projectlayers/></qgis>"},  # no layer tree
])
def test_adding_a_layer_to_a_foreign_project_fails_in_french(tmp_path: Path, qgs: dict) -> None:
    """A .qgz not written by a run is refused with one French OutputError, nothing written."""
    from cites_priority import OutputError
    from cites_priority.export.qgis_project import add_layer_to_project

    project = tmp_path / "autre.qgz"
    with zipfile.ZipFile(project, "w") as archive:
        for member, text in qgs.items():
            archive.writestr(member, text)
    out = tmp_path / "autre_comparaison.qgz"
    with pytest.raises(OutputError, match="pas un projet QGIS écrit par cites-priority"):
        add_layer_to_project(project, tmp_path / "diff.gpkg", layer="comparaison",
                             name="Comparaison", fields=["cite_id"], out=out, theme="Comparaison")
    assert not out.exists()
