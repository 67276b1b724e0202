"""Loaders of the context layers: communes, EPCI, UNESCO Bien and buffer zone, QPV,
transit lines and stops, centralities.

Every loader takes ``(path, *, layer=None, engine="pyogrio")``: ``path`` is any vector
file (GPKG such as the world's ``contexte.gpkg``, Shapefile, GeoJSON), ``layer`` defaults
to the layer of the world layout (``communes``, ``epci``…) when the file has it, else to
its first layer. All run through one generic reader (:func:`_load_layer`) with a field
specification per family; canonical names are in ``docs/contracts.md`` §2 and
``docs/sources.md``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..messages import msg
from ..types import VectorEngine
from ._fields import (
    Problems,
    check_codes,
    check_required_values,
    check_unique,
    parse_counts,
    resolve_fields,
    text_column,
)
from ._geometry import (
    FRANCE_BBOX_L93,
    check_extent,
    check_geometries,
    to_l93,
)
from ._read import open_vector

__all__ = [
    "load_centralities",
    "load_communes",
    "load_epci",
    "load_qpv",
    "load_transit_lines",
    "load_transit_stops",
    "load_unesco_bien",
    "load_unesco_buffer",
]

logger = logging.getLogger(__name__)

POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")
POINTS = ("Point", "MultiPoint")


@dataclass(frozen=True)
class LayerSpec:
    """How to read one context family.

    Parameters
    ----------
    default_layer
        Layer name in the world's ``contexte.gpkg``.
    fields
        Canonical name → accepted real names; output columns follow this order.
    required
        Canonical names that must be present.
    kinds
        Accepted geometry types.
    key
        Canonical field that must be filled and unique (``None``: no id check).
    counts
        Canonical fields converted to numbers (NA allowed).
    codes
        Canonical field → ``{accepted spelling: canonical value}``.
    codes_fallback
        Canonical field → (other canonical field, mapping) used when the first is absent.
    zfill
        Canonical code fields left-padded with zeros to this width.
    """

    default_layer: str
    fields: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    kinds: tuple[str, ...]
    key: str | None = None
    counts: tuple[str, ...] = ()
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    zfill: dict[str, int] = field(default_factory=dict)


_MODES = {"tram": "tram", "tramway": "tram", "bhns": "bhns", "bus": "bus", "metro": "metro",
          "train": "train", "0": "tram", "1": "metro", "2": "train", "3": "bus", "11": "bus"}
_KINDS = {"centralite": "centralite", "centralité": "centralite", "grand_site": "grand_site",
          "grand site": "grand_site", "gare": "gare"}

SPECS = {
    "communes": LayerSpec(
        "communes",
        {"insee": ("insee", "INSEE_COM", "code", "code_insee", "DEPCOM"),
         "name": ("nom", "NOM", "nom_min", "NOM_COM", "libelle"),
         "epci": ("epci_siren", "SIREN_EPCI", "codeEpci", "epci"),
         "epci_name": ("epci_nom", "NOM_EPCI", "libepci"),
         "population": ("population", "POPULATION", "pop_tot", "pmun")},
        required=("insee", "name"), kinds=POLYGONS, key="insee", counts=("population",),
        zfill={"insee": 5}),
    "epci": LayerSpec(
        "epci",
        {"epci": ("code_siren", "SIREN_EPCI", "siren", "code_epci", "CODE_SIREN", "code"),
         "name": ("nom", "NOM", "nom_epci", "libelle")},
        required=("epci", "name"), kinds=POLYGONS, key="epci"),
    "bien": LayerSpec(
        "bien_inscrit",
        {"name": ("nom", "NOM", "nom_element"), "section": ("section", "SECTION"),
         "surface_ha": ("surface_ha", "SURF_HA", "surface")},
        required=(), kinds=POLYGONS, counts=("surface_ha",)),
    "buffer": LayerSpec(
        "zone_tampon",
        {"id": ("id", "ID", "fid_zt"), "surface_ha": ("surface_ha", "SURF_HA", "surface")},
        required=(), kinds=POLYGONS, counts=("surface_ha",)),
    "qpv": LayerSpec(
        "qpv",
        {"code_qp": ("code_qp", "CODE_QP", "code_quartier"),
         "name": ("lib_qp", "NOM_QP", "quartier_prioritaire", "nom_qp"),
         "insee": ("insee_com", "code_insee", "INSEE_COM", "insee", "depcom"),
         "commune": ("lib_com", "COMMUNE_QP", "commune_qp", "noms_des_communes_concernees")},
        required=("code_qp", "name"), kinds=POLYGONS, key="code_qp", zfill={"insee": 5}),
    "transit_lines": LayerSpec(
        "transit_lignes",
        {"route_id": ("route_id", "ROUTE_ID", "id_ligne"),
         "name": ("route_short_name", "route_long_name", "nom", "ligne", "name"),
         "mode": ("mode", "MODE", "route_type")},
        required=("route_id", "mode"), kinds=LINES, key="route_id", codes={"mode": _MODES}),
    "transit_stops": LayerSpec(
        "transit_arrets",
        {"stop_id": ("stop_id", "STOP_ID", "id_arret"),
         "name": ("stop_name", "nom", "name"),
         "route_id": ("route_id", "ROUTE_ID", "id_ligne")},
        required=("stop_id",), kinds=POINTS, key="stop_id"),
    "centralities": LayerSpec(
        "centralites",
        {"name": ("nom", "NOM", "name"), "kind": ("kind", "type", "categorie")},
        required=("name", "kind"), kinds=POINTS, codes={"kind": _KINDS}),
}


def _load_layer(path: str | Path, spec: LayerSpec, *, layer: str | None,
                engine: VectorEngine) -> gpd.GeoDataFrame:
    """Read, validate and rename one context layer according to ``spec``."""
    raw = open_vector(path, layer=layer, engine=engine, default_layer=spec.default_layer)
    path = Path(path)
    problems = Problems(path, raw.attrs.get("layer"))
    if raw.empty:
        problems.add(msg("sources.layer.empty"), fix=msg("sources.layer.empty.fix"))
        problems.raise_if_any()
    cols = resolve_fields([c for c in raw.columns if c != raw.geometry.name], spec.fields,
                          required=spec.required, problems=problems)
    gdf = to_l93(raw, problems=problems)
    problems.raise_if_any()
    assert gdf is not None
    gdf = gdf.reset_index(drop=True)
    check_geometries(gdf.geometry, kinds=spec.kinds, problems=problems)
    check_extent(gdf.geometry, problems=problems, bbox=FRANCE_BBOX_L93,
                 area="france")
    data: dict[str, pd.Series] = {}
    for name in spec.fields:
        values = text_column(gdf, cols.get(name))
        if name in spec.zfill and name in cols:
            values = values.str.zfill(spec.zfill[name])
        data[name] = values
    if spec.key and spec.key in cols:
        check_required_values(data[spec.key], column=cols[spec.key], problems=problems,
                              frame=gdf)
        check_unique(data[spec.key], column=cols[spec.key], problems=problems, frame=gdf)
    present = {name: cols[name] for name in spec.counts if name in cols}
    if present:
        numbers = parse_counts(gdf, present, problems=problems, allow_missing=True)
        for name in present:
            data[name] = numbers[name]
    for name in spec.counts:
        if name not in present:
            data[name] = pd.Series(float("nan"), index=gdf.index)
    for name, mapping in spec.codes.items():
        data[name] = check_codes(data[name], mapping, column=cols.get(name, name),
                                 problems=problems, frame=gdf)
    problems.raise_if_any()
    out = gpd.GeoDataFrame(data, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    logger.info("%s: %d %s", path, len(out), spec.default_layer)
    return out


def load_communes(path: str | Path, *, layer: str | None = None,
                  engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load communes: ``insee, name, epci, epci_name, population, geometry``.

    Accepts the MBM schema (``insee, nom, epci_siren, epci_nom, population``), the
    admin/ schema (``code, nom``) and IGN Admin Express (``INSEE_COM, NOM, SIREN_EPCI,
    POPULATION``). ``population`` is float64 (NaN when absent), codes are strings.

    Examples
    --------
    >>> communes = load_communes("data/external/real/mbm_unesco/"
    ...                          "communes-mbm.geojson")  # doctest: +SKIP
    >>> len(communes)  # doctest: +SKIP
    330
    """
    return _load_layer(path, SPECS["communes"], layer=layer, engine=engine)


