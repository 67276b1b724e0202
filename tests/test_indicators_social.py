"""Tests of the social indicators (Filosofi cells → cités, ratios after aggregation)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cites_priority.indicators.social import SOCIAL_COLUMNS, ruc_class, social_indicators

X0, Y0 = 3_842_000, 3_036_000


def _cells(rows):
    """rows: (dx, dy, i_est, ind, ind_snv, men, men_pauv, ind_65_79, ind_80p, log_soc, lcog)."""
    cols = ["dx", "dy", "i_est_200", "ind", "ind_snv", "men", "men_pauv", "ind_65_79", "ind_80p", "log_soc", "lcog_geo"]
    df = pd.DataFrame(rows, columns=cols)
    df["x_laea"] = X0 + 200 * df.pop("dx")
    df["y_laea"] = Y0 + 200 * df.pop("dy")
    return df


def _cites(boxes, ids, crs="EPSG:3035"):
    geoms = [shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d in boxes]
    return gpd.GeoDataFrame({"cite_id": ids}, geometry=geoms, crs=crs)


FOUR = _cells(
    [
        (0, 0, 0, 100.0, 1_500_000.0, 40.0, 10.0, 10.0, 5.0, 20.0, "62498"),
        (1, 0, 0, 10.0, 300_000.0, 5.0, 0.0, 0.0, 0.0, 0.0, "62498"),
        (0, 1, 1, 50.0, 900_000.0, 20.0, 6.0, 5.0, 0.0, 10.0, "62510"),
        (1, 1, 0, 40.0, 700_000.0, 15.0, 4.0, 0.0, 5.0, 5.0, "62510"),
        (5, 5, 0, 999.0, 1e8, 500.0, 100.0, 0.0, 0.0, 0.0, "62510"),  # far away
    ]
)
# Dwellings by construction period (sum = men): before 1945, 1945–69, 1970–89, 1990+, unknown.
FOUR[["log_av45", "log_45_70", "log_70_90", "log_ap90", "log_inc"]] = [
    [20.0, 10.0, 5.0, 5.0, 0.0],
    [0.0, 0.0, 0.0, 5.0, 0.0],
    [10.0, 5.0, 5.0, 0.0, 0.0],
    [15.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 500.0, 0.0],
]


def test_cite_on_exactly_four_cells():
    out = social_indicators(FOUR, _cites([(0, 0, 400, 400)], [7]))
    row = out.loc[7]
    assert list(out.columns) == list(SOCIAL_COLUMNS)
    assert out.index.name == "cite_id"
    assert row["pop_200m"] == pytest.approx(200.0)
    # Σ ind_snv / Σ ind = 3.4e6 / 200 = 17 000, not the mean of cell means (≈ 19 500)
    assert row["niveau_vie"] == pytest.approx(17_000.0)
    assert row["poverty_rate"] == pytest.approx(20.0 / 80.0)
    assert row["share_65_plus"] == pytest.approx(25.0 / 200.0)
    assert row["social_housing_share"] == pytest.approx(35.0 / 80.0)
    assert row["share_built_before_1945"] == pytest.approx(45.0 / 80.0)
    assert row["share_built_1945_69"] == pytest.approx(15.0 / 80.0)
    assert row["imputed_share"] == pytest.approx(50.0 / 200.0)
    # 17 000 / 18 749 = 0.907 → class 5 (90–100 %)
    assert row["ruc_class"] == 5


def test_cite_straddling_a_commune_boundary_takes_both_sides():
    # right half of the four cells: cells (1,0) in 62498 and (1,1) in 62510, plus a half of (0,*)
    out = social_indicators(FOUR, _cites([(100, 0, 400, 400)], [1]))
    pop = 0.5 * 100 + 10 + 0.5 * 50 + 40
    snv = 0.5 * 1.5e6 + 3e5 + 0.5 * 9e5 + 7e5
    assert out.loc[1, "pop_200m"] == pytest.approx(pop)
    assert out.loc[1, "niveau_vie"] == pytest.approx(snv / pop)
    assert out.loc[1, "imputed_share"] == pytest.approx(25.0 / pop)
    dated = 0.5 * 40 + 5 + 0.5 * 20 + 15
    assert out.loc[1, "share_built_before_1945"] == pytest.approx((0.5 * 20 + 0 + 0.5 * 10 + 15) / dated)


def test_imputed_cells_give_imputed_share_one():
    out = social_indicators(FOUR, _cites([(10, 210, 190, 390)], [3]))  # inside the imputed cell
    assert out.loc[3, "imputed_share"] == pytest.approx(1.0)
    assert out.loc[3, "pop_200m"] == pytest.approx(50.0 * 180 * 180 / 40_000)
    assert out.loc[3, "niveau_vie"] == pytest.approx(18_000.0)


def test_empty_intersection_is_na_with_warning():
    cites = _cites([(0, 0, 400, 400), (3000, 3000, 3100, 3100)], [7, 8])
    with pytest.warns(UserWarning, match="cite_id 8"):
        out = social_indicators(FOUR, cites)
    assert out.loc[8].isna().all()
    assert out.loc[7].notna().all()
    assert out.attrs["cites_without_inhabited_cell"] == [8]


def test_l93_cites_are_reprojected():
    cites = _cites([(0, 0, 400, 400)], [7]).to_crs("EPSG:2154")
    out = social_indicators(FOUR, cites)
    assert out.loc[7, "pop_200m"] == pytest.approx(200.0, rel=1e-4)
    assert out.loc[7, "niveau_vie"] == pytest.approx(17_000.0, rel=1e-4)


def test_missing_count_columns_warn_and_give_na():
    cells = FOUR.drop(columns=["ind_65_79", "ind_80p", "log_soc"])
    with pytest.warns(UserWarning, match="ind_65_79"):
        out = social_indicators(cells, _cites([(0, 0, 400, 400)], [7]))
    assert pd.isna(out.loc[7, "share_65_plus"]) and pd.isna(out.loc[7, "social_housing_share"])
    assert out.loc[7, "niveau_vie"] == pytest.approx(17_000.0)


def test_population_weighting_moves_people_to_dwellings():
    cites = _cites([(0, 0, 100, 200)], [1])  # west half of cell (0, 0)
    pts = gpd.GeoSeries(shapely.points([X0 + 10, X0 + 20, X0 + 30, X0 + 150], [Y0 + 50] * 4), crs="EPSG:3035")
    area = social_indicators(FOUR, cites)
    pop = social_indicators(FOUR, cites, weighting="population", points=pts)
    assert area.loc[1, "pop_200m"] == pytest.approx(50.0)
    assert pop.loc[1, "pop_200m"] == pytest.approx(75.0)
    assert pop.loc[1, "niveau_vie"] == pytest.approx(15_000.0)  # ratio unchanged within one cell


def test_ruc_class_breaks():
    ref = 18_749.0
    values = pd.Series([0.59 * ref, 0.6 * ref, 0.75 * ref, 0.95 * ref, ref, 1.3 * ref, 1.5 * ref, 1.6 * ref, 2 * ref, np.nan])
    assert ruc_class(values).tolist()[:9] == [1, 2, 3, 5, 6, 7, 8, 9, 9]
    assert pd.isna(ruc_class(values).iloc[9])


def test_real_cells_on_real_cites(real_dir):
    cells = pd.read_csv(real_dir / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv")
    cites = gpd.read_file(real_dir / "mbm_unesco" / "zt-cites-minieres.geojson")
    cites = cites.set_geometry(shapely.make_valid(cites.geometry.values)).to_crs("EPSG:2154")
    cites["cite_id"] = cites["id_lsm"].astype("int64")
    with pytest.warns(UserWarning):
        out = social_indicators(cells, cites)
    inhabited = out["pop_200m"].notna()
    assert inhabited.mean() > 0.8
    nv = out.loc[inhabited, "niveau_vie"]
    assert nv.between(8_000, 40_000).all()
    assert out.loc[inhabited, "poverty_rate"].between(0, 1).all()
    assert out.loc[inhabited, "imputed_share"].between(0, 1).all()


def test_real_dwelling_periods_on_real_cites(real_dir):
    """Real Filosofi periods: the UNESCO cités' stock is older than the basin's (36.9 % pre-1945)."""
    folder = real_dir / "filosofi"
    cells = pd.read_csv(folder / "filosofi2019_carreaux200m_bassin_minier.csv").merge(
        pd.read_csv(folder / "filosofi2019_carreaux200m_bassin_minier_logements.csv"), on="idcar_200m", validate="1:1"
    )
    basin = cells["log_av45"].sum() / cells["men"].sum()
    assert basin == pytest.approx(0.369, abs=0.001)
    cites = gpd.read_file(real_dir / "mbm_unesco" / "cites-minieres.geojson")
    cites = cites[cites["id_unesco"].notna()]
    cites = cites.set_geometry(shapely.make_valid(cites.geometry.values)).to_crs("EPSG:2154")
    cites["cite_id"] = np.arange(len(cites))
    with pytest.warns(UserWarning):  # no age bands in the real extract
        out = social_indicators(cells, cites)
    ok = out["pop_200m"].notna()
    pre, post = out.loc[ok, "share_built_before_1945"], out.loc[ok, "share_built_1945_69"]
    assert pre.between(0, 1).all() and post.between(0, 1).all() and (pre + post <= 1 + 1e-9).all()
    assert pre.median() > basin + 0.15
    assert out.loc[ok, "social_housing_share"].median() > 0.30  # basin: 30.0 %


def test_missing_imputation_flag_gives_na_imputed_share():
    with pytest.warns(UserWarning, match="i_est_200"):
        out = social_indicators(FOUR.drop(columns=["i_est_200"]), _cites([(0, 0, 400, 400)], [7]))
    assert pd.isna(out.loc[7, "imputed_share"])
    assert out.loc[7, "pop_200m"] == pytest.approx(200.0)
