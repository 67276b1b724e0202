"""Building-condition indicators from published dwelling rows (RPLS, ADEME DPE) and, when a
landlord shares it, the landlord's own inventory.

Every row is a point; it belongs to the cité whose polygon contains it
(``geopandas.sjoin``, predicate ``within``; a row inside two overlapping cités counts in
both). Rows are never linked across files (no public RPLS carries the RPLS number a DPE
may quote).

Energy labels come from one source per cité, said in ``dpe_source``:

- ``dpe_2021``: the ADEME DPE rows (2021+ method, all tenures) inside the cité, when it
  holds at least :data:`DPE_MIN_ROWS` of them with a label;
- ``rpls``: otherwise the RPLS ``DPEENERGIE`` labels (older methods) of its social
  dwellings; NA when neither has a label.

A DPE of ``type_batiment = immeuble`` (one diagnosis for a whole building) counts as one
row, like a house or a flat: the label describes the building, and weighting it by a
number of flats the export does not always give would over-weight collective buildings,
rare in the cités.

``share_unfit`` and ``share_renovated_10y`` need fields no public file carries (the
landlord's diagnosis and rehabilitation year): they come from a landlord inventory (or
from an RPLS file a landlord augmented with ``INADAPTE``/``ANNEE_REHAB``) and are NA —
never 0 — when no input has the field.
"""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

from cites_priority.constants import DPE_CLASSES
from cites_priority.registry import INDICATOR_COLUMNS

__all__ = [
    "BUILDING_COLUMNS",
    "DEFAULT_REFERENCE_YEAR",
    "DPE_MIN_ROWS",
    "assign_dwellings",
    "building_indicators",
]

logger = logging.getLogger(__name__)

#: Output columns (numeric), in order; ``dpe_source`` (text) follows them.
BUILDING_COLUMNS = INDICATOR_COLUMNS["building"]

#: Year at which "renovated in the last 10 years" is judged: the vintage of the data
#: (renovation years up to 2025, DPE v2 since 2021). Use 2016 to replay the mission.
DEFAULT_REFERENCE_YEAR = 2025

#: Labelled DPE 2021+ rows a cité needs for its labels to come from the DPE file.
DPE_MIN_ROWS = 5

_RANK = {c: i + 1 for i, c in enumerate(DPE_CLASSES)}


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
    joined = gpd.sjoin(pts, cites[["cite_id", "geometry"]].reset_index(drop=True), how="left",
                       predicate="within")
    outside = pd.Index(sorted(joined.loc[joined["cite_id"].isna(), "dwelling_id"].astype(str)))
    joined = joined[joined["cite_id"].notna()].drop(columns=["index_right", "geometry"])
    joined["cite_id"] = joined["cite_id"].astype("int64")
    return pd.DataFrame(joined), outside


