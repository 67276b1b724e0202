"""Data of the report's Leaflet map: light GeoJSON in EPSG:4326.

Geometries are simplified in Lambert-93 (``tolerance`` metres, topology kept per polygon),
reprojected to WGS84 and rounded to 5 decimals (about 1 m), and properties are shortened
to a few keys, so the 543 cités and the communes weigh a few hundred kilobytes.
"""

from __future__ import annotations

import copy
import json
import math
import weakref
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..constants import CRS_L93
from ..messages import VALUE_LABELS
from .aliases import PHASE_COLOURS, PHASE_LABELS, PRIORITY_CLASS_COLOURS, PRIORITY_CLASS_LABELS

__all__ = ["CITE_PROPERTIES", "epci_outlines", "geojson", "map_data", "script_json"]

#: Short GeoJSON key → column of the cités frame.
CITE_PROPERTIES = {
    "id": "cite_id",
    "n": "name",
    "cm": "communes",
    "s": "score",
    "r": "rank",
    "p": "p_selected",
    "c": "priority_class",
    "ph": "phase",
    "l": "logements",
    "m": "in_mission_list",
    "f": "forced",
    "sy": "synthetique",
}

#: Spacing of the hatching lines drawn over synthetic cités (metres, Lambert-93).
HATCH_SPACING = 35.0


def hatching(cites: gpd.GeoDataFrame, *, spacing: float = HATCH_SPACING) -> gpd.GeoDataFrame:
    """Diagonal hatching lines clipped to the synthetic cités (``synthetique`` true).

    Leaflet draws on a canvas here, where fill patterns are not available: the hatching is
    geometry, so it looks the same in the report, in print and in any GIS.

    Parameters
    ----------
    cites
        Cités with ``synthetique`` (EPSG:2154).
    spacing
        Distance between lines, metres.

    Returns
    -------
    geopandas.GeoDataFrame
        One (multi)line per synthetic cité, EPSG:2154.
    """
    if "synthetique" not in cites.columns:
        return gpd.GeoDataFrame(geometry=[], crs=CRS_L93)
    frame = cites if cites.crs is not None else cites.set_crs(CRS_L93)
    frame = frame.to_crs(CRS_L93)
    part = frame.loc[frame["synthetique"].fillna(False).astype(bool)]
    geoms = part.geometry.values
    if not len(geoms):
        return gpd.GeoDataFrame(geometry=[], crs=CRS_L93)
    coords, owner = [], []
    for k, geom in enumerate(geoms):
        x0, y0, x1, y1 = geom.bounds
        span = (x1 - x0) + (y1 - y0)
        offsets = np.arange(-span, span + spacing, spacing)
        # 45° lines x - y = c, floored to the grid so neighbours line up
        base = np.floor((x0 - y1) / spacing) * spacing
        seg = np.empty((len(offsets), 2, 2))
        seg[:, 0, 0] = base + offsets + y0 - 1
        seg[:, 0, 1] = y0 - 1
        seg[:, 1, 0] = base + offsets + y1 + 1
        seg[:, 1, 1] = y1 + 1
        coords.append(seg)
        owner.append(np.full(len(offsets), k))
    # every segment, then one multiline per cité, built and clipped in vectorised calls
    segments = shapely.linestrings(np.concatenate(coords))
    hatches = shapely.multilinestrings(segments, indices=np.concatenate(owner))
    lines = shapely.intersection(hatches, np.asarray(geoms))
    return gpd.GeoDataFrame(geometry=list(lines), crs=CRS_L93)


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return round(value, 4)
    return value


def geojson(
    frame: gpd.GeoDataFrame,
    properties: dict[str, str],
    *,
    tolerance: float = 10.0,
    decimals: int = 5,
) -> dict[str, Any]:
    """Return a FeatureCollection (EPSG:4326) of simplified, rounded geometries.

    Parameters
    ----------
    frame
        Polygons in any projected CRS (EPSG:2154 assumed when unset).
    properties
        Output key → column (columns absent from ``frame`` are skipped).
    tolerance
        Simplification tolerance, metres (Lambert-93).
    decimals
        Decimals kept on longitudes and latitudes.

    Returns
    -------
    dict
        The GeoJSON FeatureCollection.
    """
    frame = frame if frame.crs is not None else frame.set_crs(CRS_L93)
    if not frame.crs.equals(CRS_L93):
        frame = frame.to_crs(CRS_L93)
    geoms = shapely.simplify(frame.geometry.values, tolerance, preserve_topology=True)
    wgs = gpd.GeoSeries(geoms, crs=CRS_L93).to_crs(4326).values
    wgs = shapely.set_precision(wgs, 10.0 ** -decimals)
    features = []
    cols = {k: c for k, c in properties.items() if c in frame.columns}
    records = frame[list(cols.values())].to_dict("records") if cols else [{}] * len(frame)
    for geom, rec in zip(wgs, records, strict=True):
        if geom is None or geom.is_empty:
            continue
        props = {k: _clean(rec[c]) for k, c in cols.items()}
        features.append({"type": "Feature", "properties": props,
                         "geometry": json.loads(shapely.to_geojson(geom))})
    return {"type": "FeatureCollection", "features": features}


