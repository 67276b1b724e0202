"""Validation helpers shared by every loader of :mod:`cites_priority.sources`.

Each loader follows the same path: ``_read.open_vector`` or ``_read.read_csv`` (file
exists, is what its extension says, is readable), :func:`resolve_fields` (real names → canonical
names, case-insensitively, with aliases), value checks (:func:`parse_counts`,
:func:`parse_years`, :func:`check_unique`, :func:`check_codes`…) and geometry checks
(:func:`to_l93`, :func:`check_extent`, :func:`repair_polygons`). Every check appends
:class:`~cites_priority._errors.Problem` objects to a :class:`Problems` collector; the
loader raises ONE :class:`~cites_priority._errors.InputDataError` at the end
(:meth:`Problems.raise_if_any`), so a user sees every problem of a file at once.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from .._errors import InputDataError, Problem
from ..constants import CRS_L93

__all__ = [
    "BASIN_BBOX_L93",
    "FRANCE_BBOX_L93",
    "Problems",
    "check_codes",
    "check_extent",
    "check_unique",
    "normalise_key",
    "parse_counts",
    "parse_dates",
    "parse_years",
    "points_from_xy",
    "repair_polygons",
    "resolve_fields",
    "text_column",
    "to_l93",
]

logger = logging.getLogger(__name__)

#: Plausible extent of Bassin minier data in EPSG:2154 (xmin, ymin, xmax, ymax): the MBM
#: perimeter (x 645 805–748 287, y 7 016 936–7 058 942) widened by 15 km on each side.
BASIN_BBOX_L93 = (630_000.0, 7_000_000.0, 765_000.0, 7_075_000.0)
#: Extent of metropolitan France (with Corsica) in EPSG:2154, for context layers.
FRANCE_BBOX_L93 = (0.0, 6_000_000.0, 1_300_000.0, 7_200_000.0)

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")


@dataclass
class Problems:
    """Collector of the problems found in one input file.

    Parameters
    ----------
    path
        The file being read.
    layer
        The layer inside the file, if any.
    """

    path: Path
    layer: str | None = None
    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        message: str,
        *,
        field: str | None = None,
        rows: Iterable[object] = (),
        fix: str | None = None,
    ) -> None:
        """Record one problem."""
        self.items.append(Problem(message, field=field, rows=tuple(rows), fix=fix))

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self) -> InputDataError:
        """Return the error gathering every problem recorded so far."""
        return InputDataError(self.path, self.items, layer=self.layer)

    def raise_if_any(self) -> None:
        """Raise one :class:`InputDataError` if any problem was recorded.

        Raises
        ------
        InputDataError
            Naming the file, the layer and every problem.
        """
        if self.items:
            raise self.error()


def fail(path: Path, message: str, *, layer: str | None = None, field: str | None = None,
         fix: str | None = None) -> InputDataError:
    """Return an :class:`InputDataError` with a single problem (for fatal file errors)."""
    return InputDataError(path, [Problem(message, field=field, fix=fix)], layer=layer)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# --------------------------------------------------------------------------- fields


def normalise_key(name: str) -> str:
    """Return ``name`` folded for matching: no accents, lower case, ``[a-z0-9]`` only.

    Examples
    --------
    >>> normalise_key("Coordonnée_cartographique_X_(BAN)")
    'coordonneecartographiquexban'
    >>> normalise_key("N°DPE")
    'ndpe'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def resolve_fields(
    columns: Sequence[str],
    spec: Mapping[str, Sequence[str]],
    *,
    required: Iterable[str],
    problems: Problems,
) -> dict[str, str]:
    """Map canonical field names to the real column names of a file.

    Matching ignores case, accents and punctuation (``NOM_CITE`` = ``nom cité``), and
    accepts every alias of ``spec`` (the canonical name itself is always an alias) and
    its first 10 characters, as a Shapefile stores it (``PROPRIETAI``).

    Parameters
    ----------
    columns
        The columns of the file.
    spec
        ``{canonical: [alias, ...]}``, in order of preference.
    required
        The canonical names that must be found.
    problems
        Collector receiving one problem per missing required field, with the closest
        real column name suggested by :mod:`difflib`.

    Returns
    -------
    dict
        ``{canonical: real column}`` for every field found.
    """
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(normalise_key(col), col)
    found: dict[str, str] = {}
    used: set[str] = set()
    for canonical, aliases in spec.items():
        for alias in (*aliases, canonical):
            real = by_key.get(normalise_key(alias))
            if real is not None and real not in used:
                found[canonical] = real
                used.add(real)
                break
    for canonical, aliases in spec.items():  # shapefile names cut at 10 characters
        if canonical in found:
            continue
        for alias in (*aliases, canonical):
            cut = normalise_key(alias[:10])
            real = next((c for c in columns if len(c) == 10 and c not in used
                         and len(alias) > 10 and normalise_key(c) == cut), None)
            if real is not None:
                found[canonical] = real
                used.add(real)
                break
    unused = [c for c in columns if c not in used and c != "geometry"]
    for canonical in required:
        if canonical in found:
            continue
        accepted = list(dict.fromkeys([*spec.get(canonical, ()), canonical]))
        guess = difflib.get_close_matches(
            normalise_key(accepted[0]), [normalise_key(c) for c in unused], n=1, cutoff=0.6)
        near = next((c for c in unused if guess and normalise_key(c) == guess[0]), None)
        hint = f"did you mean '{near}'? rename it to '{accepted[0]}'" if near else (
            f"add the column (accepted names: {', '.join(accepted)})")
        problems.add(f"required field missing (accepted names: {', '.join(accepted)})",
                     field=accepted[0], fix=hint)
    return found


