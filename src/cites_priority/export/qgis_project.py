"""The QGIS project of a run: ``cites_priority.qgz`` beside the GeoPackage and rasters.

Written without PyQGIS (the product runs from a plain venv): the project XML (QGIS 3.22
format) is built here with :mod:`xml.etree.ElementTree` and zipped as a ``.qgz``. Every
data source is a **relative** path (``./cites_priority.gpkg|layername=cites``,
``./niveau_vie_200m.tif``), so the output folder can be moved, zipped and sent.

The project holds:

- the GeoPackage layers in a fixed order (selection on top, then cités, boundaries and
  200 m cells), each with the style of its ``layer_styles`` row (:mod:`.qgis_styles`) and
  the rasters with their sidecar ``.qml``;
- one map theme per view: ``priorités``, ``phases``, ``grappes``, ``carreaux``, and
  ``atlas EPCI`` (``phases`` with the other EPCI veiled: the ``epci`` layer a second time,
  styled as a mask on ``@atlas_feature``);
- the print layout **"Atlas EPCI"** (A3 landscape, atlas over the ``epci`` layer filtered on
  ``n_cites > 0``: map of the EPCI's cités by priority class and phase, legend, scale bar,
  north arrow, title with the EPCI name, scenario name and date, table of its shortlisted
  cités) and **"Bassin minier"** (the whole basin on one A3 page, with the shortlist).

The file is deterministic: fixed identifiers, no timestamps other than the run's generation
date, one zip member with a fixed date. QGIS fills every attribute left out with its default.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
import zipfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
from pyproj import CRS

from .._atomic import atomic_path
from .._errors import OutputError
from .._gdal import generation_date
from ..constants import CRS_L93
from ..messages import msg
from ..result import RunResult
from .aliases import alias
from .qgis_styles import STYLED_LAYERS, layer_qml

__all__ = [
    "ATLAS_LAYOUT",
    "add_layer_to_project",
    "BASIN_LAYOUT",
    "MAP_THEMES",
    "PROJECT_NAME",
    "gpkg_fields",
    "project_xml",
    "write_qgis_project",
]

logger = logging.getLogger(__name__)

#: File name of the project, beside ``cites_priority.gpkg``.
PROJECT_NAME = "cites_priority.qgz"
#: Names of the two print layouts.
ATLAS_LAYOUT = "Atlas EPCI"
BASIN_LAYOUT = "Bassin minier"
#: Map theme → layers shown (GeoPackage layer names or raster stems).
MAP_THEMES: dict[str, tuple[str, ...]] = {
    "priorités": ("cites", "epci", "communes"),
    "phases": ("grappes", "shortlist", "cites", "epci", "communes"),
    "grappes": ("grappes", "shortlist", "epci", "communes"),
    "carreaux": ("shortlist", "epci", "ruc_class_200m"),
    "atlas EPCI": ("epci_masque", "grappes", "shortlist", "cites", "epci", "communes"),
}
#: Project layers drawn from another GeoPackage layer with their own style.
_SOURCE_LAYER = {"epci_masque": "epci"}
#: Shortlist columns of the atlas table → width (mm; with 2 mm of cell margins per column the
#: table fits its 104 mm frame).
ATLAS_TABLE_COLUMNS: dict[str, float] = {
    "name": 27, "communes": 26, "logements": 15, "phase": 10, "phase_period": 14,
}
#: Shortlist columns of the basin layout's table → width (mm); the years stand for the phase.
BASIN_TABLE_COLUMNS: dict[str, float] = {
    "name": 38, "epci_nom": 30, "logements": 13, "phase_period": 13,
}

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_QGIS_VERSION = "3.22.16-Białowieża"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
_FONT = "Sans Serif"
#: Map item of both layouts: x, y, width, height (mm) on the A3 landscape page.
_MAP_FRAME = (10.0, 22.0, 290.0, 265.0)


@dataclass(frozen=True)
class _Layer:
    key: str
    name: str
    source: str
    provider: str
    kind: str  # "vector" | "raster"
    qml: str
    checked: bool


#: (group, [(key, French name, checked)]) from top to bottom of the layer panel.
_TREE: tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...] = (
    ("Atlas", (("epci_masque", "Masque hors de l'EPCI de la page", False),)),
    ("Sélection", (("grappes", "Grappes", True), ("shortlist", "Cités retenues par phase", True))),
    ("Cités", (("cites", "Cités minières par priorité", True),
               ("reference", "Listes de référence (mission 2016, ERBM)", False))),
    ("Contours", (("epci", "EPCI", True), ("communes", "Communes", True))),
    ("Carreaux 200 m", (("carreaux_200m", "Carreaux INSEE 200 m (vecteur)", False),
                        ("ruc_class_200m", "Classes de revenu (RUC), 200 m", False),
                        ("niveau_vie_200m", "Niveau de vie, 200 m", False),
                        ("poverty_rate_200m", "Taux de pauvreté, 200 m", False))),
)


def _layer_id(key: str) -> str:
    return f"cites_priority_{key}"


def _uuid(name: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"cites-priority/{name}")) + "}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _srs(parent: ET.Element, authid: str = CRS_L93) -> None:
    crs = CRS.from_user_input(authid)
    ref = _sub(parent, "spatialrefsys")
    _sub(ref, "wkt", crs.to_wkt())
    _sub(ref, "srid", str(crs.to_epsg()))
    _sub(ref, "authid", authid)
    _sub(ref, "description", crs.name)


def _maplayer(layer: _Layer, crs: str) -> ET.Element:
    style = ET.fromstring(layer.qml)
    attrs = {"type": layer.kind, "hasScaleBasedVisibilityFlag": "0"}
    if layer.kind == "vector":
        attrs.update(geometry="Polygon", wkbType="MultiPolygon",
                     labelsEnabled=style.get("labelsEnabled", "0"))
    el = ET.Element("maplayer", attrs)
    _sub(el, "id", _layer_id(layer.key))
    _sub(el, "datasource", layer.source)
    _sub(el, "layername", layer.name)
    _srs(_sub(el, "srs"), crs)
    _sub(el, "provider", layer.provider, encoding="UTF-8")
    for child in style:
        el.append(child)
    return el


def _available_layers(folder: Path, gpkg: str,
                      vectors: dict[str, list[str]]) -> list[tuple[str, _Layer]]:
    """The project's layers (group, layer), in panel order, among those present."""
    present = set(vectors)
    out: list[tuple[str, _Layer]] = []
    for group, members in _TREE:
        for key, name, checked in members:
            if key in STYLED_LAYERS:
                source = _SOURCE_LAYER.get(key, key)
                if source not in present:
                    continue
                qml = layer_qml(key, vectors[source])
                out.append((group, _Layer(key, name, f"./{gpkg}|layername={source}", "ogr",
                                          "vector", qml, checked)))
            else:
                tif, sidecar = folder / f"{key}.tif", folder / f"{key}.qml"
                if not (tif.exists() and sidecar.exists()):
                    continue
                out.append((group, _Layer(key, name, f"./{key}.tif", "gdal", "raster",
                                          sidecar.read_text(encoding="utf-8"), checked)))
    return out