def map_data(
    cites: gpd.GeoDataFrame,
    shortlist: gpd.GeoDataFrame,
    *,
    communes: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    """Return everything the report's map script needs.

    Parameters
    ----------
    cites
        All cités (with ``cite_id`` column).
    shortlist
        Selected cités.
    communes
        Optional background outlines (``nom`` or ``name``); when they carry ``epci`` (or
        ``epci_siren``) the EPCI outlines are dissolved from them.

    Returns
    -------
    dict
        ``cites``, ``shortlist``, ``communes``, ``epci`` (GeoJSON or ``None``), class and
        phase colours and labels.
    """
    data: dict[str, Any] = {
        "cites": geojson(cites, CITE_PROPERTIES),
        "shortlist": geojson(shortlist, CITE_PROPERTIES),
        "communes": None,
        "priority_colours": {str(k): v for k, v in PRIORITY_CLASS_COLOURS.items()},
        "priority_labels": {str(k): v for k, v in PRIORITY_CLASS_LABELS.items()},
        "phase_colours": {str(k): v for k, v in PHASE_COLOURS.items()},
        "phase_labels": {str(k): v for k, v in PHASE_LABELS.items()},
        "forced_labels": dict(VALUE_LABELS["forced"]),
    }
    hatch = hatching(cites)
    data["hatch"] = geojson(hatch, {}, tolerance=1.0) if len(hatch) else None
    data["epci"] = None
    if communes is not None and len(communes):
        key = "nom" if "nom" in communes.columns else "name"
        data["communes"] = geojson(communes, {"n": key}, tolerance=50.0, decimals=4)
        data["epci"] = epci_outlines(communes)
    return data


#: The last :func:`epci_outlines` answer, for the same communes frame: the report and the
#: atelier of one run both ask for it (a run's frames are not modified while it is written).
_LAST_OUTLINES: tuple[weakref.ref, dict[str, Any] | None] | None = None


def epci_outlines(communes: gpd.GeoDataFrame | None) -> dict[str, Any] | None:
    """EPCI outlines dissolved from the communes (GeoJSON, key ``n`` = name), or ``None``.

    Parameters
    ----------
    communes
        Communes with ``epci`` (or ``epci_siren``) and ``epci_name`` (or ``epci_nom``).

    Returns
    -------
    dict or None
        A FeatureCollection in EPSG:4326 (50 m simplification, 4 decimals), ``None`` when
        the communes carry no EPCI code.
    """
    global _LAST_OUTLINES
    if communes is None or not len(communes):
        return None
    if _LAST_OUTLINES is not None and _LAST_OUTLINES[0]() is communes:
        return copy.deepcopy(_LAST_OUTLINES[1])
    outlines = _epci_outlines(communes)
    _LAST_OUTLINES = (weakref.ref(communes), outlines)
    return copy.deepcopy(outlines)


def _epci_outlines(communes: gpd.GeoDataFrame) -> dict[str, Any] | None:
    epci_col = next((c for c in ("epci", "epci_siren") if c in communes.columns), None)
    if epci_col is None or not communes[epci_col].notna().any():
        return None
    name_col = next((c for c in ("epci_name", "epci_nom") if c in communes.columns), epci_col)
    epci = communes.loc[communes[epci_col].notna(), [epci_col, name_col, "geometry"]]
    epci = epci.dissolve(by=epci_col, as_index=False, aggfunc="first")
    epci = epci.sort_values(epci_col, kind="stable")
    return geojson(epci, {"n": name_col}, tolerance=50.0, decimals=4)


def script_json(data: Any) -> str:
    """Serialise data for a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are escaped as ``\\u003c``… so no text in the data can close the
    element or open a tag.

    Parameters
    ----------
    data
        JSON-serialisable data.

    Returns
    -------
    str
        Compact JSON.

    Examples
    --------
    >>> script_json({"n": "</script>"})
    '{"n":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
