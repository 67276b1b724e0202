"""The conditioning loop: generate → score with the engine → adjust → repeat.

With ``mission.condition`` true the synthetic fields are adjusted until the engine,
scoring the world with the mission's hidden family weights, ranks the mission's 25 first
and the other examined cités next. The appraisal it must reproduce is *noisy*: each cité's
hidden score gets ``noise × sd(scores) × z`` with ``z`` a fixed standard normal draw per
cité (:func:`hidden_noise`), so a positive noise makes the mission list the top of a noisy
appraisal, which the true weights alone no longer recover exactly.

What may move (synthetic fields only): the per-cité latent bias of the landlord rows
(DPE classes, GES labels, unfit flags, renovations — the documented totals stay exact
because the classes cut a global ranking) and, for synthetic cités only, the MBM heritage
interest (``INTERET``). Real polygons, real cell values and real heritage attributes are
never touched; the ERBM list is never used.

The engine's own indicator functions give every indicator that does not depend on the
dwelling rows (:func:`fixed_indicators`, run once on a scratch folder); the building
indicators of each round are recomputed here from the row labels with the same formulas
as :func:`cites_priority.indicators.building.building_indicators` on the membership the
engine's ``assign_dwellings`` gives (:func:`building_from_labels`), and the score is the
engine's :func:`cites_priority.scoring.score`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .dwellings import DwellingDraws, DwellingLabels, label_dwellings
from .spec import DwellingsSpec, MissionSpec

if TYPE_CHECKING:  # the engine is imported on use (mission.engine_available)
    import geopandas as gpd

    from ..scenario import Scenario
    from ..types import IndicatorTable

__all__ = [
    "BUILDING_DEPENDENT",
    "ConditioningResult",
    "building_from_labels",
    "condition_dwellings",
    "dwelling_membership",
    "engine_scores",
    "fixed_indicators",
    "hidden_noise",
    "mission_scenario",
    "noisy_scores",
]

log = logging.getLogger(__name__)

#: Indicators that depend on the dwelling rows (recomputed at each round).
BUILDING_DEPENDENT = (
    "n_dwellings", "share_dpe_efg", "mean_dpe_rank", "share_unfit", "share_renovated_10y",
    "median_construction_year", "poor_state_x_heritage",
)
_HERITAGE_RANK = {"Exceptionnelle": 3, "Remarquable": 2, "Témoin": 1}
_INTEREST_UP = {"Témoin": "Remarquable", "Remarquable": "Exceptionnelle"}
_INTEREST_DOWN = {"Exceptionnelle": "Remarquable", "Remarquable": "Témoin"}
#: Salt of the hidden-noise generator (independent of the world's other streams).
_NOISE_SALT = 0x6D697373


def hidden_noise(cite_ids: np.ndarray | pd.Index, seed: int) -> np.ndarray:
    """Standard normal draw per cité of the mission's noisy appraisal.

    Drawn in ascending ``cite_id`` order from ``(seed, salt)``, so the world builder and
    :func:`cites_priority.world.mission.engine_selection` get the same value per cité
    whatever the row order.

    Parameters
    ----------
    cite_ids
        The cités' ids.
    seed
        The world's seed.

    Returns
    -------
    numpy.ndarray
        One value per id, in the given order.
    """
    ids = np.asarray(cite_ids, dtype=np.int64)
    z_sorted = np.random.default_rng([int(seed), _NOISE_SALT]).standard_normal(len(ids))
    out = np.empty(len(ids))
    out[np.argsort(ids, kind="stable")] = z_sorted
    return out


def noisy_scores(scores: np.ndarray, z: np.ndarray, noise: float) -> np.ndarray:
    """The mission's noisy appraisal: ``scores + noise × sd(scores) × z``."""
    scores = np.asarray(scores, float)
    if noise <= 0:
        return scores.copy()
    return scores + noise * float(np.std(scores)) * np.asarray(z, float)


