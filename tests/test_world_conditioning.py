"""The conditioning loop: hidden noise, building indicators from labels, the bias loop."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cites_priority.world.conditioning import (
    building_from_labels,
    condition_dwellings,
    dwelling_membership,
    hidden_noise,
    mission_scenario,
    noisy_scores,
)
from cites_priority.world.dwellings import draw_dwellings, dwelling_tables, label_dwellings
from cites_priority.world.spec import DwellingsSpec, MissionSpec, MissionWeights

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "mission_2016.yaml"
needs_scenario = pytest.mark.skipif(not SCENARIO.is_file(), reason="configs/mission_2016.yaml absent")


def _toy_cites(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` square cités of 4–9 ha on a line near Lens, with landlords and typologies."""
    rng = np.random.default_rng(seed)
    side = rng.uniform(200, 300, n)
    x0 = 680000 + np.arange(n) * 400.0
    geoms = [shapely.box(x, 7030000, x + s, 7030000 + s) for x, s in zip(x0, side, strict=True)]
    types = np.array(["Corons", "Cité pavillonnaire", "Cité jardin", "Cité moderne"])[np.arange(n) % 4]
    return gpd.GeoDataFrame(
        {
            "ID_LSM": np.arange(1, n + 1),
            "cite_id": np.arange(1, n + 1),
            "NB_LOGTS": np.rint(side**2 / 1e4 * 20).astype(int),
            "TYPE": types,
            "PROPRIETAIRE": ["Maisons et Cités" if k % 7 else "SIA" for k in range(n)],
            "INSEE_COM": "62498",
        },
        geometry=geoms,
        crs="EPSG:2154",
    )


