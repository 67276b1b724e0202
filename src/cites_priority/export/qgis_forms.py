"""QGIS attribute forms of the cités layers: tabs by theme and value maps for coded fields.

The QML fragments returned here go into the layer styles (:mod:`.qgis_styles`), so a
planner who opens a cité in QGIS sees its fields in tabs (Identité, Score et rang, Social,
Bâti, Patrimoine, Urbain, Sélection) with French labels for coded values (priority class
``1`` → « 1 – Priorité très forte », phase ``2`` → « Phase 2 »…). Format: QGIS 3.22
``<fieldConfiguration>`` (``ValueMap`` editor widgets) and ``<attributeEditorForm>`` with
``<editorlayout>tablayout</editorlayout>``, as QGIS itself exports them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from ..constants import HERITAGE_RANK
from ..messages import label
from ..registry import INDICATOR_COLUMNS
from .aliases import (
    FAMILY_LABELS,
    PHASE_LABELS,
    PRIORITY_CLASS_LABELS,
    ROBUSTNESS_LABELS,
    RUC_CLASS_LABELS,
)

__all__ = ["FORM_TABS", "VALUE_MAPS", "form_xml", "form_tabs", "value_maps_xml"]

_OTHER_TAB = "Autres"
#: The FID column GDAL gives every GeoPackage layer of the run (left out of the forms).
_FID = "fid"

#: Tab → fields, in order; the fields of a layer that are in no tab go to « Autres ».
FORM_TABS: dict[str, tuple[str, ...]] = {
    "Identité": ("cite_id", "name", "name_2", "communes", "insee", "epci", "epci_nom",
                 "typology", "company", "landlord", "logements", "logements_source",
                 "logements_rpls", "logements_filosofi", "synthetique"),
    "Score et rang": ("score", "rank", *(f"score_{f}" for f in FAMILY_LABELS),
                      "top_contributions", "p_selected", "rank_p05", "rank_p95",
                      "robustness_class", "stress_share", "flip_family", "flip_weight_after",
                      "flip_change", "flip_effect"),
    "Social": tuple(INDICATOR_COLUMNS["social"]),
    "Bâti": (*INDICATOR_COLUMNS["building"], "dpe_source"),
    "Patrimoine": ("heritage_interest", "id_unesco",
                   *(c for c in INDICATOR_COLUMNS["heritage"])),
    "Urbain": tuple(c for c in INDICATOR_COLUMNS["urban"] if c != "logements"),
    "Sélection": ("selected", "forced", "forced_swap", "phase", "phase_period", "priority_class",
                  "in_mission_list", "in_erbm", "list", "confidence"),
}

#: Coded field → {stored value: French label}.
VALUE_MAPS: dict[str, dict[object, str]] = {
    "priority_class": {k: v for k, v in PRIORITY_CLASS_LABELS.items()},
    "phase": {k: v for k, v in PHASE_LABELS.items()},
    "ruc_class": {k: v for k, v in RUC_CLASS_LABELS.items()},
    # the GeoPackage stores these fields' French labels (export.values.french_values)
    "robustness_class": {**{v: v for v in ROBUSTNESS_LABELS.values()},
                         "non calculée": "Non calculée"},
    "heritage_rank": {0: "Inconnu", **{v: k for k, v in HERITAGE_RANK.items()}},
    "unesco": {1: "Oui", 0: "Non"},
    "flip_family": {v: v for v in FAMILY_LABELS.values()},
    "flip_effect": {label("flip_effect", "enters"): "Entrerait dans la sélection",
                    label("flip_effect", "leaves"): "Sortirait de la sélection"},
    # kept as the codes of docs/contracts.md §5
    "forced": {"in": "Imposée par le scénario", "out": "Exclue par le scénario"},
}


def form_tabs(fields: Sequence[str]) -> dict[str, list[str]]:
    """Return tab → the layer's fields in it (empty tabs left out, leftovers in « Autres »).

    Parameters
    ----------
    fields
        The layer's field names in order.

    Returns
    -------
    dict
        Tab name → field names, in :data:`FORM_TABS` order.

    Examples
    --------
    >>> form_tabs(["fid", "cite_id", "name", "phase", "score", "extra"])
    {'Identité': ['cite_id', 'name'], 'Score et rang': ['score'], 'Sélection': ['phase'], \
'Autres': ['extra']}
    """
    present = set(fields)
    tabs = {tab: [f for f in members if f in present] for tab, members in FORM_TABS.items()}
    placed = {f for members in tabs.values() for f in members}
    # the FID `fid` is GDAL's row number, not a cité attribute (`cite_id` is in « Identité »)
    tabs[_OTHER_TAB] = [f for f in fields if f not in placed and f != _FID]
    return {tab: members for tab, members in tabs.items() if members}


def _option(name: str, value: object) -> str:
    return (f'<Option type="QString" name="{html.escape(name)}" '
            f'value="{html.escape(str(value))}"/>')


def value_maps_xml(fields: Sequence[str],
                   maps: Mapping[str, Mapping[object, str]] = VALUE_MAPS) -> str:
    """Return the ``<fieldConfiguration>`` block: a ``ValueMap`` widget per coded field.

    Parameters
    ----------
    fields
        The layer's field names.
    maps
        Field → {stored value: label}.

    Returns
    -------
    str
        The XML block (empty string when no field is coded).
    """
    parts = []
    for field in fields:
        if field not in maps:
            continue
        entries = "".join(f'<Option type="Map">{_option(label, value)}</Option>'
                          for value, label in maps[field].items())
        parts.append(
            f'    <field name="{html.escape(field)}" configurationFlags="None">'
            f'<editWidget type="ValueMap"><config><Option type="Map">'
            f'<Option type="List" name="map">{entries}</Option>'
            f'</Option></config></editWidget></field>'
        )
    if not parts:
        return ""
    return "<fieldConfiguration>\n" + "\n".join(parts) + "\n  </fieldConfiguration>"


def form_xml(fields: Sequence[str]) -> str:
    """Return the tabbed attribute form (``<editorlayout>`` and ``<attributeEditorForm>``).

    Parameters
    ----------
    fields
        The layer's field names in order (FID first).

    Returns
    -------
    str
        The XML blocks.
    """
    index = {f: i for i, f in enumerate(fields)}
    tabs = []
    for tab, members in form_tabs(fields).items():
        inner = "".join(
            f'<attributeEditorField name="{html.escape(f)}" index="{index[f]}" showLabel="1"/>'
            for f in members)
        tabs.append(
            f'    <attributeEditorContainer name="{html.escape(tab)}" columnCount="1" '
            f'groupBox="0" showLabel="1" visibilityExpressionEnabled="0" '
            f'visibilityExpression="">{inner}</attributeEditorContainer>')
    return ("<editorlayout>tablayout</editorlayout>\n  <attributeEditorForm>\n"
            + "\n".join(tabs) + "\n  </attributeEditorForm>")