def _layer_tree(root: ET.Element, layers: Sequence[tuple[str, _Layer]]) -> None:
    tree = _sub(root, "layer-tree-group")
    groups: dict[str, ET.Element] = {}
    for group, layer in layers:
        if group not in groups:
            checked = any(lay.checked for g, lay in layers if g == group)
            groups[group] = _sub(tree, "layer-tree-group", name=group, expanded="1",
                                 checked="Qt::Checked" if checked else "Qt::Unchecked")
        _sub(groups[group], "layer-tree-layer", id=_layer_id(layer.key), name=layer.name,
             source=layer.source, providerKey=layer.provider, expanded="1",
             checked="Qt::Checked" if layer.checked else "Qt::Unchecked")
    order = _sub(tree, "custom-order", enabled="0")
    for _, layer in layers:
        _sub(order, "item", _layer_id(layer.key))


def _map_themes(root: ET.Element, layers: Sequence[tuple[str, _Layer]]) -> None:
    keys = {layer.key for _, layer in layers}
    presets = _sub(root, "visibility-presets")
    for theme, members in MAP_THEMES.items():
        preset = _sub(presets, "visibility-preset", name=theme,
                      **{"has-expanded-info": "0", "has-checked-group-info": "0"})
        for key in members:
            if key in keys:
                _sub(preset, "layer", id=_layer_id(key), visible="1", style="default",
                     expanded="1")


def _properties(root: ET.Element, title: str) -> None:
    props = _sub(root, "properties")
    paths = _sub(props, "Paths")
    _sub(paths, "Absolute", "false", type="bool")
    srs = _sub(props, "SpatialRefSys")
    _sub(srs, "ProjectionsEnabled", "1", type="int")
    wms = _sub(props, "WMSServiceTitle", title, type="QString")
    del wms


# ---------------------------------------------------------------------------------------
# print layouts


def _item(layout: ET.Element, item_type: int, key: str, x: float, y: float, w: float,
          h: float, *, z: int, frame: bool = False, background: bool = False,
          **attrs: object) -> ET.Element:
    uuid = _uuid(f"{layout.get('name')}/{key}")
    el = _sub(layout, "LayoutItem", None, type=item_type, uuid=uuid, templateUuid=uuid, id=key,
              position=f"{x:g},{y:g},mm", positionOnPage=f"{x:g},{y:g},mm",
              size=f"{w:g},{h:g},mm", zValue=z, visibility=1, opacity=1,
              frame="true" if frame else "false",
              background="true" if background else "false", outlineWidthM="0.3,mm",
              **attrs)
    return el


def _font(parent: ET.Element, tag: str, size: float, *, bold: bool = False) -> None:
    weight = 75 if bold else 50
    _sub(parent, tag, description=f"{_FONT},{size:g},-1,5,{weight},0,0,0,0,0",
         style="Bold" if bold else "")


def _text_style(parent: ET.Element, size: float, *, bold: bool = False) -> ET.Element:
    return _sub(parent, "text-style", fontFamily=_FONT, fontSize=f"{size:g}",
                fontSizeUnit="Point", fontWeight=75 if bold else 50,
                namedStyle="Bold" if bold else "Regular", textColor="0,0,0,255",
                textOpacity=1)


def _label(layout: ET.Element, key: str, text: str, x: float, y: float, w: float, h: float,
           *, size: float, bold: bool = False) -> None:
    el = _item(layout, 65641, key, x, y, w, h, z=10, labelText=text, htmlState=0,
               marginX=0, marginY=0, halign=1, valign=32)
    _font(el, "LabelFont", size, bold=bold)
    _sub(el, "FontColor", red=0, green=0, blue=0, alpha=255)


def _map_item(layout: ET.Element, extent: tuple[float, float, float, float], *,
              theme: str, atlas: bool) -> str:
    el = _item(layout, 65639, "carte", *_MAP_FRAME, z=1, frame=True, background=True,
               keepLayerSet="false", followPreset="true", followPresetName=theme,
               drawCanvasItems="true", mapRotation=0, labelMargin="0,mm", mapFlags=0)
    xmin, ymin, xmax, ymax = extent
    _sub(el, "Extent", xmin=f"{xmin:.2f}", ymin=f"{ymin:.2f}", xmax=f"{xmax:.2f}",
         ymax=f"{ymax:.2f}")
    _sub(el, "LayerSet")
    if atlas:
        _sub(el, "AtlasMap", atlasDriven=1, scalingMode=2, margin="0.1")
    return el.get("uuid", "")


