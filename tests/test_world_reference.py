"""Reference lists and name matching."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cites_priority.constants import WORLD_FILES
from cites_priority.world.reference import match_names, named_cites


def test_named_lists() -> None:
    n = named_cites()
    assert (n["list"] == "mission_2016").sum() == 25
    assert (n["confidence"] == "confirmed").sum() == 16
    assert (n["confidence"] == "probable").sum() == 9


def test_matching_accents_and_saint() -> None:
    cites = pd.DataFrame({"ID_LSM": [1, 2, 3], "NOM": ["Cité St-Albert", "Cité n°9 de Lens", "Cité n°4 de Lens"],
                          "NOM_2": [None, None, None], "COMMUNE_1": ["LIEVIN", "Lens", "Lens"],
                          "COMMUNE_2": [None, None, None], "COMMUNE_3": [None, None, None]})
    named = pd.DataFrame({"name": ["Cité Saint-Albert", "Cité 4 de Lens", "Cité 7 de Lens"],
                          "communes": [["Liévin"], ["Lens"], ["Lens"]]})
    m = match_names(named, cites)
    assert m.tolist()[:2] == [1, 3] and pd.isna(m.iloc[2])


def test_reference_file(default_world: Path) -> None:
    ref = pd.read_csv(default_world / WORLD_FILES["reference"])
    assert list(ref.columns) == ["cite_id", "name", "communes", "list", "confidence"]
    assert set(ref["list"]) == {"mission_2016", "examined_2016", "erbm"}
    assert set(ref.loc[ref["list"] == "erbm", "confidence"]) == {"real"}
    assert set(ref.loc[ref["list"] == "examined_2016", "confidence"]) == {"named", "synthetic"}
