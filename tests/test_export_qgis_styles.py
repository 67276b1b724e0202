"""Tests of cites_priority.export.qgis_styles (QML templates and layer_styles)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from cites_priority.export.aliases import (
    FIELD_ALIASES,
    LIST_LABELS,
    PHASE_COLOURS,
    PHASE_LABELS,
    PRIORITY_CLASS_COLOURS,
    PRIORITY_CLASS_LABELS,
    RUC_CLASS_COLOURS,
    RUC_CLASS_LABELS,
)
from cites_priority.export.qgis_styles import (
    layer_qml,
    layer_styles_frame,
    qml_colour,
    raster_qml,
)

FIELDS = ["cite_id", "name", "score", "unknown_field", "priority_class", "phase"]


@pytest.mark.parametrize(
    ("layer", "attr", "labels", "colours"),
    [
        ("cites", "priority_class", PRIORITY_CLASS_LABELS, PRIORITY_CLASS_COLOURS),
        ("shortlist", "phase", {k: v for k, v in PHASE_LABELS.items() if k},
         {k: v for k, v in PHASE_COLOURS.items() if k}),
    ],
)
def test_vector_qml_is_valid_and_matches_shared_labels(
    layer: str, attr: str, labels: dict[int, str], colours: dict[int, str]
) -> None:
    root = ET.fromstring(layer_qml(layer, FIELDS))
    renderer = root.find("renderer-v2")
    assert renderer is not None
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == attr
    cats = {int(c.get("value")): (c.get("label"), c.get("symbol"))
            for c in renderer.iter("category")}
    assert {k: v[0] for k, v in cats.items()} == labels
    symbols = {s.get("name"): s for s in renderer.iter("symbol")}
    for value, (_, sym) in cats.items():
        fill = symbols[sym].find("layer")
        assert fill is not None and fill.get("class") == "SimpleFill"
        opts = {o.get("name"): o.get("value") for o in fill.iter("Option") if o.get("name")}
        assert opts["color"] == qml_colour(colours[value])
    labeling = root.find("labeling")
    assert labeling is not None and labeling.get("type") == "simple"
    assert labeling.find("settings/text-style").get("fieldName") == "name"
    aliases = {a.get("field"): (a.get("name"), a.get("index")) for a in root.iter("alias")}
    assert list(aliases) == FIELDS
    assert aliases["score"] == (FIELD_ALIASES["score"], "2")
    assert aliases["unknown_field"] == ("", "3")


def test_reference_and_grappes_qml() -> None:
    ref = ET.fromstring(layer_qml("reference", ["cite_id", "name", "list", "confidence"]))
    renderer = ref.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "list"
    values = [c.get("value") for c in renderer.iter("category")]
    assert values == ["mission_2016", "erbm", "erbm; mission_2016", "examined_2016",
                      "erbm; examined_2016", ""]
    labels = {c.get("value"): c.get("label") for c in renderer.iter("category")}
    assert labels["mission_2016"] == LIST_LABELS["mission_2016"]
    assert len(list(renderer.iter("symbol"))) == 6
    grappes = ET.fromstring(layer_qml("grappes", ["grappe_id", "names"]))
    assert grappes.find("renderer-v2").get("type") == "singleSymbol"
    style = grappes.find("labeling/settings/text-style")
    assert style.get("isExpression") == "1" and "grappe_id" in style.get("fieldName")


def test_cells_qml_matches_ruc_classes() -> None:
    root = ET.fromstring(layer_qml("carreaux_200m", ["idcar_200m", "niveau_vie", "ruc_class"]))
    renderer = root.find("renderer-v2")
    assert renderer.get("attr") == "ruc_class"
    cats = {int(c.get("value")): c for c in renderer.iter("category")}
    assert {k: c.get("label") for k, c in cats.items()} == RUC_CLASS_LABELS
    symbols = {s.get("name"): s for s in renderer.iter("symbol")}
    for k, cat in cats.items():
        opts = {o.get("name"): o.get("value") for o in symbols[cat.get("symbol")].iter("Option")
                if o.get("name")}
        assert opts["color"] == qml_colour(RUC_CLASS_COLOURS[k])
    assert root.find("labeling") is None


def test_layer_styles_frame_shape() -> None:
    frame = layer_styles_frame({"cites": "<qgis/>", "shortlist": "<qgis/>"},
                               update_time=pd.Timestamp("2026-01-01T00:00:00.000Z"))
    assert frame["f_table_schema"].tolist() == ["", ""]
    assert frame["f_geometry_column"].tolist() == ["geom", "geom"]
    assert frame["useAsDefault"].dtype == bool and frame["useAsDefault"].all()
    assert str(frame["update_time"].dtype) == "datetime64[ms, UTC]"
    naive = layer_styles_frame({"cites": "x"}, update_time=pd.Timestamp("2026-01-01 10:00"))
    assert naive["update_time"].iloc[0] == pd.Timestamp("2026-01-01 10:00", tz="UTC")


def test_raster_qml() -> None:
    pal = ET.fromstring(raster_qml(classes={1: ("un <1>", "#ff0000"), 2: ("deux", "#00ff00")}))
    entries = list(pal.iter("paletteEntry"))
    assert [(e.get("value"), e.get("label"), e.get("color")) for e in entries] == [
        ("1", "un <1>", "#ff0000"), ("2", "deux", "#00ff00")]
    ramp = ET.fromstring(raster_qml(ramp=[(1.0, "#000000", "a"), (5.5, "#ffffff", "b")]))
    shader = next(ramp.iter("colorrampshader"))
    assert (shader.get("minimumValue"), shader.get("maximumValue")) == ("1.0", "5.5")
    assert len(list(shader.iter("item"))) == 2
    with pytest.raises(ValueError, match="exactly one"):
        raster_qml()
