"""Tests of cites_priority.analysis.explain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cites_priority.analysis.explain import (
    family_contributions,
    flip_context,
    top_contributions,
    top_contributions_table,
    top_contributions_text,
    weight_change_to_flip,
)
from cites_priority.analysis.robustness import problem_for, rescaled_family_weights
from cites_priority.scoring import prepare, score, scores_for
from indicator_examples import example_indicators

TABLE = example_indicators()


def test_top_contributions(mission):
    r = score(TABLE, mission)
    cid = int(r.table["rank"].idxmin())
    top = top_contributions(r.contributions, cid, n=4, weights=r.weights)
    assert list(top.columns) == ["family", "indicator", "contribution", "share"]
    assert len(top) == 4 and top["contribution"].is_monotonic_decreasing
    assert top["contribution"].iloc[0] == pytest.approx(r.contributions.loc[cid].max())
    assert top["share"].iloc[0] == pytest.approx(
        top["contribution"].iloc[0] / r.table.loc[cid, "score"])
    with pytest.raises(KeyError):
        top_contributions(r.contributions, -1)


def test_weight_change_flips_a_borderline_cite(mission):
    r = score(TABLE, mission)
    # the best-ranked cité left out of the selection is a natural borderline case
    prep = prepare(TABLE, mission)
    prob = problem_for(prep, mission, TABLE["logements"], None)
    sel = prob.solve(scores_for(prep), prep.tiebreak)
    outside = r.table.loc[~sel].sort_values("rank").index[0]
    table = weight_change_to_flip(TABLE, mission, int(outside), logements=TABLE["logements"],
                                  steps=8, tol=2e-3)
    assert set(table.columns) == {"family", "direction", "weight_before", "weight_after",
                                  "change", "effect"}
    assert len(table) == 8
    flips = table.dropna(subset=["weight_after"])
    assert len(flips) >= 1 and (flips["effect"] == "enters").all()
    # check the reported weight really flips the cité in
    best = flips.iloc[0]
    f = list(prep.families).index(best["family"])
    fw = rescaled_family_weights(prep.family_weights, f, best["weight_after"])
    assert prob.solve(scores_for(prep, fw), prep.tiebreak)[np.flatnonzero(
        prep.index == outside)[0]]


def test_top_contributions_text_matches_top_contributions(mission):
    c = score(TABLE, mission).contributions.copy()
    c.iloc[3, 2] = np.nan  # missing values go last
    c.iloc[4, :3] = c.iloc[4, 3]  # ties broken by indicator name
    text = top_contributions_text(c, 3)
    for cid in c.index:
        best = top_contributions(c, cid, 3)
        assert text[cid] == "; ".join(
            f"{r.indicator} {r.contribution:.3f}" for r in best.itertuples())


def test_top_contributions_table_matches_top_contributions(mission):
    r = score(TABLE, mission)
    c = r.contributions.copy()
    c.iloc[3, 2] = np.nan  # missing values go last
    c.iloc[4, :3] = c.iloc[4, 3]  # ties broken by indicator name
    table = top_contributions_table(c, 3, weights=r.weights)
    assert list(table.columns) == ["cite_id", "family", "indicator", "contribution"]
    assert table["cite_id"].tolist() == np.repeat(c.index.to_numpy(), 3).tolist()
    for cid, rows in table.groupby("cite_id", sort=False):
        best = top_contributions(c, cid, 3, weights=r.weights)
        pd.testing.assert_frame_equal(rows.drop(columns="cite_id").reset_index(drop=True),
                                      best.drop(columns="share"), check_dtype=False)


def test_family_contributions_sum_to_the_score(mission):
    r = score(TABLE, mission)
    fams = family_contributions(r.contributions, r.weights)
    assert list(fams.columns) == ["social", "building", "heritage", "urban"]
    assert fams.index.equals(r.contributions.index)
    np.testing.assert_allclose(fams.sum(axis=1), r.contributions.fillna(0).sum(axis=1))
    social = r.weights.loc[r.weights["family"] == "social", "indicator"]
    np.testing.assert_allclose(fams["social"], r.contributions[social].fillna(0).sum(axis=1))


def test_flip_context_gives_the_same_table(mission):
    r = score(TABLE, mission)
    kw = {"logements": TABLE["logements"], "epci": None}
    ctx = flip_context(TABLE, mission, **kw)
    for cid in r.table.sort_values("rank").index[20:23]:
        alone = weight_change_to_flip(TABLE, mission, int(cid), steps=6, tol=5e-3, **kw)
        shared = weight_change_to_flip(TABLE, mission, int(cid), steps=6, tol=5e-3,
                                       context=ctx, **kw)
        pd.testing.assert_frame_equal(alone, shared)
