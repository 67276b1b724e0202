"""File access for the loaders: existence and format sniffing, vector and CSV reading.

Every loader opens its input through :func:`check_file` (missing file, empty file, content
not matching the extension), then :func:`open_vector` (pyogrio or fiona; truncated or
corrupt files and unknown layers become :class:`~cites_priority._errors.InputDataError`)
or :func:`read_csv` (separator and encoding detected, every column as text).
"""

from __future__ import annotations

import difflib
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, overload

import geopandas as gpd
import pandas as pd
import pyogrio

from ..messages import msg
from ..types import VectorEngine
from ._fields import _short, fail

__all__ = ["VECTOR_SUFFIXES", "check_file", "detect_encoding", "detect_separator",
           "open_vector", "read_csv"]

logger = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json", ".fgb", ".gml", ".zip"}
_GPKG_MAGIC = b"SQLite format 3\x00"
_SHP_MAGIC = b"\x00\x00\x27\x0a"


def _sniff(path: Path) -> str:
    """Guess the real format of ``path`` from its first bytes."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(_GPKG_MAGIC):
        return "sqlite"
    if head.startswith(_SHP_MAGIC):
        return "shp"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if not head:
        return "empty"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    if b"\x00" in head:
        return "binary"
    return "text"


#: Extension → (sniffed kind it must have, catalogue key of its French name).
_EXPECTED = {
    ".gpkg": ("sqlite", "sources.expected.gpkg"),
    ".shp": ("shp", "sources.expected.shp"),
    ".geojson": ("json", "sources.expected.geojson"),
    ".json": ("json", "sources.expected.geojson"),
    ".csv": ("text", "sources.expected.text"),
    ".txt": ("text", "sources.expected.text"),
    ".zip": ("zip", "sources.expected.zip"),
}


def _did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """« vouliez-vous dire « X » ? » for the closest of ``choices``, or None."""
    near = difflib.get_close_matches(name, list(choices), n=1)
    return msg("sources.did_you_mean", name=near[0]) if near else None


def check_file(path: str | Path, *, layer: str | None = None) -> Path:
    """Check that ``path`` exists and holds what its extension says.

    Parameters
    ----------
    path
        The input file.
    layer
        The layer that will be read, for the error message.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputDataError
        If the file is missing, is a folder, is empty or its content does not match its
        extension (e.g. a CSV renamed ``.gpkg``).
    """
    path = Path(path)
    if not path.exists():
        near = _did_you_mean(path.name, [p.name for p in path.parent.glob("*")]
                             if path.parent.is_dir() else [])
        raise fail(path, msg("sources.file.not_found"), layer=layer,
                   fix=msg("sources.file.not_found.fix", folder=path.parent,
                           hint=f" ; {near}" if near else ""))
    if path.is_dir():
        raise fail(path, msg("sources.file.is_folder"), layer=layer,
                   fix=msg("sources.file.is_folder.fix"))
    kind = _sniff(path)
    if kind == "empty":
        raise fail(path, msg("sources.file.empty"), layer=layer,
                   fix=msg("sources.file.empty.fix"))
    expected = _EXPECTED.get(path.suffix.lower())
    if expected and kind != expected[0] and not (expected[0] == "text" and kind == "json"):
        raise fail(
            path,
            msg("sources.file.wrong_kind", expected=msg(expected[1]), suffix=path.suffix,
                actual=msg(f"sources.kind.{kind}")),
            layer=layer,
            fix=msg("sources.file.wrong_kind.fix"),
        )
    return path


def open_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    engine: VectorEngine = "pyogrio",
    bbox: tuple[float, float, float, float] | None = None,
    default_layer: str | None = None,
    fid_as_index: bool = False,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector file (GPKG, Shapefile, GeoJSON…) after :func:`check_file`.

    Parameters
    ----------
    path
        The file.
    layer
        The layer to read; defaults to ``default_layer`` when the file has it, otherwise
        to the only (or first) layer.
    engine
        ``"pyogrio"`` (default) or ``"fiona"``.
    bbox
        Optional filter, in the file's own CRS.
    default_layer
        Layer name tried first when ``layer`` is not given.
    fid_as_index
        Use the feature ids as the index (pyogrio only), e.g. a GeoPackage primary key.
    encoding
        Attribute encoding (pyogrio only). Without it, a Shapefile without ``.cpg`` whose
        text reads as UTF-8 decoded as Latin-1 (« CitÃ© ») is re-read as UTF-8, with a
        warning naming the encoding.

    Returns
    -------
    geopandas.GeoDataFrame
        As stored (no renaming, no reprojection).

    Raises
    ------
    InputDataError
        If the file is missing, not of its declared format, truncated or unreadable, or
        the layer does not exist.
    """
    path = check_file(path, layer=layer)
    if engine not in ("pyogrio", "fiona"):
        raise ValueError(msg("sources.engine.unknown", engine=engine))
    if fid_as_index and engine != "pyogrio":
        raise ValueError(msg("sources.engine.fid"))
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # GDAL raises many kinds; all mean "unreadable"
        raise fail(path, msg("sources.vector.unopenable", error=_short(exc)), layer=layer,
                   fix=msg("sources.vector.corrupt.fix")) from exc
    if layer is None:
        layer = default_layer if default_layer in layers else (layers[0] if layers else None)
    elif layer not in layers:
        near = _did_you_mean(layer, layers)
        hint = msg("sources.vector.no_layer.hint", did_you_mean=near) if near else ""
        raise fail(path, msg("sources.vector.no_layer", layer=layer,
                             layers=", ".join(f"« {name} »" for name in layers), hint=hint),
                   layer=layer, fix=msg("sources.vector.no_layer.fix"))
    if len(layers) > 1:
        logger.debug("%s: reading layer %s of %s", path, layer, layers)
    try:
        if engine == "fiona":
            gdf = gpd.read_file(path, layer=layer, engine="fiona", bbox=bbox)
        else:
            extra = {"encoding": encoding} if encoding else {}
            gdf = gpd.read_file(path, layer=layer, engine="pyogrio", bbox=bbox,
                                fid_as_index=fid_as_index, **extra)
            if encoding is None and path.suffix.lower() == ".shp" and _mojibake(gdf):
                gdf = gpd.read_file(path, layer=layer, engine="pyogrio", bbox=bbox,
                                    fid_as_index=fid_as_index, encoding="UTF-8")
                warnings.warn(msg("sources.vector.utf8_without_cpg", path=path), UserWarning,
                              stacklevel=3)
    except Exception as exc:
        raise fail(path, msg("sources.vector.unreadable", error=_short(exc)), layer=layer,
                   fix=msg("sources.vector.corrupt.fix")) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        gdf = gpd.GeoDataFrame(gdf)
    gdf.attrs["layer"] = layer
    return gdf