def _legend(layout: ET.Element, map_uuid: str, layer_keys: Sequence[str],
            names: dict[str, str], *, atlas: bool) -> None:
    el = _item(layout, 65642, "legende", 308, 22, 104, 120, z=5, frame=True,
               background=True, title="Légende", map_uuid=map_uuid, resizeToContents=1,
               columnCount=1, symbolWidth=7, symbolHeight=4, boxSpace=2, wrapChar="",
               legendFilterByAtlas=0, legendFilterByMap=1 if atlas else 0,
               splitLayer=0, equalColumnWidth=0, titleAlignment=1, fontColor="#000000")
    styles = _sub(el, "styles")
    for name, size, bold in (("title", 12, True), ("group", 10, True),
                             ("subgroup", 9, True), ("symbol", 8, False),
                             ("symbolLabel", 8, False)):
        style = _sub(styles, "style", name=name, alignment=1, marginTop=1.5,
                     marginLeft=2 if name == "symbolLabel" else 0)
        _font(style, "styleFont", size, bold=bold)
    tree = _sub(el, "layer-tree-group")
    for key in layer_keys:
        _sub(tree, "layer-tree-layer", id=_layer_id(key), name=names[key],
             providerKey="ogr", checked="Qt::Checked", expanded="1")


def _scale_bar(layout: ET.Element, map_uuid: str) -> None:
    el = _item(layout, 65646, "echelle", 12, 272, 90, 12, z=6, style="Single Box",
               mapUuid=map_uuid, unitType="kilometers", unitLabel="km",
               numMapUnitsPerScaleBarUnit=1000, numSegments=2, numSegmentsLeft=0,
               numUnitsPerSegment=2, segmentSizeMode=1, minBarWidth=20, maxBarWidth=60,
               height=3, labelBarSpace=2, boxContentSpace=1, alignment=0)
    _text_style(el, 8)


def _north_arrow(layout: ET.Element, map_uuid: str) -> None:
    _item(layout, 65640, "nord", 284, 26, 12, 16, z=7,
          file=":/images/north_arrows/layout_default_north_arrow.svg", mapUuid=map_uuid,
          northMode=0, northOffset=0, resizeMode=0, anchorPoint=0, mode=2,
          svgFillColor="0,0,0,255", svgBorderColor="0,0,0,255", svgBorderWidth="0.2")


def _shortlist_table(layout: ET.Element, fields: dict[str, float], *, y: float,
                     height: float, feature_filter: str | None, font_size: float = 7) -> str:
    """The shortlist as a layout table (104 mm wide, right column), sorted by phase and rank."""
    uuid = _uuid(f"{layout.get('name')}/tableau")
    frame_uuid = _uuid(f"{layout.get('name')}/tableau-cadre")
    shortlist = _layer_id("shortlist")
    _item(layout, 65647, "tableau-cadre", 308, y, 104, height, z=4, frame=False,
          multiFrame=uuid, multiFrameTemplateUuid=uuid, sectionX=0, sectionY=0,
          sectionWidth=104, sectionHeight=height, hidePageIfEmpty=0, hideBackgroundIfEmpty=0)
    table = _sub(layout, "LayoutMultiFrame", type=65649, uuid=uuid, templateUuid=uuid,
                 vectorLayer=shortlist, vectorLayerName="Cités retenues par phase",
                 vectorLayerSource="./cites_priority.gpkg|layername=shortlist",
                 vectorLayerProvider="ogr", source=0, resizeMode=0, maxFeatures=100,
                 filterFeatures="true" if feature_filter else "false",
                 featureFilter=feature_filter or "",
                 filterToAtlasIntersection=0, showEmptyRows=0, emptyTableMode=2,
                 emptyTableMessage="Aucune cité retenue dans cet EPCI", cellMargin=1,
                 gridStrokeWidth="0.2", showGrid=1, horizontalGrid=1, verticalGrid=1,
                 gridColor="120,120,120,255", backgroundColor="255,255,255,255",
                 headerMode=0, headerHAlignment=0, wrapBehavior=1, wrapString="")
    _sub(table, "childFrame", uuid=frame_uuid, templateUuid=frame_uuid)
    _text_style(_sub(table, "headerTextFormat"), font_size, bold=True)
    _text_style(_sub(table, "contentTextFormat"), font_size)
    columns = _sub(table, "displayColumns")
    for field, width in fields.items():
        _sub(columns, "column", attribute=field, heading=alias(field), hAlignment=1,
             vAlignment=128, sortByRank=0, sortOrder=0, width=f"{width:g}")
    sort = _sub(table, "sortColumns")
    for rank, field in enumerate(("phase", "rank"), start=1):
        _sub(sort, "column", attribute=field, heading=alias(field), hAlignment=1,
             vAlignment=128, sortByRank=rank, sortOrder=0, width=0)
    return frame_uuid


