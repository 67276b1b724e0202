"""Tests of cites_priority.sources.reference."""

from __future__ import annotations

import pandas as pd
import pytest

from cites_priority import InputDataError
from cites_priority.sources import load_reference


def _write(path, rows):
    pd.DataFrame(rows, columns=["cite_id", "name", "communes", "list", "confidence"]).to_csv(
        path, index=False)
    return path


def test_reference_lists(tmp_path):
    path = _write(tmp_path / "r.csv", [(101, "Cité 2", "Lens", "mission_2016", "confirmed"),
                                       (101, "Cité 2", "Lens", "erbm", "real"),
                                       (7, "Cité 7", "Avion", "examined_2016", "examined")])
    ref = load_reference(path)
    assert ref["cite_id"].tolist() == [101, 101, 7] and ref["cite_id"].dtype == "int64"
    assert ref.groupby("list").size().to_dict() == {"erbm": 1, "examined_2016": 1,
                                                    "mission_2016": 1}


def test_unknown_list_warns(tmp_path):
    path = _write(tmp_path / "r.csv", [(1, "a", "b", "wishlist", "named")])
    with pytest.warns(UserWarning, match="wishlist"):
        load_reference(path)


def test_same_cite_twice_in_a_list_is_an_error(tmp_path):
    path = _write(tmp_path / "r.csv", [(1, "a", "b", "erbm", "real"), (1, "a", "b", "erbm",
                                                                        "real")])
    with pytest.raises(InputDataError, match="cite_id.*deux fois la même cité"):
        load_reference(path)
