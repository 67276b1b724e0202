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
from ..messages import fr_number, msg

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


def _quoted(values: Iterable[object]) -> str:
    """``« a », « b »``: values quoted the French way, for messages."""
    return ", ".join(f"« {v} »" for v in values)


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
        names = ", ".join(accepted)
        hint = (msg("sources.field.rename.fix",
                    did_you_mean=msg("sources.did_you_mean", name=near), name=accepted[0])
                if near else msg("sources.field.add.fix", names=names))
        problems.add(msg("sources.field.missing", names=names), field=accepted[0], fix=hint)
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
    allow_negative: bool = False,
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
    allow_negative
        Negative values are legal (coordinates).

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
                kind = "sources.counts.comma"
            elif sample.str.match(_THOUSANDS).any():
                kind = "sources.counts.thousands"
            else:
                kind = "sources.counts.non_numeric"
            example = sample.iloc[0]
            problems.add(msg("sources.counts.bad", why=msg(kind), example=example,
                             n=fr_number(int(bad.sum()))), field=column,
                         rows=_labels(frame, bad, ids), fix=msg(f"{kind}.fix"))
        missing = blank | (values.isna() & ~bad)
        if missing.any() and not allow_missing:
            problems.add(msg("sources.counts.missing", n=fr_number(int(missing.sum()))),
                         field=column, rows=_labels(frame, missing, ids),
                         fix=msg("sources.counts.missing.fix"))
        if np.isinf(values).any():
            problems.add(msg("sources.counts.infinite"), field=column,
                         rows=_labels(frame, np.isinf(values), ids),
                         fix=msg("sources.counts.infinite.fix"))
        negative = values < 0
        if negative.any() and not allow_negative:
            problems.add(msg("sources.counts.negative", n=fr_number(int(negative.sum())),
                             min=fr_number(values.min(), None)),
                         field=column, rows=_labels(frame, negative, ids),
                         fix=msg("sources.counts.negative.fix"))
        if integer:
            frac = values.notna() & (values % 1 != 0)
            if frac.any():
                problems.add(msg("sources.counts.fraction"), field=column,
                             rows=_labels(frame, frac, ids), fix=msg("sources.counts.fraction.fix"))
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
            problems.add(msg("sources.years.bad", n=fr_number(int(bad.sum())), low=low, high=high,
                             example=text[bad].iloc[0]), field=column,
                         rows=_labels(frame, bad, ids), fix=msg("sources.years.bad.fix"))
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
        problems.add(msg("sources.codes.unknown", n=fr_number(int(unknown.sum())),
                         shown=_quoted(shown)), field=column,
                     rows=_labels(frame, unknown, ids),
                     fix=fix or msg("sources.codes.unknown.fix", choices=_quoted(choices)))
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
        problems.add(msg("sources.dates.bad", n=fr_number(int(bad.sum())),
                         example=text[bad].iloc[0]),
                     field=column, rows=_labels(frame, bad, ids), fix=msg("sources.dates.bad.fix"))
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
        problems.add(msg("sources.ids.duplicate", shown=_quoted(shown),
                         n=fr_number(int(dup.sum()))), field=column,
                     rows=_labels(frame, dup, None), fix=msg("sources.ids.duplicate.fix"))


def check_required_values(
    values: pd.Series, *, column: str, problems: Problems, frame: pd.DataFrame,
    ids: pd.Series | None = None,
) -> None:
    """Record empty cells in a field that must be filled (ids, names)."""
    empty = values.isna()
    if empty.any():
        problems.add(msg("sources.values.empty", n=fr_number(int(empty.sum()))), field=column,
                     rows=_labels(frame, empty, ids), fix=msg("sources.values.empty.fix"))


# --------------------------------------------------------------------------- geometry


