"""Loaders of landlord dwelling rows: RPLS (social housing register) and ADEME DPE v2.

Both return the same **dwelling schema** (points in EPSG:2154, ``docs/contracts.md`` §2):
``dwelling_id, source, landlord, insee, construction_year, renovation_year, dpe_class,
dpe_date, unfit, rpls_id, geometry``.

- RPLS: legacy names (``NUMERO_RPLS, DEPCOM, CONSTRUCT, DPEENERGIE, DPEDATE, X, Y`` — the
  2016–2021 regional files, ``;``, ISO-8859-1), the reduced ``*_red`` names and the 2023+
  code/label names (``DEPCOM_CODE``…), plus the landlord extras of the world folder
  (``BAILLEUR, ANNEE_REHAB, INADAPTE``). Encoding and separator are detected.
- DPE: the ADEME ``dpe03existant`` snake_case names and the 2022–2024 French-labelled
  export (``N°DPE``, ``Etiquette_DPE``, ``Coordonnée_cartographique_X_(BAN)``…).
  Coordinates are Lambert-93.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..constants import CRS_L93, DPE_CLASSES
from ._read import VECTOR_SUFFIXES, open_vector, read_csv
from ._validate import (
    Problems,
    check_codes,
    check_extent,
    check_required_values,
    check_unique,
    parse_dates,
    parse_years,
    points_from_xy,
    resolve_fields,
    text_column,
    to_l93,
)

__all__ = ["DPE_FIELDS", "DWELLING_COLUMNS", "RPLS_FIELDS", "load_dpe", "load_rpls"]

logger = logging.getLogger(__name__)

DWELLING_COLUMNS = ["dwelling_id", "source", "landlord", "insee", "construction_year",
                    "renovation_year", "dpe_class", "dpe_date", "unfit", "rpls_id", "geometry"]

#: RPLS canonical name → accepted real names (legacy, ``_red``, 2023+).
RPLS_FIELDS: dict[str, tuple[str, ...]] = {
    "dwelling_id": ("NUMERO_RPLS", "NUMERO_RPLS_LOGEMENT", "RPLS_ID", "IDENTIFIANT_RPLS"),
    "landlord": ("BAILLEUR", "BAILLEUR_NOM", "PROPRIETAIRE", "RAISON_SOCIALE"),
    "insee": ("DEPCOM", "DEPCOM_CODE", "DEPCOM_red", "CODE_INSEE"),
    "construction_year": ("CONSTRUCT", "CONSTRUCT_red", "ANNEE_CONSTRUCTION"),
    "renovation_year": ("ANNEE_REHAB", "REHAB", "ANNEE_RENOVATION"),
    "dpe_class": ("DPEENERGIE", "DPEENERGIE_red", "DPE_ENERGIE"),
    "dpe_date": ("DPEDATE", "DPE_DATE"),
    "unfit": ("INADAPTE", "INDIGNE"),
    "x": ("X", "X_L93", "COORD_X", "LAMBERT_X"),
    "y": ("Y", "Y_L93", "COORD_Y", "LAMBERT_Y"),
}
RPLS_REQUIRED = ("dwelling_id", "insee", "construction_year", "dpe_class", "x", "y")

#: DPE canonical name → accepted real names (snake_case v2, French-labelled export).
DPE_FIELDS: dict[str, tuple[str, ...]] = {
    "dwelling_id": ("numero_dpe", "N°DPE", "N_DPE", "NDPE"),
    "rpls_id": ("numero_rpls_logement", "N°_RPLS_logement", "Numero_RPLS_logement"),
    "insee": ("code_insee_ban", "Code_INSEE_(BAN)", "code_insee_commune_actualise"),
    "construction_year": ("annee_construction", "Année_construction"),
    "dpe_class": ("etiquette_dpe", "Etiquette_DPE", "Étiquette_DPE"),
    "dpe_date": ("date_etablissement_dpe", "Date_établissement_DPE"),
    "x": ("coordonnee_cartographique_x_ban", "Coordonnée_cartographique_X_(BAN)"),
    "y": ("coordonnee_cartographique_y_ban", "Coordonnée_cartographique_Y_(BAN)"),
}
DPE_REQUIRED = ("dwelling_id", "dpe_class", "x", "y")

_CLASSES = {c: c for c in DPE_CLASSES}
_FLAGS = {"1": "1", "0": "0", "true": "1", "false": "0", "oui": "1", "non": "0", "o": "1",
          "n": "0", "yes": "1", "no": "0"}


def _read_rows(path: str | Path) -> tuple[pd.DataFrame, gpd.GeoSeries | None, Path, str | None]:
    """Read a dwelling file: a CSV (geometry from X/Y later) or a vector point layer."""
    path = Path(path)
    if path.suffix.lower() in VECTOR_SUFFIXES:
        gdf = open_vector(path)
        return pd.DataFrame(gdf), gdf.geometry, path, gdf.attrs.get("layer")
    return read_csv(path), None, path, None


def _dwellings(
    path: str | Path,
    *,
    spec: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    source: str,
    check_basin: bool,
) -> gpd.GeoDataFrame:
    """Shared body of :func:`load_rpls` and :func:`load_dpe`."""
    frame, geometry, path, layer = _read_rows(path)
    problems = Problems(path, layer)
    if geometry is not None:
        required = tuple(r for r in required if r not in ("x", "y"))
    if frame.empty:
        problems.add("the file holds no dwelling row", fix="check the export or the filter")
        problems.raise_if_any()
    cols = resolve_fields([c for c in frame.columns if c != "geometry"], spec,
                          required=required, problems=problems)
    problems.raise_if_any()
    frame = frame.reset_index(drop=True)
    ids = text_column(frame, cols["dwelling_id"])
    check_required_values(ids, column=cols["dwelling_id"], problems=problems, frame=frame)
    check_unique(ids, column=cols["dwelling_id"], problems=problems, frame=frame)

    if geometry is not None:
        gdf = to_l93(gpd.GeoDataFrame(frame, geometry=geometry.to_numpy(), crs=geometry.crs),
                     problems=problems)
        points = None if gdf is None else gdf.geometry.reset_index(drop=True)
    else:
        points = points_from_xy(frame, cols["x"], cols["y"], problems=problems, ids=ids)
    if points is not None and check_basin:
        check_extent(points, problems=problems, ids=ids,
                     area="the Bassin minier (landlord file of another area?)")

    years = parse_years(frame, {k: cols[k] for k in ("construction_year", "renovation_year")
                                if k in cols}, problems=problems, ids=ids)
    text_class = text_column(frame, cols.get("dpe_class")).str.upper()
    dpe_class = check_codes(text_class, _CLASSES, column=cols.get("dpe_class", "dpe_class"),
                            problems=problems, frame=frame, ids=ids,
                            fix="DPE classes are A–G; leave the cell empty when unknown")
    dpe_date = parse_dates(text_column(frame, cols.get("dpe_date")),
                           column=cols.get("dpe_date", "dpe_date"), problems=problems,
                           frame=frame, ids=ids)
    if "unfit" in cols:
        flag = check_codes(text_column(frame, cols["unfit"]), _FLAGS, column=cols["unfit"],
                           problems=problems, frame=frame, ids=ids, fix="use 0 or 1")
        unfit = flag.map({"1": True, "0": False}, na_action="ignore").astype("boolean")
    else:
        unfit = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    problems.raise_if_any()
    assert points is not None

    def year(name: str) -> pd.Series:
        return years[name] if name in years else pd.Series(pd.NA, index=frame.index,
                                                           dtype="Int64")

    insee = text_column(frame, cols.get("insee"))
    out = gpd.GeoDataFrame(
        {
            "dwelling_id": ids,
            "source": pd.Series(source, index=frame.index, dtype="string"),
            "landlord": text_column(frame, cols.get("landlord")),
            "insee": insee.str.zfill(5) if "insee" in cols else insee,
            "construction_year": year("construction_year"),
            "renovation_year": year("renovation_year"),
            "dpe_class": dpe_class,
            "dpe_date": dpe_date,
            "unfit": unfit,
            "rpls_id": ids if source == "rpls" else text_column(frame, cols.get("rpls_id")),
        },
        geometry=points.to_numpy(),
        crs=CRS_L93,
    )
    logger.info("%s: %d %s dwellings", path, len(out), source)
    return out[DWELLING_COLUMNS]


def load_rpls(path: str | Path, *, check_basin: bool = True) -> gpd.GeoDataFrame:
    """Load an RPLS dwelling file into the canonical dwelling frame.

    Parameters
    ----------
    path
        ``;`` or ``,`` CSV (UTF-8 or ISO-8859-1, detected) with Lambert-93 ``X``/``Y``, or a
        vector point layer.
    check_basin
        Reject dwellings outside the Bassin minier.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:2154, ``source == "rpls"``, ``rpls_id == dwelling_id``.

    Raises
    ------
    InputDataError
        Missing fields, duplicate or empty ``NUMERO_RPLS``, DPE classes outside A–G,
        non-year construction dates, lon/lat in ``X``/``Y``, swapped axes, rows outside the
        basin.
    """
    return _dwellings(path, spec=RPLS_FIELDS, required=RPLS_REQUIRED, source="rpls",
                      check_basin=check_basin)


def load_dpe(path: str | Path, *, check_basin: bool = True) -> gpd.GeoDataFrame:
    """Load an ADEME DPE v2 file (snake_case or French labels) into the dwelling frame.

    Parameters
    ----------
    path
        CSV with Lambert-93 BAN coordinates, or a vector point layer.
    check_basin
        Reject dwellings outside the Bassin minier.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:2154, ``source == "dpe"``, ``rpls_id`` from
        ``numero_rpls_logement`` (NA for private dwellings), ``landlord`` NA.

    Raises
    ------
    InputDataError
        As :func:`load_rpls`; an ``etiquette_dpe`` outside A–G lists its rows (empty is
        allowed and gives NA).
    """
    return _dwellings(path, spec=DPE_FIELDS, required=DPE_REQUIRED, source="dpe",
                      check_basin=check_basin)
