"""Static PNG maps for print (matplotlib, no basemap, no network).

``carte_priorites.png``: the cités coloured by priority class; ``carte_phases.png``: the
shortlist by phase over the other cités in grey, each labelled with its rank. Both A4 landscape at 200 dpi, Lambert-93,
communes outlines from ``result.extras["communes"]`` when given, a 10 km scale bar, a north
arrow and the scenario's name and hash.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .._atomic import atomic_path
from ..constants import CRS_L93
from ..result import RunResult
from .aliases import PHASE_COLOURS, PHASE_LABELS, PRIORITY_CLASS_COLOURS, PRIORITY_CLASS_LABELS
from .gpkg import prepare_cites, scenario_dict

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["write_static_maps"]

logger = logging.getLogger(__name__)

_RC: dict[RcKeyType, Any] = {"font.family": "DejaVu Sans", "font.size": 9}


class _Canvas(FigureCanvasAgg):
    """Agg canvas drawn only when saved.

    GeoPandas asks for a redraw (``draw_idle``) after every layer it plots; on a canvas
    with no window that renders the whole figure each time, for nothing.
    """

    def draw_idle(self, *args, **kwargs) -> None:
        pass


def _base(result: RunResult, title: str) -> tuple[Figure, matplotlib.axes.Axes]:
    fig = Figure(figsize=(11.69, 8.27), dpi=200)
    _Canvas(fig)
    ax = fig.add_axes((0.02, 0.06, 0.96, 0.86))
    ax.set_axis_off()
    ax.set_aspect("equal")
    communes = result.extras.get("communes")
    if isinstance(communes, gpd.GeoDataFrame) and len(communes):
        communes = communes.to_crs(CRS_L93) if communes.crs is not None else communes
        communes.boundary.plot(ax=ax, color="#b0b0b0", linewidth=0.3)
    scen = scenario_dict(result.scenario)
    fig.suptitle(title, x=0.02, ha="left", fontsize=14, fontweight="bold")
    fig.text(0.02, 0.015,
             f"Scénario {scen.get('name') or '—'} · empreinte {str(result.scenario_hash)[:12]} "
             f"· cites-priority {result.version} · Lambert-93 (EPSG:2154) · sans fond de carte",
             fontsize=7, color="#555")
    return fig, ax


def _decorate(ax: matplotlib.axes.Axes) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bar = 10_000.0
    sx, sy = x0 + 0.03 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.008 * (y1 - y0)
    ax.add_patch(Rectangle((sx, sy), bar / 2, h, color="#222"))
    ax.add_patch(Rectangle((sx + bar / 2, sy), bar / 2, h, facecolor="white", edgecolor="#222",
                           linewidth=0.6))
    ax.text(sx, sy + 2 * h, "0", ha="center", fontsize=7)
    ax.text(sx + bar, sy + 2 * h, "10 km", ha="center", fontsize=7)
    nx, ny = x1 - 0.03 * (x1 - x0), y1 - 0.12 * (y1 - y0)
    ax.annotate("N", xy=(nx, ny + 0.08 * (y1 - y0)), xytext=(nx, ny), ha="center",
                fontsize=10, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "#222", "lw": 1.2})


def _save(fig: Figure, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", metadata={"Software": None})
    return path


def write_static_maps(result: RunResult, folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``carte_priorites.png`` and ``carte_phases.png`` (atomically).

    Parameters
    ----------
    result
        The run.
    folder
        Output folder (created if needed).

    Returns
    -------
    list of pathlib.Path
        The two PNG files.
    """
    folder = Path(folder)
    cites = prepare_cites(result.cites)
    short = prepare_cites(result.shortlist, order=["phase", "rank", "cite_id"])
    written = []
    with matplotlib.rc_context(_RC):
        fig, ax = _base(result, "Cités minières par classe de priorité")
        colours = cites["priority_class"].map(PRIORITY_CLASS_COLOURS).fillna("#cccccc")
        cites.plot(ax=ax, color=colours.tolist(), edgecolor="#444", linewidth=0.15)
        handles = [Patch(facecolor=c, edgecolor="#444", label=PRIORITY_CLASS_LABELS[k])
                   for k, c in PRIORITY_CLASS_COLOURS.items()]
        if "synthetique" in cites and cites["synthetique"].fillna(False).astype(bool).any():
            synth = cites.loc[cites["synthetique"].fillna(False).astype(bool)]
            synth.plot(ax=ax, facecolor="none", edgecolor="#333", hatch="////", linewidth=0)
            handles.append(Patch(facecolor="white", edgecolor="#333", hatch="////",
                                 label="Cité simulée"))
        _decorate(ax)
        ax.legend(handles=handles,
                  loc="lower right", fontsize=8, title="Classe de priorité", frameon=True)
        written.append(_save(fig, folder / "carte_priorites.png"))

        fig, ax = _base(result, "Cités retenues par phase")
        cites.plot(ax=ax, color="#d9d9d9", edgecolor="#999", linewidth=0.1)
        phases = sorted(int(p) for p in short["phase"].unique() if int(p) > 0)
        for phase in phases:
            part = short.loc[short["phase"] == phase]
            part.plot(ax=ax, color=PHASE_COLOURS[phase], edgecolor="#111", linewidth=0.3)
            # small cités vanish at this scale: mark their centroids too
            points = part.representative_point()
            points.plot(ax=ax, color=PHASE_COLOURS[phase], markersize=14, edgecolor="#111",
                        linewidth=0.3)
            for pt, rank in zip(points, part["rank"], strict=True):
                ax.annotate(str(int(rank)), xy=(pt.x, pt.y), xytext=(3, 3),
                            textcoords="offset points", fontsize=6, color="#111")
        _decorate(ax)
        handles = [Patch(facecolor=PHASE_COLOURS[p], edgecolor="#111",
                         label=f"{PHASE_LABELS[p]} ({int((short['phase'] == p).sum())} cités)")
                   for p in phases]
        handles.append(Patch(facecolor="#d9d9d9", edgecolor="#999", label="Autres cités"))
        ax.legend(handles=handles, loc="lower right", fontsize=8,
                  title="Sélection (numéro = rang)")
        written.append(_save(fig, folder / "carte_phases.png"))
    logger.info("static maps written in %s", folder)
    return written