def _spec(cites: gpd.GeoDataFrame) -> DwellingsSpec:
    total = int(cites["NB_LOGTS"].sum())
    return DwellingsSpec(efg_total=total // 5, unfit_total=total // 20)


def test_hidden_noise_is_keyed_by_cite_id() -> None:
    ids = np.array([5, 900001, 12, 2001, 7])
    z = hidden_noise(ids, 3)
    perm = np.array([3, 0, 4, 1, 2])
    assert np.array_equal(hidden_noise(ids[perm], 3), z[perm])
    assert not np.allclose(hidden_noise(ids, 4), z)


def test_noisy_scores_scale_with_the_score_spread() -> None:
    s = np.linspace(0.2, 0.8, 200)
    z = hidden_noise(np.arange(200), 1)
    assert np.array_equal(noisy_scores(s, z, 0.0), s)
    d = noisy_scores(s, z, 0.5) - s
    assert np.std(d) == pytest.approx(0.5 * np.std(s) * np.std(z))


def test_labels_keep_the_documented_totals_whatever_the_bias() -> None:
    cites = _toy_cites(30)
    spec = _spec(cites)
    draws = draw_dwellings(cites, spec=spec, qpv=None, rng=np.random.default_rng(1))
    for bias in (np.zeros(30), np.linspace(-3, 5, 30)):
        lab = label_dwellings(draws, bias, spec=spec)
        assert np.isin(lab.dpe_class, ["E", "F", "G"]).sum() == spec.efg_total
        assert lab.unfit.sum() == spec.unfit_total
    # A higher bias worsens the cité's rows.
    lo = label_dwellings(draws, np.zeros(30), spec=spec)
    b = np.zeros(30)
    b[4] = 3.0
    hi = label_dwellings(draws, b, spec=spec)
    rows = draws.rep == 4
    assert hi.rank[rows].mean() > lo.rank[rows].mean()


@pytest.mark.parametrize("min_dpe", [None, 10**6])
def test_building_from_labels_matches_the_engine(tmp_path: Path, monkeypatch, min_dpe) -> None:
    """The conditioning's formulas equal the engine's, with labels from the DPE 2021+ rows
    (default threshold: every toy cité has enough) and from the RPLS (threshold never met)."""
    from cites_priority.indicators import building
    from cites_priority.sources import load_dpe, load_rpls
    from cites_priority.sources.bailleurs import load_landlord_inventory

    if min_dpe is not None:
        monkeypatch.setattr(building, "DPE_MIN_ROWS", min_dpe)
    cites = _toy_cites(24)
    spec = _spec(cites)
    draws = draw_dwellings(cites, spec=spec, qpv=None, rng=np.random.default_rng(2))
    bias = np.linspace(-2, 3, 24)
    lab = label_dwellings(draws, bias, spec=spec)
    rpls, dpe, inventory = dwelling_tables(draws, lab, commune_names={"62498": "Lens"})
    rpls.to_csv(tmp_path / "rpls.csv", sep=";", index=False)
    dpe.to_csv(tmp_path / "dpe.csv", index=False)
    inventory.to_csv(tmp_path / "inventaire.csv", sep=";", index=False)
    engine = building.building_indicators(
        cites, load_rpls(tmp_path / "rpls.csv"), load_dpe(tmp_path / "dpe.csv"),
        load_landlord_inventory(tmp_path / "inventaire.csv"), min_dpe=building.DPE_MIN_ROWS,
    )
    expected = "rpls" if min_dpe else "dpe_2021"
    assert engine["dpe_source"].eq(expected).all()
    engine = engine.drop(columns="dpe_source")
    member = dwelling_membership(cites, draws.xy)
    ours = building_from_labels(draws, lab, member, pd.Index(cites["cite_id"], name="cite_id"))
    for col in engine.columns:
        np.testing.assert_allclose(ours[col].to_numpy(float), engine[col].to_numpy(dtype=float, na_value=np.nan),
                                   err_msg=col)


@needs_scenario
def test_loop_puts_the_lists_on_top() -> None:
    n = 60
    cites = _toy_cites(n, seed=3)
    spec = _spec(cites)
    draws = draw_dwellings(cites, spec=spec, qpv=None, rng=np.random.default_rng(4))
    rng = np.random.default_rng(5)
    index = pd.Index(cites["cite_id"], name="cite_id")
    fixed = pd.DataFrame(
        {
            "niveau_vie": rng.uniform(12000, 24000, n), "poverty_rate": rng.uniform(0.05, 0.4, n),
            "share_65_plus": rng.uniform(0.1, 0.35, n), "social_housing_share": rng.uniform(0, 0.9, n),
            "heritage_rank": 1, "unesco": rng.integers(0, 2, n), "share_in_bien": rng.uniform(0, 1, n),
            "dist_centrality_m": rng.uniform(0, 8000, n), "dist_transit_m": rng.uniform(0, 6000, n),
            "qpv_share": rng.uniform(0, 1, n), "enclavement": rng.uniform(0, 1, n),
        },
        index=index,
    )
    mission_spec = MissionSpec(weights=MissionWeights(social=0.3, heritage=0.2, building=0.35, urban=0.15))
    scen = mission_scenario(SCENARIO, mission_spec)
    # The listed cités are those the data favour least (the loop must work for them).
    base = fixed["poverty_rate"].rank().to_numpy()
    mission = base <= 5
    examined = base <= 12
    synthetic = np.zeros(n, bool)
    synthetic[:10] = True
    res = condition_dwellings(
        fixed, draws, dwelling_membership(cites, draws.xy), scenario=scen, mission=mission, examined=examined,
        interest=np.array(["Témoin"] * n, dtype=object), synthetic=synthetic,
        z=hidden_noise(index.to_numpy(), 1), spec=mission_spec, dwellings=spec, bias0=np.zeros(n),
    )
    assert res.mission_gap > 0 and res.examined_gap > 0
    top = res.noisy.sort_values(ascending=False).index
    assert set(top[:5]) == set(index[mission])
    assert set(top[:12]) == set(index[examined])
    assert res.history[-1] == (5, 12)
    # Only synthetic cités may change their heritage interest.
    assert (res.interest[~synthetic] == "Témoin").all()
