"""How far a selection agrees with a reference list (the mission's 25, the ERBM cités)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..types import Selection

__all__ = ["agreement"]


def agreement(
    selected: Selection, reference_ids: Iterable[int], logements: pd.Series
) -> dict[str, float]:
    """Reproduction metrics of a selection against a reference list.

    Parameters
    ----------
    selected
        Boolean Series indexed by ``cite_id``.
    reference_ids
        ``cite_id`` of the reference list (ids absent from ``selected`` are ignored).
    logements
        Dwellings per cité, indexed by ``cite_id``.

    Returns
    -------
    dict
        ``n_reference``, ``n_selected``, ``n_common``; ``recall`` (share of the reference
        cités selected), ``precision`` (share of the selection in the reference),
        ``jaccard`` (common / union), ``logement_recall`` (share of the reference's
        logements that the selection covers). Ratios are NaN when undefined.

    Examples
    --------
    >>> sel = pd.Series([True, True, False, False], index=[1, 2, 3, 4])
    >>> log = pd.Series([100, 300, 100, 500], index=[1, 2, 3, 4])
    >>> a = agreement(sel, [2, 3], log)
    >>> a["n_common"], a["recall"], a["jaccard"], a["logement_recall"]
    (1, 0.5, 0.3333333333333333, 0.75)
    """
    chosen = set(selected.index[selected.astype(bool)])
    ref = {i for i in reference_ids if i in selected.index}
    common = chosen & ref
    union = chosen | ref
    ref_log = float(logements.reindex(sorted(ref)).sum())
    nan = float("nan")
    return {
        "n_reference": len(ref),
        "n_selected": len(chosen),
        "n_common": len(common),
        "recall": len(common) / len(ref) if ref else nan,
        "precision": len(common) / len(chosen) if chosen else nan,
        "jaccard": len(common) / len(union) if union else nan,
        "logement_recall": float(logements.reindex(sorted(common)).sum()) / ref_log if ref_log else nan,
    }
