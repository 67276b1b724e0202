"""End to end: the default scenario on the default world."""

from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from cites_priority.analysis.stress import dirichlet_interval
from cites_priority.constants import FAMILIES
from cites_priority.indicators.social import ruc_class
from cites_priority.pipeline import OUTPUT_FILES, compute, write_outputs

pytestmark = pytest.mark.slow


def test_outputs_exist_and_shortlist_meets_constraints(default_run):
    result, out = default_run
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
    cites = gpd.read_file(out / "cites_priority.gpkg", layer="cites")
    assert len(cites) == 543
    # cite_id a plain column (geopandas defaults), unique, the run's ids in cite_id order
    assert cites["cite_id"].tolist() == sorted(result.cites["cite_id"])
    assert cites.crs.to_epsg() == 2154
    short = cites[cites["selected"]]
    assert len(short) == 25
    assert 11000 <= short["logements"].sum() <= 13000
    assert set(short["phase"]) == {1, 2}
    assert (cites.loc[~cites["selected"], "phase"] == 0).all()
    for col in ("score", "rank", "p_selected", "in_mission_list", "in_erbm", "niveau_vie", "poverty_rate"):
        assert col in cites.columns, col
    for fam in FAMILIES:
        assert cites[f"score_{fam}"].between(0, 1).all()
    assert sorted(cites["rank"]) == list(range(1, 544))
    # the reference flags come from reference_lists.csv
    assert cites["in_mission_list"].sum() == 25
    assert cites["in_erbm"].sum() == 59


def test_run_hands_the_exporters_their_numbers(default_run):
    """Export computes nothing: the run gives it the contributions, intervals and RUC classes."""
    result, _ = default_run
    contributions = result.contributions
    top = result.extras["top_contributions"]
    assert list(top.columns) == ["cite_id", "family", "indicator", "contribution"]
    assert top["cite_id"].tolist() == np.repeat(contributions.index.to_numpy(), 3).tolist()
    largest = top.groupby("cite_id", sort=False)["contribution"].first()
    np.testing.assert_allclose(largest, contributions.max(axis=1))
    assert top["family"].notna().all()
    fams = result.extras["family_contributions"]
    assert list(fams.columns) == list(FAMILIES) and fams.index.equals(contributions.index)
    np.testing.assert_allclose(fams.sum(axis=1), result.cites.set_index("cite_id")["score"]
                               .loc[fams.index], atol=1e-9)
    spread = result.extras["perturbation"]
    weights = result.weights.drop_duplicates("family")
    assert spread["family"].tolist() == weights["family"].tolist()
    low, high, sd = dirichlet_interval(float(weights["family_weight"].iloc[0]),
                                       result.scenario.robustness.concentration)
    assert spread.iloc[0][["low", "high", "sd"]].tolist() == [low, high, sd]
    cells = result.cells
    pd.testing.assert_series_equal(cells["ruc_class"], ruc_class(cells["niveau_vie"]),
                                   check_names=False)
    assert cells["ruc_class"].notna().any()


def test_every_table_keyed_by_cite_is_indexed_by_cite_id(default_world, default_run):
    """Issue 11: `load_world(...).cites` joins the run's score tables naturally."""
    from cites_priority.sources import load_world

    result, _ = default_run
    world = load_world(default_world)
    tables = {"world.cites": world.cites, "cites": result.cites, "shortlist": result.shortlist,
              "contributions": result.contributions, "normalised": result.extras["normalised"]}
    for name, table in tables.items():
        assert table.index.name == "cite_id", name
        assert table.index.is_unique, name
        if "cite_id" in table.columns:
            assert table.index.tolist() == table["cite_id"].tolist(), name
    # RunResult.cites stays in rank order, the shortlist in phase then rank order
    assert result.cites["rank"].tolist() == list(range(1, 544))
    assert result.shortlist[["phase", "rank"]].apply(tuple, axis=1).is_monotonic_increasing
    joined = world.cites.join(result.cites[["score", "rank"]])
    assert joined["score"].notna().all() and sorted(joined["rank"]) == list(range(1, 544))
    contrib = result.contributions.add_prefix("c_")
    with_contrib = world.cites.join(contrib)
    assert len(with_contrib) == 543
    assert with_contrib[contrib.columns].notna().any(axis=1).all()  # every cité matched


