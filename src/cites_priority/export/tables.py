"""The shortlist as a CSV that French Excel opens correctly.

French Excel expects ``;`` as separator, a decimal comma and, to detect UTF-8, a byte-order
mark. Headers are the French labels of :mod:`.aliases`; booleans are ``oui``/``non``; rows
are ordered by phase then rank.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from .._atomic import atomic_path
from ..constants import FAMILIES
from ..result import RunResult
from .aliases import PRIORITY_CLASS_LABELS, alias
from .values import french_values

__all__ = ["SHORTLIST_COLUMNS", "epci_names", "shortlist_table", "write_shortlist_csv"]

logger = logging.getLogger(__name__)

#: Columns of the CSV, in order (those absent from the run are skipped).
SHORTLIST_COLUMNS = [
    "phase",
    "phase_period",
    "rank",
    "cite_id",
    "name",
    "communes",
    "epci",
    "epci_name",
    "logements",
    "score",
    *[f"score_{f}" for f in FAMILIES],
    "priority_class",
    "p_selected",
    "rank_p05",
    "rank_p95",
    "robustness_class",
    "stress_share",
    "forced",
    "forced_swap",
    "synthetique",
    "in_mission_list",
    "in_erbm",
    "niveau_vie",
    "poverty_rate",
    "share_dpe_efg",
    "heritage_interest",
    "typology",
    "landlord",
]
_DECIMALS = {"score": 4, "p_selected": 3, "stress_share": 3, "niveau_vie": 0, "poverty_rate": 3,
             "share_dpe_efg": 3}


def epci_names(result: RunResult) -> dict[str, str]:
    """Return EPCI code → name, from the communes in ``result.extras`` (empty if absent).

    Parameters
    ----------
    result
        The run; ``extras["communes"]`` may carry ``epci``/``epci_siren`` and
        ``epci_name``/``epci_nom``.

    Returns
    -------
    dict
        SIREN code → EPCI name.
    """
    communes = result.extras.get("communes")
    if communes is None:
        return {}
    code = next((c for c in ("epci", "epci_siren") if c in communes.columns), None)
    name = next((c for c in ("epci_name", "epci_nom") if c in communes.columns), None)
    if code is None or name is None:
        return {}
    pairs = communes[[code, name]].dropna().drop_duplicates(code)
    return dict(zip(pairs[code].astype(str), pairs[name].astype(str), strict=True))


def shortlist_table(result: RunResult) -> pd.DataFrame:
    """Return the shortlist as displayed: French headers, rounded, ordered by phase and rank.

    Parameters
    ----------
    result
        The run.

    Returns
    -------
    pandas.DataFrame
        One row per selected cité; booleans as ``oui``/``non``, classes as labels.
    """
    short = result.shortlist
    if "cite_id" not in short.columns and short.index.name == "cite_id":
        short = short.reset_index()
    short = pd.DataFrame(short.drop(columns=short.geometry.name, errors="ignore"))
    short = short.sort_values(["phase", "rank"], kind="stable")
    names = epci_names(result)
    if names and "epci" in short.columns and "epci_name" not in short.columns:
        short["epci_name"] = short["epci"].astype("string").map(names)
    cols = [c for c in SHORTLIST_COLUMNS if c in short.columns]
    out = short[cols].copy()
    for col in cols:
        if col.startswith("score"):
            out[col] = out[col].astype(float).round(_DECIMALS["score"])
        elif col in _DECIMALS:
            out[col] = out[col].astype(float).round(_DECIMALS[col])
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "oui", False: "non"}).astype("string")
    if "niveau_vie" in out:
        out["niveau_vie"] = out["niveau_vie"].astype("Int64")
    if "priority_class" in out:
        out["priority_class"] = out["priority_class"].map(PRIORITY_CLASS_LABELS)
    out = french_values(out, forced_labels=True)
    return out.rename(columns=alias).reset_index(drop=True)


def write_shortlist_csv(result: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write the shortlist for French Excel: ``;``, decimal comma, UTF-8 with BOM (atomic).

    Parameters
    ----------
    result
        The run.
    path
        Destination ``.csv``.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    table = shortlist_table(result)
    with atomic_path(path) as tmp:
        table.to_csv(tmp, sep=";", decimal=",", index=False, encoding="utf-8-sig",
                     lineterminator="\r\n")
    logger.info("shortlist CSV written: %s (%d rows)", path, len(table))
    return path
