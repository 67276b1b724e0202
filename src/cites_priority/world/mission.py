"""The simulated 2016 mission: hidden appraisal and conditioning of synthetic fields.

With ``mission.condition`` true, synthetic fields lean towards the mission's lists: the
examined list is filled with the cités a proxy appraisal ranks highest, and the
landlord rows of listed cités get a worse latent thermal state (``condition_bias``).
The ERBM list never conditions anything. With ``condition`` false the examined list is
filled at random and no bias is applied.

The engine-based check (``engine_appraisal``) uses the engine's own modules
(``sources.load_world`` → ``indicators.compute_indicators`` → ``scoring.score`` →
``selection.select``) when they are installed.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from .spec import MissionSpec

__all__ = ["condition_bias", "engine_available", "engine_selection", "pick_extra_examined", "proxy_appraisal"]

log = logging.getLogger(__name__)
_HERITAGE = {"Exceptionnelle": 3, "Remarquable": 2, "Témoin": 1}


def proxy_appraisal(cites: pd.DataFrame, niveau_vie: np.ndarray, spec: MissionSpec) -> np.ndarray:
    """A cheap stand-in for the engine's score: low income, heritage, old typology."""
    def z(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, float)
        s = np.nanstd(v)
        return np.nan_to_num((v - np.nanmean(v)) / (s if s > 0 else 1.0))

    w = spec.weights
    heritage = cites["INTERET"].map(_HERITAGE).fillna(0).to_numpy() + cites["ID_UNESCO"].notna().to_numpy()
    old = cites["TYPE"].isin(["Corons", "Cité pavillonnaire", "Cité jardin"]).to_numpy().astype(float)
    return w.social * z(-niveau_vie) + w.heritage * z(heritage) + w.building * z(old)


def pick_extra_examined(
    cites: pd.DataFrame,
    listed: np.ndarray,
    n_extra: int,
    *,
    score: np.ndarray,
    condition: bool,
    rng: np.random.Generator,
) -> list[int]:
    """``ID_LSM`` of the cités added to the examined list (best proxy, or random)."""
    cand = np.flatnonzero(~listed)
    if condition:
        noisy = score[cand] + rng.normal(0, 0.05, len(cand))
        chosen = cand[np.argsort(-noisy, kind="stable")[:n_extra]]
    else:
        chosen = rng.choice(cand, size=min(n_extra, len(cand)), replace=False)
    return sorted(int(x) for x in cites["ID_LSM"].to_numpy()[chosen])


def condition_bias(mission: np.ndarray, examined: np.ndarray, *, condition: bool, strength: float = 1.0) -> np.ndarray:
    """Latent-badness bias per cité: mission +1, other examined +0.5 (× strength)."""
    if not condition:
        return np.zeros(len(mission))
    return strength * (1.0 * mission + 0.5 * (examined & ~mission))


def engine_available() -> bool:
    """True when the engine modules the hidden appraisal needs are importable."""
    names = ("cites_priority.sources", "cites_priority.indicators", "cites_priority.scoring",
             "cites_priority.selection", "cites_priority.scenario")
    try:
        return all(importlib.util.find_spec(n) is not None for n in names)
    except (ImportError, ValueError):
        return False


def engine_selection(world_dir: Path, scenario_path: Path, spec: MissionSpec) -> pd.Series:
    """Run the engine on a world folder with the mission's hidden weights.

    Returns
    -------
    pandas.Series
        Boolean, indexed by ``cite_id``: selected by the MILP.
    """
    from .. import indicators, scenario, scoring, selection, sources

    world = sources.load_world(world_dir)
    ind = indicators.compute_indicators(world)
    sc = scenario.load_scenario(scenario_path)
    data = sc.model_dump()
    for fam, wt in spec.weights.model_dump().items():
        if fam in data["criteria"]:
            data["criteria"][fam]["weight"] = wt
    sc = type(sc).model_validate(data)
    res = scoring.score(ind, sc)
    table = res.table
    scores = table["score"]
    if spec.noise > 0:
        rng = np.random.default_rng(0)
        scores = scores + rng.normal(0, spec.noise, len(scores))
    logts = world.cites.set_index("cite_id")["logements"].reindex(table.index)
    return selection.select(table, scores=scores, logements=logts)