def _labels(joined: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Per cité: labelled rows, E/F/G rows and the sum of label ranks."""
    cls = joined["dpe_class"].astype("string")
    rank = cls.map(_RANK).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(rank)
    frame = pd.DataFrame({"cite_id": joined["cite_id"].to_numpy(), "known": known,
                          "efg": known & (rank >= 5), "rank": np.where(known, rank, 0.0)})
    g = frame.groupby("cite_id")[["known", "efg", "rank"]].sum()
    return g.reindex(index, fill_value=0).astype(float)


def _has(frame: gpd.GeoDataFrame | None, field: str) -> bool:
    """Whether ``frame`` came from a file holding ``field`` (loader's ``attrs["fields"]``)."""
    if frame is None:
        return False
    fields = frame.attrs.get("fields")
    return field in fields if fields is not None else bool(frame[field].notna().any())


def building_indicators(
    cites: gpd.GeoDataFrame,
    rpls: gpd.GeoDataFrame | None,
    dpe: gpd.GeoDataFrame | None = None,
    inventory: gpd.GeoDataFrame | None = None,
    *,
    reference_year: int = DEFAULT_REFERENCE_YEAR,
    min_dpe: int = DPE_MIN_ROWS,
) -> pd.DataFrame:
    """Building-condition indicators of each cité.

    Parameters
    ----------
    cites
        Canonical cités (``cite_id``, polygons).
    rpls
        RPLS dwelling rows (``dpe_class``, ``construction_year``, points), or None.
    dpe
        ADEME DPE rows (``dpe_class``, points), or None.
    inventory
        A landlord's inventory (``renovation_year``, ``unfit``, points), or None.
    reference_year
        A dwelling counts as renovated in the last 10 years when
        ``reference_year - 10 ≤ renovation_year ≤ reference_year``.
    min_dpe
        Labelled DPE rows a cité needs for its labels to come from the DPE file.

    Returns
    -------
    DataFrame
        Indexed by ``cite_id``: :data:`BUILDING_COLUMNS` then ``dpe_source``
        (``dpe_2021`` / ``rpls`` / NA). ``n_dwellings`` counts the RPLS rows (NA without
        an RPLS file). ``attrs``: ``dwellings_outside`` (rows inside no cité, by source),
        ``cites_without_dwellings``, ``unavailable`` (indicators no input can measure).
    """
    index = pd.Index(cites["cite_id"].to_numpy(), name="cite_id")
    joined: dict[str, pd.DataFrame] = {}
    outside: dict[str, int] = {}
    for name, frame in (("rpls", rpls), ("dpe", dpe), ("inventaire", inventory)):
        if frame is not None and len(frame):
            joined[name], out = assign_dwellings(cites, frame)
            outside[name] = len(out)

    out = pd.DataFrame(index=index)
    n_rpls = (joined["rpls"].groupby("cite_id").size().reindex(index, fill_value=0)
              if "rpls" in joined else pd.Series(0, index=index))
    out["n_dwellings"] = (n_rpls.astype("Int64") if rpls is not None
                          else pd.Series(pd.NA, index=index, dtype="Int64"))

    empty = pd.DataFrame(0.0, index=index, columns=["known", "efg", "rank"])
    lab_r = _labels(joined["rpls"], index) if "rpls" in joined else empty
    lab_d = _labels(joined["dpe"], index) if "dpe" in joined else empty
    use_dpe = lab_d["known"] >= min_dpe
    chosen = lab_d.where(use_dpe, lab_r)
    known = chosen["known"].where(chosen["known"] > 0)
    out["share_dpe_efg"] = chosen["efg"] / known
    out["mean_dpe_rank"] = chosen["rank"] / known
    source = np.where(use_dpe, "dpe_2021", np.where(lab_r["known"] > 0, "rpls", pd.NA))

    # landlord fields: from the inventory, or an RPLS file a landlord augmented
    flags = [joined[k] for k, f in (("rpls", rpls), ("inventaire", inventory))
             if k in joined and _has(f, "unfit")]
    if flags:
        rows = pd.concat(flags)
        unfit = pd.array(rows["unfit"], dtype="boolean").astype("Float64")
        out["share_unfit"] = (pd.Series(unfit.to_numpy(dtype=float, na_value=np.nan),
                                        index=rows.index).groupby(rows["cite_id"]).mean()
                              .reindex(index))
    else:
        out["share_unfit"] = np.nan
    renov = [joined[k] for k, f in (("rpls", rpls), ("inventaire", inventory))
             if k in joined and _has(f, "renovation_year")]
    if renov:
        rows = pd.concat(renov)
        year = pd.to_numeric(rows["renovation_year"], errors="coerce")
        recent = year.between(reference_year - 10, reference_year).fillna(False).astype(float)
        out["share_renovated_10y"] = recent.groupby(rows["cite_id"]).mean().reindex(index)
    else:
        out["share_renovated_10y"] = np.nan

    years = [joined[k] for k in ("rpls", "dpe") if k in joined]
    med = pd.Series(np.nan, index=index)
    for rows in years:  # RPLS first; DPE years only where the cité has no RPLS year
        y = pd.to_numeric(rows["construction_year"], errors="coerce").astype(float)
        m = y.groupby(rows["cite_id"]).median().reindex(index)
        med = med.fillna(m)
    out["median_construction_year"] = med
    for c in BUILDING_COLUMNS[1:]:
        out[c] = out[c].astype("Float64")
    out["dpe_source"] = pd.array(source, dtype="string")

    unavailable = [c for c in BUILDING_COLUMNS[1:] if out[c].isna().all()]
    without = sorted(index[out["share_dpe_efg"].isna()].tolist())
    if without and len(without) < len(index):
        warnings.warn(
            f"{len(without)} cité(s) sans aucune étiquette DPE (ni DPE 2021+, ni RPLS) : "
            f"cite_id {', '.join(map(str, without[:20]))}{' …' if len(without) > 20 else ''}",
            stacklevel=2,
        )
    out.attrs["dwellings_outside"] = outside
    out.attrs["cites_without_dwellings"] = without
    out.attrs["unavailable"] = unavailable
    out.attrs["dpe_source_counts"] = {k: int(v) for k, v in
                                      out["dpe_source"].value_counts().sort_index().items()}
    return out

