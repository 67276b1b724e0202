"""Type aliases shared by every stage: the tables handed between stages and the string options.

A shared-kernel module (any layer may import it): it imports nothing of the package and
nothing heavy at run time, so the table aliases are strings that only a type checker
resolves. pandas and geopandas carry no type information here (no pandas-stubs), so a
table alias does not check columns: it says in a signature *which* table a function takes
or returns, and the docstring or ``docs/contracts.md`` gives its columns.

The string options are :data:`typing.Literal` types: the scenario's pydantic fields use
the same aliases, so a signature and the scenario file accept the same values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Direction",
    "FlipEffect",
    "ForceKind",
    "IndicatorTable",
    "Interpolation",
    "MissingPolicy",
    "Normalisation",
    "PhaseRule",
    "RobustnessClass",
    "ScoreMethod",
    "ScoreTable",
    "Selection",
    "VectorEngine",
    "Weighting",
]

# -- tables handed between stages (docs/contracts.md) ---------------------------------------
#: The indicator table of :func:`cites_priority.indicators.compute_indicators`: index
#: ``cite_id``, the columns of ``docs/contracts.md`` §3.
IndicatorTable: TypeAlias = "pd.DataFrame"
#: The score table of :class:`cites_priority.scoring.ScoreResult`: index ``cite_id``,
#: ``score``, ``rank`` and ``score_<family>`` (``docs/contracts.md`` §4).
ScoreTable: TypeAlias = "pd.DataFrame"
#: A selection of :func:`cites_priority.selection.select`: boolean Series indexed by
#: ``cite_id`` (True = retained), name ``selected``.
Selection: TypeAlias = "pd.Series"

# -- string options -----------------------------------------------------------------------
#: ``max``: a larger raw value is a greater need; ``min``: a smaller one is.
Direction: TypeAlias = Literal["max", "min"]
#: How an indicator is mapped to [0, 1] (1 = most in need).
Normalisation: TypeAlias = Literal["minmax", "rank", "value_function"]
#: What a missing indicator value becomes (:class:`cites_priority.scenario.MissingSpec`).
MissingPolicy: TypeAlias = Literal["worst", "median", "zero", "drop"]
#: How the normalised indicators are aggregated into one score.
ScoreMethod: TypeAlias = Literal["weighted_sum", "topsis", "promethee"]
#: How the selected cités are split into phases.
PhaseRule: TypeAlias = Literal["score_then_half", "balanced_milp"]
#: How :func:`cites_priority.indicators.compute_indicators` spreads a 200 m cell over the
#: cités: uniformly (``area``) or over the dwelling points of RPLS and DPE (``population``).
Weighting: TypeAlias = Literal["area", "population"]
#: How :func:`cites_priority.indicators.areal.interpolate` spreads a cell: :data:`Weighting`,
#: or over building footprints passed explicitly (``built``).
Interpolation: TypeAlias = Literal["area", "population", "built"]
#: The library that reads a vector file.
VectorEngine: TypeAlias = Literal["pyogrio", "fiona"]
#: A cité's robustness class: from the Monte Carlo (``core``, ``borderline``, ``outside``)
#: or, for a cité the scenario forces, the forcing (``forced``, ``excluded``).
RobustnessClass: TypeAlias = Literal["core", "borderline", "outside", "forced", "excluded"]
#: What the smallest flipping weight change does to a cité: it ``enters`` or ``leaves``
#: the selection.
FlipEffect: TypeAlias = Literal["enters", "leaves"]
#: A forcing: ``in`` (``selection.force_in``) or ``out`` (``selection.force_out``).
ForceKind: TypeAlias = Literal["in", "out"]