def text_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """Return ``frame[column]`` as stripped strings (NA for empty), or all-NA if absent."""
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[column]
    if pd.api.types.is_float_dtype(values) and values.dropna().mod(1).eq(0).all():
        values = values.astype("Int64")
    out = values.astype("string").str.strip()
    return out.mask(out.eq(""), pd.NA)


# --------------------------------------------------------------------------- values


def _labels(frame: pd.DataFrame, mask: pd.Series | np.ndarray, ids: pd.Series | None) -> list:
    mask = np.asarray(mask, dtype=bool)
    source = ids if ids is not None else pd.Series(frame.index, index=frame.index)
    return [v.item() if hasattr(v, "item") else v for v in source[mask].head(20).tolist()]


def parse_counts(
    frame: pd.DataFrame,
    fields: Mapping[str, str],
    *,
    problems: Problems,
    ids: pd.Series | None = None,
    allow_missing: bool = False,
    integer: bool = False,
) -> pd.DataFrame:
    """Convert count columns to numbers, recording every bad value.

    Parameters
    ----------
    frame
        The input table.
    fields
        ``{canonical: real column}``.
    problems
        The collector.
    ids
        Row labels used in messages (default: the index).
    allow_missing
        Empty cells are NA instead of a problem.
    integer
        Values must be whole numbers (result ``Int64`` instead of ``float64``).

    Returns
    -------
    pandas.DataFrame
        One column per canonical name.
    """
    out = {}
    for canonical, column in fields.items():
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            values = raw.astype("float64")
            text = raw.astype("string")
        else:
            text = raw.astype("string").str.strip()
            values = pd.to_numeric(text, errors="coerce").astype("float64")
        blank = text.isna() | text.eq("")
        bad = values.isna() & ~blank
        if bad.any():
            sample = text[bad]
            if sample.str.match(_COMMA_DECIMAL).any():
                why, fix = ("uses a comma as decimal separator",
                            "write decimals with a dot ('12.5') or re-export with a '.' decimal "
                            "separator")
            elif sample.str.match(_THOUSANDS).any():
                why, fix = ("uses a thousands separator",
                            "remove the thousands separators ('1234') when exporting")
            else:
                why, fix = ("holds non-numeric values",
                            "replace them by numbers or leave the cell empty")
            example = sample.iloc[0]
            problems.add(f"{why}: '{example}' in {int(bad.sum())} row(s)", field=column,
                         rows=_labels(frame, bad, ids), fix=fix)
        missing = blank | (values.isna() & ~bad)
        if missing.any() and not allow_missing:
            problems.add(f"{int(missing.sum())} empty or NaN count(s)", field=column,
                         rows=_labels(frame, missing, ids),
                         fix="fill the counts (0 if none) or drop these rows")
        if np.isinf(values).any():
            problems.add("infinite values", field=column, rows=_labels(frame, np.isinf(values), ids),
                         fix="replace them by finite numbers")
        negative = values < 0
        if negative.any():
            problems.add(f"{int(negative.sum())} negative count(s) (min {values.min():g})",
                         field=column, rows=_labels(frame, negative, ids),
                         fix="counts must be ≥ 0: check the export")
        if integer:
            frac = values.notna() & (values % 1 != 0)
            if frac.any():
                problems.add("non-integer values", field=column, rows=_labels(frame, frac, ids),
                             fix="use whole numbers")
            values = values.where(~frac).round().astype("Int64")
        out[canonical] = values.where(~bad)
    return pd.DataFrame(out, index=frame.index)


