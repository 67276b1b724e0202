"""Tests of cites_priority.export.charts (inline SVG charts)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from cites_priority.export.charts import (
    budget_curve,
    budget_curve_svg,
    family_contributions,
    family_contributions_svg,
    robustness_svg,
)
from export_fixtures import make_run_result


def _parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg") and "<metadata" not in svg and "<?xml" not in svg
    return ET.fromstring(svg)


def test_family_contributions_sum_to_score() -> None:
    result = make_run_result()
    ids = result.shortlist["cite_id"]
    fams = family_contributions(result.contributions, result.weights, ids)
    assert list(fams.columns) == ["social", "building", "heritage", "urban"]
    assert list(fams.index) == list(ids)
    scores = result.shortlist.set_index("cite_id")["score"]
    pd.testing.assert_series_equal(fams.sum(axis=1), scores, check_names=False)
    names = dict(zip(ids, result.shortlist["name"], strict=True))
    root = _parse(family_contributions_svg(fams, names))
    texts = "".join(root.itertext())
    assert "Patrimoine" in texts and "Contribution au score global" in texts


def test_budget_curve_is_monotone_and_complete() -> None:
    cites = make_run_result().cites
    curve = budget_curve(cites)
    assert curve.iloc[0].tolist() == [0.0, 0.0]
    assert curve["logements"].is_monotonic_increasing
    assert curve["logements"].iloc[-1] == pytest.approx(cites["logements"].sum())
    ratio = curve.diff().dropna()
    ratio = ratio["score"] / ratio["logements"]
    assert ratio.is_monotonic_decreasing  # best score per logement first
    svg = budget_curve_svg(curve, selected=(12000.0, 18.0), logements_range=(11000, 13000))
    assert "Sélection du scénario" in "".join(_parse(svg).itertext())


def test_robustness_svg_lists_shortlist_and_borderline() -> None:
    cites = make_run_result().cites
    svg = robustness_svg(cites)
    texts = "".join(_parse(svg).itertext())
    expected = cites.loc[cites["selected"] | (cites["robustness_class"] == "borderline")]
    assert all(f"({r})" in texts for r in expected["rank"])
    assert svg == robustness_svg(cites)  # deterministic ids
