"""Loaders of dwelling rows as their producers publish them: RPLS, ADEME DPE, landlord inventory.

All return the same **dwelling schema** (points in EPSG:2154, ``docs/contracts.md`` §2):
``dwelling_id, source, landlord, insee, construction_year, renovation_year, dpe_class,
dpe_date, unfit, building_type, geometry``.

- RPLS (SDES « données détaillées au logement »): every public variant of
  :data:`~cites_priority.sources.layouts.RPLS_LAYOUTS` — legacy names (``DEPCOM,
  CONSTRUCT, DPEENERGIE, DPEDATE``), the reduced ``*_red`` names, the 2023+ code/label
  names (``DEPCOM_CODE``…) and 2025's ``DEPCOM``; coordinates ``X``/``Y`` (Lambert-93) or
  the geo-RPLS ``latitude``/``longitude``. No public RPLS carries a dwelling id or the
  landlord: both are optional. A vintage without coordinates cannot place dwellings in
  cités and is refused with the names of the vintages that can.
- DPE: ADEME ``dpe03existant`` snake_case names, the 2022–2024 French-labelled export and
  the data-fair API JSON (``{"results": [...]}``). Placed by their own BAN coordinates
  (or ``_geopoint``); rows without coordinates (``statut_geocodage`` « adresse non
  géocodée ») are left out and counted, never an error.
- Landlord inventory (optional, the landlord's own file): renovation year
  (``ANNEE_REHAB``) and structural unfitness (``INADAPTE``) with ``X``/``Y``.

Rows outside the study area (``area``, EPSG:2154 bounds; the Bassin minier by default)
are left out and counted: a départemental extract loads. Only a file with no row inside
is an error, naming its extent. The counts are in ``attrs["rows"]``: ``read``,
``without_coordinates``, ``outside``, ``kept``; ``attrs["variant"]`` names the layout
recognised.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ..constants import CRS_L93, DPE_CLASSES
from ..messages import fr_number, msg
from ._fields import (
    Problems,
    check_codes,
    check_unique,
    parse_dates,
    parse_years,
    resolve_fields,
    text_column,
)
from ._geometry import (
    BASIN_BBOX_L93,
    _outside,
    _plausibility,
    to_l93,
)
from ._read import VECTOR_SUFFIXES, _sniff, check_file, open_vector, read_csv

__all__ = [
    "DPE_FIELDS",
    "DWELLING_COLUMNS",
    "INVENTORY_FIELDS",
    "RPLS_FIELDS",
    "load_dpe",
    "load_landlord_inventory",
    "load_rpls",
]

logger = logging.getLogger(__name__)

DWELLING_COLUMNS = ["dwelling_id", "source", "landlord", "insee", "construction_year",
                    "renovation_year", "dpe_class", "dpe_date", "unfit", "building_type",
                    "geometry"]

_X = ("X", "X_L93", "COORD_X", "LAMBERT_X")
_Y = ("Y", "Y_L93", "COORD_Y", "LAMBERT_Y")
_LON = ("longitude", "lon", "lng", "LONGITUDE")
_LAT = ("latitude", "lat", "LATITUDE")

#: RPLS canonical name → accepted real names (legacy, ``_red``, 2023+, 2025, geo-RPLS).
RPLS_FIELDS: dict[str, tuple[str, ...]] = {
    "dwelling_id": ("NUMERO_RPLS", "NUMERO_RPLS_LOGEMENT", "RPLS_ID", "IDENTIFIANT_RPLS"),
    "landlord": ("BAILLEUR", "BAILLEUR_NOM", "PROPRIETAIRE", "RAISON_SOCIALE"),
    "insee": ("DEPCOM", "DEPCOM_CODE", "DEPCOM_red", "CODE_INSEE"),
    "construction_year": ("CONSTRUCT", "CONSTRUCT_red", "ANNEE_CONSTRUCTION"),
    "renovation_year": ("ANNEE_REHAB", "REHAB", "ANNEE_RENOVATION"),
    "dpe_class": ("DPEENERGIE", "DPEENERGIE_red", "DPE_ENERGIE", "DPEENERGIE_CODE"),
    "dpe_date": ("DPEDATE", "DPE_DATE"),
    "unfit": ("INADAPTE", "INDIGNE"),
    "x": _X, "y": _Y, "lon": _LON, "lat": _LAT,
}
RPLS_REQUIRED = ("insee", "construction_year", "dpe_class")

#: DPE canonical name → accepted real names (snake_case, French-labelled export).
DPE_FIELDS: dict[str, tuple[str, ...]] = {
    "dwelling_id": ("numero_dpe", "N°DPE", "N_DPE", "NDPE"),
    "insee": ("code_insee_ban", "Code_INSEE_(BAN)", "code_insee_commune_actualise"),
    "construction_year": ("annee_construction", "Année_construction"),
    "dpe_class": ("etiquette_dpe", "Etiquette_DPE", "Étiquette_DPE"),
    "dpe_date": ("date_etablissement_dpe", "Date_établissement_DPE"),
    "building_type": ("type_batiment", "Type_bâtiment"),
    "geocoding": ("statut_geocodage", "Statut_géocodage"),
    "x": ("coordonnee_cartographique_x_ban", "Coordonnée_cartographique_X_(BAN)"),
    "y": ("coordonnee_cartographique_y_ban", "Coordonnée_cartographique_Y_(BAN)"),
    "geopoint": ("_geopoint", "geopoint"),
}
DPE_REQUIRED = ("dpe_class",)

#: Landlord inventory canonical name → accepted names (a landlord's own export).
INVENTORY_FIELDS: dict[str, tuple[str, ...]] = {
    "dwelling_id": ("NUMERO_LOGEMENT", "ID_LOGEMENT", "IDENTIFIANT", "NUMERO_RPLS"),
    "landlord": ("BAILLEUR", "PROPRIETAIRE"),
    "insee": ("DEPCOM", "CODE_INSEE", "INSEE"),
    "renovation_year": ("ANNEE_REHAB", "REHAB", "ANNEE_RENOVATION", "ANNEE_REHABILITATION"),
    "unfit": ("INADAPTE", "INDIGNE"),
    "x": _X, "y": _Y, "lon": _LON, "lat": _LAT,
}

_CLASSES = {c: c for c in DPE_CLASSES}
_FLAGS = {"1": "1", "0": "0", "true": "1", "false": "0", "oui": "1", "non": "0", "o": "1",
          "n": "0", "yes": "1", "no": "0"}
_BUILDING_TYPES = {"maison": "maison", "appartement": "appartement", "immeuble": "immeuble"}


def _read_rows(
    path: str | Path, *, sep: str | None, encoding: str | None, layer: str | None,
    spec: dict[str, tuple[str, ...]],
) -> tuple[pd.DataFrame, gpd.GeoSeries | None, Path, str | None, list[str]]:
    """Read a dwelling file: CSV, vector point layer, or an API JSON export.

    Returns the rows, their geometry (vector files), the path, the layer and every column
    name of the file. Of a CSV only the columns ``spec`` can match are parsed (an RPLS
    export has some fifty columns, of which the loader reads six).
    """
    path = Path(path)
    if path.suffix.lower() == ".json" and check_file(path) and _sniff(path) == "json":
        records = _api_records(path)
        if records is not None:
            return records, None, path, None, list(records.columns)
    if path.suffix.lower() in VECTOR_SUFFIXES:
        gdf = open_vector(path, layer=layer)
        return pd.DataFrame(gdf), gdf.geometry, path, gdf.attrs.get("layer"), list(gdf.columns)
    header: list[str] = []

    def matched(names: list[str]) -> list[str]:
        header.extend(names)
        found = resolve_fields(names, spec, required=(), problems=Problems(path))
        return list(found.values())

    frame = read_csv(path, sep=sep, encoding=encoding, columns=matched)
    assert isinstance(frame, pd.DataFrame)
    return frame, None, path, None, header or list(frame.columns)


def _api_records(path: Path) -> pd.DataFrame | None:
    """Return the rows of an ADEME data-fair API answer (``{"results": [...]}``), else None."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(doc, dict) and doc.get("type") in ("FeatureCollection", "Feature"):
        return None
    rows = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return None
    frame = pd.DataFrame.from_records(rows)
    return frame.astype("string").astype(object).where(frame.notna(), None)


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse coordinates, accepting a French decimal comma; return (values, unparseable)."""
    text = text.astype("string").str.strip()
    text = text.mask(text.eq(""), pd.NA)
    if text.str.contains(",", regex=False).any():
        comma = text.str.fullmatch(r"[+-]?\d+,\d+").fillna(False)
        text = text.where(~comma, text.str.replace(",", ".", regex=False))
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    return values, text.notna() & values.isna()


def _coordinates(frame: pd.DataFrame, cols: dict[str, str], *, problems: Problems,
                 ids: pd.Series, crs: str | None) -> tuple[gpd.GeoSeries, str] | None:
    """Points (EPSG:2154, None where absent) from X/Y, lon/lat or ``_geopoint``."""
    if "x" in cols and "y" in cols:
        xcol, ycol, declared = cols["x"], cols["y"], crs or CRS_L93
        x, bad_x = _numbers(frame[xcol])
        y, bad_y = _numbers(frame[ycol])
    elif "lon" in cols and "lat" in cols:
        xcol, ycol, declared = cols["lon"], cols["lat"], crs or "EPSG:4326"
        x, bad_x = _numbers(frame[xcol])
        y, bad_y = _numbers(frame[ycol])
    elif "geopoint" in cols:
        xcol = ycol = cols["geopoint"]
        declared = crs or "EPSG:4326"
        parts = frame[xcol].astype("string").str.extract(r"^\s*([-+\d.]+)\s*,\s*([-+\d.]+)\s*$")
        y, bad_y = _numbers(parts[0])
        x, bad_x = _numbers(parts[1])
        bad_x = bad_x | (frame[xcol].notna() & parts[0].isna())
    else:
        return None
    bad = (bad_x | bad_y).to_numpy()
    if bad.any():
        shown = frame.loc[bad, [xcol, ycol]].astype(str).head(1).to_numpy()[0].tolist()
        problems.add(msg("sources.dwellings.bad_xy", n=fr_number(int(bad.sum())), shown=shown),
                     field=f"{xcol}/{ycol}", rows=ids[bad].head(20).tolist(),
                     fix=msg("sources.dwellings.bad_xy.fix"))
    bad_crs = _plausibility(x.to_numpy(), y.to_numpy(), CRS(declared),
                            msg("sources.crs.columns", x=xcol, y=ycol))
    if bad_crs:
        problems.add(bad_crs.message, field=f"{xcol}/{ycol}",
                     fix=msg("sources.dwellings.not_l93.fix", x=xcol, y=ycol))
        return None
    gs = gpd.GeoSeries(gpd.points_from_xy(x.fillna(0), y.fillna(0)), index=frame.index,
                       crs=declared)
    gs[(x.isna() | y.isna()).to_numpy()] = None
    return gs.to_crs(CRS_L93), f"{xcol}/{ycol}"


def _clip(points: gpd.GeoSeries, area: Sequence[float], *, problems: Problems,
          label: str) -> np.ndarray:
    """Return the mask of points inside ``area``; a file with none inside is an error."""
    valid = ~(points.isna() | points.is_empty).to_numpy()
    x = np.full(len(points), np.nan)
    y = np.full(len(points), np.nan)
    if valid.any():
        x[valid] = shapely.get_x(points.to_numpy()[valid])
        y[valid] = shapely.get_y(points.to_numpy()[valid])
    inside = valid & ~_outside(x, y, area)
    if valid.any() and not inside.any():
        ext = (np.nanmin(x), np.nanmin(y), np.nanmax(x), np.nanmax(y))
        swapped = (valid & ~_outside(y, x, area)).any()
        hint = msg("sources.dwellings.swapped" if swapped else "sources.dwellings.check_crs")
        problems.add(
            msg("sources.dwellings.none_inside", n=int(valid.sum()),
                x0=f"{ext[0]:.0f}", x1=f"{ext[2]:.0f}", y0=f"{ext[1]:.0f}", y1=f"{ext[3]:.0f}",
                xmin=f"{area[0]:.0f}", xmax=f"{area[2]:.0f}", ymin=f"{area[1]:.0f}",
                ymax=f"{area[3]:.0f}"),
            field=label, fix=hint)
    return inside


def _load(
    path: str | Path,
    *,
    spec: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    source: str,
    area: Sequence[float] | None,
    sep: str | None,
    encoding: str | None,
    crs: str | None,
    layer: str | None,
) -> gpd.GeoDataFrame:
    """Shared body of the three loaders."""
    frame, geometry, path, layer, header = _read_rows(path, sep=sep, encoding=encoding,
                                                      layer=layer, spec=spec)
    problems = Problems(path, layer)
    if frame.empty:
        problems.add(msg("sources.dwellings.empty"), fix=msg("sources.dwellings.empty.fix"))
        problems.raise_if_any()
    cols = resolve_fields([c for c in header if c != "geometry"], spec,
                          required=required, problems=problems)
    problems.raise_if_any()
    frame = frame.reset_index(drop=True)
    read = len(frame)
    if "dwelling_id" in cols:
        ids = text_column(frame, cols["dwelling_id"])
        ids = ids.fillna(pd.Series([f"{source}:{i + 1}" for i in range(read)], dtype="string"))
        check_unique(ids, column=cols["dwelling_id"], problems=problems, frame=frame)
    else:  # no public RPLS carries a dwelling id: the row number (1 = first data row)
        ids = pd.Series([f"{source}:{i + 1}" for i in range(read)], dtype="string")

    if geometry is not None:
        gdf = gpd.GeoDataFrame(frame, geometry=geometry.to_numpy(), crs=geometry.crs)
        if gdf.crs is None and crs:
            gdf = gdf.set_crs(crs)
        conv = to_l93(gdf, problems=problems)
        points = None if conv is None else conv.geometry.reset_index(drop=True)
        coord_label = "geometry"
    else:
        for a, b in (("x", "y"), ("lon", "lat")):
            if (a in cols) != (b in cols):
                absent = spec[b if a in cols else a][0]
                problems.add(msg("sources.dwellings.half_xy", absent=absent,
                                 present=cols.get(a) or cols.get(b)), field=absent,
                             fix=msg("sources.dwellings.half_xy.fix", absent=absent))
        got = _coordinates(frame, cols, problems=problems, ids=ids, crs=crs)
        if got is None and not problems:
            if source == "rpls":
                problems.add(
                    msg("sources.rpls.no_xy"), field="X/Y",
                    fix=msg("sources.rpls.no_xy.fix", vintages=msg("sources.rpls.placeable")))
            else:
                problems.add(msg("sources.dwellings.no_xy"),
                             field="/".join(spec["x"][:1] + spec["y"][:1]),
                             fix=msg("sources.dwellings.no_xy.fix"))
        points, coord_label = got if got is not None else (None, "X/Y")

    years = parse_years(frame, {k: cols[k] for k in ("construction_year", "renovation_year")
                                if k in cols}, problems=problems, ids=ids)
    text_class = text_column(frame, cols.get("dpe_class")).str.upper()
    dpe_class = check_codes(text_class, _CLASSES, column=cols.get("dpe_class", "dpe_class"),
                            problems=problems, frame=frame, ids=ids,
                            fix=msg("sources.dpe.class.fix"))
    dpe_date = parse_dates(text_column(frame, cols.get("dpe_date")),
                           column=cols.get("dpe_date", "dpe_date"), problems=problems,
                           frame=frame, ids=ids)
    if "unfit" in cols:
        flag = check_codes(text_column(frame, cols["unfit"]), _FLAGS, column=cols["unfit"],
                           problems=problems, frame=frame, ids=ids, fix=msg("sources.flag.fix"))
        unfit = flag.map({"1": True, "0": False}, na_action="ignore").astype("boolean")
    else:
        unfit = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    if "building_type" in cols:
        btype = check_codes(text_column(frame, cols["building_type"]).str.lower(),
                            _BUILDING_TYPES, column=cols["building_type"], problems=problems,
                            frame=frame, ids=ids)
    else:
        btype = pd.Series(pd.NA, index=frame.index, dtype="string")
    problems.raise_if_any()
    assert points is not None

    no_coords = (points.isna() | points.is_empty).to_numpy()
    inside = _clip(points, area or BASIN_BBOX_L93, problems=problems, label=coord_label)
    problems.raise_if_any()

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
            "building_type": btype,
        },
        geometry=points.to_numpy(),
        crs=CRS_L93,
    )[DWELLING_COLUMNS]
    out = out[inside].reset_index(drop=True)
    rows = {"read": read, "without_coordinates": int(no_coords.sum()),
            "outside": int((~no_coords & ~inside).sum()), "kept": int(inside.sum())}
    out.attrs["rows"] = rows
    out.attrs["fields"] = sorted(k for k in cols if k not in ("x", "y", "lon", "lat"))
    logger.info("%s : %d lignes %s lues, %d gardées, %d sans coordonnées, %d hors zone",
                path, read, source, rows["kept"], rows["without_coordinates"], rows["outside"])
    return out


def load_rpls(
    path: str | Path,
    *,
    area: Sequence[float] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Load an RPLS file in any public SDES layout into the dwelling frame.

    Parameters
    ----------
    path
        CSV (``;`` or ``,``, UTF-8 or ISO-8859-1, detected) with ``X``/``Y`` Lambert-93 or
        ``latitude``/``longitude``, or a vector point layer.
    area
        Study area bounds in EPSG:2154 ``(xmin, ymin, xmax, ymax)``; rows outside are left
        out and counted (default: the Bassin minier with a 15 km margin).
    sep, encoding, crs, layer
        Overrides of the detected separator, encoding, coordinate CRS and layer.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:2154, ``source == "rpls"``; ``dwelling_id`` is the file's id when it
        has one, else ``rpls:<row>``; ``attrs["rows"]`` counts the rows left out.

    Raises
    ------
    InputDataError
        Missing fields, a vintage without coordinates (naming those that have them), DPE
        classes outside A–G, non-year construction dates, coordinates implausible for
        their CRS, no row inside the study area.
    """
    return _load(path, spec=RPLS_FIELDS, required=RPLS_REQUIRED, source="rpls", area=area,
                 sep=sep, encoding=encoding, crs=crs, layer=layer)


