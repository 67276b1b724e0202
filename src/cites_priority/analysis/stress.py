"""Stress table: the selection under the nearby scenarios an analyst would try.

The Monte Carlo of :mod:`.robustness` only covers small weight noise around the scenario.
Here each neighbour is a deliberate variant, solved exactly (the same MILP as the run):

- each family weight +0.1 and −0.1 (absolute; the other families rescaled to sum 1);
- each family first (its weight set to 0.5, the others rescaled), when it is not already;
- the logements window shifted by −2 000 and +2 000;
- the number of cités −5 and +5.

For every cité, ``stress_share`` is the share of the feasible variants whose selection
keeps it; the run reserves "Noyau stable" for cités kept in all of them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import betaincinv

from .._errors import SelectionInfeasibleError
from ..messages import fr_number, label
from ..scenario import Scenario
from ..scoring import scores_for
from ..scoring.normalise import prepare
from ..types import IndicatorTable
from .robustness import problem_for, rescaled_family_weights

__all__ = ["StressResult", "dirichlet_interval", "family_weight_intervals", "stress_test"]

logger = logging.getLogger(__name__)

#: Absolute change of one family weight.
WEIGHT_STEP = 0.1
#: Weight of the family put first.
FIRST_WEIGHT = 0.5
#: Shift of the logements window.
WINDOW_STEP = 2000
#: Change of the number of cités.
N_STEP = 5


@dataclass(frozen=True)
class StressResult:
    """The nearby scenarios and what each keeps.

    Attributes
    ----------
    scenarios
        One row per variant: ``label`` (French), ``feasible``, ``n_selected``,
        ``logements``, ``n_entered``, ``n_left`` (versus the scenario's selection),
        ``left`` (names are filled in by the caller; here ``cite_id`` lists).
    selections
        Boolean frame, index ``cite_id``, one column per feasible variant (each a
        :data:`~cites_priority.types.Selection`).
    share
        Per cité, the share of feasible variants whose selection keeps it.
    """

    scenarios: pd.DataFrame
    selections: pd.DataFrame
    share: pd.Series


def _variants(
    scenario: Scenario, families: list[str], fw: np.ndarray
) -> Iterator[tuple[str, np.ndarray | None, Scenario]]:
    """Yield (label, family weights or None, scenario for the selection)."""
    for f, fam in enumerate(families):
        name = label("family", fam)
        for sign in (+1, -1):
            new = float(np.clip(fw[f] + sign * WEIGHT_STEP, 0.0, 1.0))
            if abs(new - fw[f]) > 1e-12:
                txt = f"Poids « {name} » {fr_number(fw[f], 2)} → {fr_number(new, 2)}"
                yield txt, rescaled_family_weights(fw, f, new), scenario
    for f, fam in enumerate(families):
        if fw[f] < FIRST_WEIGHT - 1e-12:
            txt = f"Famille « {label('family', fam)} » en tête (poids {fr_number(FIRST_WEIGHT, 2)})"
            yield txt, rescaled_family_weights(fw, f, FIRST_WEIGHT), scenario
    sel = scenario.selection
    for sign in (-1, +1):
        lo = max(sel.logements_min + sign * WINDOW_STEP, 0)
        hi = max(sel.logements_max + sign * WINDOW_STEP, 0)
        txt = f"Enveloppe {fr_number(lo)} à {fr_number(hi)} logements"
        yield txt, None, scenario.model_copy(
            update={"selection": sel.model_copy(update={"logements_min": lo, "logements_max": hi})}
        )
    for sign in (-1, +1):
        n = sel.n_cites + sign * N_STEP
        if n >= 1:
            yield f"{n} cités", None, scenario.model_copy(
                update={"selection": sel.model_copy(update={"n_cites": n})}
            )


def dirichlet_interval(weight: float, concentration: float, level: float = 0.9) -> tuple[float, float, float]:
    """Spread of one weight under the Monte Carlo's Dirichlet draws.

    A Dirichlet(α = c·w) component is Beta(c·w, c·(1 − w)) distributed.

    Parameters
    ----------
    weight
        The scenario's weight (0–1).
    concentration
        The Dirichlet concentration ``c``.
    level
        Central probability of the interval.

    Returns
    -------
    low, high, sd
        The central interval and the standard deviation.

    Examples
    --------
    >>> [round(v, 3) for v in dirichlet_interval(0.25, 100)]
    [0.182, 0.324, 0.043]
    """
    if weight <= 0 or weight >= 1:
        return float(weight), float(weight), 0.0
    a, b = concentration * weight, concentration * (1 - weight)
    tail = (1 - level) / 2
    # the Beta quantile (scipy.stats.beta.ppf is this very function, equal bit for bit;
    # scipy.special spares the run the 1 s import of scipy.stats)
    low, high = betaincinv(a, b, np.array([tail, 1 - tail]))
    sd = (weight * (1 - weight) / (concentration + 1)) ** 0.5
    return float(low), float(high), float(sd)


def family_weight_intervals(
    weights: pd.DataFrame, concentration: float, level: float = 0.9
) -> pd.DataFrame:
    """Spread of each family weight under the Monte Carlo's Dirichlet draws.

    Parameters
    ----------
    weights
        A weight table with ``family`` and ``family_weight`` (``Scenario.weight_table()``).
    concentration
        The Dirichlet concentration of the Monte Carlo.
    level
        Central probability of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per family, in the table's order: ``family``, ``family_weight``, ``low``,
        ``high`` (the central interval, :func:`dirichlet_interval`) and ``sd``.

    Examples
    --------
    >>> w = pd.DataFrame({"family": ["social", "social", "urban"],
    ...                   "family_weight": [0.25, 0.25, 0.75]})
    >>> family_weight_intervals(w, 100).round(3).to_dict("list")["low"]
    [0.182, 0.676]
    """
    columns = ["family", "family_weight", "low", "high", "sd"]
    if not {"family", "family_weight"} <= set(weights.columns):
        return pd.DataFrame(columns=columns)
    fams = weights.drop_duplicates("family").set_index("family")["family_weight"]
    rows = [(fam, float(w), *dirichlet_interval(float(w), concentration, level))
            for fam, w in fams.items()]
    return pd.DataFrame(rows, columns=columns)


def stress_test(
    indicators: IndicatorTable,
    scenario: Scenario,
    *,
    logements: pd.Series,
    epci: pd.Series | None = None,
) -> StressResult:
    """Solve the selection of every nearby scenario exactly.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The (resolved) scenario.
    logements, epci
        Dwellings and EPCI code per cité.

    Returns
    -------
    StressResult
    """
    prep = prepare(indicators, scenario)
    ids = np.asarray(prep.index)
    base_prob = problem_for(prep, scenario, logements, epci)
    base = base_prob.solve(scores_for(prep), prep.tiebreak)
    lg = pd.to_numeric(pd.Series(logements).reindex(prep.index)).to_numpy()
    rows, cols = [], {}
    for i, (txt, fw, variant) in enumerate(_variants(scenario, list(prep.families),
                                                     prep.family_weights)):
        scores = scores_for(prep, fw) if fw is not None else scores_for(prep)
        try:
            if variant is scenario:
                x = base_prob.solve_fast(scores, prep.tiebreak, [base])
            else:
                x = problem_for(prep, variant, logements, epci).solve(scores, prep.tiebreak)
        except SelectionInfeasibleError:
            rows.append({"label": txt, "feasible": False, "n_selected": 0, "logements": np.nan,
                         "n_entered": 0, "n_left": 0, "left": ""})
            continue
        cols[i] = x
        rows.append({
            "label": txt,
            "feasible": True,
            "n_selected": int(x.sum()),
            "logements": float(lg[x].sum()),
            "n_entered": int((x & ~base).sum()),
            "n_left": int((base & ~x).sum()),
            "left": "; ".join(str(c) for c in ids[base & ~x]),
        })
    selections = pd.DataFrame(cols, index=prep.index).astype(bool)
    share = selections.mean(axis=1) if selections.shape[1] else pd.Series(np.nan, index=prep.index)
    logger.info("stress table: %d variants, %d feasible", len(rows), selections.shape[1])
    return StressResult(pd.DataFrame(rows), selections, share.rename("stress_share"))
