"""Calibration: learn non-negative weights that reproduce a reference list from the data.

Model: the weighted-sum score is linear in the normalised indicators, score = Σ_j e_j u_j
with effective weights e_j = w_family × w_indicator ≥ 0 summing to 1. We fit a logistic
model P(reference | u) = σ(b + Σ_j β_j u_j) with β_j ≥ 0 (bounded L-BFGS-B on the
class-balanced logistic loss plus a small L2 penalty; scikit-learn's LogisticRegression
has no sign constraint), then set e = β / Σβ. Family weights are Σ_{j∈f} e_j and the
indicator weights within a family e_j / Σ_{j∈f} e_j (a family whose β are all 0 gets
weight 0 and keeps its indicator weights).

Only the indicators and the reference ids are used — never the world spec. Held-out
quality is measured by stratified k-fold cross-validation (scikit-learn
``StratifiedKFold``): fit on the training cités, score every cité, run the full selection
(MILP) and count the held-out reference cités that it contains.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.model_selection import StratifiedKFold

from ..messages import msg
from ..scenario import Scenario
from ..scoring import Prepared, prepare, scores_for
from ..scoring.ranking import rank_scores
from ..types import IndicatorTable, Selection
from .robustness import problem_for

__all__ = ["CalibrationResult", "calibrate", "fit_weights", "split_effective"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalibrationResult:
    """What :func:`calibrate` learned and how well it reproduces the reference list.

    Attributes
    ----------
    scenario
        A new scenario with the learned weights (write it with ``dump_scenario``).
    weights
        ``family, indicator, weight_before, weight_after`` (effective weights, sum 1).
    recall
        Share of the reference cités inside the selection with the learned weights.
    baseline_recall
        The same with the scenario's original weights.
    cv_recall
        Held-out recall: reference cités of each test fold inside the selection made with
        weights fitted on the other folds, pooled over folds.
    folds
        One row per fold: ``fold, n_reference, n_found, recall``.
    selected
        Boolean Series (index ``cite_id``): the selection with the learned weights.
    logements_selected
        Total logements of that selection.
    reference_logements_captured
        Logements of the reference cités inside it.
    near_misses
        ``cite_id, kind, rank, score`` for reference cités just outside the selection
        (``reference_outside``, best ranked first) and non-reference cités inside it
        (``non_reference_inside``, worst ranked first).
    """

    scenario: Scenario
    weights: pd.DataFrame
    recall: float
    baseline_recall: float
    cv_recall: float
    folds: pd.DataFrame
    selected: Selection
    logements_selected: float
    reference_logements_captured: float
    near_misses: pd.DataFrame


def fit_weights(u: np.ndarray, y: np.ndarray, *, l2: float = 1e-3) -> np.ndarray:
    """Non-negative logistic-regression coefficients, normalised to sum to 1.

    Parameters
    ----------
    u
        ``n × k`` normalised indicators (no NaN).
    y
        ``n`` booleans (in the reference list).
    l2
        Ridge penalty on the coefficients.

    Returns
    -------
    numpy.ndarray
        ``k`` non-negative weights summing to 1 (uniform if nothing is learned).
    """
    y = np.asarray(y, dtype=float)
    n, k = u.shape
    pos = max(y.sum(), 1.0)
    neg = max(n - y.sum(), 1.0)
    sw = np.where(y > 0, n / (2 * pos), n / (2 * neg))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b, beta = theta[0], theta[1:]
        z = b + u @ beta
        # log(1 + e^z) - y z, stably
        lz = np.logaddexp(0.0, z)
        val = float((sw * (lz - y * z)).sum() / n + l2 * beta @ beta)
        g = sw * (1.0 / (1.0 + np.exp(-z)) - y) / n
        grad = np.concatenate([[g.sum()], u.T @ g + 2 * l2 * beta])
        return val, grad

    theta0 = np.zeros(k + 1)
    bounds = [(None, None)] + [(0.0, None)] * k
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds)
    beta = np.clip(res.x[1:], 0.0, None)
    if beta.sum() <= 1e-12:
        warnings.warn(msg("warn.calibration_uniform"),
                      UserWarning, stacklevel=2)
        return np.full(k, 1.0 / k)
    return beta / beta.sum()


def split_effective(prep: Prepared, eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split effective (global) indicator weights into family and within-family weights.

    A family whose effective weights are all zero keeps the scenario's indicator weights.

    Returns
    -------
    family_weights, indicator_weights
        Arrays aligned with ``prep.families`` and ``prep.names``.
    """
    fam = np.array([eff[prep.family_of == f].sum() for f in range(len(prep.families))])
    iw = prep.indicator_weights.copy()
    for f in range(len(prep.families)):
        cols = prep.family_of == f
        if fam[f] > 0:
            iw[cols] = eff[cols] / fam[f]
    return fam, iw