def _layout(root: ET.Element, name: str, *, extent: tuple[float, float, float, float],
            theme: str, title: str, subtitle: str, names: dict[str, str],
            legend_keys: Sequence[str], atlas: bool) -> None:
    layout = _sub(root, "Layout", name=name, units="mm", printResolution=300,
                  worldFileMap="")
    pages = _sub(layout, "PageCollection")
    page_uuid = _uuid(f"{name}/page")
    _sub(pages, "LayoutItem", type=65638, uuid=page_uuid, templateUuid=page_uuid,
         size="420,297,mm", position="0,0,mm", positionOnPage="0,0,mm", zValue=0,
         background="true", frame="false", visibility=1, opacity=1)
    _sub(pages, "GuideCollection", visible=1)
    map_uuid = _map_item(layout, extent, theme=theme, atlas=atlas)
    _label(layout, "titre", title, 10, 6, 400, 10, size=18, bold=True)
    _label(layout, "sous-titre", subtitle, 10, 15, 400, 6, size=9)
    _legend(layout, map_uuid, legend_keys, names, atlas=atlas)
    _scale_bar(layout, map_uuid)
    _north_arrow(layout, map_uuid)
    if atlas:
        _label(layout, "titre-tableau", "Cités retenues de l'EPCI", 308, 144, 104, 6,
               size=10, bold=True)
        _shortlist_table(layout, ATLAS_TABLE_COLUMNS, y=150, height=135,
                         feature_filter="\"epci\" = attribute(@atlas_feature, 'epci')")
        _sub(layout, "Atlas", enabled=1, coverageLayer=_layer_id("epci"),
             coverageLayerName="EPCI", coverageLayerSource="./cites_priority.gpkg|layername=epci",
             coverageLayerProvider="ogr", hideCoverage=0, filterFeatures=1,
             featureFilter='"n_cites" > 0', sortFeatures=1, sortKey="epci_nom",
             sortAscending=1, pageNameExpression='"epci_nom"',
             filenamePattern="'atlas_epci_' || \"epci\"")
    else:
        _label(layout, "titre-tableau", "Cités retenues, par phase", 308, 92, 104, 6,
               size=10, bold=True)
        _shortlist_table(layout, BASIN_TABLE_COLUMNS, y=98, height=172, feature_filter=None,
                         font_size=6.5)
        _label(layout, "note", "Sources : inventaire MBM des cités minières, INSEE "
               "Filosofi 200 m, RPLS, DPE ADEME ; traitement cites-priority.",
               308, 275, 104, 10, size=7)


def _extent(frame: gpd.GeoDataFrame, margin: float = 0.03) -> tuple[float, float, float, float]:
    """Bounds of ``frame`` with a margin, widened to the map frame's width/height ratio.

    QGIS resizes a map item to the ratio of its stored extent, so the extent must have the
    frame's ratio for the map to fill it.
    """
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    width, height = (xmax - xmin) * (1 + 2 * margin), (ymax - ymin) * (1 + 2 * margin)
    ratio = _MAP_FRAME[2] / _MAP_FRAME[3]
    width, height = max(width, height * ratio), max(height, width / ratio)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def _scenario_name(result: RunResult) -> str:
    scenario = result.scenario
    value = scenario.get("name") if isinstance(scenario, dict) else getattr(scenario, "name", None)
    return str(value) if value else "sans nom"


