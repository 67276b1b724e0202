"""Landlord dwelling rows: RPLS (one row per social dwelling) and DPE v2 (a subset).

Every cité with a ``PROPRIETAIRE`` gets rows for most of its logements (the rest are
private); construction years follow the typology, DPE classes a latent 'thermal
badness' (age, cité effect, renovation, conditioning bias) cut so that the documented
totals hold: ≈ 15 000 rows in E/F/G, ≈ 40 % of Maisons et Cités rows 'très faible
performance thermique' (E/F/G, or D with a GES label F/G), ≈ 4 000 structurally unfit.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..constants import DPE_CLASSES
from ..sources.layouts import DPE_LAYOUTS, RPLS_LAYOUTS
from .spec import DwellingsSpec

__all__ = [
    "DPE_COLUMNS",
    "INVENTORY_COLUMNS",
    "RPLS_COLUMNS",
    "DwellingDraws",
    "DwellingLabels",
    "draw_dwellings",
    "dwelling_tables",
    "label_dwellings",
    "make_dwellings",
    "very_poor_mask",
]

#: The SDES RPLS 2023 public layout (sources.layouts) and ADEME's dpe03existant layout.
RPLS_COLUMNS = list(RPLS_LAYOUTS["rpls_2023"].columns)
DPE_COLUMNS = list(DPE_LAYOUTS["dpe03existant"].columns)
#: A landlord's own inventory (not published): the fields no public file carries.
INVENTORY_COLUMNS = ["NUMERO_LOGEMENT", "BAILLEUR", "DEPCOM", "X", "Y", "ANNEE_REHAB", "INADAPTE"]
_YEARS = {
    "Corons": (1860, 1913),
    "Cité pavillonnaire": (1900, 1939),
    "Cité jardin": (1904, 1939),
    "Cité moderne": (1946, 1975),
}
_SHARE_AD = np.array([0.02, 0.08, 0.35, 0.55])
_SHARE_EFG = np.array([0.65, 0.25, 0.10])


def very_poor_mask(energy: pd.Series, ges: pd.Series) -> pd.Series:
    """'Très faible performance thermique': class E/F/G, or D with a GES label F/G."""
    return energy.isin(["E", "F", "G"]) | (energy.eq("D") & ges.isin(["F", "G"]))


def _points_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    inner = geom.buffer(-1.0)  # keep rounded coordinates strictly inside
    if not inner.is_empty and inner.area > 0.2 * geom.area:
        geom = inner
    x0, y0, x1, y1 = geom.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(16, 2 * (n - len(out)))
        cand = np.column_stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)])
        ok = shapely.contains_xy(geom, cand[:, 0], cand[:, 1])
        out = np.vstack([out, cand[ok]])
    return np.round(out[:n], 1)


def _dates(rng: np.random.Generator, n: int, start: str, end: str) -> np.ndarray:
    a, b = np.datetime64(start), np.datetime64(end)
    days = rng.integers(0, int((b - a).astype(int)) + 1, n)
    return (a + days.astype("timedelta64[D]")).astype(str)


def make_dwellings(cites: gpd.GeoDataFrame, *, spec: DwellingsSpec, bias: np.ndarray,
                   qpv: gpd.GeoDataFrame | None, commune_names: dict[str, str],
                   rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Draw the RPLS, DPE v2 and landlord-inventory rows (:func:`draw_dwellings` → :func:`label_dwellings` → tables).

    Parameters
    ----------
    cites
        The inventory with ``NB_LOGTS``, ``TYPE``, ``PROPRIETAIRE``, ``INSEE_COM``.
    spec
        Calibration targets.
    bias
        Per cité, added to the latent thermal badness and unfitness (0 = none).
    qpv
        QPV polygons (for the ``QPV`` flag), or None.
    commune_names
        INSEE code → commune name (``LIBCOM``).
    rng
        The random generator.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(rpls, dpe, inventory)`` with :data:`RPLS_COLUMNS`, :data:`DPE_COLUMNS` and
        :data:`INVENTORY_COLUMNS` (text-ready).
    """
    draws = draw_dwellings(cites, spec=spec, qpv=qpv, rng=rng)
    return dwelling_tables(draws, label_dwellings(draws, bias, spec=spec), commune_names=commune_names)


