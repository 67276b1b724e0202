"""Selection: exact budgeted choice (MILP, HiGHS) and phasing.

See :func:`select` (contracts §4), :func:`assign_phases` and :func:`budget_curve`.
"""

from __future__ import annotations

from .milp import SelectionProblem, select, selection_kwargs
from .phases import assign_phases, budget_curve

__all__ = ["SelectionProblem", "assign_phases", "budget_curve", "select", "selection_kwargs"]