def project_xml(result: RunResult, folder: str | os.PathLike[str], *,
                gpkg: str = "cites_priority.gpkg",
                vector_fields: dict[str, list[str]] | None = None) -> str:
    """Return the QGIS 3.22 project XML of a run whose outputs are in ``folder``.

    Parameters
    ----------
    result
        The run.
    folder
        The output folder (the rasters and their ``.qml`` are looked up there).
    gpkg
        The GeoPackage's file name in ``folder``.
    vector_fields
        GeoPackage layer → field names in order (FID first, geometry left out), for the
        aliases; the layers absent from it are left out of the project.

    Returns
    -------
    str
        The ``.qgs`` document.
    """
    folder = Path(folder)
    layers = _available_layers(folder, gpkg, dict(vector_fields or {}))
    names = {layer.key: layer.name for _, layer in layers}
    date = generation_date()[:10]
    title = "Priorisation des cités minières du Bassin minier"
    root = ET.Element("qgis", projectname=title, version=_QGIS_VERSION)
    _sub(root, "homePath", path="")
    _sub(root, "title", title)
    _srs(_sub(root, "projectCrs"), CRS_L93)
    _layer_tree(root, layers)
    project_layers = _sub(root, "projectlayers")
    for _, layer in layers:
        project_layers.append(_maplayer(layer, "EPSG:3035" if layer.kind == "raster"
                                        else CRS_L93))
    _properties(root, title)
    _map_themes(root, layers)
    scenario = _scenario_name(result)
    layouts = _sub(root, "Layouts")
    cites = result.cites
    extent = _extent(cites.to_crs(CRS_L93) if cites.crs is not None else cites, margin=0.05)
    legend = [k for k in ("grappes", "shortlist", "cites", "epci") if k in names]
    if "epci" in names and "shortlist" in names:
        _layout(layouts, ATLAS_LAYOUT, extent=extent, theme="atlas EPCI",
                title='EPCI : [% "epci_nom" %]',
                subtitle=f"Scénario « {scenario} » du {date} – [% \"n_retenues\" %] cités "
                         f"retenues sur [% \"n_cites\" %], [% \"logements_retenus\" %] logements",
                names=names, legend_keys=legend, atlas=True)
    _layout(layouts, BASIN_LAYOUT, extent=extent, theme="phases",
            title="Bassin minier du Nord-Pas-de-Calais : cités prioritaires",
            subtitle=f"Scénario « {scenario} » du {date} – {len(result.shortlist)} cités "
                     f"retenues en {_n_phases(result)} phases",
            names=names, legend_keys=legend, atlas=False)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return _DOCTYPE + body + "\n"


def _n_phases(result: RunResult) -> int:
    try:
        return int(result.scenario.selection.phases.count)
    except AttributeError:
        return 2