@dataclass(frozen=True)
class DwellingDraws:
    """Every random draw of the dwelling rows that does not depend on the conditioning bias.

    Per cité (length = number of cités): ``n_rows``, ``cite_effect`` (latent thermal
    effect), ``cite_reno`` (renovation propensity). Per row: ``rep`` (row position of its
    cité), ``landlord``, ``year``, ``reno_u``/``reno_year`` (renovation draw), ``noise_bad``,
    ``noise_unfit``, ``ges_jitter``, ``ges_u``, ``has_dpe`` (RPLS label present),
    ``dpe_v2`` (has a DPE v2 row), ``xy``, ``qpv`` and the descriptive fields.
    """

    n_rows: np.ndarray
    cite_effect: np.ndarray
    cite_reno: np.ndarray
    rep: np.ndarray
    landlord: np.ndarray
    year: np.ndarray
    reno_u: np.ndarray
    reno_year: np.ndarray
    noise_bad: np.ndarray
    noise_unfit: np.ndarray
    ges_jitter: np.ndarray
    ges_u: np.ndarray
    has_dpe: np.ndarray
    dpe_v2: np.ndarray
    dpe_v2_dates: np.ndarray
    xy: np.ndarray
    qpv: np.ndarray
    insee: np.ndarray
    typeconst: np.ndarray
    nbpiece: np.ndarray
    surface: np.ndarray
    dpedate: np.ndarray
    renovated_share: float


@dataclass(frozen=True)
class DwellingLabels:
    """The bias-dependent labels of each row: DPE class, GES, unfit, renovation."""

    dpe_class: np.ndarray
    ges: np.ndarray
    unfit: np.ndarray
    renovated: np.ndarray
    reno_year: np.ndarray

    @property
    def rank(self) -> np.ndarray:
        """DPE class rank, A = 1 … G = 7."""
        return np.searchsorted(np.array(DPE_CLASSES), self.dpe_class.astype(str)) + 1


def draw_dwellings(
    cites: gpd.GeoDataFrame,
    *,
    spec: DwellingsSpec,
    qpv: gpd.GeoDataFrame | None,
    rng: np.random.Generator,
) -> DwellingDraws:
    """Draw the rows of every cité with a landlord (counts, years, positions, noises).

    Parameters
    ----------
    cites
        The inventory with ``NB_LOGTS``, ``TYPE``, ``PROPRIETAIRE``, ``INSEE_COM``.
    spec
        Calibration targets (landlord share, DPE v2 share, renovated share).
    qpv
        QPV polygons (for the ``QPV`` flag), or None.
    rng
        The random generator (consumed in a fixed order: same seed, same draws).
    """
    nc = len(cites)
    landlord = cites["PROPRIETAIRE"].to_numpy()
    share = rng.uniform(*spec.landlord_share, nc)
    n_rows = np.where(pd.isna(landlord), 0, np.rint(cites["NB_LOGTS"].to_numpy() * share)).astype(int)
    types = cites["TYPE"].fillna("Cité pavillonnaire").to_numpy()
    yr_lo = np.array([_YEARS.get(t, (1900, 1939))[0] for t in types])
    yr_hi = np.array([_YEARS.get(t, (1900, 1939))[1] for t in types])
    cite_year = rng.uniform(yr_lo, yr_hi)
    cite_effect = rng.normal(0, 0.6, nc)
    cite_reno = rng.beta(1.2, 2.8, nc)
    rep = np.repeat(np.arange(nc), n_rows)
    n = len(rep)
    ll = np.array([str(x) if isinstance(x, str) else "" for x in landlord], dtype=object)[rep]
    mixed = ll == "Maisons et Cités / SIA"
    ll[mixed] = np.where(rng.random(mixed.sum()) < 0.7, "Maisons et Cités", "SIA Habitat")
    ll[ll == "SIA"] = "SIA Habitat"
    year = np.clip(np.rint(cite_year[rep] + rng.normal(0, 3, n)), yr_lo[rep], yr_hi[rep]).astype(int)
    reno_u = rng.random(n)
    reno_year = rng.integers(1990, 2025, n)
    noise_bad = rng.normal(0, 0.7, n)
    ges_jitter = rng.integers(-1, 2, n)
    ges_u = rng.random(n)
    noise_unfit = rng.normal(0, 0.8, n)
    xy = np.empty((n, 2))
    start = 0
    for i, k in enumerate(n_rows):
        if k:
            xy[start:start + k] = _points_in(cites.geometry.iat[i], int(k), rng)
            start += k
    in_qpv = np.zeros(n, dtype=int)
    if qpv is not None and len(qpv):
        u = shapely.union_all(qpv.geometry.values)
        shapely.prepare(u)
        in_qpv = shapely.contains_xy(u, xy[:, 0], xy[:, 1]).astype(int)
    insee = cites["INSEE_COM"].astype(str).to_numpy()[rep]
    typ_c = np.where((types[rep] == "Cité moderne") & (rng.random(n) < 0.25), "C", "I")
    nbp = rng.choice([2, 3, 4, 5], n, p=[0.12, 0.38, 0.38, 0.12])
    surf = np.round(28 + 15 * nbp + rng.normal(0, 6, n)).astype(int)
    dpedate = _dates(rng, n, "2012-01-01", "2020-12-31")
    has_dpe = rng.random(n) > 0.03
    dpe_v2 = rng.random(n) < spec.dpe_v2_share
    v2_dates = _dates(rng, int(dpe_v2.sum()), "2021-07-01", "2025-06-30")
    return DwellingDraws(
        n_rows=n_rows, cite_effect=cite_effect, cite_reno=cite_reno, rep=rep, landlord=ll, year=year,
        reno_u=reno_u, reno_year=reno_year, noise_bad=noise_bad, noise_unfit=noise_unfit,
        ges_jitter=ges_jitter, ges_u=ges_u, has_dpe=has_dpe, dpe_v2=dpe_v2, dpe_v2_dates=v2_dates,
        xy=xy, qpv=in_qpv, insee=insee, typeconst=typ_c, nbpiece=nbp, surface=surf, dpedate=dpedate,
        renovated_share=spec.renovated_share,
    )