def mission_scenario(scenario_path: str | Path, mission: MissionSpec) -> Scenario:
    """The engine scenario at ``scenario_path`` with its family weights replaced by the mission's."""
    from .. import scenario

    sc = scenario.load_scenario(scenario_path)
    data = sc.model_dump()
    for fam, wt in mission.weights.model_dump().items():
        if fam in data["criteria"]:
            data["criteria"][fam]["weight"] = wt
    return type(sc).model_validate(data)


def fixed_indicators(
    folder: Path, *, cites_file: str, cells_file: str, context_file: str
) -> tuple[IndicatorTable, gpd.GeoDataFrame]:
    """The engine's indicators of a scratch folder holding cités, cells and context only.

    Returns
    -------
    tuple
        ``(indicators, cites)``: the engine's indicator table (building columns NA) and
        the canonical cités frame (for :func:`dwelling_membership`).
    """
    import warnings

    import geopandas as gpd

    from .. import indicators, sources
    from ..constants import CRS_L93

    ctx = folder / context_file
    unused = gpd.GeoDataFrame(geometry=[], crs=CRS_L93)  # layers the indicators do not read
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        world = sources.World(
            cites=sources.load_cites(folder / cites_file, layer="cites_minieres"),
            cells=sources.load_filosofi(folder / cells_file),
            rpls=None,
            dpe=None,
            inventory=None,
            communes=unused,
            epci=unused,
            bien=sources.load_unesco_bien(ctx, layer="bien_inscrit"),
            buffer=sources.load_unesco_buffer(ctx, layer="zone_tampon"),
            qpv=sources.load_qpv(ctx, layer="qpv"),
            transit_lines=unused,
            transit_stops=sources.load_transit_stops(ctx, layer="transit_arrets"),
            centralities=sources.load_centralities(ctx, layer="centralites"),
            reference=None,
            provenance=None,
            data_dir=folder,
            checksums={},
        )
        ind = indicators.compute_indicators(world)
    return ind, world.cites


