"""Scoring: normalise, weigh, rank.

:func:`score` is the entry point (contracts §4). Submodules: :mod:`.normalise`,
:mod:`.weighted`, :mod:`.methods`, :mod:`.availability`. What solves selections on the
scores (robustness, calibration, explanations) is in :mod:`cites_priority.analysis`.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..messages import msg
from ..scenario import Scenario
from ..types import IndicatorTable, ScoreMethod, ScoreTable
from .methods import method_scores
from .normalise import Prepared, prepare
from .weighted import _table, score_matrix, weighted_sum

__all__ = ["Prepared", "ScoreResult", "prepare", "score", "scores_for"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreResult:
    """The result of :func:`score`.

    Attributes
    ----------
    table
        Index ``cite_id``: ``score`` (in [0, 1]), ``rank`` (1 = highest, ties by
        ``cite_id``), ``score_<family>`` (family weighted mean, in [0, 1]).
    contributions
        Index ``cite_id``, one column per indicator: family weight × indicator weight ×
        normalised value (rows sum to ``score`` for the weighted sum).
    normalised
        Index ``cite_id``, the normalised indicators (1 = most in need).
    weights
        The resolved weights (see :meth:`Scenario.weight_table`).
    method
        The aggregation method used.
    """

    table: ScoreTable
    contributions: pd.DataFrame
    normalised: pd.DataFrame
    weights: pd.DataFrame
    method: ScoreMethod


def scores_for(
    prep: Prepared,
    family_weights: np.ndarray | None = None,
    indicator_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Scores of the scenario's method for given weights (one or many vectors).

    Parameters
    ----------
    prep
        The prepared matrix.
    family_weights
        ``F`` or ``F × D`` family weights (default: the scenario's).
    indicator_weights
        ``k`` or ``k × D`` within-family weights (default: the scenario's).

    Returns
    -------
    numpy.ndarray
        ``n`` or ``n × D`` scores.
    """

    if prep.method == "weighted_sum":
        return score_matrix(prep, family_weights, indicator_weights)
    fw = prep.family_weights if family_weights is None else np.asarray(family_weights, float)
    iw = prep.indicator_weights if indicator_weights is None else np.asarray(indicator_weights, float)
    if fw.ndim == 1 and iw.ndim == 1:
        eff = fw[prep.family_of] * iw
    else:
        fw2 = fw.reshape(len(prep.families), -1)
        iw2 = iw.reshape(len(prep.names), -1)
        eff = fw2[prep.family_of] * iw2
    return method_scores(prep, eff)


def score(indicators: IndicatorTable, scenario: Scenario) -> ScoreResult:
    """Score and rank the cités under a scenario.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id`` (contracts §3); extra columns are ignored.
    scenario
        The scenario (weights are normalised here).

    Returns
    -------
    ScoreResult

    Raises
    ------
    ScenarioError
        If an indicator of the scenario is absent from the table.

    Examples
    --------
    >>> import pathlib
    >>> import numpy as np
    >>> import pandas as pd
    >>> from cites_priority.registry import INDICATORS
    >>> from cites_priority.scenario import load_scenario
    >>> cfg = pathlib.Path(__file__).parents[3] / "configs" / "mission_2016.yaml"
    >>> table = pd.DataFrame(np.random.default_rng(0).random((40, len(INDICATORS))),
    ...                      columns=list(INDICATORS), index=pd.RangeIndex(1, 41, name="cite_id"))
    >>> r = score(table, load_scenario(cfg))
    >>> int(r.table["rank"].min()), bool(r.table["score"].between(0, 1).all())
    (1, True)
    """
    prep = prepare(indicators, scenario)
    table, contrib = weighted_sum(prep)
    if prep.method != "weighted_sum":
        table = _table(prep, method_scores(prep))
    empty: list[str] = []
    for f, fam in enumerate(prep.families):
        cols = prep.family_of == f
        none = np.isnan(prep.matrix[:, cols]).all(axis=1)
        if none.any():
            empty.extend(f"{cid} ({fam})" for cid in prep.index[none][:5])
    if empty:
        warnings.warn(
            msg("warn.family_empty", ids=", ".join(empty)),
            UserWarning,
            stacklevel=2,
        )
    logger.info("scored %d cités with %s", len(table), prep.method)
    return ScoreResult(
        table=table,
        contributions=contrib,
        normalised=prep.frame(),
        weights=scenario.weight_table(),
        method=prep.method,
    )