def gpkg_fields(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Return the styled layers of a GeoPackage → their columns (geometry left out).

    Read with :mod:`sqlite3` in read-only mode, so that GDAL writes no ``.aux.xml`` beside
    the file.

    Parameters
    ----------
    path
        A GeoPackage written by :func:`cites_priority.export.write_geopackage`.

    Returns
    -------
    dict
        Layer name → column names in table order (FID first).
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    out: dict[str, list[str]] = {}
    with closing(sqlite3.connect(uri, uri=True)) as db:
        geoms = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        for layer in STYLED_LAYERS:
            if layer not in geoms:
                continue
            cols = [row[1] for row in db.execute(f'PRAGMA table_info("{layer}")')]
            out[layer] = [c for c in cols if c != geoms[layer]]
    return out


def write_qgis_project(result: RunResult, folder: str | os.PathLike[str], *,
                       gpkg: str = "cites_priority.gpkg",
                       name: str = PROJECT_NAME) -> Path:
    """Write ``cites_priority.qgz`` into ``folder``, beside the GeoPackage (atomically).

    Parameters
    ----------
    result
        The run.
    folder
        The output folder, holding ``gpkg`` and, when written, the rasters.
    gpkg
        File name of the run's GeoPackage in ``folder`` (read for its layers' fields).
    name
        File name of the project.

    Returns
    -------
    pathlib.Path
        The ``.qgz`` written: a zip holding one ``.qgs`` with a fixed date.
    """
    folder = Path(folder)
    fields = gpkg_fields(folder / gpkg)
    text = project_xml(result, folder, gpkg=gpkg, vector_fields=fields)
    path = _write_qgz(folder / name, text)
    logger.info("QGIS project written: %s (%d layers)", path, text.count("<maplayer "))
    return path


def _write_qgz(path: Path, text: str) -> Path:
    member = zipfile.ZipInfo(path.with_suffix(".qgs").name, date_time=_ZIP_DATE)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        archive.writestr(member, text.encode("utf-8"))
    return path


def _read_qgs(qgz: Path) -> ET.Element:
    with zipfile.ZipFile(qgz) as archive:
        names = [n for n in archive.namelist() if n.endswith(".qgs")]
        if len(names) != 1:
            raise OutputError(msg("qgis.not_a_project", path=qgz,
                                  detail=msg("qgis.qgs_count", n=len(names))))
        return ET.fromstring(archive.read(names[0]))


def _find(root: ET.Element, path: str, qgz: Path) -> ET.Element:
    """The element at ``path`` of a project written by :func:`write_qgis_project`."""
    found = root.find(path)
    if found is None:
        raise OutputError(msg("qgis.not_a_project", path=qgz,
                              detail=msg("qgis.missing_element", element=path)))
    return found


def add_layer_to_project(project: str | os.PathLike[str], layer_path: str | os.PathLike[str],
                         *, layer: str, name: str, fields: Sequence[str],
                         out: str | os.PathLike[str], theme: str) -> Path:
    """Write a copy of a project with one more styled GeoPackage layer, on top.

    Parameters
    ----------
    project
        A ``.qgz`` written by :func:`write_qgis_project`.
    layer_path
        The GeoPackage holding ``layer``; its source in the copy is relative to ``out``'s
        folder when it can be (same drive), else absolute.
    layer
        Layer name in the GeoPackage, a key of :data:`STYLED_LAYERS` (e.g. ``comparaison``).
    name
        French name shown in the layer panel.
    fields
        The layer's fields (for the aliases and forms).
    out
        The copy to write (``.qgz``); put it in ``project``'s folder so that the project's
        own relative sources still resolve.
    theme
        A map theme created for the new layer (shown with the EPCI and communes).

    Returns
    -------
    pathlib.Path
        The copy written.
    """
    project, out = Path(project), Path(out)
    root = _read_qgs(project)
    try:
        rel = os.path.relpath(Path(layer_path).resolve(), out.resolve().parent)
        source = f"./{Path(rel).as_posix()}"
    except ValueError:  # another drive
        source = Path(layer_path).resolve().as_posix()
    new = _Layer(layer, name, f"{source}|layername={layer}", "ogr", "vector",
                 layer_qml(layer, list(fields)), True)
    _find(root, "projectlayers", project).insert(0, _maplayer(new, CRS_L93))
    tree = _find(root, "layer-tree-group", project)
    group = ET.Element("layer-tree-group", name="Comparaison", expanded="1",
                       checked="Qt::Checked")
    _sub(group, "layer-tree-layer", id=_layer_id(layer), name=name, source=new.source,
         providerKey="ogr", expanded="1", checked="Qt::Checked")
    tree.insert(0, group)
    order = tree.find("custom-order")
    if order is not None:
        item = ET.Element("item")
        item.text = _layer_id(layer)
        order.insert(0, item)
    presets = _find(root, "visibility-presets", project)
    preset = _sub(presets, "visibility-preset", name=theme,
                  **{"has-expanded-info": "0", "has-checked-group-info": "0"})
    for key in (layer, "epci", "communes"):
        if key == layer or root.find(f"projectlayers/maplayer[id='{_layer_id(key)}']") is not None:
            _sub(preset, "layer", id=_layer_id(key), visible="1", style="default", expanded="1")
    ET.indent(root, space=" ")
    text = _DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"
    path = _write_qgz(out, text)
    logger.info("QGIS project with %s written: %s", layer, path)
    return path
