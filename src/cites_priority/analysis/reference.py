"""The reference lists of a world (the 2016 mission's, the ERBM's) and a run's agreement.

The world's ``reference_lists.csv`` has one row per (``list``, ``cite_id``); the lists the
run compares with are :data:`REFERENCE_LISTS`.
"""

from __future__ import annotations

import pandas as pd

from ..selection.agreement import agreement
from ..types import Selection

__all__ = ["REFERENCE_LISTS", "reference_agreement", "reference_ids"]

#: The reference lists a run is compared with, in the order of the report.
REFERENCE_LISTS = ("mission_2016", "erbm")


def reference_ids(reference: pd.DataFrame | None) -> dict[str, set[int]]:
    """Return list name → the cité ids it holds (empty sets without a reference table).

    Parameters
    ----------
    reference
        The world's reference table (``list``, ``cite_id``), or ``None``.

    Returns
    -------
    dict
        One entry per name of :data:`REFERENCE_LISTS`.
    """
    if reference is None:
        return {name: set() for name in REFERENCE_LISTS}
    return {name: set(reference.loc[reference["list"] == name, "cite_id"])
            for name in REFERENCE_LISTS}


def reference_agreement(
    selected: Selection, reference: pd.DataFrame | None, logements: pd.Series
) -> dict[str, dict[str, float]]:
    """Agreement of a selection with each reference list (empty without a reference table).

    Parameters
    ----------
    selected
        Boolean by ``cite_id``.
    reference
        The world's reference table, or ``None``.
    logements
        By ``cite_id``.

    Returns
    -------
    dict
        List name → :func:`cites_priority.selection.agreement.agreement` of the selection.
    """

    if reference is None:
        return {}
    ids = reference_ids(reference)
    return {name: agreement(selected, sorted(ids[name]), logements) for name in REFERENCE_LISTS}
