"""Analysis of a scenario's selection: it solves selections, so it comes after them.

:mod:`.robustness` (``monte_carlo``, ``one_at_a_time``: weight draws, exact selections),
:mod:`.stress` (the nearby-scenarios table and the Dirichlet interval),
:mod:`.explain` (``top_contributions``, ``weight_change_to_flip``),
:mod:`.calibration` (``calibrate``: weights that reproduce a reference list),
:mod:`.flips` (a run's ``explanations`` and ``forcing_swaps``) and :mod:`.reference` (the
world's reference lists and a selection's agreement with them).
"""
