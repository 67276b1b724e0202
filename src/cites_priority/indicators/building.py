"""Building-condition indicators from the landlords' dwelling rows (RPLS + ADEME DPE v2).

Each RPLS dwelling is a point; it belongs to the cité whose polygon contains it
(``geopandas.sjoin``, predicate ``within``; a dwelling inside two overlapping cités counts
in both). A DPE v2 row whose ``rpls_id`` names an RPLS dwelling replaces that dwelling's
RPLS class (the most recent ``dpe_date`` wins): DPE v2 (since July 2021) is newer than the
RPLS ``DPEENERGIE`` field. DPE rows matching no RPLS dwelling are not counted (the
indicators describe the landlords' stock) and are reported.
"""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

from cites_priority.constants import DPE_CLASSES

__all__ = ["BUILDING_COLUMNS", "DEFAULT_REFERENCE_YEAR", "assign_dwellings", "building_indicators"]

logger = logging.getLogger(__name__)

#: Output columns, in order.
BUILDING_COLUMNS = (
    "n_dwellings",
    "share_dpe_efg",
    "mean_dpe_rank",
    "share_unfit",
    "share_renovated_10y",
    "median_construction_year",
)

#: Year at which "renovated in the last 10 years" is judged: the vintage of the data
#: (renovation years up to 2025, DPE v2 since 2021). Use 2016 to replay the mission.
DEFAULT_REFERENCE_YEAR = 2025

_RANK = {c: i + 1 for i, c in enumerate(DPE_CLASSES)}


def _apply_dpe(rpls: pd.DataFrame, dpe: pd.DataFrame | None) -> tuple[pd.DataFrame, list]:
    """Override the RPLS class by the latest matching DPE v2 row; return unmatched DPE ids."""
    out = rpls.copy()
    if dpe is None or len(dpe) == 0 or "rpls_id" not in dpe.columns:
        return out, []
    known = pd.Index(out["dwelling_id"].astype(str).to_numpy(dtype=object))
    rpls_id = dpe["rpls_id"].astype("string").to_numpy(dtype=object, na_value=None)
    target = known.get_indexer(rpls_id)  # position of the RPLS dwelling, -1 if none
    unmatched = dpe["dwelling_id"].astype(str).to_numpy(dtype=object)[target < 0].tolist()
    date = pd.to_datetime(dpe["dpe_date"], errors="coerce") if "dpe_date" in dpe else None
    d = pd.DataFrame(
        {
            "target": target,
            "cls": dpe["dpe_class"].astype("string").to_numpy(dtype=object, na_value=None),
            "date": date.to_numpy() if date is not None else pd.NaT,
        }
    )
    d = d[(d["target"] >= 0) & d["cls"].notna()]
    d = d.sort_values("date", na_position="first", kind="stable").drop_duplicates("target", keep="last")
    cls = out["dpe_class"].astype("string").to_numpy(dtype=object, na_value=None)
    cls[d["target"].to_numpy()] = d["cls"].to_numpy()
    out["dpe_class"] = pd.array(cls, dtype="string")
    logger.info("DPE v2 overrides the RPLS class of %d dwellings", len(d))
    return out, unmatched


def assign_dwellings(
    cites: gpd.GeoDataFrame, dwellings: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, pd.Index]:
    """Attach each dwelling point to the cité(s) containing it.

    Returns
    -------
    joined, outside
        ``joined``: one row per (dwelling, cité) with the dwelling fields and ``cite_id``;
        ``outside``: ``dwelling_id`` of the rows inside no cité.
    """
    pts = dwellings.to_crs(cites.crs) if dwellings.crs != cites.crs else dwellings
    joined = gpd.sjoin(pts, cites[["cite_id", "geometry"]], how="left", predicate="within")
    outside = pd.Index(sorted(joined.loc[joined["cite_id"].isna(), "dwelling_id"].astype(str)))
    joined = joined[joined["cite_id"].notna()].drop(columns=["index_right", "geometry"])
    joined["cite_id"] = joined["cite_id"].astype("int64")
    return pd.DataFrame(joined), outside


