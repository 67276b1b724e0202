"""cites-priority: prioritise the cités minières of the Bassin minier du Nord-Pas-de-Calais.

The public API is the names listed in ``__all__``; everything else is internal.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._errors import (
    CitesPriorityError,
    InputDataError,
    OutputError,
    ScenarioError,
    SelectionInfeasibleError,
)

try:
    __version__ = version("cites-priority")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CitesPriorityError",
    "InputDataError",
    "OutputError",
    "ScenarioError",
    "SelectionInfeasibleError",
    "__version__",
]
