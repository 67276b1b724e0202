"""Loader of the cités minières layers (MBM inventory, UNESCO, buffer zone, ERBM).

Accepted schemas (field names matched case-insensitively; see ``docs/sources.md``):

- the world / MBM inventory schema: ``ID_LSM, NOM, NOM_2, COMMUNE_1..3, INSEE_COM, TYPE,
  COMPAGNIE, INTERET, PROPRIETAIRE, ID_UNESCO, NB_LOGTS``;
- the UNESCO layer ``cites-minieres``: ``nom, commune_1, commune_2, type, compagnie,
  interet, id_unesco…`` (no ``id_lsm``, or only on some rows);
- the WFS layers ``zt_cites_minires`` (``ID_LSM, NOM_CITE, NOM_CITE_2, COMMUNE, COMMUNE_2,
  COMMUNE_3, type, Compagnie, interet, PROPRIETAIRE``) and ``cites_erbm`` (``NOM2,
  COMMUNE1..3``), and their snake_case copies.

Ids: ``cite_id`` is ``ID_LSM`` when set. Rows without one get ``900000 + k``, where ``k``
(0, 1, 2…) is the row's rank among those rows once sorted by the x, then the y, of their
centroid in EPSG:2154 (ties keep the file order): the same layer always gets the same ids,
whatever the order of its features.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..constants import HERITAGE_RANK
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
    check_extent,
    check_geometries,
    repair_polygons,
    to_l93,
)
from ._read import open_vector

__all__ = ["CITE_FIELDS", "SYNTHETIC_ID_BASE", "TYPOLOGIES", "load_cites"]

logger = logging.getLogger(__name__)

#: First synthetic ``cite_id`` given to rows without ``ID_LSM``.
SYNTHETIC_ID_BASE = 900_000

#: Canonical name → accepted real names (first = preferred spelling).
CITE_FIELDS: dict[str, tuple[str, ...]] = {
    "id_lsm": ("ID_LSM", "IDLSM", "ID_CITE"),
    "name": ("NOM", "NOM_CITE", "NOM_1"),
    "name_2": ("NOM_2", "NOM_CITE_2", "NOM2"),
    "commune_1": ("COMMUNE_1", "COMMUNE", "COMMUNE1"),
    "commune_2": ("COMMUNE_2", "COMMUNE2"),
    "commune_3": ("COMMUNE_3", "COMMUNE3"),
    "insee": ("INSEE_COM", "INSEE", "CODE_INSEE", "DEPCOM"),
    "epci": ("EPCI", "EPCI_SIREN", "SIREN_EPCI"),
    "typology": ("TYPE", "TYPOLOGIE"),
    "heritage_interest": ("INTERET", "INTERET_PATRIMONIAL"),
    "company": ("COMPAGNIE",),
    "landlord": ("PROPRIETAIRE", "BAILLEUR"),
    "id_unesco": ("ID_UNESCO",),
    "logements": ("NB_LOGTS", "NB_LOGEMENTS", "LOGEMENTS", "NB_LOGT", "NBLOGTS"),
}
REQUIRED = ("name", "commune_1", "typology")

#: Accepted spellings of ``TYPE`` → canonical typology.
TYPOLOGIES = {
    "Corons": "Corons",
    "Coron": "Corons",
    "Cité pavillonnaire": "Cité pavillonnaire",
    "Cité pavillon": "Cité pavillonnaire",
    "Pavillonnaire": "Cité pavillonnaire",
    "Cité jardin": "Cité jardin",
    "Cité-jardin": "Cité jardin",
    "Cités jardins": "Cité jardin",
    "Cité moderne": "Cité moderne",
    "Moderne": "Cité moderne",
}
INTERESTS = {name: name for name in HERITAGE_RANK} | {"Temoin": "Témoin"}

COLUMNS = ["cite_id", "name", "name_2", "communes", "insee", "epci", "logements", "typology",
           "heritage_interest", "company", "landlord", "id_unesco", "unesco", "geometry"]


def _synthetic_ids(geometry: gpd.GeoSeries, missing: np.ndarray) -> pd.Series:
    """Give ``900000 + rank`` to the rows of ``missing``, ranked by centroid (x, y)."""
    ids = pd.Series(pd.NA, index=geometry.index, dtype="Int64")
    if not missing.any():
        return ids
    cent = geometry[missing].centroid
    order = pd.DataFrame({"x": cent.x.round(3), "y": cent.y.round(3),
                          "pos": np.arange(int(missing.sum()))}, index=cent.index)
    order = order.sort_values(["x", "y", "pos"], kind="stable")
    ids.loc[order.index] = SYNTHETIC_ID_BASE + np.arange(len(order))
    return ids


def load_cites(
    path: str | Path,
    *,
    layer: str | None = None,
    engine: VectorEngine = "pyogrio",
    check_basin: bool = True,
    crs: str | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Load a cités minières layer into the canonical cité frame.

    Parameters
    ----------
    path
        GPKG, Shapefile or GeoJSON file, in any CRS.
    layer
        Layer to read (default: ``cites_minieres`` if present, else the first layer).
    engine
        ``"pyogrio"`` (default) or ``"fiona"``.
    check_basin
        Reject cités whose geometry lies outside the Bassin minier.
    crs
        CRS to assume when the layer declares none (e.g. a Shapefile without ``.prj``).
    encoding
        Attribute encoding (e.g. ``utf-8`` for a Shapefile without ``.cpg``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:2154, columns ``cite_id, name, name_2, communes, insee, epci, logements,
        typology, heritage_interest, company, landlord, id_unesco, unesco, geometry``
        (``docs/contracts.md`` §2), one row per feature, RangeIndex.

    Raises
    ------
    InputDataError
        Listing every problem: missing fields, unknown typology or interest values,
        non-integer, negative or duplicate ids and counts, CRS problems, null or
        non-polygonal geometries, cités outside the basin.

    Warns
    -----
    UserWarning
        When invalid geometries were repaired (naming their ids).

    Examples
    --------
    >>> from pathlib import Path
    >>> real = Path("data/external/real/mbm_unesco")
    >>> cites = load_cites(real / "zt-cites-minieres.geojson")  # doctest: +SKIP
    >>> len(cites), cites.crs.to_epsg()  # doctest: +SKIP
    (162, 2154)
    """
    raw = open_vector(path, layer=layer, engine=engine, default_layer="cites_minieres",
                      encoding=encoding)
    if raw.crs is None and crs:
        raw = raw.set_crs(crs)
    path = Path(path)
    problems = Problems(path, raw.attrs.get("layer"))
    if raw.empty:
        problems.add(msg("sources.layer.empty"), fix=msg("sources.layer.empty.fix"))
        problems.raise_if_any()
    cols = resolve_fields(list(raw.columns), CITE_FIELDS, required=REQUIRED, problems=problems)
    gdf = to_l93(raw, problems=problems)
    problems.raise_if_any()
    assert gdf is not None
    gdf = gdf.reset_index(drop=True)

    text = {name: text_column(gdf, cols.get(name)) for name in CITE_FIELDS}
    # ids: ID_LSM where set, synthetic elsewhere
    lsm = parse_counts(gdf, {"id_lsm": cols["id_lsm"]}, problems=problems,
                       allow_missing=True, integer=True)["id_lsm"] if "id_lsm" in cols else (
        pd.Series(pd.NA, index=gdf.index, dtype="Int64"))
    geometry = gdf.geometry
    check_geometries(geometry, kinds=("Polygon", "MultiPolygon"), problems=problems, ids=lsm)
    synthetic = _synthetic_ids(geometry, lsm.isna().to_numpy() & ~geometry.isna().to_numpy())
    cite_id = lsm.fillna(synthetic)
    check_unique(cite_id, column=cols.get("id_lsm", "cite_id"), problems=problems, frame=gdf)
    check_required_values(text["name"], column=cols.get("name", "NOM"), problems=problems,
                          frame=gdf, ids=cite_id)

    typology = check_codes(text["typology"], TYPOLOGIES, column=cols.get("typology", "TYPE"),
                           problems=problems, frame=gdf, ids=cite_id)
    interest = check_codes(text["heritage_interest"], INTERESTS,
                           column=cols.get("heritage_interest", "INTERET"), problems=problems,
                           frame=gdf, ids=cite_id)
    logements = (parse_counts(gdf, {"logements": cols["logements"]}, problems=problems,
                              ids=cite_id, allow_missing=True, integer=True)["logements"]
                 if "logements" in cols else pd.Series(pd.NA, index=gdf.index, dtype="Int64"))
    if check_basin:
        check_extent(geometry, problems=problems, ids=cite_id)
    problems.raise_if_any()

    communes = pd.concat([text["commune_1"], text["commune_2"], text["commune_3"]], axis=1)
    joined = communes.apply(lambda r: "; ".join(v for v in r if isinstance(v, str)), axis=1)
    insee = text["insee"].str.zfill(5) if "insee" in cols else text["insee"]
    out = gpd.GeoDataFrame(
        {
            "cite_id": cite_id.astype("int64"),
            "name": text["name"],
            "name_2": text["name_2"],
            "communes": joined.astype("string"),
            "insee": insee,
            "epci": text["epci"],
            "logements": logements.astype("Int64"),
            "typology": typology,
            "heritage_interest": interest,
            "company": text["company"],
            "landlord": text["landlord"],
            "id_unesco": text["id_unesco"],
            "unesco": text["id_unesco"].notna().to_numpy(),
        },
        geometry=repair_polygons(geometry, ids=cite_id, path=path),
        crs=gdf.crs,
    )
    logger.info("%s: %d cités (%d synthetic ids)", path, len(out), int(synthetic.notna().sum()))
    return out[COLUMNS]
