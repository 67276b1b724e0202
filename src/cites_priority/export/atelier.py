"""L'atelier: one offline HTML page where a meeting changes weights and constraints and
sees the exact new selection at once.

The page embeds what the run computed and nothing it would have to recompute in Python:
the normalised indicators (``result.extras["normalised"]``, 1 = most in need), the
scenario's raw weights (normalised in the page exactly as ``Scenario.resolved`` does), the
selection constraints, the cités (names, logements, EPCI, mission 2016 membership), their
outlines (GeoJSON, EPSG:4326), the run's trade-off frontier and the scenario itself (for
the YAML download). In the page, every change recomputes the weighted sum as
``scoring.weighted`` does and re-solves the engine's MILP (same objective with its rank
tie-break, same constraints) with HiGHS compiled to WebAssembly (npm ``highs``, vendored
under ``static/``, MIT). Other aggregation methods (TOPSIS, PROMETHEE) keep the run's
scores, and the page says so.

Everything is inline (Leaflet, HiGHS's loader, its ``.wasm`` gzip-compressed and base64
encoded, decompressed in the page by ``DecompressionStream``): no request is made.

Contract for tests: once the page has computed the selection of the current state,
``document.body.dataset.state === "ready"`` (``"infeasible"`` when no selection meets the
constraints, ``"error"`` on failure), and ``#selection`` lists the selected cités, one
``<tr data-cite-id>`` per cité with the name in ``td.nom``. The URL fragment holds the
scenario (keys in ``docs/atelier.md``).
"""

from __future__ import annotations

import base64
import logging
import math
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import atomic_path
from ..result import RunResult
from .aliases import FAMILY_LABELS, PHASE_COLOURS, alias
from .charts import frontier_chart
from .gpkg import generation_date, prepare_cites, scenario_dict
from .tables import epci_names
from .webmap import epci_outlines, geojson, script_json

__all__ = ["atelier_data", "write_atelier"]

logger = logging.getLogger(__name__)


def _resource(*parts: str) -> bytes:
    return resources.files(__package__).joinpath(*parts).read_bytes()


def _num(value: Any) -> float | None:
    """A JSON number (full precision: the page must reproduce the engine), or null."""
    if value is None or value is pd.NA:
        return None
    v = float(value)
    return None if math.isnan(v) else v


def _frame(result: RunResult) -> pd.DataFrame:
    cites = result.cites
    return cites.set_index("cite_id", drop=False) if "cite_id" in cites.columns else cites


