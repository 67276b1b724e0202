"""Reproduction metrics of a selection against a reference list."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cites_priority.selection.agreement import agreement


def test_hand_computed_case():
    sel = pd.Series([True, True, True, False, False], index=[10, 20, 30, 40, 50])
    log = pd.Series([100, 200, 300, 400, 500], index=[10, 20, 30, 40, 50])
    a = agreement(sel, [20, 40, 99], log)  # 99 is not a cité: ignored
    assert (a["n_reference"], a["n_selected"], a["n_common"]) == (2, 3, 1)
    assert a["recall"] == 0.5 and a["precision"] == pytest.approx(1 / 3)
    assert a["jaccard"] == pytest.approx(1 / 4)
    assert a["logement_recall"] == pytest.approx(200 / 600)


def test_empty_reference_gives_nan_not_an_error():
    sel = pd.Series([True, False], index=[1, 2])
    a = agreement(sel, [], pd.Series([1, 1], index=[1, 2]))
    assert a["n_reference"] == 0 and math.isnan(a["recall"]) and math.isnan(a["logement_recall"])


@pytest.mark.slow
def test_run_reports_agreement_with_the_mission_and_erbm(default_run):
    result, out = default_run
    mission = result.extras["agreement"]["mission_2016"]
    cites = result.cites
    expected = int((cites["selected"] & cites["in_mission_list"]).sum())
    assert mission["n_reference"] == 25 and mission["n_common"] == expected
    assert result.extras["agreement"]["erbm"]["n_reference"] == 59
    assert f"({expected}/25)" in (out / "report.html").read_text(encoding="utf-8")
