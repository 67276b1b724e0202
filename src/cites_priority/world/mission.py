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

__all__ = [
    "MISSION_SCENARIO",
    "condition_bias",
    "engine_appraisal",
    "engine_available",
    "engine_selection",
    "pick_extra_examined",
    "proxy_appraisal",
]

log = logging.getLogger(__name__)
#: The engine scenario whose family weights the mission's hidden weights replace.
MISSION_SCENARIO = "mission_2016.yaml"
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


def engine_appraisal(
    world_dir: Path,
    scenario_path: Path,
    spec: MissionSpec,
    *,
    seed: int | None = None,
) -> pd.DataFrame:
    """Run the engine on a world folder with the mission's hidden weights.

    ``sources.load_world`` → ``indicators.compute_indicators`` → ``scoring.score`` (the
    scenario's family weights replaced by ``spec.weights``) → ``selection.select``, once on
    the hidden score and once on the noisy appraisal (score + ``spec.noise`` × sd(score) ×
    :func:`~cites_priority.world.conditioning.hidden_noise` of ``seed``).

    Parameters
    ----------
    world_dir
        A world folder.
    scenario_path
        The engine scenario (``configs/mission_2016.yaml``).
    spec
        The mission (weights, noise).
    seed
        The world's seed for the hidden noise (default: ``world_spec.yaml``'s).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cite_id``: ``score``, ``noisy_score``, ``selected`` (MILP on the
        score), ``selected_noisy`` (MILP on the noisy appraisal).
    """
    from .. import indicators, selection, sources
    from .conditioning import engine_scores, hidden_noise, mission_scenario, noisy_scores
    from .spec import load_spec

    world_dir = Path(world_dir)
    world = sources.load_world(world_dir)
    ind = indicators.compute_indicators(world)
    s = engine_scores(ind, mission_scenario(scenario_path, spec))
    if seed is None:
        seed = load_spec(world_dir / "world_spec.yaml").seed
    t = noisy_scores(s, hidden_noise(ind.index.to_numpy(), seed), spec.noise)
    logts = world.cites.set_index("cite_id")["logements"].reindex(ind.index)
    out = pd.DataFrame({"score": s, "noisy_score": t}, index=ind.index)
    out["selected"] = selection.select(out, scores=out["score"], logements=logts).reindex(ind.index).to_numpy()
    out["selected_noisy"] = selection.select(out, scores=out["noisy_score"], logements=logts).reindex(ind.index).to_numpy()
    return out


def engine_selection(world_dir: Path, scenario_path: Path, spec: MissionSpec, *, noisy: bool = False) -> pd.Series:
    """The engine's selection with the mission's hidden weights (boolean, by ``cite_id``).

    ``noisy`` selects on the noisy appraisal the world's lists were conditioned on
    (identical to the plain score when ``spec.noise`` is 0).
    """
    res = engine_appraisal(world_dir, scenario_path, spec)
    return res["selected_noisy" if noisy else "selected"].rename(None)