_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Å[\u0080-\u00bf]|â€")


def _mojibake(gdf: pd.DataFrame) -> bool:
    """Whether text columns read as Latin-1 hold UTF-8 byte pairs (« CitÃ© »)."""
    for col in gdf.columns:
        # text is the "str" dtype with pandas 3, object with pandas 2: both are string dtypes
        if pd.api.types.is_string_dtype(gdf[col].dtype):
            text = gdf[col].dropna().astype(str)
            if len(text) and text.str.contains(_MOJIBAKE).any():
                return True
    return False


def detect_encoding(path: Path, *, sample: int = 1 << 22) -> str:
    """Return ``"utf-8-sig"`` if the first bytes decode as UTF-8, else ``"latin-1"``."""
    with path.open("rb") as fh:
        raw = fh.read(sample)
    if len(raw) == sample:  # do not cut a multi-byte character in two
        raw = raw[: raw.rfind(b"\n") + 1] or raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8-sig"


def detect_separator(path: Path, encoding: str) -> str:
    """Return the separator (``;``, ``,``, tab or ``|``) most frequent on the header line."""
    with path.open("r", encoding=encoding, errors="replace") as fh:
        header = fh.readline()
    counts = {sep: header.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


@overload
def read_csv(
    path: str | Path,
    *,
    sep: str | None = ...,
    encoding: str | None = ...,
    chunksize: None = ...,
    columns: Callable[[list[str]], Iterable[str]] | None = ...,
) -> pd.DataFrame: ...
@overload
def read_csv(
    path: str | Path,
    *,
    sep: str | None = ...,
    encoding: str | None = ...,
    chunksize: int,
    columns: Callable[[list[str]], Iterable[str]] | None = ...,
) -> Iterator[pd.DataFrame]: ...
def read_csv(
    path: str | Path,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    chunksize: int | None = None,
    columns: Callable[[list[str]], Iterable[str]] | None = None,
) -> pd.DataFrame | Iterator[pd.DataFrame]:
    """Read a delimited text file as strings, detecting the separator and the encoding.

    Parameters
    ----------
    path
        The file.
    sep, encoding
        Forced values; detected when ``None`` (``;``/``,``/tab; UTF-8 or ISO-8859-1).
    chunksize
        When given (a positive number), return an iterator of frames of that many rows.
    columns
        Called with the header (names stripped of blanks) before the rows are read;
        returns the names of the columns to keep (the others are not parsed, which is
        much faster on wide files). When it keeps none of them, every column is read.

    Returns
    -------
    pandas.DataFrame or iterator of DataFrame
        Every column as ``str`` (NA for empty cells), names stripped of blanks.

    Raises
    ------
    InputDataError
        If the file is missing, is not text, or cannot be parsed.
    """
    path = check_file(path)
    encoding = encoding or detect_encoding(path)
    sep = sep or detect_separator(path, encoding)
    kwargs: dict[str, Any] = dict(sep=sep, encoding=encoding, dtype=str, keep_default_na=False,
                                  na_values=[""], skipinitialspace=False)
    try:
        if columns is not None:
            header = list(_strip_names(pd.read_csv(path, nrows=0, **kwargs)).columns)
            keep = set(columns(header)) & set(header)
            if keep:
                kwargs["usecols"] = lambda name: _stripped(name) in keep
        if chunksize:
            reader = pd.read_csv(path, chunksize=chunksize, **kwargs)
            return (_strip_names(chunk) for chunk in reader)
        return _strip_names(pd.read_csv(path, **kwargs))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        shown = {"\t": "tabulation"}.get(sep, sep)
        raise fail(path, msg("sources.csv.unparseable", sep=shown, error=_short(exc)),
                   fix=msg("sources.csv.unparseable.fix")) from exc


def _stripped(name: object) -> str:
    return str(name).strip().lstrip("\ufeff")


def _strip_names(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [_stripped(c) for c in frame.columns]
    return frame
