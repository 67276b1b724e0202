"""Compare two runs: which cités enter or leave the shortlist, and how ranks move."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ._atomic import atomic_path
from ._errors import InputDataError, Problem
from ._gdal import fixed_gdal_date, generation_date
from .export.gpkg import index_cite_id, layer_fields
from .export.qgis_project import add_layer_to_project
from .export.qgis_styles import layer_qml, layer_styles_frame
from .messages import msg

__all__ = ["Comparison", "compare_runs", "diff_project_path", "read_run_layer", "write_diff"]

_NEEDED = ("cite_id", "name", "rank", "selected", "score")


@dataclass(frozen=True)
class Comparison:
    """What changed from run A to run B.

    Attributes
    ----------
    entries
        Cités selected in B but not in A (``cite_id``, ``name``, ``rank_a``, ``rank_b``).
    exits
        Cités selected in A but not in B.
    kept
        Cités selected in both.
    diff
        Every cité (EPSG:2154) with ``rank_a``, ``rank_b``, ``rank_move`` (positive =
        moved up in B), ``score_a``, ``score_b``, ``selected_a``, ``selected_b`` and
        ``change`` ∈ ``entrée`` / ``sortie`` / ``maintenue`` / ``hors liste``.
    """

    entries: pd.DataFrame
    exits: pd.DataFrame
    kept: pd.DataFrame
    diff: gpd.GeoDataFrame


def read_run_layer(path: str | os.PathLike[str], layer: str = "cites") -> gpd.GeoDataFrame:
    """Read the ``cites`` layer of a run's GeoPackage, with a clear error if it is not one.

    A run's GeoPackage is an output: it is read with pyogrio directly, not through the
    input loaders of :mod:`cites_priority.sources`. ``cite_id`` is a plain field of the
    layer; in the GeoPackages written before it was one it is the FID, read back as the
    ``cite_id`` column all the same.

    Parameters
    ----------
    path
        A ``cites_priority.gpkg`` written by ``cites-priority run``.
    layer
        The layer to read.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer, with ``cite_id`` as a column.

    Raises
    ------
    InputDataError
        If the file is missing or unreadable, has no such layer, or lacks the fields of
        a run's ``cites`` layer.
    """
    path = Path(path)

    def fail(problem: str) -> InputDataError:
        hint = Problem(msg("compare.not_a_run"), fix=msg("compare.not_a_run.fix"))
        return InputDataError(path, [Problem(problem), hint], layer=layer)

    if not path.is_file():
        raise fail(msg("sources.file.not_found"))
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # GDAL raises many kinds; all mean "not a GeoPackage we can read"
        raise fail(msg("sources.vector.unopenable", error=_first_line(exc))) from exc
    if layer not in layers:
        found = ", ".join(f"« {name} »" for name in layers)
        raise fail(msg("sources.vector.no_layer", layer=layer, layers=found, hint=""))
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
    except Exception as exc:  # a truncated or corrupt file
        raise fail(msg("sources.vector.unreadable", error=_first_line(exc))) from exc
    if "cite_id" in frame.columns:
        frame = frame.reset_index(drop=True)
    else:  # an older run: cite_id was the FID
        frame = frame.rename_axis("cite_id").reset_index()
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise InputDataError(
            path,
            [Problem(msg("compare.fields_missing"), field=", ".join(missing),
                     fix=msg("compare.fields_missing.fix"))],
            layer=layer,
        )
    return frame


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def compare_runs(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> Comparison:
    """Compare the ``cites`` layers of two run GeoPackages.

    Parameters
    ----------
    a, b
        Paths of two ``cites_priority.gpkg`` files (A = before, B = after).

    Returns
    -------
    Comparison
    """
    fa = read_run_layer(a)
    fb = read_run_layer(b)
    left = fa[["cite_id", "name", "rank", "score", "selected", "geometry"]].rename(
        columns={"rank": "rank_a", "score": "score_a", "selected": "selected_a"}
    )
    right = fb[["cite_id", "rank", "score", "selected"]].rename(
        columns={"rank": "rank_b", "score": "score_b", "selected": "selected_b"}
    )
    diff = left.merge(right, on="cite_id", how="outer")
    diff["selected_a"] = diff["selected_a"].fillna(False).astype(bool)
    diff["selected_b"] = diff["selected_b"].fillna(False).astype(bool)
    diff["rank_move"] = diff["rank_a"] - diff["rank_b"]
    change = pd.Series("hors liste", index=diff.index)
    change[diff["selected_b"] & ~diff["selected_a"]] = "entrée"
    change[diff["selected_a"] & ~diff["selected_b"]] = "sortie"
    change[diff["selected_a"] & diff["selected_b"]] = "maintenue"
    diff["change"] = change
    diff = gpd.GeoDataFrame(diff.sort_values("cite_id").reset_index(drop=True), geometry="geometry", crs=fa.crs)
    cols = ["cite_id", "name", "rank_a", "rank_b", "rank_move", "score_a", "score_b"]
    pick = lambda kind: pd.DataFrame(diff.loc[diff["change"] == kind, cols]).sort_values("rank_b").reset_index(drop=True)  # noqa: E731
    return Comparison(entries=pick("entrée"), exits=pick("sortie"), kept=pick("maintenue"), diff=diff)


def write_diff(
    comparison: Comparison,
    path: str | os.PathLike[str],
    *,
    project: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the styled diff layer (``comparaison``) to a GeoPackage, atomically.

    Parameters
    ----------
    comparison
        What :func:`compare_runs` returned.
    path
        Destination ``.gpkg``. ``cite_id`` is a visible field with a unique index (the FID
        is ``fid``); the layer opens in QGIS categorised on ``change`` with French aliases
        (``layer_styles``).
    project
        Optionally a run's ``cites_priority.qgz``: a copy of it with the diff layer on top
        and a ``comparaison`` map theme is written beside it as
        ``<name>_comparaison.qgz`` (see :func:`diff_project_path`).

    Returns
    -------
    pathlib.Path
        The GeoPackage written.
    """
    diff = comparison.diff
    fields = layer_fields(diff)
    date = generation_date()
    with atomic_path(path) as tmp, fixed_gdal_date(date):
        pyogrio.write_dataframe(
            diff,
            tmp,
            layer="comparaison",
            driver="GPKG",
            promote_to_multi=True,
            geometry_type="MultiPolygon",
            layer_options={"IDENTIFIER": msg("compare.layer.identifier"),
                           "DESCRIPTION": msg("compare.layer.description")},
            dataset_options={"VERSION": "1.2"},
        )
        index_cite_id(tmp, ["comparaison"])
        pyogrio.write_dataframe(
            layer_styles_frame({"comparaison": layer_qml("comparaison", fields)},
                               update_time=pd.Timestamp(date)),
            tmp,
            layer="layer_styles",
            driver="GPKG",
            layer_options={"FID": "id"},
        )
    if project is not None:
        add_layer_to_project(project, path, layer="comparaison",
                             name="Comparaison A → B", fields=fields,
                             out=diff_project_path(project), theme="comparaison")
    return Path(path)


def diff_project_path(project: str | os.PathLike[str]) -> Path:
    """Return where :func:`write_diff` puts the project copy: ``<name>_comparaison.qgz``."""
    project = Path(project)
    return project.with_name(f"{project.stem}_comparaison.qgz")
