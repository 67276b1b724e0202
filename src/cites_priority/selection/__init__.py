"""Selection: exact budgeted choice (MILP, HiGHS), phasing and the trade-off frontier.

See :func:`select` (contracts §4), :func:`assign_phases` and :func:`frontier`.
"""

from __future__ import annotations

from .frontier import frontier
from .milp import SelectionProblem, select, selection_kwargs
from .phases import assign_phases

__all__ = ["SelectionProblem", "assign_phases", "frontier", "select", "selection_kwargs"]
