"""Commune and EPCI boundary layers of a run, with the count of cités each holds.

Both come from ``result.extras`` (``communes``, ``epci``: the world's frames, see
``docs/contracts.md`` §2) and are written into the GeoPackage as background layers and as
the coverage of the QGIS "Atlas EPCI" (one page per EPCI with ``n_cites > 0``).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ..constants import CRS_L93
from ..result import RunResult

__all__ = ["communes_layer", "epci_layer"]


def _cites_frame(result: RunResult) -> pd.DataFrame:
    cites = result.cites
    if "cite_id" not in cites.columns and cites.index.name == "cite_id":
        cites = cites.reset_index()
    return pd.DataFrame(cites.drop(columns=cites.geometry.name, errors="ignore"))


def _counts(cites: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per ``key`` value: cités, selected cités, selected logements."""
    if key not in cites.columns:
        return pd.DataFrame(columns=["n_cites", "n_retenues", "logements_retenus"])
    sel = (cites["selected"].astype(bool) if "selected" in cites.columns
           else pd.Series(False, index=cites.index))
    logts = pd.to_numeric(cites.get("logements"), errors="coerce").fillna(0)
    frame = pd.DataFrame({
        key: cites[key].astype("string"),
        "n_cites": 1,
        "n_retenues": sel.astype("int64"),
        "logements_retenus": logts.where(sel, 0).astype("int64"),
    })
    return frame.groupby(key, sort=True).sum()


def _l93(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is None:
        return frame.set_crs(CRS_L93)
    return frame if frame.crs.equals(CRS_L93) else frame.to_crs(CRS_L93)


def _with_counts(frame: gpd.GeoDataFrame, counts: pd.DataFrame, key: str) -> gpd.GeoDataFrame:
    out = frame.merge(counts, left_on=key, right_index=True, how="left")
    for col in ("n_cites", "n_retenues", "logements_retenus"):
        out[col] = out[col].fillna(0).astype("int64")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs)


def _communes(result: RunResult) -> gpd.GeoDataFrame | None:
    """``extras["communes"]`` as ``insee, nom, epci, epci_nom, population`` (those present)."""
    communes = result.extras.get("communes")
    if communes is None or len(communes) == 0:
        return None
    frame = communes.rename(columns={"name": "nom", "epci_name": "epci_nom",
                                     "epci_siren": "epci"})
    cols = [c for c in ("insee", "nom", "epci", "epci_nom", "population") if c in frame.columns]
    frame = gpd.GeoDataFrame(frame[cols].reset_index(drop=True),
                             geometry=communes.geometry.to_numpy(), crs=communes.crs)
    for col in ("insee", "nom", "epci", "epci_nom"):
        if col in frame.columns:
            frame[col] = frame[col].astype("string")
    return _l93(frame)


def communes_layer(result: RunResult) -> gpd.GeoDataFrame | None:
    """Return the communes (``insee, nom, epci, epci_nom, population, n_cites, …``).

    Parameters
    ----------
    result
        The run; ``extras["communes"]`` holds the canonical communes (``insee``, ``name``,
        ``epci``, ``epci_name``, ``population``).

    Returns
    -------
    geopandas.GeoDataFrame or None
        EPSG:2154, sorted by ``insee``; ``n_cites`` counts the cités whose main commune it
        is, ``n_retenues`` / ``logements_retenus`` the selected ones. ``None`` without
        communes.
    """
    frame = _communes(result)
    if frame is None:
        return None
    out = _with_counts(frame, _counts(_cites_frame(result), "insee"), "insee")
    return out.sort_values("insee", kind="stable").reset_index(drop=True)


def epci_layer(result: RunResult) -> gpd.GeoDataFrame | None:
    """Return the EPCI (``epci``, ``epci_nom``, ``n_cites``, ``n_retenues``, ``logements_retenus``).

    Parameters
    ----------
    result
        The run; ``extras["epci"]`` holds the canonical EPCI (``epci`` SIREN, ``name``);
        without it the communes are dissolved by EPCI.

    Returns
    -------
    geopandas.GeoDataFrame or None
        EPSG:2154, sorted by SIREN code; ``None`` without EPCI nor communes.
    """
    epci = result.extras.get("epci")
    if epci is None or len(epci) == 0:
        communes = _communes(result)
        if communes is None or not {"epci", "epci_nom"} <= set(communes.columns):
            return None
        epci = communes.dissolve(by=["epci", "epci_nom"], as_index=False, sort=True)
        epci = epci.rename(columns={"epci_nom": "name"})
    frame = gpd.GeoDataFrame(
        {"epci": epci["epci"].astype("string").to_numpy(),
         "epci_nom": epci["name"].astype("string").to_numpy()},
        geometry=epci.geometry.values, crs=epci.crs,
    )
    out = _with_counts(_l93(frame), _counts(_cites_frame(result), "epci"), "epci")
    return out.sort_values("epci", kind="stable").reset_index(drop=True)
