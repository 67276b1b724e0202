"""Loader of the reference lists (``reference_lists.csv``): the mission's 2016 shortlist,
the cités it examined and the ERBM programme, used to calibrate and compare runs."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pandas as pd

from ..messages import fr_number, msg
from ._fields import (
    Problems,
    check_required_values,
    parse_counts,
    resolve_fields,
    text_column,
)
from ._read import read_csv

__all__ = ["KNOWN_LISTS", "REFERENCE_FIELDS", "load_reference"]

logger = logging.getLogger(__name__)

REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "cite_id": ("cite_id", "ID_LSM", "id_lsm"),
    "name": ("name", "nom"),
    "communes": ("communes", "commune"),
    "list": ("list", "liste"),
    "confidence": ("confidence", "confiance"),
}
#: Lists named in docs/contracts.md §1; others are kept with a warning.
KNOWN_LISTS = ("mission_2016", "examined_2016", "erbm")


def load_reference(path: str | Path) -> pd.DataFrame:
    """Load a reference list file.

    Parameters
    ----------
    path
        CSV (``,`` or ``;``) with ``cite_id, name, communes, list, confidence``.

    Returns
    -------
    pandas.DataFrame
        ``cite_id`` (int64), ``name``, ``communes``, ``list``, ``confidence`` (strings), one
        row per (cité, list); RangeIndex.

    Raises
    ------
    InputDataError
        Missing fields, empty or non-integer ``cite_id``, empty ``list``, a cité listed
        twice in the same list.

    Warns
    -----
    UserWarning
        For list names other than :data:`KNOWN_LISTS`.
    """
    frame = read_csv(path)
    path = Path(path)
    problems = Problems(path)
    cols = resolve_fields(list(frame.columns), REFERENCE_FIELDS,
                          required=("cite_id", "list"), problems=problems)
    problems.raise_if_any()
    ids = parse_counts(frame, {"cite_id": cols["cite_id"]}, problems=problems,
                       integer=True)["cite_id"]
    lists = text_column(frame, cols["list"])
    check_required_values(lists, column=cols["list"], problems=problems, frame=frame)
    pairs = pd.DataFrame({"id": ids, "list": lists})
    dup = pairs.notna().all(axis=1) & pairs.duplicated(keep=False)
    if dup.any():
        problems.add(msg("sources.reference.twice", n=fr_number(int(dup.sum()))),
                     field=cols["cite_id"], rows=frame.index[dup].tolist()[:20],
                     fix=msg("sources.reference.twice.fix"))
    problems.raise_if_any()
    unknown = sorted(set(lists.dropna()) - set(KNOWN_LISTS))
    if unknown:
        warnings.warn(msg("sources.reference.unknown_list", path=path,
                          unknown=", ".join(f"« {n} »" for n in unknown),
                          known=", ".join(f"« {n} »" for n in KNOWN_LISTS)),
                      UserWarning, stacklevel=2)
    out = pd.DataFrame({
        "cite_id": ids.astype("int64"),
        "name": text_column(frame, cols.get("name")),
        "communes": text_column(frame, cols.get("communes")),
        "list": lists,
        "confidence": text_column(frame, cols.get("confidence")),
    })
    logger.info("%s: %d reference rows", path, len(out))
    return out