def _scenario_with(scenario: Scenario, prep: Prepared, eff: np.ndarray) -> Scenario:
    data = scenario.model_dump()
    for f, fam in enumerate(prep.families):
        cols = np.flatnonzero(prep.family_of == f)
        total = float(eff[cols].sum())
        data["criteria"][fam]["weight"] = round(total, 6)
        if total > 0:
            for j in cols:
                data["criteria"][fam]["indicators"][prep.names[j]]["weight"] = round(
                    float(eff[j] / total), 6
                )
    data["name"] = f"{scenario.name}_calibrated"
    data["description"] = (
        f"{scenario.description} Weights learned from a reference list (non-negative "
        "logistic regression on the normalised indicators)."
    ).strip()
    return Scenario.model_validate(data)


def calibrate(
    indicators: IndicatorTable,
    scenario: Scenario,
    reference_ids: Iterable[int],
    *,
    logements: pd.Series,
    epci: pd.Series | None = None,
    cv: int = 5,
    seed: int = 0,
    l2: float = 1e-3,
) -> CalibrationResult:
    """Learn weights reproducing ``reference_ids`` and report how well they do.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The scenario to calibrate (criteria, directions, normalisation and selection
        constraints are kept; only weights change).
    reference_ids
        ``cite_id`` of the reference list (e.g. the mission's 25 cités).
    logements
        Dwellings per cité.
    epci
        EPCI per cité (for EPCI bounds).
    cv
        Number of stratified folds (reduced to the number of reference cités if fewer).
    seed
        Seed of the fold shuffling.
    l2
        Ridge penalty of the logistic fit.

    Returns
    -------
    CalibrationResult
    """
    prep = prepare(indicators, scenario)
    ref = {int(i) for i in reference_ids}
    unknown = sorted(ref - set(int(i) for i in prep.index))
    if unknown:
        warnings.warn(msg("warn.reference_unknown", ids=unknown[:10]),
                      UserWarning, stacklevel=2)
    y = np.asarray(prep.index.isin(list(ref)))
    if y.sum() < 2:
        raise ValueError("calibration needs at least 2 reference cités found in the table")
    u = np.where(np.isnan(prep.matrix), 0.0, prep.matrix)
    prob = problem_for(prep, scenario, logements, epci)

    def select_with(eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = scores_for(prep, *split_effective(prep, eff))
        return prob.solve(s, prep.tiebreak), s

    eff = fit_weights(u, y, l2=l2)
    sel, s = select_with(eff)
    base_sel, _ = select_with(prep.effective_weights)

    n_splits = int(min(cv, y.sum()))
    rows = []
    if n_splits >= 2:
        skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        for k, (train, test) in enumerate(skf.split(u, y)):
            w = fit_weights(u[train], y[train], l2=l2)
            fold_sel, _ = select_with(w)
            held = np.zeros(len(y), dtype=bool)
            held[test] = True
            n_ref = int((y & held).sum())
            found = int((y & held & fold_sel).sum())
            rows.append({"fold": k + 1, "n_reference": n_ref, "n_found": found,
                         "recall": found / n_ref if n_ref else np.nan})
    folds = pd.DataFrame(rows, columns=["fold", "n_reference", "n_found", "recall"])
    cv_recall = (folds["n_found"].sum() / folds["n_reference"].sum()) if len(folds) else np.nan

    ranks = rank_scores(s, prep.tiebreak)
    ids = np.asarray(prep.index)
    outside = np.flatnonzero(y & ~sel)
    inside = np.flatnonzero(~y & sel)
    near = pd.concat(
        [
            pd.DataFrame({"cite_id": ids[outside], "kind": "reference_outside",
                          "rank": ranks[outside], "score": s[outside]}).sort_values("rank"),
            pd.DataFrame({"cite_id": ids[inside], "kind": "non_reference_inside",
                          "rank": ranks[inside], "score": s[inside]}).sort_values(
                "rank", ascending=False),
        ],
        ignore_index=True,
    )
    before = prep.effective_weights
    weights = pd.DataFrame({
        "family": [prep.families[f] for f in prep.family_of],
        "indicator": list(prep.names),
        "weight_before": before,
        "weight_after": eff,
    })
    lg = prob.logements
    result = CalibrationResult(
        scenario=_scenario_with(scenario, prep, eff),
        weights=weights,
        recall=float((y & sel).sum() / y.sum()),
        baseline_recall=float((y & base_sel).sum() / y.sum()),
        cv_recall=float(cv_recall),
        folds=folds,
        selected=pd.Series(sel, index=prep.index, name="selected"),
        logements_selected=float(lg[sel].sum()),
        reference_logements_captured=float(lg[sel & y].sum()),
        near_misses=near,
    )
    logger.info("calibration: recall %.2f (baseline %.2f), cv recall %.2f",
                result.recall, result.baseline_recall, result.cv_recall)
    return result