def _plausibility(x: np.ndarray, y: np.ndarray, crs: CRS, what: str) -> Problem | None:
    """Check coordinates against the kind of their declared CRS.

    ``what`` names the coordinates, in French, as the plural subject of the message
    (« les géométries », « les colonnes X/Y »).
    """
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if not len(x):
        return None
    lonlat_like = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    name = crs.to_string()
    if crs.is_geographic and not lonlat_like.all():
        return Problem(
            msg("sources.crs.metres_as_degrees", what=what, crs=name,
                x=f"{x[~lonlat_like][0]:.0f}", y=f"{y[~lonlat_like][0]:.0f}"),
            fix=msg("sources.crs.metres_as_degrees.fix"))
    if crs.is_projected and lonlat_like.all():
        return Problem(
            msg("sources.crs.degrees_as_metres", what=what, crs=name,
                x=fr_number(x[0], 4), y=fr_number(y[0], 4)),
            fix=msg("sources.crs.degrees_as_metres.fix"))
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
        problems.add(msg("sources.crs.none"), field="crs", fix=msg("sources.crs.none.fix"))
        return None
    if not (crs.is_geographic or crs.is_projected):
        problems.add(msg("sources.crs.unusable", name=crs.name), field="crs",
                     fix=msg("sources.crs.unusable.fix"))
        return None
    pts = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if len(pts):
        bounds = pts.bounds.to_numpy()
        x = np.concatenate([bounds[:, 0], bounds[:, 2]])
        y = np.concatenate([bounds[:, 1], bounds[:, 3]])
        bad = _plausibility(x, y, crs, msg("sources.crs.geometries"))
        if bad:
            problems.items.append(Problem(bad.message, field="crs", fix=bad.fix))
            return None
    try:
        return gdf.to_crs(CRS_L93)
    except (CRSError, ValueError) as exc:  # pragma: no cover - pyproj failures are rare
        problems.add(msg("sources.crs.reproject", crs=crs.to_string(), error=_short(exc)),
                     field="crs", fix=msg("sources.crs.reproject.fix"))
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
                          allow_missing=True, allow_negative=True)
    missing = coords["x"].isna() | coords["y"].isna()
    if missing.any():
        problems.add(msg("sources.xy.missing", n=fr_number(int(missing.sum()))),
                     field=f"{x_col}/{y_col}", rows=_labels(frame, missing, ids),
                     fix=msg("sources.xy.missing.fix"))
    x, y = coords["x"].to_numpy(), coords["y"].to_numpy()
    bad = _plausibility(x, y, CRS(crs), msg("sources.crs.columns", x=x_col, y=y_col))
    if bad:
        fix = msg("sources.xy.not_l93.fix", x=x_col, y=y_col)
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
    area: str = "basin",
) -> None:
    """Record rows whose representative point (EPSG:2154) lies outside ``bbox``.

    ``area`` names the extent in the messages: ``"basin"`` (the Bassin minier) or
    ``"france"`` (metropolitan France).

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
        problems.add(msg("sources.extent.swapped", n=fr_number(int(out.sum()))),
                     field="geometry", rows=rows, fix=msg("sources.extent.swapped.fix"))
        return
    x0, y0 = x[out][0], y[out][0]
    problems.add(
        msg("sources.extent.outside", n=fr_number(int(out.sum())),
            where=msg(f"sources.extent.where.{area}"), x=f"{x0:.0f}", y=f"{y0:.0f}",
            xmin=f"{bbox[0]:.0f}", xmax=f"{bbox[2]:.0f}", ymin=f"{bbox[1]:.0f}",
            ymax=f"{bbox[3]:.0f}"),
        field="geometry", rows=rows, fix=msg(f"sources.extent.fix.{area}"))


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
        problems.add(msg("sources.geometry.empty", n=fr_number(int(empty.sum()))),
                     field="geometry", rows=_labels(frame, empty, ids),
                     fix=msg("sources.geometry.empty.fix"))
    types = geometry.geom_type.to_numpy()
    wrong = ~empty & ~np.isin(types, list(kinds))
    if wrong.any():
        problems.add(msg("sources.geometry.type", n=fr_number(int(wrong.sum())),
                         types=", ".join(sorted(set(types[wrong]))),
                         kinds=msg("sources.or").join(kinds)), field="geometry",
                     rows=_labels(frame, wrong, ids), fix=msg("sources.geometry.type.fix"))


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
    warnings.warn(msg("sources.geometry.repaired", path=path, n=fr_number(len(bad_ids)),
                      ids=", ".join(str(i) for i in bad_ids[:20])),
                  UserWarning, stacklevel=stacklevel)
    return fixed
