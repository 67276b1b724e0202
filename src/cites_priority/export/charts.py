"""Inline SVG charts of the report (matplotlib, no pyplot, text kept as text).

Each function takes the run's frames and returns an ``<svg>`` element as a string, ready to
be pasted into the HTML: no XML prolog, no metadata, deterministic ids (``svg.hashsalt``),
no date. Text stays ``<text>`` (``svg.fonttype = none``) so it is searchable and light.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..messages import fr_number
from .aliases import FAMILY_LABELS, PHASE_COLOURS

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "FAMILY_COLOURS",
    "family_contributions_svg",
    "frontier_chart",
    "frontier_svg",
    "robustness_svg",
    "svg_text",
]

#: Family → colour of the stacked bars.
FAMILY_COLOURS: dict[str, str] = {
    "social": "#e6550d",
    "building": "#756bb1",
    "heritage": "#31a354",
    "urban": "#3182bd",
}
_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "cites-priority",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def svg_text(fig: Figure) -> str:
    """Return a figure as a bare ``<svg>`` element (no prolog, no metadata).

    Parameters
    ----------
    fig
        A matplotlib figure.

    Returns
    -------
    str
        The SVG markup.
    """
    FigureCanvasSVG(fig)
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight")
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return text.strip()


def _short(name: object, width: int = 38) -> str:
    text = str(name)
    return text if len(text) <= width else text[: width - 1] + "…"


def robustness_svg(cites: pd.DataFrame, *, max_rows: int = 45) -> str:
    """Bar chart of ``p_selected`` for the shortlist and the borderline cités.

    Parameters
    ----------
    cites
        All cités with ``name``, ``p_selected``, ``selected``, ``phase`` and optionally
        ``robustness_class``.
    max_rows
        At most this many bars (highest probabilities first).

    Returns
    -------
    str
        The ``<svg>`` markup.
    """
    mask = cites["selected"].astype(bool)
    if "robustness_class" in cites:
        mask |= cites["robustness_class"].astype("string").eq("borderline").fillna(False)
    rows = cites.loc[mask].sort_values(["p_selected", "rank"], ascending=[True, False])
    rows = rows.tail(max_rows)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.5, 0.6 + 0.2 * max(len(rows), 1)))
        ax = fig.add_subplot()
        colours = [PHASE_COLOURS.get(int(p), PHASE_COLOURS[0]) for p in rows["phase"]]
        y = np.arange(len(rows))
        ax.barh(y, rows["p_selected"].astype(float), color=colours, height=0.7)
        ax.set_yticks(y, [f"{_short(n)} ({int(r)})" for n, r in
                          zip(rows["name"], rows["rank"], strict=True)], fontsize=7)
        ax.set_xlim(0, 1)
        ax.axvline(0.5, color="#555", lw=0.6, ls="--")
        ax.set_xlabel("Probabilité d'être retenue (tirages de pondérations)")
        ax.legend(handles=[Patch(color=PHASE_COLOURS[1], label="Phase 1"),
                           Patch(color=PHASE_COLOURS[2], label="Phase 2"),
                           Patch(color=PHASE_COLOURS[0], label="Non retenue")],
                  loc="lower right", fontsize=7, frameon=False)
        return svg_text(fig)


def family_contributions_svg(families: pd.DataFrame, names: Mapping[int, str]) -> str:
    """Stacked horizontal bars: each shortlisted cité's score split by family.

    Parameters
    ----------
    families
        :func:`cites_priority.analysis.explain.family_contributions` of the cités to show
        (index ``cite_id``), in display order.
    names
        ``cite_id`` → name.

    Returns
    -------
    str
        The ``<svg>`` markup.
    """
    rows = families.iloc[::-1]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.5, 0.8 + 0.22 * max(len(rows), 1)))
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        left = np.zeros(len(rows))
        handles = []
        for fam in rows.columns:
            vals = rows[fam].to_numpy(float)
            colour = FAMILY_COLOURS.get(fam, "#999999")
            ax.barh(y, vals, left=left, color=colour, height=0.7)
            left += vals
            handles.append(Patch(color=colour, label=FAMILY_LABELS.get(fam, fam)))
        ax.set_yticks(y, [_short(names.get(i, i)) for i in rows.index], fontsize=7)
        ax.set_xlabel("Contribution au score global")
        ax.legend(handles=handles, loc="lower right", fontsize=7, frameon=False,
                  ncols=len(handles))
        return svg_text(fig)


def _thousands(v: float, _: object = None) -> str:
    return fr_number(v)


def frontier_svg(
    frontier: pd.DataFrame,
    *,
    selected: tuple[float, float, int] | None = None,
    logements_range: tuple[float, float] | None = None,
) -> str:
    """The exact trade-off frontier: best total score against logements and against cités.

    Parameters
    ----------
    frontier
        :func:`cites_priority.selection.frontier.frontier` output (``axis``, ``value``,
        ``feasible``, ``score_sum``).
    selected
        (logements, total score, number of cités) of the scenario's selection.
    logements_range
        The scenario's logements window, shaded on the left panel.

    Returns
    -------
    str
        The ``<svg>`` markup (two panels; infeasible points drawn as grey crosses on the
        horizontal axis).
    """
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(8.5, 3.4))
        axes = fig.subplots(1, 2, sharey=True)
        panels = (("logements", "Plafond de logements", 0),
                  ("n_cites", "Nombre de cités", 2))
        ok_all = frontier.loc[frontier["feasible"].astype(bool), "score_sum"]
        floor = float(ok_all.min()) if len(ok_all) else 0.0
        for ax, (axis, label, pos) in zip(axes, panels, strict=True):
            part = frontier[frontier["axis"] == axis].sort_values("value")
            ok = part["feasible"].astype(bool).to_numpy()
            x = part["value"].to_numpy(float)
            y = part["score_sum"].to_numpy(float)
            if axis == "logements" and logements_range is not None:
                ax.axvspan(*logements_range, color="#fdd49e", alpha=0.6,
                           label="Enveloppe du scénario")
            ax.plot(x[ok], y[ok], color="#08519c", lw=1.5, marker="o", ms=3,
                    label="Meilleur score total (MILP exact)")
            if (~ok).any():
                ax.scatter(x[~ok], np.full(int((~ok).sum()), floor), marker="x",
                           color="#969696", zorder=3, label="Infaisable")
            if selected is not None:
                ax.scatter([selected[pos]], [selected[1]], color="#bd0026", zorder=4,
                           s=30, label="Sélection du scénario")
            ax.set_xlabel(label)
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            if axis == "logements":
                ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
            ax.legend(fontsize=7, frameon=False, loc="lower right")
        axes[0].set_ylabel("Score total de la sélection")
        return svg_text(fig)


#: The last chart :func:`frontier_chart` drew: [frontier frame, (point, range), svg].
_LAST_FRONTIER: list[Any] = []


def frontier_chart(
    frontier: pd.DataFrame, shortlist: pd.DataFrame, selection: Mapping[str, Any]
) -> str:
    """The run's frontier chart as the report and the atelier both show it, drawn once.

    The scenario's point is the shortlist's total logements and score (summed in the
    order given: the report's, phase then rank) and its logements window is shaded. The
    last chart is kept: a second call with the same frame (the very object,
    ``RunResult.extras["frontier"]``, not modified in between) and the same point
    returns the same markup without drawing it again (≈0.3 s).

    Parameters
    ----------
    frontier
        :func:`cites_priority.selection.frontier.frontier` output.
    shortlist
        The selected cités (``logements``, ``score``).
    selection
        The scenario's ``selection`` section (``logements_min``, ``logements_max``).

    Returns
    -------
    str
        The ``<svg>`` markup of :func:`frontier_svg`.
    """
    point = (float(pd.to_numeric(shortlist["logements"]).sum()),
             float(shortlist["score"].sum()), len(shortlist))
    lo, hi = selection.get("logements_min"), selection.get("logements_max")
    rng = (float(lo), float(hi)) if lo is not None and hi is not None else None
    key = (point, rng)
    if _LAST_FRONTIER and _LAST_FRONTIER[0] is frontier and _LAST_FRONTIER[1] == key:
        return str(_LAST_FRONTIER[2])
    svg = frontier_svg(frontier, selected=point, logements_range=rng)
    _LAST_FRONTIER[:] = [frontier, key, svg]
    return svg