def label_dwellings(draws: DwellingDraws, bias: np.ndarray, *, spec: DwellingsSpec) -> DwellingLabels:
    """DPE class, GES label, unfit flag and renovation of each row, for a per-cité ``bias``.

    The latent thermal badness of a row is age + cité effect + ``bias`` − renovation +
    noise; the classes cut it so that ``spec.efg_total`` rows are E/F/G (E 65 %, F 25 %,
    G 10 %) and the rest D 55 %, C 35 %, B 8 %, A 2 %; the ``spec.unfit_total`` rows of
    worst latent unfitness are unfit. A higher bias also lowers the cité's renovation
    propensity (−0.25 per unit). Pure: same draws and bias, same labels.
    """
    d = draws
    bias = np.asarray(bias, float)
    rep = d.rep
    n = len(rep)
    cite_effect = d.cite_effect + bias
    cite_reno = np.clip(d.cite_reno - 0.25 * bias, 0, 1)
    renovated = d.reno_u < cite_reno[rep] * d.renovated_share / max(cite_reno.mean(), 1e-9)
    reno_year = np.where(renovated, d.reno_year, 0)
    age_term = (2020 - d.year) / 60.0
    reno_term = np.where(renovated, 1.2 + (reno_year - 1990) / 30.0, 0.0)
    bad = age_term + cite_effect[rep] - reno_term + d.noise_bad
    order = np.argsort(-bad, kind="stable")
    cls = np.empty(n, dtype=object)
    n_efg = min(spec.efg_total, n)
    cuts_efg = np.rint(np.cumsum(_SHARE_EFG) * n_efg).astype(int)
    cuts_ad = n_efg + np.rint(np.cumsum(_SHARE_AD) * (n - n_efg)).astype(int)
    # worst first: G, F, E then D, C, B, A
    bounds = [0, n_efg - cuts_efg[1], n_efg - cuts_efg[0], n_efg]
    cls[order[bounds[0]:bounds[1]]] = "G"
    cls[order[bounds[1]:bounds[2]]] = "F"
    cls[order[bounds[2]:bounds[3]]] = "E"
    ad_sizes = np.diff(np.concatenate([[n_efg], cuts_ad]))[::-1]  # D, C, B, A
    pos = n_efg
    for letter, size in zip("DCBA", ad_sizes, strict=True):
        cls[order[pos:pos + size]] = letter
        pos += size
    cls[order[pos:]] = "A"
    rank = np.searchsorted(np.array(DPE_CLASSES), cls.astype(str))
    ges_rank = np.clip(rank + d.ges_jitter, 0, 6)
    # D rows of Maisons et Cités with the worst GES so that ~40 % are 'very poor'.
    mc = d.landlord == "Maisons et Cités"
    efg_mc = (mc & (rank >= 4)).sum()
    d_mc = np.flatnonzero(mc & (rank == 3))
    need = int(round(spec.very_poor_share_mc * mc.sum())) - int(efg_mc)
    ges_rank[d_mc] = np.minimum(ges_rank[d_mc], 4)
    if need > 0 and len(d_mc):
        pick = d_mc[np.argsort(-bad[d_mc], kind="stable")[: min(need, len(d_mc))]]
        ges_rank[pick] = np.where(d.ges_u[pick] < 0.7, 5, 6)
    ges = np.array(DPE_CLASSES, dtype=object)[ges_rank]
    # Structurally unfit: the worst latent unfitness.
    unfit_score = 0.6 * bad + cite_effect[rep] * 0.8 + d.noise_unfit - 2.0 * renovated
    unfit = np.zeros(n, dtype=int)
    unfit[np.argsort(-unfit_score, kind="stable")[: min(spec.unfit_total, n)]] = 1
    return DwellingLabels(dpe_class=cls, ges=ges, unfit=unfit, renovated=renovated, reno_year=reno_year)