def atelier_data(result: RunResult) -> dict[str, Any]:
    """Everything the atelier's script reads, as JSON-ready data.

    Parameters
    ----------
    result
        The run; ``extras["normalised"]`` (``ScoreResult.normalised``) is required for the
        weight sliders, ``extras["score_method"]``, ``extras["frontier"]`` and
        ``extras["communes"]`` are used when present.

    Returns
    -------
    dict
        ``cites`` (rows in ``cite_id`` order: ``id``, ``name``, ``communes``, ``epci``,
        ``logements``, ``mission``, run ``score``/``selected``/``phase``), ``indicators``
        (name, family, label; the run's effective scenario order), ``matrix`` (normalised
        values, rows as ``cites``, ``null`` = missing), ``unavailable`` (indicators the
        inputs could not measure, with where their weight went), ``scenario`` (the run's scenario as JSON), ``method``, ``epci``
        (code → name), ``geo`` (cité outlines keyed by ``id``), ``frontier``.
    """
    cites = _frame(result).sort_index(kind="stable")
    scen = scenario_dict(result.scenario)
    normalised = result.extras.get("normalised")
    method = str(result.extras.get("score_method") or scen.get("method") or "weighted_sum")
    # the indicators the run scored with, in the scorer's order (the effective scenario:
    # criteria the inputs cannot measure are already left out, their weight moved)
    names, families = [], []
    for fam, spec in (scen.get("criteria") or {}).items():
        for ind in spec.get("indicators", {}):
            names.append(str(ind))
            families.append(str(fam))
    weights = result.weights
    unavailable = []
    if "available" in weights.columns:
        for row in weights[~weights["available"].astype(bool)].itertuples():
            unavailable.append({"label": alias(str(row.indicator)),
                                "note": str(getattr(row, "note", "") or "")})
    matrix = None
    if isinstance(normalised, pd.DataFrame):
        norm = normalised.reindex(index=cites.index, columns=names)
        matrix = [[_num(v) for v in row] for row in norm.itertuples(index=False)]
    rows = []
    for cid, r in cites.iterrows():
        rows.append({
            "id": int(cid),
            "name": str(r.get("name", "") or ""),
            "communes": str(r.get("communes", "") or ""),
            "epci": None if pd.isna(r.get("epci")) else str(r.get("epci")),
            "logements": _num(r.get("logements")),
            "mission": bool(r.get("in_mission_list", False)),
            "score": _num(r.get("score")),
            "selected": bool(r.get("selected", False)),
            "phase": int(r.get("phase", 0) or 0),
        })
    geo = geojson(cites.reset_index(drop=True), {"id": "cite_id"}, tolerance=10.0)
    front = result.extras.get("frontier")
    frontier_rows = None
    chart = None
    if isinstance(front, pd.DataFrame) and not front.empty:
        frontier_rows = [
            {"axis": str(r.axis), "value": float(r.value), "feasible": bool(r.feasible),
             "score": _num(r.score_sum)}
            for r in front.itertuples()
        ]
        # the report's chart (same frame, same point): drawn once for both
        short = prepare_cites(result.shortlist, order=["phase", "rank", "cite_id"])
        chart = frontier_chart(front, short, scen.get("selection", {}) or {})
    return {
        "cites": rows,
        "indicators": [
            {"name": n, "family": f, "label": alias(n)}
            for n, f in zip(names, families, strict=True)
        ],
        "families": [
            {"name": f, "label": FAMILY_LABELS.get(f, f)} for f in dict.fromkeys(families)
        ],
        "matrix": matrix,
        "unavailable": unavailable,
        "method": method,
        "scenario": scen,
        "epci": dict(sorted(epci_names(result).items())),
        "phase_colours": {str(k): v for k, v in PHASE_COLOURS.items()},
        "geo": geo,
        "epci_outlines": epci_outlines(result.extras.get("communes")),
        "frontier": frontier_rows,
        "frontier_svg": chart,
        "scenario_hash": str(result.scenario_hash),
        "version": str(result.version),
        "generated": generation_date()[:10],
    }


def _wasm_b64() -> str:
    # vendored gzip-compressed (level 9, mtime 0: `make vendor-highs`), so no run spends
    # a third of a second compressing the same 3.5 MB again
    return base64.b64encode(_resource("static", "highs.wasm.gz")).decode("ascii")


def _script(*parts: str) -> str:
    return _resource(*parts).decode("utf-8").replace("</script", "<\\/script")


def write_atelier(result: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write ``atelier.html``, the offline weight-and-constraint workshop (atomically).

    Parameters
    ----------
    result
        The run (see :func:`atelier_data` for what it must carry).
    path
        Destination ``.html``.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    data = atelier_data(result)
    name = data["scenario"].get("name") or "scénario"
    css = _resource("static", "leaflet.css").decode("utf-8")
    parts = {
        "TITLE": f"Atelier de priorisation – {name}".replace("&", "&amp;").replace("<", "&lt;"),
        "ATELIER_DATA": script_json(data),
        "LEAFLET_CSS": re.sub(r"url\((?!#)[^)]*\)", "none", css),
        "LEAFLET_JS": _script("static", "leaflet.js"),
        "HIGHS_JS": _script("static", "highs.js"),
        "HIGHS_WASM": _wasm_b64(),
        "ATELIER_JS": _script("templates", "atelier.js"),
        "LICENCES": (_resource("static", "LEAFLET_LICENSE").decode("utf-8") + "\n"
                     + _resource("static", "HIGHS_LICENSE").decode("utf-8"))
        .replace("&", "&amp;").replace("<", "&lt;"),
    }
    text = resources.files(__package__).joinpath("templates", "atelier.html").read_text("utf-8")
    text = re.sub(r"@([A-Z_]+)@", lambda m: parts.get(m.group(1), m.group(0)), text)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    logger.info("atelier written: %s (%.1f Mo)", path, len(text.encode()) / 1e6)
    return path
