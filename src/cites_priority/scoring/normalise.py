"""Normalisation: every indicator onto [0, 1], where 1 = most in need.

:func:`normalise_column` handles one indicator (min-max, rank or value function, then
direction, then the missing-value policy). :func:`prepare` does the whole indicator table
once and returns a :class:`Prepared` matrix that scoring, robustness, calibration and
explanations reuse (scores are then matrix products).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import ScenarioError
from ..messages import msg
from ..scenario import IndicatorSpec, Scenario
from ..types import IndicatorTable, MissingPolicy, ScoreMethod
from .ranking import tiebreak_of

__all__ = ["Prepared", "normalise_column", "prepare"]

logger = logging.getLogger(__name__)


def _rank01(x: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of ``at`` among the observed values ``x`` (in [0, 1])."""
    xs = np.sort(x)
    m = len(xs)
    if m <= 1:
        return np.zeros(len(at))
    lo = np.searchsorted(xs, at, side="left")
    hi = np.searchsorted(xs, at, side="right")
    # for an observed value: (n_less + (n_equal - 1) / 2) / (m - 1)
    eq = hi - lo
    pos = lo + np.maximum(eq - 1, 0) / 2.0
    return np.clip(pos / (m - 1), 0.0, 1.0)


def _transform(raw: np.ndarray, observed: np.ndarray, spec: IndicatorSpec) -> np.ndarray:
    if spec.normalisation == "value_function":
        assert spec.thresholds is not None and spec.values is not None
        return np.interp(raw, spec.thresholds, spec.values)
    if spec.normalisation == "rank":
        u = _rank01(observed, raw)
    else:
        lo, hi = (observed.min(), observed.max()) if len(observed) else (0.0, 0.0)
        if hi > lo:
            u = np.clip((raw - lo) / (hi - lo), 0.0, 1.0)
        else:
            u = np.zeros(len(raw))
    return 1.0 - u if spec.direction == "min" else u


def normalise_column(
    values: pd.Series, spec: IndicatorSpec, *, missing: MissingPolicy = "worst"
) -> pd.Series:
    """Normalise one indicator to [0, 1] (1 = most in need).

    Parameters
    ----------
    values
        Raw values indexed by ``cite_id`` (NaN = missing).
    spec
        The indicator's specification (direction, normalisation, thresholds, values).
    missing
        ``worst`` (0: no credit), ``median`` (median normalised value), ``zero`` (raw 0,
        normalised like the others) or ``drop`` (left NaN, handled by the scorer).

    Returns
    -------
    pandas.Series
        Same index, values in [0, 1] (NaN only with ``drop``).

    Examples
    --------
    >>> from cites_priority.scenario import IndicatorSpec
    >>> s = pd.Series([10.0, 20.0, None, 30.0])
    >>> normalise_column(s, IndicatorSpec(direction="min"), missing="worst").tolist()
    [1.0, 0.5, 0.0, 0.0]
    """
    raw = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(copy=True)
    raw[~np.isfinite(raw)] = np.nan
    ok = ~np.isnan(raw)
    observed = raw[ok]
    out = np.full(len(raw), np.nan)
    out[ok] = _transform(raw[ok], observed, spec)
    if (~ok).any():
        if missing == "worst":
            out[~ok] = 0.0
        elif missing == "median":
            out[~ok] = float(np.median(out[ok])) if ok.any() else 0.0
        elif missing == "zero":
            out[~ok] = float(np.clip(_transform(np.array([0.0]), observed, spec)[0], 0, 1))
        elif missing != "drop":
            raise ValueError(f"unknown missing policy {missing!r}")
    return pd.Series(out, index=values.index, name=values.name)


