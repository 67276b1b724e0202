"""Headless QGIS acceptance check of an exported GeoPackage (and rasters).

Run with Debian's interpreter, not the project venv::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py out.gpkg \
        [--aliases aliases.json] [--rasters DIR]

Loads ``out.gpkg|layername=cites`` and ``|layername=shortlist`` as QGIS would, and checks
that ``cite_id`` is an ordinary field (the primary key is ``fid``), unique and read in
``cite_id`` order, and that each opens with its default style from ``layer_styles``: a categorised renderer on
``priority_class`` (cites) / ``phase`` (shortlist), labels on ``name``, and the French
aliases (``--aliases``: a JSON object field → alias; without it, any non-empty alias on
``score``); ``reference``, ``grappes`` and ``carreaux_200m``, when present, must open with their
styles (categorised, single-symbol, categorised). With ``--rasters``, every ``*.tif`` there must open with its sidecar ``.qml``
(paletted or singlebandpseudocolor renderer). Prints a summary; exit 0 if all pass, else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsRasterLayer, QgsVectorLayer

EXPECTED = {"cites": "priority_class", "shortlist": "phase"}
#: Other layers that must open with a given renderer when present.
OPTIONAL = {"reference": "categorizedSymbol", "grappes": "singleSymbol",
            "carreaux_200m": "categorizedSymbol"}


def check_layer(gpkg: str, name: str, aliases: dict[str, str]) -> list[str]:
    errors: list[str] = []
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        return [f"{name}: layer not valid"]
    renderer = layer.renderer()
    rtype = renderer.type() if renderer else None
    attr = renderer.classAttribute() if rtype == "categorizedSymbol" else None
    n_cat = len(renderer.categories()) if rtype == "categorizedSymbol" else 0
    print(f"{name}: {layer.featureCount()} features, renderer={rtype}, attr={attr}, "
          f"categories={n_cat}, labels={layer.labelsEnabled()}")
    if rtype != "categorizedSymbol":
        errors.append(f"{name}: renderer is {rtype}, expected categorizedSymbol")
    elif attr != EXPECTED[name]:
        errors.append(f"{name}: categorised on {attr}, expected {EXPECTED[name]}")
    elif n_cat < 2:
        errors.append(f"{name}: only {n_cat} categories")
    if not layer.labelsEnabled() or layer.labeling() is None:
        errors.append(f"{name}: labels not enabled")
    else:
        field = layer.labeling().settings().fieldName
        if field != "name":
            errors.append(f"{name}: labels on {field!r}, expected 'name'")
    # cite_id an ordinary attribute, the FID GDAL's `fid` (issue 11)
    cite_idx = layer.fields().indexOf("cite_id")
    keys = [layer.fields().at(i).name() for i in layer.dataProvider().pkAttributeIndexes()]
    print(f"{name}: primary key {keys}, cite_id field index {cite_idx}")
    if cite_idx < 0:
        errors.append(f"{name}: no cite_id field")
    elif keys != ["fid"]:
        errors.append(f"{name}: primary key {keys}, expected ['fid'] (cite_id a plain field)")
    else:
        ids = [f["cite_id"] for f in layer.getFeatures()]
        if len(set(ids)) != len(ids) or ids != sorted(ids):
            errors.append(f"{name}: cite_id not unique or not read in cite_id order")
    expected = aliases or {"score": None}
    n_ok = 0
    for field, alias in expected.items():
        idx = layer.fields().indexOf(field)
        if idx < 0:
            continue
        got = layer.attributeAlias(idx)
        if (alias is None and not got) or (alias is not None and got != alias):
            errors.append(f"{name}: alias of {field!r} is {got!r}, expected {alias!r}")
        else:
            n_ok += 1
    print(f"{name}: {n_ok} aliases checked")
    form = layer.editFormConfig()
    tabs = [tab.name() for tab in form.tabs()]
    coded = sorted(field.name() for field in layer.fields()
                   if field.editorWidgetSetup().type() == "ValueMap")
    print(f"{name}: form layout={int(form.layout())}, tabs={', '.join(tabs)}; "
          f"value maps on {', '.join(coded)}")
    if form.layout() != form.TabLayout or "Identité" not in tabs:
        errors.append(f"{name}: attribute form not grouped in tabs")
    if n_ok == 0:
        errors.append(f"{name}: no alias could be checked")
    return errors


def check_other(gpkg: str, name: str, expected: str) -> list[str]:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        print(f"{name}: absent")
        return []
    rtype = layer.renderer().type() if layer.renderer() else None
    print(f"{name}: {layer.featureCount()} features, renderer={rtype}, "
          f"labels={layer.labelsEnabled()}")
    if rtype != expected:
        return [f"{name}: renderer is {rtype}, expected {expected}"]
    return []


def check_raster(tif: Path) -> list[str]:
    layer = QgsRasterLayer(str(tif), tif.stem)
    if not layer.isValid():
        return [f"{tif.name}: raster not valid"]
    rtype = layer.renderer().type()
    print(f"{tif.name}: {layer.width()}x{layer.height()}, crs={layer.crs().authid()}, "
          f"renderer={rtype}")
    errors = []
    if rtype not in ("paletted", "singlebandpseudocolor"):
        errors.append(f"{tif.name}: renderer {rtype}, sidecar style not applied")
    if layer.crs().authid() != "EPSG:3035":
        errors.append(f"{tif.name}: CRS {layer.crs().authid()}, expected EPSG:3035")
    return errors


def check_project(qgz: Path, *, pdf: Path | None = None, png: Path | None = None,
                  page_index: int = 0) -> list[str]:
    """Open a ``.qgz``: every layer valid and styled, both layouts, the atlas exported."""
    from qgis.core import QgsLayoutExporter, QgsProject

    errors: list[str] = []
    project = QgsProject.instance()
    start = time.perf_counter()
    if not project.read(str(qgz)):
        return [f"{qgz.name}: cannot read the project ({project.error()})"]
    layers = project.mapLayers().values()
    n_valid = sum(layer.isValid() for layer in layers)
    print(f"project: {len(layers)} layers, {n_valid} valid, crs={project.crs().authid()}, "
          f"absolute_paths={project.readBoolEntry('Paths', '/Absolute')[0]} "
          f"(read in {time.perf_counter() - start:.2f} s)")
    for layer in sorted(layers, key=lambda lay: lay.id()):
        source = layer.source()
        if not layer.isValid():
            errors.append(f"project: layer {layer.name()!r} not valid ({source})")
            continue
        if not Path(source.split("|")[0]).resolve().is_relative_to(qgz.parent.resolve()):
            errors.append(f"project: layer {layer.name()!r} read outside the folder ({source})")
        rtype = layer.renderer().type() if layer.renderer() else None
        tabs = (len(layer.editFormConfig().tabs())
                if layer.type() == layer.VectorLayer else 0)
        print(f"project layer {layer.name()}: renderer={rtype}, form tabs={tabs}")
        if layer.type() == layer.VectorLayer and rtype not in (
                "categorizedSymbol", "singleSymbol", "RuleRenderer"):
            errors.append(f"project: layer {layer.name()!r} renderer {rtype}")
        if layer.type() == layer.RasterLayer and rtype not in ("paletted", "singlebandpseudocolor"):
            errors.append(f"project: raster {layer.name()!r} renderer {rtype}")
    themes = project.mapThemeCollection().mapThemes()
    print(f"project themes: {', '.join(themes)}")
    manager = project.layoutManager()
    names = [layout.name() for layout in manager.printLayouts()]
    print(f"project layouts: {', '.join(names)}")
    for name in ("Atlas EPCI", "Bassin minier"):
        if manager.layoutByName(name) is None:
            errors.append(f"project: no layout {name!r}")
    layout = manager.layoutByName("Atlas EPCI")
    if layout is None:
        return errors
    atlas = layout.atlas()
    atlas.beginRender()
    count = atlas.count()
    pages = [(atlas.seekTo(i), atlas.nameForPage(i))[1] for i in range(count)]
    atlas.endRender()
    page = layout.pageCollection().page(0)
    print(f"atlas: {count} pages, {page.pageSize().width():g}x{page.pageSize().height():g} mm, "
          f"coverage={atlas.coverageLayer().name() if atlas.coverageLayer() else None}: "
          f"{'; '.join(pages)}")
    if count == 0:
        errors.append("atlas: no page")
    if pdf is not None:
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.rasterizeWholeImage = False
        start = time.perf_counter()
        res, err = QgsLayoutExporter.exportToPdf(atlas, str(pdf), settings)
        print(f"atlas PDF: {'ok' if res == QgsLayoutExporter.Success else err} "
              f"({pdf.stat().st_size if pdf.exists() else 0} bytes, "
              f"{time.perf_counter() - start:.1f} s)")
        if res != QgsLayoutExporter.Success:
            errors.append(f"atlas PDF export failed: {err}")
    if png is not None:
        atlas.beginRender()
        atlas.seekTo(page_index)
        res = QgsLayoutExporter(layout).exportToImage(
            str(png), QgsLayoutExporter.ImageExportSettings())
        atlas.endRender()
        print(f"atlas PNG: page {page_index + 1} "
              f"{'ok' if res == QgsLayoutExporter.Success else res}")
        if res != QgsLayoutExporter.Success:
            errors.append(f"atlas PNG export failed ({res})")
    basin = manager.layoutByName("Bassin minier")
    if basin is not None and pdf is not None:
        target = pdf.with_name(pdf.stem + "_bassin.pdf")
        res = QgsLayoutExporter(basin).exportToPdf(str(target),
                                                   QgsLayoutExporter.PdfExportSettings())
        print(f"basin PDF: {'ok' if res == QgsLayoutExporter.Success else res}")
        if res != QgsLayoutExporter.Success:
            errors.append(f"basin PDF export failed ({res})")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg")
    parser.add_argument("--aliases", help="JSON file: field -> expected alias")
    parser.add_argument("--rasters", help="folder of *.tif with sidecar .qml")
    parser.add_argument("--project", help="a .qgz to open (layers, themes, layouts, atlas)")
    parser.add_argument("--pdf", help="export the project's atlas to this PDF")
    parser.add_argument("--png", help="export one page of the atlas to this PNG")
    parser.add_argument("--page", type=int, default=1, help="atlas page of --png (from 1)")
    args = parser.parse_args(argv)
    aliases = json.loads(Path(args.aliases).read_text("utf-8")) if args.aliases else {}
    app = QgsApplication([], False)
    app.initQgis()
    try:
        errors: list[str] = []
        for name in EXPECTED:
            errors += check_layer(args.gpkg, name, aliases)
        for name, expected in OPTIONAL.items():
            errors += check_other(args.gpkg, name, expected)
        if args.rasters:
            tifs = sorted(Path(args.rasters).glob("*.tif"))
            if not tifs:
                errors.append(f"no *.tif in {args.rasters}")
            for tif in tifs:
                errors += check_raster(tif)
        if args.project:
            errors += check_project(Path(args.project),
                                    pdf=Path(args.pdf) if args.pdf else None,
                                    png=Path(args.png) if args.png else None,
                                    page_index=args.page - 1)
    finally:
        app.exitQgis()
    for err in errors:
        print("FAIL:", err)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