def load_dpe(
    path: str | Path,
    *,
    area: Sequence[float] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Load an ADEME DPE file (``dpe03existant``, French labels or API JSON).

    Parameters
    ----------
    path
        CSV with the BAN Lambert-93 coordinates (or ``_geopoint``), a vector point layer,
        or the JSON answer of the data-fair API.
    area, sep, encoding, crs, layer
        As :func:`load_rpls`.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:2154, ``source == "dpe"``, ``building_type`` (maison /
        appartement / immeuble), ``landlord`` NA. Non-geocoded rows are left out and
        counted in ``attrs["rows"]["without_coordinates"]``.

    Raises
    ------
    InputDataError
        As :func:`load_rpls`; an ``etiquette_dpe`` outside A–G lists its rows (empty is
        allowed and gives NA).
    """
    return _load(path, spec=DPE_FIELDS, required=DPE_REQUIRED, source="dpe", area=area,
                 sep=sep, encoding=encoding, crs=crs, layer=layer)


def load_landlord_inventory(
    path: str | Path,
    *,
    area: Sequence[float] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Load a landlord's own dwelling inventory (renovation year, structural unfitness).

    Not a public dataset: a landlord (Maisons & Cités, SIA…) may share it. Each row is a
    dwelling with coordinates and at least one of ``ANNEE_REHAB`` (year of the last
    rehabilitation) or ``INADAPTE`` (0/1, structurally unfit per the landlord's diagnosis).

    Parameters
    ----------
    path, area, sep, encoding, crs, layer
        As :func:`load_rpls`.

    Returns
    -------
    geopandas.GeoDataFrame
        The dwelling frame, ``source == "inventaire"``.
    """
    frame = _load(path, spec=INVENTORY_FIELDS, required=(), source="inventaire", area=area,
                  sep=sep, encoding=encoding, crs=crs, layer=layer)
    if not {"renovation_year", "unfit"} & set(frame.attrs["fields"]):
        problems = Problems(Path(path))
        problems.add(msg("sources.inventory.no_field"), field="ANNEE_REHAB/INADAPTE",
                     fix=msg("sources.inventory.no_field.fix"))
        problems.raise_if_any()
    return frame
