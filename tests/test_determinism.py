"""Results do not depend on the order of the input rows."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cites_priority.indicators import compute_indicators
from cites_priority.pipeline import default_scenario_path, select_for
from cites_priority.scenario import load_scenario
from cites_priority.scoring import score
from cites_priority.sources import load_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def baseline(default_world):
    world = load_world(default_world)
    scenario = load_scenario(default_scenario_path())
    ind = compute_indicators(world)
    table = score(ind, scenario).table
    cites = world.cites.set_index("cite_id")
    sel = select_for(scenario, table["score"], cites["logements"].astype(float), cites["epci"])
    return world, scenario, ind, table, sel


def _shuffle(frame, rng):
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1))
def test_row_order_does_not_change_indicators_scores_or_selection(baseline, seed):
    world, scenario, ind0, table0, sel0 = baseline
    rng = np.random.default_rng(seed)
    shuffled = dataclasses.replace(
        world,
        cites=_shuffle(world.cites, rng),
        cells=_shuffle(world.cells, rng),
        rpls=_shuffle(world.rpls, rng),
        dpe=_shuffle(world.dpe, rng),
    )
    ind = compute_indicators(shuffled).sort_index()
    pd.testing.assert_frame_equal(ind, ind0.sort_index(), rtol=1e-9, check_exact=False)
    table = score(ind, scenario).table
    pd.testing.assert_frame_equal(table.sort_index(), table0.sort_index(), rtol=1e-9, check_exact=False)
    cites = shuffled.cites.set_index("cite_id")
    sel = select_for(scenario, table["score"], cites["logements"].astype(float), cites["epci"])
    assert sel[sel].index.sort_values().tolist() == sel0[sel0].index.sort_values().tolist()
