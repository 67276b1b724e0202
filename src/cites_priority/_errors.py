"""Typed errors raised by cites_priority.

Every error a user can trigger with bad input derives from :class:`CitesPriorityError`
and from the matching built-in (``ValueError``, ``OSError``), so callers may catch
either. The CLI maps them to a one-line message and exit code 1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .messages import msg

__all__ = [
    "CitesPriorityError",
    "InputDataError",
    "OutputError",
    "Problem",
    "ScenarioError",
    "SelectionInfeasibleError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    field
        The field (column) concerned, if any.
    rows
        A few example row labels (ids or 0-based positions).
    fix
        What the user should do about it.
    """

    message: str
    field: str | None = None
    rows: Sequence[object] = dataclasses.field(default_factory=tuple)
    fix: str | None = None

    def render(self) -> str:
        """Return the problem as one line of French text (templates of :mod:`.messages`)."""

        parts = []
        if self.field:
            parts.append(msg("problem.field", field=self.field))
        parts.append(self.message)
        if self.rows:
            shown = ", ".join(str(r) for r in list(self.rows)[:5])
            more = msg("problem.more", n=len(self.rows) - 5) if len(self.rows) > 5 else ""
            parts.append(msg("problem.rows", rows=f"{shown}{more}"))
        if self.fix:
            parts.append(msg("problem.fix", fix=self.fix))
        return " ; ".join(parts)


class CitesPriorityError(Exception):
    """Base class of every error raised on purpose by cites_priority."""


class InputDataError(CitesPriorityError, ValueError):
    """An input file is unreadable, mis-shaped or holds invalid values.

    Parameters
    ----------
    path
        The file concerned.
    problems
        Every problem found (the loaders gather them all before raising).
    layer
        The layer inside the file, for multi-layer formats.
    """

    def __init__(
        self,
        path: object,
        problems: Iterable[Problem | str],
        *,
        layer: str | None = None,
    ) -> None:
        self.path = str(path)
        self.layer = layer
        self.problems = [p if isinstance(p, Problem) else Problem(str(p)) for p in problems]

        where = msg("input.layer", path=self.path, layer=layer) if layer else self.path
        body = " | ".join(p.render() for p in self.problems) or msg("input.invalid")
        super().__init__(f"{where} : {body}")


class ScenarioError(CitesPriorityError, ValueError):
    """A scenario file is invalid (unknown keys, bad weights, unknown indicators...)."""


class SelectionInfeasibleError(CitesPriorityError, ValueError):
    """The selection constraints cannot all be met; the message says which to relax."""


class OutputError(CitesPriorityError, OSError):
    """An output could not be written (read-only folder, full disk...)."""
