"""Tests of cites_priority.scoring.normalise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cites_priority import ScenarioError
from cites_priority.scenario import IndicatorSpec
from cites_priority.scoring.normalise import normalise_column, prepare
from indicator_examples import example_indicators


def _s(values):
    return pd.Series(values, index=pd.Index(range(1, len(values) + 1), name="cite_id"), dtype=float)


def test_minmax_direction_and_missing_policies():
    raw = _s([10, 20, np.nan, 30])
    up = normalise_column(raw, IndicatorSpec(), missing="worst")
    assert up.tolist() == [0.0, 0.5, 0.0, 1.0]
    down = normalise_column(raw, IndicatorSpec(direction="min"), missing="median")
    assert down.tolist() == [1.0, 0.5, 0.5, 0.0]
    zero = normalise_column(raw, IndicatorSpec(direction="min"), missing="zero")
    assert zero.iloc[2] == 1.0  # raw 0 is below the minimum: clipped to the most need
    drop = normalise_column(raw, IndicatorSpec(), missing="drop")
    assert np.isnan(drop.iloc[2]) and drop.index.equals(raw.index)


def test_rank_normalisation_uses_mid_ranks_for_ties():
    out = normalise_column(_s([5, 1, 5, 3]), IndicatorSpec(normalisation="rank"))
    assert out.tolist() == [pytest.approx(2.5 / 3)] * 1 + [0.0, pytest.approx(2.5 / 3), 1 / 3]


def test_value_function_is_piecewise_linear_and_clamped():
    spec = IndicatorSpec(
        direction="min", normalisation="value_function",
        thresholds=[11249, 18749, 29998], values=[1.0, 0.5, 0.0],
    )
    out = normalise_column(_s([9000, 11249, 14999, 18749, 40000]), spec)
    assert out.tolist() == pytest.approx([1.0, 1.0, 0.75, 0.5, 0.0])


def test_constant_column_gives_zero():
    assert normalise_column(_s([4, 4, 4]), IndicatorSpec()).tolist() == [0.0, 0.0, 0.0]


def test_prepare_on_realistic_table(mission):
    t = example_indicators()
    prep = prepare(t, mission)
    assert prep.matrix.shape == (543, len(mission.indicator_names()))
    assert np.nanmin(prep.matrix) >= 0 and np.nanmax(prep.matrix) <= 1
    assert not np.isnan(prep.matrix).any()  # policy median fills every hole
    assert prep.effective_weights.sum() == pytest.approx(1.0)
    assert sorted(prep.tiebreak.tolist()) == list(range(543))


def test_prepare_names_the_missing_column(mission):
    t = example_indicators().drop(columns=["qpv_share"])
    with pytest.raises(ScenarioError, match=r"criteria\.urban\.indicators\.qpv_share.*absent"):
        prepare(t, mission)


def test_prepare_rejects_duplicate_ids(mission):
    t = example_indicators()
    t = pd.concat([t, t.iloc[:2]])
    with pytest.raises(ScenarioError, match="not unique"):
        prepare(t, mission)
