"""Headless QGIS acceptance check of an exported GeoPackage (and rasters).

Run with Debian's interpreter, not the project venv::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py out.gpkg \
        [--aliases aliases.json] [--rasters DIR]

Loads ``out.gpkg|layername=cites`` and ``|layername=shortlist`` as QGIS would, and checks
that each opens with its default style from ``layer_styles``: a categorised renderer on
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg")
    parser.add_argument("--aliases", help="JSON file: field -> expected alias")
    parser.add_argument("--rasters", help="folder of *.tif with sidecar .qml")
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
    finally:
        app.exitQgis()
    for err in errors:
        print("FAIL:", err)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