def dwelling_tables(
    draws: DwellingDraws, labels: DwellingLabels, *, commune_names: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The RPLS, DPE and landlord-inventory tables, text-ready, in the published layouts.

    RPLS in the SDES 2023 public layout (:data:`RPLS_COLUMNS`: no dwelling id, no
    landlord), DPE in ADEME's ``dpe03existant`` layout (:data:`DPE_COLUMNS`; the RPLS
    number is left empty, as in nearly all real rows), and the landlord's own fields
    (rehabilitation year, unfitness) in a separate inventory (:data:`INVENTORY_COLUMNS`).
    Columns the engine never reads are written empty, as in a filtered export.
    """
    d = draws
    n = len(d.rep)
    insee = d.insee
    cls = labels.dpe_class
    dep = np.array([c[:2] for c in insee], dtype=object)
    x = np.char.mod("%.1f", d.xy[:, 0])
    y = np.char.mod("%.1f", d.xy[:, 1])
    values = {
        "REG_CODE": np.full(n, "32", dtype=object),
        "REG_LIBELLE": np.full(n, "Hauts-de-France", dtype=object),
        "DEP_CODE": dep,
        "DEP_LIBELLE": np.where(dep == "59", "Nord", "Pas-de-Calais"),
        "DEPCOM_CODE": insee,
        "DEPCOM_LIBELLE": [commune_names.get(c, "") for c in insee],
        "DROIT_CODE": np.full(n, "1", dtype=object),
        "DROIT_LIBELLE": np.full(n, "Pleine propriété", dtype=object),
        "QPV_CODE": np.where(d.qpv == 1, "QP", ""),
        "TYPECONST": d.typeconst,
        "NBPIECE": d.nbpiece,
        "SURFHAB": d.surface,
        "CONSTRUCT": d.year,
        "DPEDATE": np.where(d.has_dpe, d.dpedate, ""),
        "DPEENERGIE": np.where(d.has_dpe, cls, ""),
        "DPESERRE": np.where(d.has_dpe, labels.ges, ""),
        "X": x,
        "Y": y,
    }
    rpls = pd.DataFrame({c: values.get(c, "") for c in RPLS_COLUMNS})
    sub = np.flatnonzero(d.dpe_v2)
    dvalues = {
        "numero_dpe": [f"2{59 if insee[k].startswith('59') else 62}{k:010d}" for k in sub],
        "date_etablissement_dpe": d.dpe_v2_dates,
        "etiquette_dpe": cls[sub],
        "etiquette_ges": labels.ges[sub],
        "annee_construction": d.year[sub],
        "type_batiment": np.where(d.typeconst[sub] == "C", "appartement", "maison"),
        "surface_habitable_logement": d.surface[sub],
        "code_insee_ban": insee[sub],
        "nom_commune_ban": [commune_names.get(insee[k], "") for k in sub],
        "code_departement_ban": [c[:2] for c in insee[sub]],
        "coordonnee_cartographique_x_ban": x[sub],
        "coordonnee_cartographique_y_ban": y[sub],
        "statut_geocodage": np.full(len(sub), "adresse géocodée ban à l'adresse", dtype=object),
    }
    dpe = pd.DataFrame({c: dvalues.get(c, "") for c in DPE_COLUMNS})
    inventory = pd.DataFrame(
        {
            "NUMERO_LOGEMENT": [f"{insee[k]}{d.rep[k]:04d}{k:06d}" for k in range(n)],
            "BAILLEUR": d.landlord,
            "DEPCOM": insee,
            "X": x,
            "Y": y,
            "ANNEE_REHAB": np.where(labels.renovated, labels.reno_year.astype(str), ""),
            "INADAPTE": labels.unfit,
        }
    )
    return rpls, dpe, inventory
