"""`compare` lists the cités entering and leaving the shortlist between two runs."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from cites_priority._errors import InputDataError
from cites_priority.cli import app
from cites_priority.compare import compare_runs, write_diff


def _run_gpkg(path, selected, ranks, *, legacy=False):
    """A run's `cites` layer: `cite_id` a plain column (``legacy``: the FID, as before)."""
    n = len(ranks)
    frame = gpd.GeoDataFrame(
        {
            "cite_id": list(range(1, n + 1)),
            "name": [f"Cité {i}" for i in range(1, n + 1)],
            "rank": ranks,
            "score": [1 - r / 10 for r in ranks],
            "selected": [i in selected for i in range(1, n + 1)],
        },
        geometry=[box(i * 100, 0, i * 100 + 50, 50) for i in range(n)],
        crs="EPSG:2154",
    )
    options = {"FID": "cite_id"} if legacy else None
    pyogrio.write_dataframe(frame, path, layer="cites", layer_options=options)
    return path


def test_entries_exits_and_rank_moves(tmp_path):
    a = _run_gpkg(tmp_path / "a.gpkg", {1, 2, 3}, [1, 2, 3, 4, 5])
    b = _run_gpkg(tmp_path / "b.gpkg", {1, 2, 5}, [2, 1, 5, 4, 3])
    cmp = compare_runs(a, b)
    assert cmp.entries["cite_id"].tolist() == [5]
    assert cmp.exits["cite_id"].tolist() == [3]
    assert sorted(cmp.kept["cite_id"]) == [1, 2]
    moves = cmp.diff.set_index("cite_id")["rank_move"]
    assert moves[5] == 2 and moves[3] == -2 and moves[4] == 0
    out = write_diff(cmp, tmp_path / "diff.gpkg")
    back = gpd.read_file(out, layer="comparaison")
    assert set(back["change"]) == {"entrée", "sortie", "maintenue", "hors liste"}
    assert back["cite_id"].tolist() == [1, 2, 3, 4, 5]
    assert pyogrio.read_info(out, layer="comparaison")["fid_column"] == "fid"
    with closing(sqlite3.connect(f"{out.resolve().as_uri()}?mode=ro", uri=True)) as con:
        indexes = [r[1:3] for r in con.execute('PRAGMA index_list("comparaison")')]
    assert ("comparaison_cite_id_unique", 1) in indexes


def test_a_run_written_before_cite_id_was_a_column_still_compares(tmp_path):
    a = _run_gpkg(tmp_path / "a.gpkg", {1, 2, 3}, [1, 2, 3, 4, 5], legacy=True)
    b = _run_gpkg(tmp_path / "b.gpkg", {1, 2, 5}, [2, 1, 5, 4, 3])
    assert "cite_id" not in gpd.read_file(a, layer="cites").columns
    cmp = compare_runs(a, b)
    assert cmp.entries["cite_id"].tolist() == [5]
    assert cmp.exits["cite_id"].tolist() == [3]
    assert cmp.diff["cite_id"].tolist() == [1, 2, 3, 4, 5]


def test_cli_compare_prints_entries_and_exits(tmp_path):
    a = _run_gpkg(tmp_path / "a.gpkg", {1, 2}, [1, 2, 3])
    b = _run_gpkg(tmp_path / "b.gpkg", {1, 3}, [1, 3, 2])
    result = CliRunner().invoke(app, ["compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "+ 3 Cité 3" in result.output and "- 2 Cité 2" in result.output


def test_not_a_geopackage_is_named(tmp_path):
    bad = tmp_path / "broken.gpkg"
    bad.write_text("this is not sqlite")
    with pytest.raises(InputDataError, match="broken.gpkg"):
        compare_runs(bad, bad)
    result = CliRunner().invoke(app, ["compare", str(bad), str(bad)])
    assert result.exit_code == 1
    assert "broken.gpkg" in result.output and "Traceback" not in result.output


def test_missing_file_or_layer_is_named(tmp_path):
    with pytest.raises(InputDataError, match="absent.gpkg.*introuvable"):
        compare_runs(tmp_path / "absent.gpkg", tmp_path / "absent.gpkg")
    other = tmp_path / "other.gpkg"
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"x": [1]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:2154"), other,
        layer="shortlist")
    with pytest.raises(InputDataError, match="« cites ».*« shortlist ».*livrable de run"):
        compare_runs(other, other)
