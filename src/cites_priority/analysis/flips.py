"""Flip searches of a run: the weight change that flips a borderline cité, forcing swaps.

:func:`explanations` gives each cité its top contributions and, for the borderline cités,
the smallest change of one family weight that moves it in or out of the selection;
:func:`forcing_swaps` names, for each forced cité, the cités its forcing displaced.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from ..scenario import Scenario
from ..scoring import ScoreResult
from ..selection.forced import forcing_effect
from ..types import IndicatorTable, Selection
from .explain import (
    flip_context,
    smallest_flip,
    top_contributions_text,
    weight_change_to_flip,
)

__all__ = ["FlipInputs", "explanations", "forcing_swaps"]


class FlipInputs(Protocol):
    """What :func:`explanations` reads of a run's inputs (:class:`cites_priority.pipeline.Inputs`)."""

    @property
    def indicators(self) -> IndicatorTable: ...

    @property
    def scenario(self) -> Scenario: ...

    @property
    def logements(self) -> pd.Series: ...

    @property
    def epci(self) -> pd.Series | None: ...


def forcing_swaps(
    scenario: Scenario, scores: pd.Series, logements: pd.Series, epci: pd.Series | None,
    selected: Selection, cites: pd.DataFrame,
) -> pd.Series:
    """Per forced cité, the names of the cités its forcing displaced (in) or let in (out).

    Parameters
    ----------
    scenario
        The resolved scenario (its ``force_in`` / ``force_out``).
    scores, logements, epci
        By ``cite_id``.
    selected
        The scenario's selection, boolean by ``cite_id``.
    cites
        Indexed by ``cite_id``, with a ``name`` column.

    Returns
    -------
    pandas.Series
        String, indexed like ``cites``: ``"name; name"`` for forced cités, NA elsewhere.
    """

    swaps = pd.Series(pd.NA, index=cites.index, dtype="string")
    forced = [*scenario.selection.force_in, *scenario.selection.force_out]
    for cid in sorted(int(c) for c in forced):
        eff = forcing_effect(scenario, cid, scores=scores, logements=logements, epci=epci,
                             selected=selected)
        if eff is None:  # not forced after all: nothing displaced
            continue
        ids = eff.displaced if eff.kind == "in" else eff.replacing
        swaps[cid] = "; ".join(str(cites.loc[c, "name"]) for c in ids)
    return swaps


def explanations(
    inputs: FlipInputs, scored: ScoreResult, robust: pd.DataFrame, *, n_top: int = 3
) -> pd.DataFrame:
    """Per-cité explanation columns.

    ``top_contributions``: the ``n_top`` indicators contributing most to the score
    ("niveau_vie 0.081; heritage_rank 0.062; …", weighted normalised values). For the
    borderline cités of the Monte Carlo only, the smallest change of one family weight
    (the others rescaled) that moves the cité in or out of the selection:
    ``flip_family``, ``flip_weight_after``, ``flip_change`` and ``flip_effect``
    (:data:`~cites_priority.types.FlipEffect`: ``enters``/``leaves``); NA elsewhere or when no single family weight flips it.
    ``robust["robustness_class"]`` decides who is borderline (the run passes its final
    classes, where cités some nearby scenario drops are borderline too).

    Parameters
    ----------
    inputs
        A :class:`cites_priority.pipeline.Inputs` (or anything with ``indicators``,
        ``scenario``, ``logements`` and ``epci``).
    scored
        The scoring of the scenario (its ``contributions``).
    robust
        Indexed by ``cite_id``, with ``robustness_class``.
    n_top
        Contributions listed per cité.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``scored.contributions``.
    """

    out = pd.DataFrame({"top_contributions": top_contributions_text(scored.contributions, n_top)})
    out["flip_family"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["flip_weight_after"] = np.nan
    out["flip_change"] = np.nan
    out["flip_effect"] = pd.Series(pd.NA, index=out.index, dtype="string")
    borderline = robust.index[robust["robustness_class"] == "borderline"]
    args = (inputs.indicators, inputs.scenario)
    kw = {"logements": inputs.logements, "epci": inputs.epci}
    context = flip_context(*args, **kw) if len(borderline) else None
    for cid in sorted(borderline):
        best = smallest_flip(weight_change_to_flip(*args, cid, **kw, context=context))
        if best is None:
            continue
        out.loc[cid, ["flip_family", "flip_effect"]] = [best["family"], best["effect"]]
        out.loc[cid, ["flip_weight_after", "flip_change"]] = [best["weight_after"], best["change"]]
    return out