def parse_years(
    frame: pd.DataFrame,
    fields: Mapping[str, str],
    *,
    problems: Problems,
    ids: pd.Series | None = None,
    low: int = 1700,
    high: int = 2100,
) -> pd.DataFrame:
    """Convert year columns to ``Int64`` (empty → NA), recording non-years.

    A value like ``"1925-01-01"`` keeps its first four digits.
    """
    out = {}
    for canonical, column in fields.items():
        text = frame[column].astype("string").str.strip()
        text = text.mask(text.eq(""), pd.NA)
        year = text.str.extract(r"^(\d{4})(?:\.0+)?(?:[-/]\d{1,2}[-/]\d{1,2})?$", expand=False)
        values = pd.to_numeric(year, errors="coerce").astype("Int64")
        bad = text.notna() & (values.isna() | (values < low) | (values > high)).fillna(True)
        if bad.any():
            problems.add(f"{int(bad.sum())} value(s) that are not years in {low}–{high} "
                         f"(e.g. '{text[bad].iloc[0]}')", field=column,
                         rows=_labels(frame, bad, ids), fix="use a four-digit year or leave empty")
        out[canonical] = values.mask(bad)
    return pd.DataFrame(out, index=frame.index)


def check_codes(
    values: pd.Series,
    allowed: Mapping[str, str],
    *,
    column: str,
    problems: Problems,
    frame: pd.DataFrame,
    ids: pd.Series | None = None,
    fix: str | None = None,
) -> pd.Series:
    """Map coded values through ``allowed`` (keys compared by :func:`normalise_key`).

    Parameters
    ----------
    values
        The raw text values (NA allowed and kept).
    allowed
        ``{accepted spelling: canonical value}``.
    column
        The real column name, for messages.
    problems
        The collector; unknown values are recorded with their rows.
    frame, ids
        For row labels.
    fix
        Override of the default fix text.

    Returns
    -------
    pandas.Series
        Canonical values (``string`` dtype), NA where empty or unknown.
    """
    lookup = {normalise_key(k): v for k, v in allowed.items()}
    values = values.astype("string")
    table = {v: lookup.get(normalise_key(v), pd.NA) for v in values.dropna().unique()}
    mapped = values.map(table, na_action="ignore").astype("string")
    unknown = values.notna() & mapped.isna()
    if unknown.any():
        shown = sorted(set(values[unknown].astype(str)))[:5]
        choices = sorted(set(allowed.values()))
        problems.add(f"{int(unknown.sum())} unknown value(s) {shown}", field=column,
                     rows=_labels(frame, unknown, ids),
                     fix=fix or f"use one of {choices} (or leave empty)")
    return mapped


def parse_dates(
    text: pd.Series, *, column: str, problems: Problems, frame: pd.DataFrame,
    ids: pd.Series | None = None,
) -> pd.Series:
    """Parse dates given as ISO (``2019-05-12``) or French (``12/05/2019``) text.

    ISO and ``DD/MM/YYYY`` are parsed vectorised; other spellings fall back to pandas'
    per-value parser (day first). Unreadable dates are recorded with their rows.
    """
    out = pd.to_datetime(text, errors="coerce", format="ISO8601")
    for fmt in ("%d/%m/%Y", "mixed"):
        rest = text.notna() & out.isna()
        if not rest.any():
            break
        out[rest] = pd.to_datetime(text[rest], errors="coerce", format=fmt, dayfirst=True)
    bad = text.notna() & out.isna()
    if bad.any():
        problems.add(f"{int(bad.sum())} unreadable date(s) (e.g. '{text[bad].iloc[0]}')",
                     field=column, rows=_labels(frame, bad, ids),
                     fix="use ISO dates (YYYY-MM-DD) or DD/MM/YYYY")
    return out


def check_unique(
    values: pd.Series,
    *,
    column: str,
    problems: Problems,
    frame: pd.DataFrame,
) -> None:
    """Record duplicated non-null ``values`` (rows named by position)."""
    dup = values.notna() & values.duplicated(keep=False)
    if dup.any():
        shown = sorted({str(v) for v in values[dup]})[:5]
        problems.add(f"duplicate ids {shown} ({int(dup.sum())} rows)", field=column,
                     rows=_labels(frame, dup, None), fix="give each row a unique id")


