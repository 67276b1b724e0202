"""Tests of cites_priority.export.charts (inline SVG charts)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from cites_priority.analysis.explain import family_contributions
from cites_priority.export.charts import (
    family_contributions_svg,
    frontier_svg,
    robustness_svg,
)
from cites_priority.selection import frontier
from export_fixtures import make_run_result


def _parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg") and "<metadata" not in svg and "<?xml" not in svg
    return ET.fromstring(svg)


def test_family_contributions_sum_to_score() -> None:
    result = make_run_result()
    ids = result.shortlist["cite_id"]
    fams = family_contributions(result.contributions, result.weights).loc[list(ids)]
    assert list(fams.columns) == ["social", "building", "heritage", "urban"]
    assert list(fams.index) == list(ids)
    scores = result.shortlist.set_index("cite_id")["score"]
    pd.testing.assert_series_equal(fams.sum(axis=1), scores, check_names=False)
    names = dict(zip(ids, result.shortlist["name"], strict=True))
    root = _parse(family_contributions_svg(fams, names))
    texts = "".join(root.itertext())
    assert "Patrimoine" in texts and "Contribution au score global" in texts


def test_frontier_svg_marks_selection_and_infeasible_points() -> None:
    result = make_run_result()
    cites = result.cites.set_index("cite_id")
    front = frontier(cites["score"], cites["logements"].astype("float64"), n_cites=25,
                     logements_range=(11000, 13000), budgets=[500.0, 12000.0, 20000.0],
                     counts=[24, 25, 26])
    assert not front["feasible"].iloc[0]  # 25 cités never fit in 500 logements
    short = result.shortlist
    svg = frontier_svg(front, selected=(float(short["logements"].sum()),
                                        float(short["score"].sum()), len(short)),
                       logements_range=(11000, 13000))
    texts = "".join(_parse(svg).itertext())
    for label in ("Sélection du scénario", "Infaisable", "Plafond de logements",
                  "Nombre de cités", "Meilleur score total (MILP exact)"):
        assert label in texts
    assert svg == frontier_svg(front, selected=(float(short["logements"].sum()),
                                                float(short["score"].sum()), len(short)),
                               logements_range=(11000, 13000))


def test_robustness_svg_lists_shortlist_and_borderline() -> None:
    cites = make_run_result().cites
    svg = robustness_svg(cites)
    texts = "".join(_parse(svg).itertext())
    expected = cites.loc[cites["selected"] | (cites["robustness_class"] == "borderline")]
    assert all(f"({r})" in texts for r in expected["rank"])
    assert svg == robustness_svg(cites)  # deterministic ids
