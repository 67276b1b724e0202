"""QGIS styles: the hand-written QML templates and the GeoPackage ``layer_styles`` table.

QGIS opens a GeoPackage layer with the style of the ``layer_styles`` row matching
``f_table_schema='' AND f_table_name=<layer> AND f_geometry_column=<geom>``, default first
(QGIS ``qgsogrprovidermetadata.cpp``; checked in headless QGIS 3.22, see
``/work/shared/docs/style-and-ecosystem.md`` §B.1). The table must be an OGR-visible
attributes table created with ``FID=id`` and ``f_table_schema`` an empty string (not NULL).

The QML files under ``styles/`` are written by hand for QGIS 3.22 (categorised renderer,
fill symbols, simple labelling); only their ``<aliases>`` block is generated, from
:data:`cites_priority.export.aliases.FIELD_ALIASES`, so that the labels a planner sees in
QGIS, in the CSV and in the report are the same.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources

import pandas as pd

from .aliases import alias
from .qgis_forms import form_xml, value_maps_xml

__all__ = [
    "GEOMETRY_COLUMN",
    "STYLED_LAYERS",
    "aliases_xml",
    "layer_qml",
    "layer_styles_frame",
    "raster_qml",
]

#: Geometry column name pyogrio/GDAL give GeoPackage layers.
GEOMETRY_COLUMN = "geom"
#: Layer name → (QML template, style name, description).
STYLED_LAYERS: dict[str, tuple[str, str, str]] = {
    "cites": ("cites.qml", "Classes de priorité", "Cités minières par classe de priorité"),
    "shortlist": ("shortlist.qml", "Phases", "Cités retenues par phase"),
    "reference": ("reference.qml", "Listes", "Cités des listes de référence par liste"),
    "grappes": ("grappes.qml", "Grappes", "Contours des grappes de cités retenues"),
    "carreaux_200m": ("carreaux_200m.qml", "Classes de revenu",
                      "Carreaux 200 m par classe de revenu (RUC)"),
    "communes": ("communes.qml", "Contours", "Contours des communes"),
    "epci": ("epci.qml", "Contours", "Contours des EPCI, nommés"),
    "epci_masque": ("epci_masque.qml", "Masque d'atlas",
                    "Voile blanc sur les EPCI autres que celui de la page d'atlas"),
    "comparaison": ("comparaison.qml", "Changements",
                    "Entrées, sorties et cités maintenues entre deux scénarios"),
}
_ALIAS_MARK = "<!--ALIASES-->"
#: Layers whose attribute form is grouped in tabs (:mod:`.qgis_forms`).
FORM_LAYERS = ("cites", "shortlist")


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("styles", name).read_text(encoding="utf-8")


def aliases_xml(fields: Iterable[str], *, indent: str = "    ") -> str:
    """Return the ``<alias>`` elements of a QML ``<aliases>`` block.

    Parameters
    ----------
    fields
        The layer's field names, in layer order (without the geometry).
    indent
        Prefix of each line.

    Returns
    -------
    str
        One ``<alias field=… index=… name=…/>`` line per field; fields without a French
        label get an empty alias (QGIS then shows the field name).
    """
    lines = []
    for i, field in enumerate(fields):
        label = alias(field)
        label = "" if label == field else label
        lines.append(
            f'{indent}<alias field="{html.escape(field)}" index="{i}" '
            f'name="{html.escape(label)}"/>'
        )
    return "\n".join(lines).lstrip()


def layer_qml(layer: str, fields: Sequence[str]) -> str:
    """Return the QML of a styled layer with its French aliases filled in.

    Parameters
    ----------
    layer
        A key of :data:`STYLED_LAYERS` (``cites``, ``shortlist``, ``reference``, ``grappes``,
        ``carreaux_200m``).
    fields
        The layer's field names in order (the FID column included, the geometry excluded).

    Returns
    -------
    str
        The QML document: the template, the French aliases, a ``ValueMap`` widget for
        each coded field and, for :data:`FORM_LAYERS`, the tabbed attribute form.
    """
    template = _template(STYLED_LAYERS[layer][0])
    qml = template.replace(_ALIAS_MARK, aliases_xml(fields))
    extra = [value_maps_xml(fields)]
    if layer in FORM_LAYERS:
        extra.append(form_xml(fields))
        qml = qml.replace('styleCategories="Symbology|Labeling|Fields"',
                          'styleCategories="Symbology|Labeling|Fields|Forms"', 1)
    blocks = "\n  ".join(b for b in extra if b)
    return qml.replace("  <aliases>", f"  {blocks}\n  <aliases>", 1) if blocks else qml


def layer_styles_frame(
    qml_by_layer: Mapping[str, str],
    *,
    update_time: pd.Timestamp,
) -> pd.DataFrame:
    """Return the ``layer_styles`` table as QGIS writes it, one default style per layer.

    Parameters
    ----------
    qml_by_layer
        Layer name → QML text.
    update_time
        Timestamp of the styles (UTC); use the run's generation date for reproducible bytes.

    Returns
    -------
    pandas.DataFrame
        Columns ``f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
        styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time``.
        Write it with ``layer_options={"FID": "id"}``.
    """
    ts = pd.Timestamp(update_time)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    rows = []
    for layer, qml in qml_by_layer.items():
        _, style_name, description = STYLED_LAYERS.get(layer, (None, layer, layer))
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": layer,
                "f_geometry_column": GEOMETRY_COLUMN,
                "styleName": style_name,
                "styleQML": qml,
                "styleSLD": "",
                "useAsDefault": True,
                "description": description,
                "owner": "",
                "ui": "",
                "update_time": ts,
            }
        )
    frame = pd.DataFrame(rows)
    frame["update_time"] = frame["update_time"].astype("datetime64[ms, UTC]")
    frame["useAsDefault"] = frame["useAsDefault"].astype(bool)
    return frame


def _hex_to_rgb(colour: str) -> str:
    colour = colour.lstrip("#")
    return ",".join(str(int(colour[i : i + 2], 16)) for i in (0, 2, 4))


def raster_qml(
    *,
    classes: Mapping[int, tuple[str, str]] | None = None,
    ramp: Sequence[tuple[float, str, str]] | None = None,
    precision: int = 0,
) -> str:
    """Return the QML of a single-band raster: paletted classes or a pseudocolor ramp.

    Parameters
    ----------
    classes
        Value → (label, hex colour), for a paletted renderer (e.g. RUC classes).
    ramp
        (value, hex colour, label) stops, increasing, for an interpolated pseudocolor.
    precision
        Decimals shown in the ramp labels.

    Returns
    -------
    str
        The QML document.
    """
    if (classes is None) == (ramp is None):
        msg = "give exactly one of `classes` or `ramp`"
        raise ValueError(msg)
    if classes is not None:
        items = "\n".join(
            f'        <paletteEntry value="{v}" color="{c}" alpha="255" '
            f'label="{html.escape(label)}"/>'
            for v, (label, c) in classes.items()
        )
        return _template("raster_paletted.qml").replace("@ITEMS@", items)
    assert ramp is not None
    items = "\n".join(
        f'          <item alpha="255" value="{v!r}" label="{html.escape(label)}" color="{c}"/>'
        for v, c, label in ramp
    )
    return (
        _template("raster_pseudocolor.qml")
        .replace("@ITEMS@", items)
        .replace("@MIN@", repr(float(ramp[0][0])))
        .replace("@MAX@", repr(float(ramp[-1][0])))
        .replace("@PRECISION@", str(precision))
    )


def qml_colour(colour: str) -> str:
    """Return a hex colour as QML's ``r,g,b,255``.

    Parameters
    ----------
    colour
        ``#rrggbb``.

    Returns
    -------
    str
        The QML colour string.
    """
    return _hex_to_rgb(colour) + ",255"
