"""The simulated mission: conditioning switch and the engine-based appraisal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cites_priority.constants import WORLD_FILES
from cites_priority.world import WorldSpec, build_world
from cites_priority.world.mission import (
    condition_bias,
    engine_appraisal,
    engine_available,
    engine_selection,
)
from cites_priority.world.spec import MissionSpec, MissionWeights

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "mission_2016.yaml"
needs_engine = pytest.mark.skipif(
    not engine_available() or not SCENARIO.is_file(), reason="engine modules or configs/mission_2016.yaml absent"
)


def _lists(folder: Path) -> tuple[set[int], set[int]]:
    ref = pd.read_csv(folder / WORLD_FILES["reference"])
    mission = set(ref.loc[ref["list"] == "mission_2016", "cite_id"])
    examined = set(ref.loc[ref["list"].isin(["mission_2016", "examined_2016"]), "cite_id"])
    return mission, examined


def test_condition_bias_off_is_zero() -> None:
    m = np.array([True, False, False])
    e = np.array([True, True, False])
    assert not condition_bias(m, e, condition=False).any()
    assert condition_bias(m, e, condition=True).tolist() == [1.0, 0.5, 0.0]


@needs_engine
def test_true_weights_select_the_mission_list(default_world: Path) -> None:
    """The hidden appraisal (true weights + the world's noise draw) selects exactly the 25;
    the true weights alone, without the noise, recover most but not all of them."""
    res = engine_appraisal(default_world, SCENARIO, WorldSpec().mission)
    mission, examined = _lists(default_world)
    assert set(res.index[res["selected_noisy"]]) == mission
    assert set(engine_selection(default_world, SCENARIO, WorldSpec().mission, noisy=True).pipe(lambda s: s[s].index)) == mission
    # The examined cités come next in the noisy appraisal.
    order = res["noisy_score"].sort_values(ascending=False).index
    assert set(order[:25]) == mission
    assert set(order[25:103]) == examined - mission
    # Default noise (0.3 × sd): learnable but not trivial.
    recall = len(set(res.index[res["selected"]]) & mission)
    assert 20 <= recall < 25


ZERO_NOISE_CASES = {
    "default": (20160622, MissionWeights()),
    "seed7": (7, MissionWeights()),
    "social": (11, MissionWeights(social=0.55, heritage=0.15, building=0.2, urban=0.1)),
    "heritage": (12, MissionWeights(social=0.2, heritage=0.5, building=0.2, urban=0.1)),
}


@needs_engine
@pytest.mark.slow
@pytest.mark.parametrize("name", list(ZERO_NOISE_CASES))  # one world each: xdist spreads them
def test_exact_recovery_with_zero_noise(name: str, tmp_path: Path, real_dir: Path) -> None:
    """Zero noise: the true weights select exactly the mission's 25, for the default
    weights, another seed, and a social-heavy and a heritage-heavy hidden mission."""
    seed, weights = ZERO_NOISE_CASES[name]
    mission_spec = MissionSpec(weights=weights, noise=0.0)
    spec = WorldSpec(seed=seed, mission=mission_spec)
    folder = build_world(tmp_path / name, spec=spec, real_dir=real_dir)
    res = engine_appraisal(folder, SCENARIO, mission_spec)
    mission, examined = _lists(folder)
    assert set(res.index[res["selected"]]) == mission, name
    order = res["score"].sort_values(ascending=False).index
    assert set(order[:103]) == examined, name
