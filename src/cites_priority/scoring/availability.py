"""Criteria the inputs cannot measure: NA, never 0, and their weight said to go elsewhere.

An indicator is **unavailable** when it is NA for every cité (its input lacks the field:
no public RPLS has a renovation year or an unfit flag). It leaves the scenario and its
weight is redistributed within its family, in proportion to the other indicators'
weights (the family's own weight is unchanged). A family whose indicators are all
unavailable leaves too, and its weight is redistributed over the other families in
proportion to theirs.

A family is **incomplete** when, for most cités (more than :data:`INCOMPLETE_SHARE`), none
of its available indicators has a value (e.g. a Filosofi extract covering 2 of 543
cités): the missing-value policy would then decide the family for most cités, so the
run stops with a clear error, unless the scenario lists the family under
``missing.accept_incomplete``.

:func:`apply_availability` returns the **effective scenario** (the one every later step
— scores, selection, robustness, explanations — runs on) and a table saying, for every
indicator of the declared scenario, whether it was available and where its weight went.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._errors import ScenarioError
from ..messages import fr_number, msg
from ..scenario import Scenario
from ..types import IndicatorTable

__all__ = ["INCOMPLETE_SHARE", "Availability", "apply_availability", "weights_with_availability"]

#: Share of cités without any value in a family above which the family is incomplete.
INCOMPLETE_SHARE = 0.5


@dataclass(frozen=True)
class Availability:
    """What the inputs could measure.

    Attributes
    ----------
    unavailable
        Indicators NA for every cité, in scenario order.
    dropped_families
        Families left with no available indicator.
    incomplete
        Family → share of cités without any value, for the families accepted as incomplete.
    notes
        Indicator → French sentence saying where its weight went.
    declared
        The declared scenario's weight table (before redistribution).
    """

    unavailable: tuple[str, ...]
    dropped_families: tuple[str, ...]
    incomplete: dict[str, float]
    notes: dict[str, str]
    declared: pd.DataFrame


def _numeric(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col, errors="coerce")


def apply_availability(
    indicators: IndicatorTable, scenario: Scenario
) -> tuple[Scenario, Availability]:
    """Remove unmeasurable indicators from ``scenario`` and check family coverage.

    Parameters
    ----------
    indicators
        Indicator table indexed by ``cite_id``.
    scenario
        The declared scenario.

    Returns
    -------
    (Scenario, Availability)
        The effective scenario (same object when everything is available) and the report.

    Raises
    ------
    ScenarioError
        When a family is incomplete and not accepted by ``missing.accept_incomplete``, or
        when no indicator at all is available.
    """
    declared = scenario.weight_table()
    unavailable: list[str] = []
    for ind in scenario.indicator_names():
        if ind in indicators.columns and _numeric(indicators[ind]).isna().all():
            unavailable.append(ind)
    data = scenario.model_dump()
    notes: dict[str, str] = {}
    dropped: list[str] = []
    for fam, fspec in list(data["criteria"].items()):
        gone = [i for i in fspec["indicators"] if i in unavailable]
        kept = [i for i in fspec["indicators"] if i not in unavailable]
        if not gone:
            continue
        if kept:
            for ind in gone:
                notes[ind] = msg("availability.moved", kept=", ".join(kept), family=fam)
                del fspec["indicators"][ind]
        else:
            dropped.append(fam)
            del data["criteria"][fam]
    others = list(data["criteria"])
    data["missing"]["accept_incomplete"] = [f for f in data["missing"]["accept_incomplete"]
                                            if f in data["criteria"]]
    data["missing"]["overrides"] = {k: v for k, v in data["missing"]["overrides"].items()
                                    if k not in unavailable}
    for fam in dropped:
        for ind in scenario.criteria[fam].indicators:
            notes[ind] = msg("availability.family_gone", family=fam, others=", ".join(others))
    if not others:
        raise ScenarioError(msg("availability.nothing", name=scenario.name,
                                gone=", ".join(unavailable)))
    effective = scenario if not unavailable else Scenario.model_validate(data)
    if effective is not scenario:
        effective._source = scenario._source

    accepted = set(scenario.missing.accept_incomplete)
    incomplete: dict[str, float] = {}
    problems = []
    for fam, fspec in effective.criteria.items():
        cols = [i for i in fspec.indicators if i in indicators.columns]
        if not cols or not len(indicators):
            continue
        none = pd.concat([_numeric(indicators[c]).isna() for c in cols], axis=1).all(axis=1)
        share = float(none.mean())
        if share > INCOMPLETE_SHARE:
            if fam in accepted:
                incomplete[fam] = share
            else:
                problems.append(msg("availability.sparse", family=fam, n=int(none.sum()),
                                    total=len(none), share=fr_number(share, 0, percent=True)))
    if problems:
        raise ScenarioError(msg(
            "availability.sparse_error", name=scenario.name, problems=" ; ".join(problems),
            families=", ".join(f for f in effective.criteria if f not in accepted)))
    return effective, Availability(tuple(unavailable), tuple(dropped), incomplete, notes,
                                   declared)


def weights_with_availability(effective: pd.DataFrame, availability: Availability) -> pd.DataFrame:
    """The weights table of the outputs: effective weights plus the unavailable indicators.

    Parameters
    ----------
    effective
        :meth:`Scenario.weight_table` of the effective scenario.
    availability
        The report of :func:`apply_availability`.

    Returns
    -------
    pandas.DataFrame
        The declared scenario's rows in its order: ``family, indicator, family_weight,
        weight, effective_weight`` (the weights used: 0 for an unavailable indicator),
        ``direction, normalisation``, ``declared_weight`` (family × indicator weight as
        declared), ``available`` (bool) and ``note`` (where the weight went, French).
    """
    declared = availability.declared
    used = effective.set_index("indicator")
    rows = []
    for row in declared.itertuples(index=False):
        ind = row.indicator
        if ind in used.index:
            u = used.loc[ind]
            rows.append({"family": row.family, "indicator": ind,
                         "family_weight": float(u["family_weight"]), "weight": float(u["weight"]),
                         "effective_weight": float(u["effective_weight"]),
                         "direction": row.direction, "normalisation": row.normalisation,
                         "declared_weight": float(row.effective_weight), "available": True,
                         "note": ""})
        else:
            rows.append({"family": row.family, "indicator": ind, "family_weight": 0.0,
                         "weight": 0.0, "effective_weight": 0.0, "direction": row.direction,
                         "normalisation": row.normalisation,
                         "declared_weight": float(row.effective_weight), "available": False,
                         "note": availability.notes.get(ind, "indisponible")})
    return pd.DataFrame(rows)