@dataclass(frozen=True)
class Prepared:
    """The normalised decision matrix and the scenario's weights, ready for algebra.

    Attributes
    ----------
    index
        ``cite_id`` of the rows (the input order).
    names
        Indicator names (columns of ``matrix``).
    families
        Family names, in scenario order.
    family_of
        Family position of each indicator.
    matrix
        ``n × k`` normalised values in [0, 1]; NaN only where the policy is ``drop``.
    family_weights
        Resolved family weights (sum 1).
    indicator_weights
        Resolved indicator weights within their family (each family sums to 1).
    method
        The scenario's aggregation method.
    tiebreak
        Position of each row in ``cite_id`` order (ties are broken by ``cite_id``).
    """

    index: pd.Index
    names: tuple[str, ...]
    families: tuple[str, ...]
    family_of: np.ndarray
    matrix: np.ndarray
    family_weights: np.ndarray
    indicator_weights: np.ndarray
    method: ScoreMethod
    tiebreak: np.ndarray

    @property
    def effective_weights(self) -> np.ndarray:
        """Family weight × indicator weight, per indicator (sums to 1)."""
        return self.family_weights[self.family_of] * self.indicator_weights

    def frame(self) -> pd.DataFrame:
        """Return the normalised matrix as a DataFrame indexed by ``cite_id``."""
        return pd.DataFrame(self.matrix, index=self.index, columns=list(self.names))


def prepare(indicators: IndicatorTable, scenario: Scenario) -> Prepared:
    """Normalise every indicator of the scenario once.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id`` (columns of contracts §3).
    scenario
        The scenario (weights are resolved here).

    Returns
    -------
    Prepared

    Raises
    ------
    ScenarioError
        If an indicator of the scenario is absent from the table, or the index is not
        unique.
    """
    if not indicators.index.is_unique:
        dup = indicators.index[indicators.index.duplicated()].unique().tolist()[:5]
        raise ScenarioError(
            f"indicator table: cite_id is not unique (e.g. {dup}); fix: one row per cité"
        )
    res = scenario.resolved()
    names: list[str] = []
    fam_of: list[int] = []
    iw: list[float] = []
    missing_cols = []
    for fpos, (fam, fspec) in enumerate(res.criteria.items()):
        for ind, ispec in fspec.indicators.items():
            if ind not in indicators.columns:
                missing_cols.append(f"criteria.{fam}.indicators.{ind}")
            names.append(ind)
            fam_of.append(fpos)
            iw.append(ispec.weight)
    if missing_cols:
        raise ScenarioError(
            f"scenario '{scenario.name}': {', '.join(missing_cols)}: column absent from the "
            "indicator table; fix: compute the indicator or remove it from the scenario"
        )
    n = len(indicators)
    mat = np.empty((n, len(names)))
    pol = res.missing
    short = []
    for j, (ind, fpos) in enumerate(zip(names, fam_of, strict=True)):
        spec = list(res.criteria.values())[fpos].indicators[ind]
        col = indicators[ind]
        policy = pol.overrides.get(ind, pol.policy)
        if res.method == "topsis" and policy == "drop":
            # TOPSIS needs a complete matrix: say so rather than switch silently
            warnings.warn(
                msg("warn.topsis_drop", indicator=ind),
                UserWarning,
                stacklevel=3,
            )
            policy = "median"
        nmiss = int(pd.to_numeric(col, errors="coerce").isna().sum())
        if nmiss:
            short.append(f"{ind} ({nmiss})")
        mat[:, j] = normalise_column(col, spec, missing=policy).to_numpy()
    if short:
        logger.info("missing values imputed (%s): %s", pol.policy, ", ".join(short))
    fw = np.array([f.weight for f in res.criteria.values()])
    tiebreak = tiebreak_of(indicators.index)
    if n == 0:
        warnings.warn(msg("warn.empty_table"), UserWarning, stacklevel=2)
    return Prepared(
        index=indicators.index,
        names=tuple(names),
        families=tuple(res.criteria),
        family_of=np.array(fam_of, dtype=np.int64),
        matrix=mat,
        family_weights=fw,
        indicator_weights=np.array(iw),
        method=res.method,
        tiebreak=tiebreak,
    )