def dwelling_membership(cites: gpd.GeoDataFrame, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(row, cité position)`` pairs of the rows inside each cité, by the engine's own join."""
    import warnings

    import geopandas as gpd

    from ..indicators.building import assign_dwellings

    pts = gpd.GeoDataFrame(
        {"dwelling_id": np.arange(len(xy)).astype(str)},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=cites.crs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        joined, _ = assign_dwellings(cites, pts)
    pos = pd.Index(cites["cite_id"].to_numpy()).get_indexer(joined["cite_id"].to_numpy())
    return joined["dwelling_id"].astype(int).to_numpy(), pos


def building_from_labels(
    draws: DwellingDraws,
    labels: DwellingLabels,
    membership: tuple[np.ndarray, np.ndarray],
    index: pd.Index,
    *,
    reference_year: int = 2025,
) -> pd.DataFrame:
    """Building indicators of each cité from row labels (same formulas as the engine).

    Labels come from the DPE 2021+ rows of the cité when it holds at least
    :data:`~cites_priority.indicators.building.DPE_MIN_ROWS` of them, else from the RPLS
    labels (``has_dpe``). Cités without rows get NA (``n_dwellings`` 0).
    """
    from ..indicators.building import DPE_MIN_ROWS

    rows, pos = membership
    nc = len(index)
    rank = labels.rank[rows].astype(float)
    recent = (labels.reno_year[rows] >= reference_year - 10) & (labels.reno_year[rows] <= reference_year)
    n = np.bincount(pos, minlength=nc).astype(float)

    def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(nc, np.nan), where=den > 0)

    def tally(known: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.bincount(pos, weights=known, minlength=nc),
                np.bincount(pos, weights=known & (rank >= 5), minlength=nc),
                np.bincount(pos, weights=np.where(known, rank, 0.0), minlength=nc))

    k_r, e_r, r_r = tally(draws.has_dpe[rows])
    k_d, e_d, r_d = tally(draws.dpe_v2[rows])
    use = k_d >= DPE_MIN_ROWS
    nk, efg, rk = np.where(use, k_d, k_r), np.where(use, e_d, e_r), np.where(use, r_d, r_r)
    out = pd.DataFrame(index=index)
    out["n_dwellings"] = n.astype(np.int64)
    out["share_dpe_efg"] = share(efg, nk)
    out["mean_dpe_rank"] = share(rk, nk)
    out["share_unfit"] = share(np.bincount(pos, weights=labels.unfit[rows], minlength=nc), n)
    out["share_renovated_10y"] = share(np.bincount(pos, weights=recent, minlength=nc), n)
    years = pd.Series(draws.year[rows].astype(float)).groupby(pos).median()
    med = np.full(nc, np.nan)
    med[years.index.to_numpy()] = years.to_numpy()
    out["median_construction_year"] = med
    return out


@dataclass
class ConditioningResult:
    """Outcome of :func:`condition_dwellings`.

    Attributes
    ----------
    bias
        Final latent bias per cité (cités order).
    labels
        The row labels for that bias.
    interest
        Final ``INTERET`` per cité (synthetic cités may have moved one or two steps).
    scores
        The engine's hidden score per cité (no noise), indexed by ``cite_id``.
    noisy
        The noisy appraisal the lists were conditioned on.
    rounds
        Rounds run.
    mission_gap, examined_gap
        min(noisy) of the mission − max(noisy) of the others; min(noisy) of the other
        examined − max(noisy) of the non-examined (> 0: exact separation).
    history
        Per round: (mission cités in the top 25, examined in the top 103).
    """

    bias: np.ndarray
    labels: DwellingLabels
    interest: np.ndarray
    scores: pd.Series
    noisy: pd.Series
    rounds: int
    mission_gap: float
    examined_gap: float
    history: list[tuple[int, int]] = field(default_factory=list)


def engine_scores(indicators: IndicatorTable, scenario: Scenario) -> np.ndarray:
    """The engine's score (:func:`cites_priority.scoring.score`) in the table's row order."""
    import warnings

    from .. import scoring

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return scoring.score(indicators, scenario).table["score"].reindex(indicators.index).to_numpy(float)


def _score(fixed: IndicatorTable, building: pd.DataFrame, hr: np.ndarray, scenario: Scenario) -> np.ndarray:
    ind = fixed.copy()
    for c in building.columns:
        ind[c] = building[c].to_numpy()
    ind["heritage_rank"] = hr
    ind["poor_state_x_heritage"] = building["share_dpe_efg"].to_numpy() * hr / 3.0
    return engine_scores(ind, scenario)


def condition_dwellings(
    fixed: IndicatorTable,
    draws: DwellingDraws,
    membership: tuple[np.ndarray, np.ndarray],
    *,
    scenario: Scenario,
    mission: np.ndarray,
    examined: np.ndarray,
    interest: np.ndarray,
    synthetic: np.ndarray,
    z: np.ndarray,
    spec: MissionSpec,
    dwellings: DwellingsSpec,
    bias0: np.ndarray,
    margin: float = 0.002,
    bias_range: tuple[float, float] = (-4.0, 6.0),
) -> ConditioningResult:
    """Adjust the per-cité latent bias until the noisy appraisal puts the lists on top.

    Each round labels the rows for the current bias, recomputes the building indicators,
    scores with the engine and moves the bias of every cité on the wrong side of a cut
    (the 25/26 boundary of the noisy appraisal for the mission, the 103/104 one for the
    other examined) in proportion to its gap. A synthetic cité whose bias is at its bound
    and still on the wrong side moves its heritage interest one step. Stops when both
    separations exceed ``margin`` or after ``spec.iterations`` rounds.

    Parameters
    ----------
    fixed
        The engine's indicators that do not depend on the rows, indexed by ``cite_id``
        (cités order).
    draws, membership
        The rows' random draws and their (row, cité position) membership.
    scenario
        The engine scenario with the mission's family weights.
    mission, examined
        Boolean masks (cités order); ``examined`` includes the mission.
    interest
        ``INTERET`` per cité (object array; NA allowed).
    synthetic
        True for synthetic cités (their interest may move).
    z
        :func:`hidden_noise` per cité.
    spec, dwellings
        Mission (weights, noise, iterations) and dwelling calibration.
    bias0
        Starting bias.
    margin
        Required separation (score units).
    bias_range
        Bounds of the bias.
    """
    mission = np.asarray(mission, bool)
    examined = np.asarray(examined, bool)
    ex_only = examined & ~mission
    rest = ~examined
    n1, n2 = int(mission.sum()), int(examined.sum())
    b = np.asarray(bias0, float).copy()
    interest = np.asarray(interest, dtype=object).copy()
    lo, hi = bias_range
    history: list[tuple[int, int]] = []
    gain = 0.06  # rough d(score)/d(bias) at mid-range; steps are capped anyway
    rounds = 0
    while True:
        labels = label_dwellings(draws, b, spec=dwellings)
        building = building_from_labels(draws, labels, membership, fixed.index)
        hr = np.array([_HERITAGE_RANK.get(v, 0) if isinstance(v, str) else 0 for v in interest], float)
        s = _score(fixed, building, hr, scenario)
        t = noisy_scores(s, z, spec.noise)
        order = np.argsort(-t, kind="stable")
        top1 = np.zeros(len(t), bool)
        top1[order[:n1]] = True
        top2 = np.zeros(len(t), bool)
        top2[order[:n2]] = True
        history.append((int((top1 & mission).sum()), int((top2 & examined).sum())))
        gap1 = float(t[mission].min() - t[~mission].max())
        gap2 = float(t[ex_only].min() - t[rest].max()) if ex_only.any() and rest.any() else np.inf
        log.info("conditioning round %d: mission %d/%d in top %d, examined %d/%d in top %d (gaps %.4f, %.4f)",
                 rounds, history[-1][0], n1, n1, history[-1][1], n2, n2, gap1, gap2)
        if (gap1 >= margin and gap2 >= margin) or rounds >= spec.iterations:
            break
        rounds += 1
        ts = t[order]
        th1 = 0.5 * (ts[n1 - 1] + ts[n1])
        th2 = 0.5 * (ts[n2 - 1] + ts[n2])
        step = np.zeros(len(t))
        up1 = mission & (t < th1 + margin)
        down1 = ~mission & (t > th1 - margin)
        step[up1] += th1 + margin - t[up1]
        step[down1] -= t[down1] - th1 + margin
        if gap2 < margin:
            up2 = ex_only & (t < th2 + margin)
            down2 = rest & (t > th2 - margin)
            step[up2] += th2 + margin - t[up2]
            step[down2] -= t[down2] - th2 + margin
        delta = np.clip(step / gain, -1.0, 1.0)
        delta[(step != 0) & (np.abs(delta) < 0.05)] = 0.05 * np.sign(step[(step != 0) & (np.abs(delta) < 0.05)])
        stuck_up = (step > 0) & (b >= hi)
        stuck_down = (step < 0) & (b <= lo)
        b = np.clip(b + delta, lo, hi)
        # Synthetic cités at their bound: move the heritage interest one step.
        for k in np.flatnonzero(synthetic & (stuck_up | stuck_down)):
            cur = interest[k] if isinstance(interest[k], str) else "Témoin"
            interest[k] = (_INTEREST_UP if stuck_up[k] else _INTEREST_DOWN).get(cur, cur)
    idx = fixed.index
    return ConditioningResult(
        bias=b, labels=labels, interest=interest,
        scores=pd.Series(s, index=idx, name="score"), noisy=pd.Series(t, index=idx, name="noisy_score"),
        rounds=rounds, mission_gap=gap1, examined_gap=gap2, history=history,
    )