def test_phase_one_holds_the_most_urgent(default_run):
    result, _ = default_run
    s = result.shortlist
    assert s.loc[s["phase"] == 1, "score"].mean() > s.loc[s["phase"] == 2, "score"].mean()
    half = s["logements"].sum() / 2
    assert abs(s.loc[s["phase"] == 1, "logements"].sum() - half) < s["logements"].max()


def test_engine_never_reads_the_world_spec(default_world, default_run, fast_scenario, tmp_path):
    result, _ = default_run
    copy = tmp_path / "raw"
    shutil.copytree(default_world, copy)
    (copy / "world_spec.yaml").unlink()
    again = compute(fast_scenario, data_dir=copy)
    assert again.cites["cite_id"].tolist() == result.cites["cite_id"].tolist()
    # bit-identical, although the copied scenario lists its families in another order
    assert again.cites["score"].tolist() == result.cites["score"].tolist()
    assert again.cites["selected"].tolist() == result.cites["selected"].tolist()


def test_run_without_reference_lists_has_false_flags(default_world, fast_scenario, tmp_path):
    copy = tmp_path / "raw"
    shutil.copytree(default_world, copy)
    (copy / "reference_lists.csv").unlink()
    res = compute(fast_scenario, data_dir=copy)
    assert not res.cites["in_mission_list"].any() and not res.cites["in_erbm"].any()
    assert res.cites["selected"].sum() == 25


def test_rerun_is_byte_identical(default_run, tmp_path):
    result, out = default_run
    write_outputs(result, tmp_path)
    for name in ("cites_priority.gpkg", "cites_priority.qgz", "shortlist.csv", "atelier.html"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_cli_explain_and_calibrate(default_world, default_run, tmp_path):
    from typer.testing import CliRunner

    from cites_priority.cli import app
    from cites_priority.scenario import load_scenario

    result, _ = default_run
    runner = CliRunner()
    cid = int(result.shortlist["cite_id"].iloc[0])
    out = runner.invoke(app, ["explain", str(cid), "--data", str(default_world)])
    assert out.exit_code == 0, out.output
    assert f"(cité {cid})" in out.output and "retenue" in out.output
    assert "Principales contributions" in out.output

    target = tmp_path / "calibrated.yaml"
    ref = default_world / "reference_lists.csv"
    out = runner.invoke(app, ["calibrate", "--data", str(default_world), "--reference", str(ref), "--out", str(target)])
    assert out.exit_code == 0, out.output
    assert "Rappel avec les poids calibrés" in out.output
    calibrated = load_scenario(target)
    assert calibrated.selection.n_cites == 25
    assert abs(sum(f.weight for f in calibrated.resolved().criteria.values()) - 1) < 1e-9


def test_explanations_and_flips_hold(default_world, default_run):
    """Every cité names its top contributions; a borderline cité's flip really flips it."""
    from cites_priority.analysis.robustness import rescaled_family_weights
    from cites_priority.pipeline import prepare_inputs, select_for
    from cites_priority.scoring import score

    result, _ = default_run
    cites = result.cites.set_index("cite_id")
    assert cites["top_contributions"].notna().all()
    flips = cites[cites["flip_family"].notna()]
    for _, row in flips.iterrows():
        assert row["flip_effect"] == ("leaves" if row["selected"] else "enters")
    if flips.empty:
        pytest.skip("no borderline cité has a single-weight flip in this world")
    inputs = prepare_inputs(None, data_dir=default_world)
    cid, row = next(iter(flips.iterrows()))
    families = list(inputs.scenario.resolved().criteria)
    fw = [inputs.scenario.resolved().criteria[f].weight for f in families]
    f = families.index(row["flip_family"])
    new = rescaled_family_weights(np.asarray(fw), f, row["flip_weight_after"])
    criteria = {
        fam: spec.model_copy(update={"weight": float(w)})
        for (fam, spec), w in zip(inputs.scenario.criteria.items(), new, strict=True)
    }
    variant = inputs.scenario.model_copy(update={"criteria": criteria})
    table = score(inputs.indicators, variant).table
    chosen = select_for(variant, table["score"], inputs.logements, inputs.epci)
    assert bool(chosen[cid]) != bool(row["selected"])
