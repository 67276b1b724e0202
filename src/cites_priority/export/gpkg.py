"""The QGIS-ready GeoPackage of a run.

Layers (EPSG:2154, GeoPackage 1.2, geometry column ``geom``, FID column ``fid``). Where
there is one cité per row (``cites``, ``shortlist``, ``reference``) ``cite_id`` is an ordinary
integer attribute with a unique index (``<layer>_cite_id_unique``), so that
``geopandas.read_file(path, layer=...)`` returns it as a column:

``cites``
    The 543 cités with indicators, scores, rank, selection, phase, priority class and
    robustness; opens in QGIS categorised on ``priority_class`` with the cité names.
``shortlist``
    The selected cités ordered by phase then rank; opens categorised on ``phase``.
``grappes``
    Clusters of selected cités and the centralities they connect to.
``reference``
    The cités of the mission's and ERBM lists that matched a polygon, one row per cité
    (``list`` and ``confidence`` joined with ``; ``), with ``selected``.
``carreaux_200m``
    The INSEE 200 m cells used, with ``niveau_vie``, ``poverty_rate`` and ``ruc_class``
    (as the pipeline computed them); opens categorised on ``ruc_class``.
``communes``, ``epci``
    Boundaries (from ``result.extras``) with ``epci_nom`` and the number of cités
    (``n_cites``), of selected cités and of selected logements each holds
    (:mod:`.boundaries`); the coverage of the QGIS project's "Atlas EPCI".
``scenario``, ``weights``, ``provenance``
    Attribute tables: the resolved scenario as ``key``/``value`` rows, the criteria weights,
    and the real/simulated status of every input field.
``layer_styles``
    The default QGIS styles of ``cites``, ``shortlist``, ``reference`` (categorised on
    ``list``), ``grappes`` (dashed outlines) and ``carreaux_200m`` (see :mod:`.qgis_styles`).

The file is byte-identical for identical inputs: GDAL's timestamps come from
``OGR_CURRENT_DATE`` (taken from the environment, else ``2026-01-01T00:00:00.000Z``) and
rows are written in a fixed order. The layers keyed by cité are written in ``cite_id``
order, so they read back in that order (``fid`` 1, 2, … follows ``cite_id``); sort the
``shortlist`` on ``phase``, ``rank`` to list it as the CSV does.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from pydantic import BaseModel

from .._atomic import atomic_path
from .._errors import OutputError
from .._gdal import DEFAULT_GENERATION_DATE, fixed_gdal_date, generation_date
from ..constants import CRS_L93
from ..result import RunResult
from .boundaries import communes_layer, epci_layer
from .qgis_styles import STYLED_LAYERS, layer_qml, layer_styles_frame
from .values import french_values

__all__ = [
    "DEFAULT_GENERATION_DATE",
    "generation_date",
    "index_cite_id",
    "layer_fields",
    "prepare_cites",
    "scenario_dict",
    "scenario_items",
    "write_geopackage",
]

logger = logging.getLogger(__name__)

_DATASET_OPTIONS = {"VERSION": "1.2", "DATETIME_FORMAT": "UTC"}

_LAYER_TITLES = {
    "cites": ("Cités minières", "Les 543 cités : indicateurs, score, rang, classe de priorité"),
    "shortlist": ("Cités retenues", "Cités sélectionnées par le scénario, par phase puis rang"),
    "grappes": ("Grappes", "Regroupements de cités retenues et centralités reliées"),
    "reference": ("Listes de référence", "Cités des listes de la mission 2016 et de l'ERBM"),
    "carreaux_200m": ("Carreaux INSEE 200 m", "Carreaux Filosofi utilisés, niveau de vie"),
    "communes": ("Communes", "Communes du Bassin minier et nombre de cités"),
    "epci": ("EPCI", "Intercommunalités (EPCI) et nombre de cités, retenues ou non"),
    "scenario": ("Paramètres du scénario", "Scénario résolu, une ligne par paramètre"),
    "weights": ("Pondérations", "Poids des familles et des indicateurs"),
    "provenance": ("Provenance", "Statut réel / simulé / dérivé de chaque donnée"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def _writable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose columns GDAL can store (lists joined, categoricals as text)."""
    out = frame.copy()
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None):
            continue
        dtype = out[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
        elif pd.api.types.is_object_dtype(dtype):
            out[col] = out[col].map(_plain)
            if out[col].map(lambda v: isinstance(v, str) or v is None or v is pd.NA).all():
                out[col] = out[col].astype("string")
    return out


def _with_cite_id(frame: pd.DataFrame) -> pd.DataFrame:
    if "cite_id" not in frame.columns and frame.index.name == "cite_id":
        frame = frame.reset_index()
    return frame


def prepare_cites(cites: gpd.GeoDataFrame, *, order: list[str] | None = None) -> gpd.GeoDataFrame:
    """Return cités ready to write: ``cite_id`` first, fixed order, EPSG:2154, RangeIndex.

    Parameters
    ----------
    cites
        Cités with ``cite_id`` as a column or as the index.
    order
        Columns to sort by (default ``cite_id``).

    Returns
    -------
    geopandas.GeoDataFrame
        The prepared copy.
    """
    frame = _with_cite_id(cites)
    if "cite_id" not in frame.columns:
        msg = "la table des cités n'a pas de colonne ni d'index `cite_id`"
        raise OutputError(msg)
    # a plain index first: a `cite_id` index beside the column makes "cite_id" ambiguous
    frame = frame.reset_index(drop=True)
    frame = frame.sort_values(order or ["cite_id"], kind="stable").reset_index(drop=True)
    cols = ["cite_id"] + [c for c in frame.columns if c != "cite_id"]
    frame = gpd.GeoDataFrame(frame[cols], geometry=frame.geometry.name, crs=frame.crs)
    if frame.crs is None:
        frame = frame.set_crs(CRS_L93)
    elif not frame.crs.equals(CRS_L93):
        frame = frame.to_crs(CRS_L93)
    return frame


def layer_fields(frame: pd.DataFrame) -> list[str]:
    """Return a written layer's fields as QGIS lists them: ``fid`` first, no geometry.

    Parameters
    ----------
    frame
        The frame written with pyogrio (GDAL adds the FID column ``fid``).

    Returns
    -------
    list of str
        ``["fid", *columns]`` without the geometry column.
    """
    geometry = getattr(frame, "_geometry_column_name", None)
    return ["fid", *[c for c in frame.columns if c != geometry and c != "fid"]]


def index_cite_id(path: str | os.PathLike[str], layers: list[str]) -> None:
    """Add a unique index on ``cite_id`` to GeoPackage layers keyed by cité.

    Written with :mod:`sqlite3` after GDAL closed the file: an extra index on an
    attribute column keeps the file a valid GeoPackage (GDAL and QGIS ignore it when
    reading) and makes a duplicated ``cite_id`` impossible.

    Parameters
    ----------
    path
        The GeoPackage.
    layers
        Layers with a ``cite_id`` column; the index is ``<layer>_cite_id_unique``.
    """
    with closing(sqlite3.connect(os.fspath(path))) as db, db:
        for layer in layers:
            db.execute(f'CREATE UNIQUE INDEX "{layer}_cite_id_unique" ON "{layer}" ("cite_id")')


def scenario_dict(scenario: BaseModel | Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a resolved scenario as plain JSON-like data.

    Parameters
    ----------
    scenario
        A :class:`~cites_priority.scenario.Scenario` or another pydantic model
        (``model_dump(mode="json")``), a mapping or ``None``.

    Returns
    -------
    dict
        The scenario's fields.
    """
    if isinstance(scenario, BaseModel):
        return scenario.model_dump(mode="json")
    if scenario is None:
        return {}
    return dict(scenario)


def scenario_items(scenario: BaseModel | Mapping[str, Any] | None) -> pd.DataFrame:
    """Flatten a resolved scenario into ``key``/``value`` rows.

    Parameters
    ----------
    scenario
        A pydantic model, a mapping or ``None``.

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` (dotted path, e.g. ``criteria.social.weight``) and ``value`` (text;
        lists and ``None`` as JSON), in the scenario's order.

    Examples
    --------
    >>> scenario_items({"selection": {"n_cites": 25, "force_in": [3, 4]}}).to_dict("list")
    {'key': ['selection.n_cites', 'selection.force_in'], 'value': ['25', '[3, 4]']}
    """
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, str):
            rows.append((prefix, value))
        else:
            rows.append((prefix, json.dumps(value, ensure_ascii=False, default=str)))

    walk("", scenario_dict(scenario))
    return pd.DataFrame(rows, columns=["key", "value"]).astype("string")


def _reference_layer(result: RunResult, cites: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    ref = result.reference
    if ref is None or len(ref) == 0:
        return None
    ref = ref.copy()
    unmatched = ref["cite_id"].isna() | ~ref["cite_id"].isin(cites["cite_id"])
    if unmatched.any():
        logger.info(
            "reference layer: %d list entries without a cité polygon left out (%s)",
            int(unmatched.sum()),
            ", ".join(ref.loc[unmatched, "name"].astype(str).head(5)),
        )
    ref = ref.loc[~unmatched]
    ref["cite_id"] = ref["cite_id"].astype("int64")
    grouped = (
        ref.sort_values(["cite_id", "list"], kind="stable")
        .groupby("cite_id", sort=True)
        .agg(
            list=("list", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
            confidence=("confidence", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
        )
        .reset_index()
    )
    keep = ["cite_id", "name", "communes", "selected", "phase", "rank", "geometry"]
    base = cites[[c for c in keep if c in cites.columns]]
    out = base.merge(grouped, on="cite_id", how="inner")
    return prepare_cites(gpd.GeoDataFrame(out, geometry="geometry", crs=cites.crs))


def _cells_layer(cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = cells.reset_index(drop=True)
    if frame.crs is not None and not frame.crs.equals(CRS_L93):
        frame = frame.to_crs(CRS_L93)
    order = [c for c in ("idcar_200m", "y_laea", "x_laea") if c in frame.columns]
    if order:
        frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    return frame


def write_geopackage(result: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write the run's QGIS-ready GeoPackage (atomically).

    Parameters
    ----------
    result
        The run to export.
    path
        Destination ``.gpkg``; replaced whole if it exists.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    OutputError
        If the folder is not writable or a layer cannot be written.
    """
    path = Path(path)
    date = generation_date()
    cites = prepare_cites(result.cites)
    # written in cite_id order like `cites` and `reference` (the CSV lists it by phase, rank)
    shortlist = french_values(prepare_cites(result.shortlist))
    grappes = result.grappes.reset_index(drop=True)
    if "grappe_id" in grappes.columns:
        grappes = grappes.sort_values("grappe_id", kind="stable").reset_index(drop=True)
    vectors: dict[str, tuple[gpd.GeoDataFrame, bool]] = {
        "cites": (cites, True),
        "shortlist": (shortlist, True),
        "grappes": (grappes, False),
    }
    reference = _reference_layer(result, cites)
    if reference is not None:
        vectors["reference"] = (french_values(reference), True)
    vectors["cites"] = (french_values(cites), True)
    vectors["carreaux_200m"] = (_cells_layer(result.cells), False)
    for name, boundary in (("communes", communes_layer(result)), ("epci", epci_layer(result))):
        if boundary is not None:
            vectors[name] = (boundary, False)
    tables = {
        "scenario": scenario_items(result.scenario),
        "weights": french_values(result.weights.reset_index(drop=True)),
        "provenance": french_values(result.provenance.reset_index(drop=True)),
    }
    dataset_metadata = {
        "scenario_hash": str(result.scenario_hash),
        "package": "cites-priority",
        "package_version": str(result.version),
        "generation_date": date,
        "crs": CRS_L93,
    }
    for name, digest in sorted(result.checksums.items()):
        dataset_metadata[f"input_sha256_{name}"] = str(digest)
    styles = {
        name: layer_qml(name, layer_fields(frame))
        for name, (frame, _) in vectors.items()
        if name in STYLED_LAYERS
    }
    with atomic_path(path) as tmp, fixed_gdal_date(date):
        first = True
        try:
            for name, (frame, _) in vectors.items():
                identifier, description = _LAYER_TITLES[name]
                layer_options = {"IDENTIFIER": identifier, "DESCRIPTION": description}
                pyogrio.write_dataframe(
                    _writable(frame),
                    tmp,
                    layer=name,
                    driver="GPKG",
                    promote_to_multi=True,
                    geometry_type="MultiPolygon",
                    layer_options=layer_options,
                    dataset_options=_DATASET_OPTIONS if first else None,
                    dataset_metadata=dataset_metadata if first else None,
                    metadata={"scenario_hash": str(result.scenario_hash), "generation_date": date},
                )
                first = False
            for name, frame in tables.items():
                identifier, description = _LAYER_TITLES[name]
                pyogrio.write_dataframe(
                    _writable(frame),
                    tmp,
                    layer=name,
                    driver="GPKG",
                    layer_options={"IDENTIFIER": identifier, "DESCRIPTION": description},
                )
            pyogrio.write_dataframe(
                layer_styles_frame(styles, update_time=pd.Timestamp(date)),
                tmp,
                layer="layer_styles",
                driver="GPKG",
                layer_options={"FID": "id"},
            )
            index_cite_id(tmp, [name for name, (_, keyed) in vectors.items() if keyed])
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                sqlite3.Error) as exc:
            raise OutputError(f"{path} : impossible d'écrire le GeoPackage ({exc})") from exc
    logger.info("GeoPackage written: %s (%d cités, %d retenues)", path, len(cites), len(shortlist))
    return path
