"""Tests of cites_priority.export.gpkg (the QGIS-ready GeoPackage)."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from cites_priority.export import write_geopackage
from cites_priority.export.gpkg import generation_date, scenario_items
from export_fixtures import make_run_result

VALIDATORS = [
    Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"),
    Path("/usr/share/doc/python3-gdal/examples/validate_gpkg.py"),
]


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_geopackage(make_run_result(), tmp_path_factory.mktemp("gpkg") / "run.gpkg")


def test_layers_and_kinds(gpkg: Path) -> None:
    layers = dict(pyogrio.list_layers(gpkg))
    assert layers == {
        "cites": "MultiPolygon", "shortlist": "MultiPolygon", "grappes": "MultiPolygon",
        "reference": "MultiPolygon", "carreaux_200m": "MultiPolygon",
        "communes": "MultiPolygon", "epci": "MultiPolygon", "scenario": None,
        "weights": None, "provenance": None, "layer_styles": None,
    }
    with sqlite3.connect(gpkg) as con:
        assert con.execute("pragma user_version").fetchone()[0] == 10200
        srs = {r[0] for r in con.execute("select srs_id from gpkg_contents "
                                         "where data_type='features'")}
    assert srs == {2154}


def test_round_trip_every_layer_and_field(gpkg: Path) -> None:
    result = make_run_result()
    cites = gpd.read_file(gpkg, layer="cites")
    assert len(cites) == 543
    # cite_id a plain column, rows in cite_id order
    assert cites["cite_id"].tolist() == sorted(result.cites["cite_id"])
    expected = ["cite_id", *[c for c in result.cites.columns if c not in ("cite_id", "geometry")]]
    assert list(cites.columns[:-1]) == expected
    src = result.cites.loc[cites["cite_id"]]
    pd.testing.assert_series_equal(cites["score"], src["score"], check_names=False,
                                   check_index=False)
    assert cites["name"].tolist() == src["name"].tolist()
    assert cites["selected"].dtype == bool and cites["selected"].sum() == 25
    # a nullable Int64 with NA comes back as float with NaN
    assert cites["logements"].isna().sum() == 2
    assert cites.geometry.area.sum() == pytest.approx(src.geometry.area.sum(), rel=1e-9)

    short = gpd.read_file(gpkg, layer="shortlist")
    # written in cite_id order, so rows read back in cite_id order
    assert short["cite_id"].tolist() == sorted(result.shortlist["cite_id"])
    by_id = result.shortlist
    assert (short["phase"].to_numpy() == by_id.loc[short["cite_id"], "phase"].to_numpy()).all()

    ref = gpd.read_file(gpkg, layer="reference")
    # unmatched list entry dropped, one row per cité
    assert ref["cite_id"].is_unique and ref["cite_id"].is_monotonic_increasing
    assert len(ref) == result.reference["cite_id"].dropna().nunique()
    assert set(ref["list"]) <= {"mission_2016", "erbm", "erbm; mission_2016"}
    assert ref["selected"].dtype == bool

    cells = pyogrio.read_dataframe(gpkg, layer="carreaux_200m")
    assert len(cells) == len(result.cells)
    assert {"idcar_200m", "niveau_vie", "poverty_rate", "ruc_class"} <= set(cells.columns)
    grappes = pyogrio.read_dataframe(gpkg, layer="grappes")
    assert grappes["grappe_id"].tolist() == [1, 2]

    scen = pyogrio.read_dataframe(gpkg, layer="scenario")
    kv = dict(zip(scen["key"], scen["value"], strict=True))
    assert kv["selection.n_cites"] == "25"
    assert kv["criteria.social.weight"] == "0.35"
    weights = pyogrio.read_dataframe(gpkg, layer="weights")
    # coded values are written as their French labels (families, senses, statuses)
    from cites_priority.export.values import french_values
    from cites_priority.messages import label

    pd.testing.assert_frame_equal(weights, french_values(result.weights), check_dtype=False)
    assert "Bâti" in set(weights["family"]) and "building" not in set(weights["family"])
    prov = pyogrio.read_dataframe(gpkg, layer="provenance")
    assert prov["status"].tolist() == [label("status", v) for v in result.provenance["status"]]


def test_layer_styles_found_by_qgis_filter(gpkg: Path) -> None:
    for layer, attr in (("cites", 'attr="priority_class"'), ("shortlist", 'attr="phase"')):
        styles = pyogrio.read_dataframe(
            gpkg, layer="layer_styles",
            where=f"f_table_schema='' AND f_table_name='{layer}' AND f_geometry_column='geom'",
        )
        assert len(styles) == 1
        assert bool(styles["useAsDefault"].iloc[0])
        qml = styles["styleQML"].iloc[0]
        assert 'type="categorizedSymbol"' in qml and attr in qml
        assert '<alias field="p_selected"' in qml and "Probabilité d&#x27;être retenue" in qml
    with sqlite3.connect(gpkg) as con:
        times = {r[0] for r in con.execute("select update_time from layer_styles")}
        styled = [r[0] for r in con.execute("select f_table_name from layer_styles")]
    assert times == {generation_date()}
    assert styled == ["cites", "shortlist", "grappes", "reference", "carreaux_200m",
                      "communes", "epci"]


def test_metadata(gpkg: Path) -> None:
    info = pyogrio.read_info(gpkg, layer="cites")
    meta = info["dataset_metadata"]
    result = make_run_result()
    assert meta["scenario_hash"] == result.scenario_hash
    assert meta["package_version"] == "0.1.0"
    assert meta["generation_date"] == generation_date()
    assert meta["input_sha256_cites_minieres.gpkg"] == "0" * 64
    assert info["fid_column"] == "fid"
    assert info["layer_metadata"]["IDENTIFIER"] == "Cités minières"


def test_byte_identical_and_date_from_environment(
    gpkg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OGR_CURRENT_DATE", raising=False)
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    again = write_geopackage(make_run_result(), tmp_path / "again.gpkg")
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") == before  # restored
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(
        gpkg.read_bytes()).digest()
    monkeypatch.setenv("OGR_CURRENT_DATE", "2030-05-06T07:08:09.000Z")
    other = write_geopackage(make_run_result(), tmp_path / "other.gpkg")
    assert pyogrio.read_info(other, layer="cites")["dataset_metadata"]["generation_date"].startswith("2030")
    assert other.read_bytes() != gpkg.read_bytes()


def test_run_date_is_today_or_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime

    monkeypatch.delenv("OGR_CURRENT_DATE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    assert generation_date() == f"{today}T00:00:00.000Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    assert generation_date() == "2023-11-14T22:13:20.000Z"


def test_atomic_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "run.gpkg"
    target.write_bytes(b"previous")
    result = make_run_result()
    no_id = result.cites.reset_index(drop=True).drop(columns="cite_id")
    broken = type(result)(**{**result.__dict__, "cites": no_id})
    with pytest.raises(Exception, match="cite_id"):
        write_geopackage(broken, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["run.gpkg"]


def test_cite_id_as_index_accepted(tmp_path: Path) -> None:
    result = make_run_result()
    indexed = type(result)(**{**result.__dict__, "cites": result.cites.drop(columns="cite_id")})
    out = write_geopackage(indexed, tmp_path / "i.gpkg")
    assert pyogrio.read_info(out, layer="cites")["fid_column"] == "fid"
    assert gpd.read_file(out, layer="cites")["cite_id"].tolist() == sorted(result.cites.index)


def test_cite_id_a_plain_unique_column_of_every_layer_keyed_by_cite(gpkg: Path) -> None:
    """Issue 11: `geopandas.read_file` defaults give `cite_id` as a column, unique."""
    result = make_run_result()
    matched = result.reference["cite_id"].dropna()
    expected = {
        "cites": sorted(result.cites["cite_id"]),
        "shortlist": sorted(result.shortlist["cite_id"]),
        "reference": sorted(set(matched) & set(result.cites["cite_id"])),
    }
    for layer, ids in expected.items():
        frame = gpd.read_file(gpkg, layer=layer)
        assert "cite_id" in frame.columns, layer
        assert pd.api.types.is_integer_dtype(frame["cite_id"]), layer
        assert frame["cite_id"].is_unique, layer
        assert frame["cite_id"].tolist() == ids, layer
        # the FID is a separate auto number 1..n
        fids = pyogrio.read_dataframe(gpkg, layer=layer, fid_as_index=True,
                                      read_geometry=False).index
        assert list(fids) == list(range(1, len(ids) + 1)), layer
    with closing(sqlite3.connect(f"{gpkg.resolve().as_uri()}?mode=ro", uri=True)) as con:
        # (index name, unique flag) of each layer's indexes
        unique = {row[1]: row[2] for layer in expected
                  for row in con.execute(f'PRAGMA index_list("{layer}")')}
        cols = [con.execute(f'PRAGMA index_info("{name}")').fetchone()[2] for name in unique]
    assert unique == {f"{layer}_cite_id_unique": 1 for layer in expected}
    assert cols == ["cite_id"] * 3


@pytest.mark.skipif(not any(v.exists() for v in VALIDATORS), reason="GDAL validate_gpkg.py absent")
def test_validate_gpkg(gpkg: Path) -> None:
    script = next(v for v in VALIDATORS if v.exists())
    run = subprocess.run(["/usr/bin/python3", str(script), str(gpkg)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.skipif(not Path("/usr/bin/ogrinfo").exists(), reason="gdal-bin absent")
def test_older_gdal_reads_every_layer_without_warning(gpkg: Path) -> None:
    # Debian's GDAL 3.6 is what QGIS 3.22 uses: GPKG 1.4 or non-UTC datetimes warn there
    run = subprocess.run(["/usr/bin/ogrinfo", "-ro", "-al", "-so", str(gpkg)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0
    assert run.stderr.strip() == ""
    assert "Feature Count: 543" in run.stdout


def test_scenario_items_from_pydantic_model() -> None:
    from pydantic import BaseModel

    class Sel(BaseModel):
        n_cites: int = 25
        force_in: list[int] = [3]

    class Scen(BaseModel):
        name: str = "base"
        selection: Sel = Sel()
        note: str | None = None

    items = scenario_items(Scen())
    assert items.to_dict("list") == {
        "key": ["name", "selection.n_cites", "selection.force_in", "note"],
        "value": ["base", "25", "[3]", "null"],
    }


def test_empty_grappes_and_no_reference(tmp_path: Path) -> None:
    import geopandas as gpd

    result = make_run_result()
    empty = gpd.GeoDataFrame(columns=["grappe_id", "n_cites", "geometry"], geometry="geometry",
                             crs=result.cites.crs)
    patched = type(result)(**{**result.__dict__, "grappes": empty, "reference": None})
    out = write_geopackage(patched, tmp_path / "e.gpkg")
    layers = dict(pyogrio.list_layers(out))
    assert layers["grappes"] == "MultiPolygon" and "reference" not in layers
    assert len(pyogrio.read_dataframe(out, layer="grappes")) == 0


def test_cells_ruc_class_as_handed(tmp_path: Path) -> None:
    """The RUC classes are the pipeline's: written as given, never derived here."""
    result = make_run_result()
    cells = result.cells.copy()
    cells["ruc_class"] = pd.array([pd.NA] * 3 + [4] * (len(cells) - 3), dtype="Int64")
    out = write_geopackage(type(result)(**{**result.__dict__, "cells": cells}),
                           tmp_path / "c.gpkg")
    back = pyogrio.read_dataframe(out, layer="carreaux_200m").set_index("idcar_200m")
    expected = cells.set_index("idcar_200m")["ruc_class"].astype("Float64").astype(float)
    pd.testing.assert_series_equal(back["ruc_class"], expected.loc[back.index],
                                   check_names=False, check_dtype=False)
    out = write_geopackage(type(result)(**{**result.__dict__,
                                           "cells": result.cells.drop(columns="ruc_class")}),
                           tmp_path / "d.gpkg")
    assert "ruc_class" not in pyogrio.read_dataframe(out, layer="carreaux_200m").columns


def test_boundary_layers_count_the_cites_they_hold(gpkg: Path) -> None:
    result = make_run_result()
    cites = result.cites
    epci = pyogrio.read_dataframe(gpkg, layer="epci")
    communes = pyogrio.read_dataframe(gpkg, layer="communes")
    assert epci["epci"].is_unique and epci["epci_nom"].notna().all()
    assert list(epci["epci"]) == sorted(epci["epci"])
    # every cité of a known EPCI is counted once, the selected ones with their logements
    known = cites["epci"].isin(epci["epci"])
    assert epci["n_cites"].sum() == int(known.sum()) > 0
    assert epci["n_retenues"].sum() == int((known & cites["selected"]).sum())
    expected = cites.loc[known & cites["selected"], "logements"].fillna(0).sum()
    assert epci["logements_retenus"].sum() == int(expected)
    assert set(communes.columns) >= {"insee", "nom", "epci", "epci_nom", "n_cites"}
    assert communes["insee"].is_unique
    names = dict(zip(communes["epci"], communes["epci_nom"], strict=True))
    assert all(names[code] == nom for code, nom in zip(epci["epci"], epci["epci_nom"],
                                                        strict=True))


def test_style_fields_are_the_table_columns_fid_first(gpkg: Path) -> None:
    """The QML aliases index the layer's fields as QGIS does: `fid` 0, then the columns."""
    import re

    from cites_priority.export.qgis_project import gpkg_fields

    fields = gpkg_fields(gpkg)
    styles = pyogrio.read_dataframe(gpkg, layer="layer_styles")
    assert set(styles["f_table_name"]) == set(fields)
    for layer, qml in zip(styles["f_table_name"], styles["styleQML"], strict=True):
        aliases = re.findall(r'<alias field="([^"]+)" index="(\d+)"', qml)
        assert [f for f, _ in aliases] == fields[layer], layer
        assert [int(i) for _, i in aliases] == list(range(len(fields[layer]))), layer
        assert fields[layer][0] == "fid", layer
        if layer in ("cites", "shortlist"):
            assert fields[layer][1] == "cite_id"
            assert '<attributeEditorField name="cite_id" index="1"' in qml
            assert 'attributeEditorField name="fid"' not in qml
