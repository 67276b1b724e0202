"""cites-priority: prioritise the cités minières of the Bassin minier du Nord-Pas-de-Calais.

The public API is the names listed in ``__all__``; everything else is internal. The
heavy entry points are imported on first use, so ``import cites_priority`` stays light.

Examples
--------
>>> import cites_priority as cp
>>> result = cp.run(None, data_dir="data/raw", out_dir="data/processed")  # doctest: +SKIP
>>> result.shortlist[["name", "logements", "phase"]]  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

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

#: Lazily imported public names → the module that defines them.
_LAZY = {
    "run": "pipeline",
    "compute": "pipeline",
    "RunResult": "result",
    "load_world": "sources",
    "World": "sources",
    "compute_indicators": "indicators",
    "Scenario": "scenario",
    "load_scenario": "scenario",
    "score": "scoring",
    "select": "selection",
    "assign_phases": "selection",
    "compare_runs": "compare",
    "build_world": "world",
}

__all__ = [
    "CitesPriorityError",
    "InputDataError",
    "OutputError",
    "ScenarioError",
    "SelectionInfeasibleError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'cites_priority' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
