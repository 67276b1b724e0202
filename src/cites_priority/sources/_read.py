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
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ._validate import _short, fail

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


_EXPECTED = {
    ".gpkg": ("sqlite", "a GeoPackage (SQLite)"),
    ".shp": ("shp", "an ESRI Shapefile"),
    ".geojson": ("json", "a GeoJSON document"),
    ".json": ("json", "a GeoJSON document"),
    ".csv": ("text", "a delimited text file"),
    ".txt": ("text", "a delimited text file"),
    ".zip": ("zip", "a zip archive"),
}
_KIND_NAMES = {
    "sqlite": "an SQLite/GeoPackage file",
    "shp": "a Shapefile",
    "zip": "a zip archive",
    "json": "a JSON document",
    "text": "a text file",
    "binary": "a binary file",
    "empty": "an empty file",
}


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
        near = difflib.get_close_matches(path.name, [p.name for p in path.parent.glob("*")]
                                         if path.parent.is_dir() else [], n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise fail(path, "file not found", layer=layer,
                   fix=f"check the path (folder: {path.parent}){hint}")
    if path.is_dir():
        raise fail(path, "is a folder, not a file", layer=layer, fix="give the path of the file")
    kind = _sniff(path)
    if kind == "empty":
        raise fail(path, "the file is empty (0 bytes)", layer=layer,
                   fix="re-export or re-download the file")
    expected = _EXPECTED.get(path.suffix.lower())
    if expected and kind != expected[0] and not (expected[0] == "text" and kind == "json"):
        raise fail(
            path,
            f"the file is not {expected[1]} as its extension '{path.suffix}' says: "
            f"its content looks like {_KIND_NAMES[kind]}",
            layer=layer,
            fix="rename the file with its true extension or re-export it in the expected format",
        )
    return path


def open_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    engine: str = "pyogrio",
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
        raise ValueError(f"engine must be 'pyogrio' or 'fiona', not {engine!r}")
    if fid_as_index and engine != "pyogrio":
        raise ValueError("fid_as_index needs engine='pyogrio'")
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # GDAL raises many kinds; all mean "unreadable"
        raise fail(path, f"cannot be opened as a vector dataset ({_short(exc)})", layer=layer,
                   fix="the file may be truncated or corrupt: re-export or re-download it") from exc
    if layer is None:
        layer = default_layer if default_layer in layers else (layers[0] if layers else None)
    elif layer not in layers:
        near = difflib.get_close_matches(layer, layers, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise fail(path, f"no layer named '{layer}'; layers are {layers}{hint}", layer=layer,
                   fix="pass one of the existing layer names")
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
                warnings.warn(
                    f"{path} : le fichier .dbf est en UTF-8 mais n'a pas de .cpg qui le dise ; "
                    "il est relu en UTF-8 (ajoutez un fichier .cpg contenant « UTF-8 », ou "
                    "passez encoding: utf-8 dans le fichier d'entrées)", UserWarning, stacklevel=3)
    except Exception as exc:
        raise fail(path, f"cannot be read ({_short(exc)})", layer=layer,
                   fix="the file may be truncated or corrupt: re-export or re-download it") from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        gdf = gpd.GeoDataFrame(gdf)
    gdf.attrs["layer"] = layer
    return gdf


_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Å[\u0080-\u00bf]|â€")


def _mojibake(gdf: pd.DataFrame) -> bool:
    """Whether text columns read as Latin-1 hold UTF-8 byte pairs (« CitÃ© »)."""
    for col in gdf.columns:
        if gdf[col].dtype == object:
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


def read_csv(
    path: str | Path,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    chunksize: int | None = None,
) -> pd.DataFrame | Iterable[pd.DataFrame]:
    """Read a delimited text file as strings, detecting the separator and the encoding.

    Parameters
    ----------
    path
        The file.
    sep, encoding
        Forced values; detected when ``None`` (``;``/``,``/tab; UTF-8 or ISO-8859-1).
    chunksize
        When given, return an iterator of frames of that many rows.

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
    kwargs = dict(sep=sep, encoding=encoding, dtype=str, keep_default_na=False,
                  na_values=[""], skipinitialspace=False)
    try:
        if chunksize:
            reader = pd.read_csv(path, chunksize=chunksize, **kwargs)
            return (_strip_names(chunk) for chunk in reader)
        return _strip_names(pd.read_csv(path, **kwargs))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise fail(path, f"cannot be parsed as a '{sep}'-separated text file ({_short(exc)})",
                   fix="check the separator, the quoting and that every row has the same "
                       "number of fields") from exc


def _strip_names(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame
