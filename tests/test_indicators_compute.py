"""Tests of compute_indicators on a small World built in code."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from cites_priority.indicators import INDICATOR_COLUMNS, compute_indicators
from cites_priority.sources import World

L93 = "EPSG:2154"
X0, Y0 = 3_842_000, 3_036_000  # EPSG:3035 lattice corner


def _world():
    cites = gpd.GeoDataFrame(
        {
            "cite_id": [101, 102],
            "heritage_interest": ["Remarquable", "Témoin"],
            "unesco": [True, False],
            "logements": pd.array([300, 80], dtype="Int64"),
        },
        geometry=[shapely.box(X0, Y0, X0 + 400, Y0 + 400), shapely.box(X0 + 1000, Y0, X0 + 1200, Y0 + 200)],
        crs="EPSG:3035",
    ).to_crs(L93)
    cells = pd.DataFrame(
        {
            "x_laea": [X0, X0 + 200, X0, X0 + 200, X0 + 1000],
            "y_laea": [Y0, Y0, Y0 + 200, Y0 + 200, Y0],
            "i_est_200": [0, 0, 1, 0, 0],
            "ind": [100.0, 10, 50, 40, 80],
            "ind_snv": [1.5e6, 3e5, 9e5, 7e5, 2.0e6],
            "men": [40.0, 5, 20, 15, 30],
            "men_pauv": [10.0, 0, 6, 4, 3],
            "ind_65_79": [10.0, 0, 5, 0, 8],
            "ind_80p": [5.0, 0, 0, 5, 2],
            "log_soc": [20.0, 0, 10, 5, 0],
        }
    )
    c = cites.geometry.centroid
    rpls = gpd.GeoDataFrame(
        {
            "dwelling_id": ["a", "b", "c"],
            "dpe_class": pd.array(["F", "C", "D"], dtype="string"),
            "unfit": pd.array([True, False, False], dtype="boolean"),
            "renovation_year": pd.array([None, 2020, None], dtype="Int64"),
            "construction_year": pd.array([1925, 1925, 1955], dtype="Int64"),
            "rpls_id": pd.array([None] * 3, dtype="string"),
        },
        geometry=[c.iloc[0], c.iloc[0], c.iloc[1]],
        crs=L93,
    )
    centralities = gpd.GeoDataFrame({"name": ["Lens"], "kind": ["centralite"]}, geometry=[c.iloc[0]], crs=L93)
    none = gpd.GeoDataFrame(geometry=[], crs=L93)  # an empty layer: indicators NA
    return World(
        cites=cites, cells=cells, rpls=rpls, dpe=None, inventory=None, communes=none, epci=none,
        bien=none, buffer=none, qpv=none, transit_lines=none, transit_stops=none,
        centralities=centralities, reference=None, provenance=None, data_dir=Path("."),
        checksums={},
    )


def test_all_contract_columns_indexed_by_cite_id():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = compute_indicators(_world())
    expected = [*INDICATOR_COLUMNS["social"], *INDICATOR_COLUMNS["building"], "dpe_source",
                *INDICATOR_COLUMNS["heritage"], *INDICATOR_COLUMNS["urban"],
                "logements_source", "logements_rpls", "logements_filosofi"]
    assert list(out.columns) == expected
    # the layer's count wins over the estimates; the estimates are kept beside it
    assert out["logements_source"].eq("inventaire").all()
    assert out.index.tolist() == [101, 102] and out.index.name == "cite_id"
    assert out.loc[101, "pop_200m"] == pytest.approx(200.0, rel=1e-4)
    assert out.loc[101, "niveau_vie"] == pytest.approx(17_000.0, rel=1e-4)
    assert out.loc[102, "niveau_vie"] == pytest.approx(25_000.0, rel=1e-4)
    assert out.loc[101, "share_dpe_efg"] == 0.5
    assert out.loc[101, "poor_state_x_heritage"] == pytest.approx(0.5 * 2 / 3)
    assert out.loc[101, "dist_centrality_m"] == 0.0
    assert out.loc[102, "logements"] == 80


def test_population_weighting_runs_on_dwelling_points():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = compute_indicators(_world(), weighting="population")
    # cité 102 exactly covers its cell: same population whatever the weighting
    assert out.loc[102, "pop_200m"] == pytest.approx(80.0, rel=1e-4)


def test_columns_match_contracts_section_3():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "contracts.md").read_text(encoding="utf-8")
    section = text.split("## 3. Indicators")[1].split("## 4.")[0]
    documented: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] in INDICATOR_COLUMNS:
            documented.setdefault(cells[0], []).extend(re.findall(r"`([a-z_0-9]+)`", cells[1]))
    for family, cols in INDICATOR_COLUMNS.items():
        assert set(cols) <= set(documented[family]), family
        assert [c for c in documented[family] if c in cols] == list(cols)


def test_docs_describe_every_indicator():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    for cols in INDICATOR_COLUMNS.values():
        for c in cols:
            assert f"| `{c}` |" in text, c


def test_weighting_is_checked():
    with pytest.raises(ValueError, match="weighting"):
        compute_indicators(_world(), weighting="households")  # type: ignore[arg-type]
    # a World has no footprint layer: "built" is interpolate's option, not this one's
    with pytest.raises(ValueError, match="'area' or 'population', not 'built'"):
        compute_indicators(_world(), weighting="built")  # type: ignore[arg-type]
