"""Attribute forms of the cités layers: tabs and value maps in the QML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from cites_priority.export.aliases import PHASE_LABELS, PRIORITY_CLASS_LABELS
from cites_priority.export.gpkg import prepare_cites
from cites_priority.export.qgis_forms import FORM_TABS, form_tabs
from cites_priority.export.qgis_styles import layer_qml
from export_fixtures import make_run_result


def _fields(layer: str = "cites") -> list[str]:
    frame = prepare_cites(getattr(make_run_result(), layer))
    return [c for c in frame.columns if c != frame.geometry.name]


def test_every_field_of_the_cites_layer_lands_in_one_tab() -> None:
    fields = _fields()
    tabs = form_tabs(fields)
    placed = [f for members in tabs.values() for f in members]
    assert sorted(placed) == sorted(fields) and len(placed) == len(set(placed))
    assert list(tabs)[:2] == ["Identité", "Score et rang"]
    assert tabs["Identité"][:2] == ["cite_id", "name"]
    assert set(tabs) <= {*FORM_TABS, "Autres"}


def test_cites_qml_has_tabbed_form_and_value_maps() -> None:
    fields = _fields()
    root = ET.fromstring(layer_qml("cites", fields))
    assert root.get("styleCategories").endswith("|Forms")
    assert root.findtext("editorlayout") == "tablayout"
    tabs = root.findall("attributeEditorForm/attributeEditorContainer")
    assert [t.get("name") for t in tabs] == list(form_tabs(fields))
    for tab in tabs:
        for item in tab:
            assert fields[int(item.get("index"))] == item.get("name")
    widgets = {f.get("name"): f.find("editWidget") for f in root.iter("field")}
    assert widgets["priority_class"].get("type") == "ValueMap"
    pairs = {o.get("value"): o.get("name")
             for o in widgets["priority_class"].iter("Option") if o.get("value")}
    assert pairs == {str(k): v for k, v in PRIORITY_CLASS_LABELS.items()}
    phase = {o.get("value"): o.get("name") for o in widgets["phase"].iter("Option")
             if o.get("value")}
    assert phase["2"] == PHASE_LABELS[2]


def test_other_layers_get_value_maps_but_no_tabs() -> None:
    root = ET.fromstring(layer_qml("carreaux_200m", ["fid", "idcar_200m", "ruc_class"]))
    assert root.find("attributeEditorForm") is None
    assert [f.get("name") for f in root.iter("field")] == ["ruc_class"]


def test_run_fields_all_have_a_themed_tab() -> None:
    """The fields a run writes (pipeline columns known today) need no « Autres » tab."""
    run_fields = ["cite_id", "name", "epci_nom", "logements_rpls", "logements_filosofi",
                  "synthetique", "dpe_source", "stress_share", "forced_swap", "phase_period"]
    assert "Autres" not in form_tabs(run_fields)
