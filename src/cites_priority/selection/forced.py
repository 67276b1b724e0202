"""What a forced cité changes: the selection with and without its ``force_in``/``force_out``.

A cité imposed by the scenario is selected whatever its score, so its robustness says
nothing and its rank alone does not tell whether it would have made the list. Here the
selection is solved again with that one constraint lifted: the cités that differ are the
ones it displaced (``force_in``) or that took its place (``force_out``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..scenario import Scenario
from ..types import ForceKind, Selection
from .milp import select, selection_kwargs

__all__ = ["ForcingEffect", "forcing_effect"]


@dataclass(frozen=True)
class ForcingEffect:
    """The effect of one cité's forcing on the selection.

    Attributes
    ----------
    cite_id
        The forced cité.
    kind
        ``"in"`` (``force_in``) or ``"out"`` (``force_out``).
    selected_unforced
        Whether the cité would be selected without its forcing.
    displaced
        Cités selected without the forcing and not with it (pushed out by a ``force_in``).
    replacing
        Cités selected with the forcing and not without it (taking a ``force_out``'s place).
    """

    cite_id: int
    kind: ForceKind
    selected_unforced: bool
    displaced: tuple[int, ...]
    replacing: tuple[int, ...]


def forcing_effect(
    scenario: Scenario,
    cite_id: int,
    *,
    scores: pd.Series,
    logements: pd.Series,
    epci: pd.Series | None = None,
    selected: Selection | None = None,
) -> ForcingEffect | None:
    """Solve the selection again without ``cite_id``'s forcing and compare.

    Parameters
    ----------
    scenario
        The (resolved) scenario.
    cite_id
        A cité of ``force_in`` or ``force_out``; anything else returns ``None``.
    scores, logements, epci
        Series indexed by ``cite_id``.
    selected
        The scenario's selection, if already solved.

    Returns
    -------
    ForcingEffect or None
    """
    kwargs = selection_kwargs(scenario)
    kind: ForceKind
    if cite_id in kwargs["force_in"]:
        kind = "in"
    elif cite_id in kwargs["force_out"]:
        kind = "out"
    else:
        return None
    frame = scores.to_frame("score")
    if selected is None:
        selected = select(frame, scores=scores, logements=logements, epci=epci, **kwargs)
    kwargs[f"force_{kind}"] = tuple(c for c in kwargs[f"force_{kind}"] if c != cite_id)
    free = select(frame, scores=scores, logements=logements, epci=epci, **kwargs)
    with_ = set(selected.index[selected.astype(bool)])
    without = set(free.index[free.astype(bool)])
    return ForcingEffect(
        cite_id=int(cite_id),
        kind=kind,
        selected_unforced=bool(free.get(cite_id, False)),
        displaced=tuple(sorted(int(c) for c in without - with_ if c != cite_id)),
        replacing=tuple(sorted(int(c) for c in with_ - without if c != cite_id)),
    )