def check_required_values(
    values: pd.Series, *, column: str, problems: Problems, frame: pd.DataFrame,
    ids: pd.Series | None = None,
) -> None:
    """Record empty cells in a field that must be filled (ids, names)."""
    empty = values.isna()
    if empty.any():
        problems.add(f"{int(empty.sum())} empty value(s)", field=column,
                     rows=_labels(frame, empty, ids), fix="fill the field on every row")


# --------------------------------------------------------------------------- geometry


def _plausibility(x: np.ndarray, y: np.ndarray, crs: CRS, what: str) -> Problem | None:
    """Check coordinates against the kind of their declared CRS."""
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if not len(x):
        return None
    lonlat_like = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    name = crs.to_string()
    if crs.is_geographic and not lonlat_like.all():
        return Problem(
            f"{what} declare a geographic CRS ({name}) but hold projected coordinates "
            f"(e.g. x={x[~lonlat_like][0]:.0f}, y={y[~lonlat_like][0]:.0f}, which look like "
            "Lambert-93 metres)", fix="declare the true CRS (EPSG:2154 for Lambert-93) instead "
            "of reprojecting")
    if crs.is_projected and lonlat_like.all():
        return Problem(
            f"{what} declare a projected CRS ({name}) but hold longitude/latitude degrees "
            f"(e.g. x={x[0]:.4f}, y={y[0]:.4f})",
            fix="declare EPSG:4326 for these coordinates or give Lambert-93 metres")
    return None


def _outside(x: np.ndarray, y: np.ndarray, bbox: Sequence[float]) -> np.ndarray:
    return ~((x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3]))


def to_l93(gdf: gpd.GeoDataFrame, *, problems: Problems) -> gpd.GeoDataFrame | None:
    """Check the CRS and the coordinates of ``gdf`` and reproject it to EPSG:2154.

    Records a problem (and returns ``None``) when the layer has no CRS, an unknown CRS,
    or coordinates implausible for its CRS (degrees in a projected CRS, metres in a
    geographic one).
    """
    crs = gdf.crs
    if crs is None:
        problems.add("the layer has no CRS", field="crs",
                     fix="declare it (e.g. add the .prj of the shapefile, or "
                         "gdf.set_crs('EPSG:2154') before saving)")
        return None
    if not (crs.is_geographic or crs.is_projected):
        problems.add(f"unknown or unusable CRS ({crs.name})", field="crs",
                     fix="re-export the layer in EPSG:2154 (Lambert-93) or EPSG:4326")
        return None
    pts = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if len(pts):
        bounds = pts.bounds.to_numpy()
        x = np.concatenate([bounds[:, 0], bounds[:, 2]])
        y = np.concatenate([bounds[:, 1], bounds[:, 3]])
        bad = _plausibility(x, y, crs, "the geometries")
        if bad:
            problems.items.append(Problem(bad.message, field="crs", fix=bad.fix))
            return None
    try:
        return gdf.to_crs(CRS_L93)
    except (CRSError, ValueError) as exc:  # pragma: no cover - pyproj failures are rare
        problems.add(f"cannot reproject from {crs.to_string()} ({_short(exc)})", field="crs",
                     fix="re-export the layer in EPSG:2154")
        return None


def points_from_xy(
    frame: pd.DataFrame,
    x_col: str,
    y_col: str,
    *,
    problems: Problems,
    ids: pd.Series | None = None,
    crs: str = CRS_L93,
) -> gpd.GeoSeries | None:
    """Build points from X/Y columns declared in ``crs`` and return them in EPSG:2154.

    Records non-numeric coordinates, lon/lat degrees given as Lambert-93 metres (or the
    reverse), and returns ``None`` if the coordinates are unusable.
    """
    coords = parse_counts(frame, {"x": x_col, "y": y_col}, problems=problems, ids=ids,
                          allow_missing=True)
    # negative coordinates are legal; drop the "negative count" problems parse_counts adds
    problems.items = [p for p in problems.items
                      if not (p.field in (x_col, y_col) and "negative" in p.message)]
    missing = coords["x"].isna() | coords["y"].isna()
    if missing.any():
        problems.add(f"{int(missing.sum())} row(s) without coordinates",
                     field=f"{x_col}/{y_col}", rows=_labels(frame, missing, ids),
                     fix="geocode these rows or drop them")
    x, y = coords["x"].to_numpy(), coords["y"].to_numpy()
    bad = _plausibility(x, y, CRS(crs), f"the columns {x_col}/{y_col}")
    if bad:
        fix = (f"{x_col}/{y_col} must be Lambert-93 metres (EPSG:2154): convert the "
               "longitudes/latitudes (or use the BAN Lambert-93 columns)")
        problems.items.append(Problem(bad.message, field=f"{x_col}/{y_col}", fix=fix))
        return None
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), index=frame.index, crs=crs)
    pts[missing.to_numpy()] = None
    return pts.to_crs(CRS_L93)