def building_indicators(
    cites: gpd.GeoDataFrame,
    rpls: gpd.GeoDataFrame,
    dpe: gpd.GeoDataFrame | None = None,
    *,
    reference_year: int = DEFAULT_REFERENCE_YEAR,
) -> pd.DataFrame:
    """Building-condition indicators of each cité.

    Parameters
    ----------
    cites
        Canonical cités (``cite_id``, polygons).
    rpls
        Canonical dwelling rows from RPLS (``dwelling_id``, ``dpe_class``, ``unfit``,
        ``renovation_year``, ``construction_year``, point ``geometry``).
    dpe
        Canonical dwelling rows from ADEME DPE v2 (``rpls_id``, ``dpe_class``,
        ``dpe_date``); they override the RPLS class of the same dwelling.
    reference_year
        A dwelling counts as renovated in the last 10 years when
        ``reference_year - 10 ≤ renovation_year ≤ reference_year``.

    Returns
    -------
    DataFrame
        Indexed by ``cite_id``, columns :data:`BUILDING_COLUMNS`. ``n_dwellings`` is 0 and
        the other columns NA for cités holding no dwelling. ``attrs["dwellings_outside"]``
        lists the dwellings inside no cité, ``attrs["cites_without_dwellings"]`` the
        cités without any, ``attrs["dpe_unmatched"]`` the DPE rows matching no RPLS row.
    """
    index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    dw, unmatched = _apply_dpe(rpls, dpe)
    joined, outside = assign_dwellings(cites, dw)

    cls = joined["dpe_class"].astype("string")
    rank = cls.map(_RANK).astype("Float64")
    reno = pd.to_numeric(joined["renovation_year"], errors="coerce")
    recent = reno.between(reference_year - 10, reference_year).fillna(False)
    frame = pd.DataFrame(
        {
            "cite_id": joined["cite_id"].to_numpy(),
            "known": rank.notna().to_numpy(),
            "efg": cls.isin(["E", "F", "G"]).fillna(False).to_numpy() & rank.notna().to_numpy(),
            "rank": rank.to_numpy(dtype=float, na_value=np.nan),
            "unfit": pd.array(joined["unfit"], dtype="boolean").astype("Float64").to_numpy(
                dtype=float, na_value=np.nan
            ),
            "recent": recent.to_numpy(dtype=bool),
            "year": pd.to_numeric(joined["construction_year"], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            ),
        }
    )
    g = frame.groupby("cite_id")
    n = g.size()
    known = g["known"].sum()
    out = pd.DataFrame(index=index)
    out["n_dwellings"] = n.reindex(index, fill_value=0).astype("Int64")
    out["share_dpe_efg"] = (g["efg"].sum() / known.where(known > 0)).reindex(index)
    out["mean_dpe_rank"] = g["rank"].mean().reindex(index)
    out["share_unfit"] = g["unfit"].mean().reindex(index)
    out["share_renovated_10y"] = (g["recent"].sum() / n).reindex(index)
    out["median_construction_year"] = g["year"].median().reindex(index)
    for c in BUILDING_COLUMNS[1:]:
        out[c] = out[c].astype("Float64")

    without = sorted(out.index[out["n_dwellings"] == 0].tolist())
    if len(outside):
        warnings.warn(
            f"{len(outside)} dwelling(s) lie inside no cité and are not counted: "
            f"{', '.join(outside[:10])}{' …' if len(outside) > 10 else ''}",
            stacklevel=2,
        )
    if without:
        warnings.warn(
            f"{len(without)} cité(s) hold no dwelling row, building indicators are NA: "
            f"cite_id {', '.join(map(str, without[:20]))}{' …' if len(without) > 20 else ''}",
            stacklevel=2,
        )
    if unmatched:
        warnings.warn(
            f"{len(unmatched)} DPE row(s) match no RPLS dwelling and are not counted",
            stacklevel=2,
        )
    out.attrs["dwellings_outside"] = list(outside)
    out.attrs["cites_without_dwellings"] = without
    out.attrs["dpe_unmatched"] = unmatched
    return out