def load_epci(path: str | Path, *, layer: str | None = None,
              engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load EPCI: ``epci`` (SIREN), ``name``, ``geometry``."""
    return _load_layer(path, SPECS["epci"], layer=layer, engine=engine)


def load_unesco_bien(path: str | Path, *, layer: str | None = None,
                     engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load the UNESCO property (Bien inscrit): ``name, section, surface_ha, geometry``."""
    return _load_layer(path, SPECS["bien"], layer=layer, engine=engine)


def load_unesco_buffer(path: str | Path, *, layer: str | None = None,
                       engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load the UNESCO buffer zone (zone tampon): ``id, surface_ha, geometry``."""
    return _load_layer(path, SPECS["buffer"], layer=layer, engine=engine)


def load_qpv(path: str | Path, *, layer: str | None = None,
             engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load QPV polygons: ``code_qp, name, insee, commune, geometry``.

    Accepts 2015 (``CODE_QP, NOM_QP, COMMUNE_QP``), 2024 (``code_qp, lib_qp, insee_com,
    lib_com``) and the OpenDataSoft export (``code_quartier, quartier_prioritaire,
    code_insee, commune_qp``). ``insee`` is NA when the file only names the commune.
    """
    return _load_layer(path, SPECS["qpv"], layer=layer, engine=engine)


def load_transit_lines(path: str | Path, *, layer: str | None = None,
                       engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load BHNS/tram lines: ``route_id, name, mode, geometry``.

    ``mode`` is ``tram``, ``bhns``, ``bus``, ``metro`` or ``train``; a GTFS
    ``route_type`` (0 tram, 1 metro, 2 train, 3 bus) is accepted in its place.
    """
    return _load_layer(path, SPECS["transit_lines"], layer=layer, engine=engine)


def load_transit_stops(path: str | Path, *, layer: str | None = None,
                       engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load transit stops: ``stop_id, name, route_id, geometry`` (points)."""
    return _load_layer(path, SPECS["transit_stops"], layer=layer, engine=engine)


def load_centralities(path: str | Path, *, layer: str | None = None,
                      engine: VectorEngine = "pyogrio") -> gpd.GeoDataFrame:
    """Load centralities: ``name``, ``kind`` (``centralite``, ``grand_site``, ``gare``)."""
    return _load_layer(path, SPECS["centralities"], layer=layer, engine=engine)
