"""A realistic synthetic indicator table, built in code, for tests, docs and benchmarks.

The table mimics what :func:`cites_priority.indicators.compute_indicators` returns for the
543 cités minières (columns of ``docs/contracts.md`` §3): skewed sizes (about 70 000
logements in all, a long tail of small cités), correlated need indicators driven by one
latent "need" factor, 124 UNESCO cités and a few missing values. Nothing here is real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cites_priority.constants import RUC_BREAKS_SHARE, RUC_REFERENCE_EUR

__all__ = ["EXAMPLE_EPCI", "example_indicators", "example_reference"]

#: SIREN codes of the eight EPCI of the basin used by the synthetic table.
EXAMPLE_EPCI = (
    "200033579",  # CA Béthune-Bruay Artois Lys Romane
    "246200364",  # CA Lens-Liévin
    "246200729",  # CA Hénin-Carvin
    "200044618",  # Douaisis Agglo
    "245901152",  # CC Cœur d'Ostrevent
    "200041960",  # CA de la Porte du Hainaut
    "245901160",  # Valenciennes Métropole
    "200067965",  # CC Osartis-Marquion (marginal)
)
_EPCI_P = (0.22, 0.2, 0.1, 0.13, 0.08, 0.13, 0.12, 0.02)


def example_indicators(n: int = 543, *, seed: int = 0) -> pd.DataFrame:
    """Build a synthetic indicator table indexed by ``cite_id``.

    Parameters
    ----------
    n
        Number of cités.
    seed
        Seed of the random generator (the table is a pure function of ``n`` and ``seed``).

    Returns
    -------
    pandas.DataFrame
        Index ``cite_id`` (int64, 1001…), the indicator columns of contracts §3, plus
        ``epci`` (str) and ``need`` (the latent factor, for tests only).

    Examples
    --------
    >>> t = example_indicators()
    >>> t.shape[0], int(t["logements"].sum()) > 60000
    (543, True)
    """
    rng = np.random.default_rng(seed)
    ids = np.arange(1001, 1001 + n, dtype="int64")
    need = rng.normal(size=n)
    logements = np.clip(np.round(rng.lognormal(4.35, 1.05, size=n)), 8, 2400).astype("int64")
    epci = rng.choice(np.array(EXAMPLE_EPCI), size=n, p=_EPCI_P)

    def noisy(scale: float) -> np.ndarray:
        return need * scale + rng.normal(size=n)

    niveau_vie = np.clip(16500 - 1800 * noisy(1.0) / 1.4, 8500, 32000)
    breaks = np.array(RUC_BREAKS_SHARE) * RUC_REFERENCE_EUR
    ruc_class = np.searchsorted(breaks, niveau_vie, side="right") + 1
    poverty = np.clip(0.24 + 0.07 * noisy(1.0) / 1.4, 0.03, 0.7)
    share_65 = np.clip(rng.beta(4, 14, size=n) + 0.02 * need, 0.02, 0.6)
    social_housing = np.clip(rng.beta(5, 3, size=n), 0.0, 1.0)
    pop = logements * rng.uniform(1.9, 2.6, size=n)
    imputed = np.clip(rng.beta(1, 8, size=n) + (logements < 40) * 0.3, 0, 1)

    share_efg = np.clip(0.38 + 0.12 * noisy(0.8) / 1.3, 0, 1)
    mean_dpe = np.clip(4.4 + 0.6 * noisy(0.8) / 1.3, 1, 7)
    share_unfit = np.clip(rng.gamma(1.2, 0.04, size=n) + 0.01 * need, 0, 1)
    renovated = np.clip(rng.beta(2, 6, size=n) - 0.04 * need, 0, 1)
    n_dwellings = np.round(logements * rng.uniform(0.6, 1.0, size=n))
    year = np.round(rng.normal(1925, 15, size=n))

    unesco = np.zeros(n, dtype="int64")
    unesco[rng.choice(n, size=min(124, n), replace=False)] = 1
    heritage_rank = np.where(
        unesco == 1,
        rng.choice([1, 2, 3], size=n, p=[0.3, 0.45, 0.25]),
        rng.choice([0, 1, 2, 3], size=n, p=[0.45, 0.35, 0.15, 0.05]),
    )
    share_in_bien = np.where(unesco == 1, rng.uniform(0.6, 1.0, size=n), 0.0)
    share_in_buffer = np.where(unesco == 1, 1.0, rng.beta(1, 3, size=n))
    poor_x_her = share_efg * heritage_rank / 3

    dist_centrality = rng.lognormal(7.0, 0.6, size=n) * np.exp(0.15 * need)
    dist_major_site = rng.lognormal(7.8, 0.5, size=n)
    dist_transit = rng.lognormal(6.0, 0.8, size=n)
    qpv_share = np.where(rng.random(n) < 0.3 + 0.1 * (need > 0.5), rng.beta(2, 2, size=n), 0.0)
    enclavement = np.clip(rng.beta(2, 4, size=n) + 0.05 * need, 0, 1)

    t = pd.DataFrame(
        {
            "pop_200m": pop,
            "niveau_vie": niveau_vie,
            "poverty_rate": poverty,
            "share_65_plus": share_65,
            "social_housing_share": social_housing,
            "imputed_share": imputed,
            "ruc_class": ruc_class.astype("int64"),
            "n_dwellings": n_dwellings,
            "share_dpe_efg": share_efg,
            "mean_dpe_rank": mean_dpe,
            "share_unfit": share_unfit,
            "share_renovated_10y": renovated,
            "median_construction_year": year,
            "heritage_rank": heritage_rank.astype("int64"),
            "unesco": unesco,
            "share_in_bien": share_in_bien,
            "share_in_buffer": share_in_buffer,
            "poor_state_x_heritage": poor_x_her,
            "dist_centrality_m": dist_centrality,
            "dist_major_site_m": dist_major_site,
            "dist_transit_m": dist_transit,
            "qpv_share": qpv_share,
            "logements": logements,
            "enclavement": enclavement,
            "epci": pd.array(epci, dtype="str"),
            "need": need,
        },
        index=pd.Index(ids, name="cite_id"),
    )
    # A few holes, as in real data: tiny cités without income, cités without DPE.
    for col, frac in (("niveau_vie", 0.02), ("share_dpe_efg", 0.04), ("mean_dpe_rank", 0.04),
                      ("share_unfit", 0.05), ("share_renovated_10y", 0.03)):
        holes = rng.random(n) < frac
        t.loc[holes, col] = np.nan
    t.loc[t["niveau_vie"].isna(), "ruc_class"] = 0
    return t


def example_reference(table: pd.DataFrame, *, size: int = 25, seed: int = 0) -> list[int]:
    """Pick a plausible reference list: large, needy cités (for calibration tests).

    Parameters
    ----------
    table
        A table from :func:`example_indicators`.
    size
        Number of cités in the list.
    seed
        Seed of the noise added to the hidden priority.

    Returns
    -------
    list of int
        ``cite_id`` of the reference cités, about 12 000 logements in all.
    """
    rng = np.random.default_rng(seed)
    big = table["logements"] >= 250
    hidden = (
        table["need"]
        + 0.8 * table["heritage_rank"] / 3
        + 0.3 * rng.normal(size=len(table))
    )
    hidden = hidden.where(big, -np.inf)
    return [int(i) for i in hidden.sort_values(ascending=False).index[:size]]
