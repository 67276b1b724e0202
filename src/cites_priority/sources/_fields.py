"""Field and value checks shared by every loader of :mod:`cites_priority.sources`.

Each loader follows the same path: ``_read.open_vector`` or ``_read.read_csv`` (file
exists, is what its extension says, is readable), :func:`resolve_fields` (real names →
canonical names, case-insensitively, with aliases), value checks (:func:`parse_counts`,
:func:`parse_years`, :func:`check_unique`, :func:`check_codes`…), then the coordinate and
geometry checks of :mod:`._geometry`. Every check appends
:class:`~cites_priority._errors.Problem` objects to a :class:`Problems` collector; the
loader raises ONE :class:`~cites_priority._errors.InputDataError` at the end
(:meth:`Problems.raise_if_any`), so a user sees every problem of a file at once.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputDataError, Problem
from ..messages import fr_number, msg

__all__ = [
    "Problems",
    "check_codes",
    "check_required_values",
    "check_unique",
    "fail",
    "normalise_key",
    "parse_counts",
    "parse_dates",
    "parse_years",
    "resolve_fields",
    "text_column",
]

logger = logging.getLogger(__name__)

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
            # already numbers (the usual case): nothing to parse, no text to render
            values = raw.astype("float64")
            blank = values.isna()
            bad = pd.Series(False, index=raw.index)
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
