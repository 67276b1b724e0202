"""French values of the coded fields, for every file a user opens (GeoPackage, CSV).

The run keeps short English codes (``core``, ``enters``, ``building``…) that the engine
and its tests reason on; the exports write their French labels instead
(:data:`cites_priority.messages.VALUE_LABELS`), so QGIS and Excel never show a code.
``list`` keeps its codes (``mission_2016``, ``erbm``: the categories of the reference
style, labelled there); ``forced`` keeps its documented codes ``in``/``out`` (labelled ``imposée``/``exclue`` by
:func:`french_values` only where asked), and ``top_contributions``
(``"niveau_vie 0.081; …"``) becomes ``"Niveau de vie moyen (€/UC/an) 0,081 ; …"``.
"""

from __future__ import annotations

import pandas as pd

from ..messages import fr_number, label
from .aliases import alias

__all__ = ["contributions_text", "french_values"]

#: Column → vocabulary of :data:`cites_priority.messages.VALUE_LABELS`.
VALUE_COLUMNS: dict[str, str] = {
    "robustness_class": "robustness_class",
    "flip_family": "family",
    "flip_effect": "flip_effect",
    "family": "family",
    "direction": "direction",
    "normalisation": "normalisation",
    "status": "status",
    "confidence": "confidence",
    "change": "change",
}


def contributions_text(text: object) -> object:
    """Translate ``"niveau_vie 0.081; heritage_rank 0.062"`` into French labels and numbers.

    Examples
    --------
    >>> contributions_text("poverty_rate 0.081; unesco 0.05")
    'Taux de ménages pauvres 0,081 ; Bien UNESCO 0,050'
    """
    if not isinstance(text, str) or not text:
        return text
    parts = []
    for item in text.split(";"):
        name, _, value = item.strip().rpartition(" ")
        try:
            parts.append(f"{alias(name)} {fr_number(float(value), 3)}")
        except ValueError:
            parts.append(item.strip())
    return " ; ".join(parts)


def _translate(series: pd.Series, vocabulary: str) -> pd.Series:
    def one(value: object) -> object:
        if not isinstance(value, str):
            return value
        # multi-valued cells ("mission_2016; erbm") are translated item by item
        return "; ".join(str(label(vocabulary, v.strip())) for v in value.split(";"))

    return series.map(one).astype("string")


def french_values(frame: pd.DataFrame, *, forced_labels: bool = False) -> pd.DataFrame:
    """Return a copy of ``frame`` whose coded text columns hold their French labels.

    Parameters
    ----------
    frame
        Any exported layer or table.
    forced_labels
        Also write ``forced`` as ``imposée``/``exclue`` (CSV); the GeoPackage keeps the
        ``in``/``out`` codes of ``docs/contracts.md``.

    Returns
    -------
    pandas.DataFrame
        The translated copy (same class, same columns).
    """
    out = frame.copy()
    for col, vocabulary in VALUE_COLUMNS.items():
        if col in out.columns:
            out[col] = _translate(out[col], vocabulary)
    if forced_labels and "forced" in out.columns:
        out["forced"] = _translate(out["forced"], "forced")
    if "top_contributions" in out.columns:
        out["top_contributions"] = out["top_contributions"].map(contributions_text).astype("string")
    return out