def check_extent(
    geometry: gpd.GeoSeries,
    *,
    problems: Problems,
    ids: pd.Series | None = None,
    bbox: Sequence[float] = BASIN_BBOX_L93,
    area: str = "the Bassin minier",
) -> None:
    """Record rows whose representative point (EPSG:2154) lies outside ``bbox``.

    When swapping x and y would bring the outliers inside, the problem says the axes are
    swapped.
    """
    valid = ~(geometry.isna() | geometry.is_empty)
    if not valid.any():
        return
    pts = shapely.point_on_surface(geometry[valid].to_numpy())
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    out = _outside(x, y, bbox)
    if not out.any():
        return
    mask = np.zeros(len(geometry), dtype=bool)
    mask[np.flatnonzero(valid.to_numpy())[out]] = True
    frame = pd.DataFrame(index=geometry.index)
    rows = _labels(frame, mask, ids)
    swapped = ~_outside(y[out], x[out], bbox)
    if swapped.all():
        problems.add(f"{int(out.sum())} row(s) have their x and y axes swapped",
                     field="geometry", rows=rows, fix="swap the X and Y columns (X is the "
                     "easting, ~600 000–770 000 m in Lambert-93; Y the northing, ~7 000 000 m)")
        return
    x0, y0 = x[out][0], y[out][0]
    problems.add(
        f"{int(out.sum())} row(s) lie outside {area} (e.g. x={x0:.0f}, y={y0:.0f} in "
        f"EPSG:2154; expected x {bbox[0]:.0f}–{bbox[2]:.0f}, y {bbox[1]:.0f}–{bbox[3]:.0f})",
        field="geometry", rows=rows,
        fix=f"filter the file to {area} (departments 59 and 62) or check its CRS")


def check_geometries(
    geometry: gpd.GeoSeries,
    *,
    kinds: Sequence[str],
    problems: Problems,
    ids: pd.Series | None = None,
) -> None:
    """Record null/empty geometries and geometries of the wrong type."""
    frame = pd.DataFrame(index=geometry.index)
    empty = (geometry.isna() | geometry.is_empty).to_numpy()
    if empty.any():
        problems.add(f"{int(empty.sum())} null or empty geometrie(s)", field="geometry",
                     rows=_labels(frame, empty, ids), fix="draw the geometry or drop the row")
    types = geometry.geom_type.to_numpy()
    wrong = ~empty & ~np.isin(types, list(kinds))
    if wrong.any():
        problems.add(f"{int(wrong.sum())} geometrie(s) of type {sorted(set(types[wrong]))}, "
                     f"expected {list(kinds)}", field="geometry",
                     rows=_labels(frame, wrong, ids), fix="export the layer with the right "
                     "geometry type")


def repair_polygons(
    geometry: gpd.GeoSeries, *, ids: pd.Series, path: Path, stacklevel: int = 3,
) -> gpd.GeoSeries:
    """Repair invalid polygons with :func:`shapely.make_valid`, keeping polygonal parts.

    Emits one :class:`UserWarning` naming the repaired ids.
    """
    valid = geometry.isna() | geometry.is_empty | geometry.is_valid
    if valid.all():
        return geometry
    fixed = geometry.copy()
    repaired = shapely.make_valid(geometry[~valid].to_numpy())
    parts = []
    for geom in repaired:
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        union = shapely.union_all(polys) if polys else shapely.Polygon()
        parts.append(union)
    fixed[~valid] = parts
    bad_ids = [v.item() if hasattr(v, "item") else v for v in ids[~valid.to_numpy()].tolist()]
    warnings.warn(f"{path}: repaired {len(bad_ids)} invalid geometrie(s) with make_valid "
                  f"(ids {bad_ids[:20]})", UserWarning, stacklevel=stacklevel)
    return fixed
