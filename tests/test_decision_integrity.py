"""Decision integrity: forced cités shown as imposed, class vs phase, honest robustness,
synthetic cités flagged, and nothing English on the user's screen or in the user's files."""

from __future__ import annotations

import html
import re

import geopandas as gpd
import pandas as pd
import pyogrio
from typer.testing import CliRunner

from cites_priority.cli import app
from cites_priority.messages import ENGLISH_TOKENS

runner = CliRunner()


def _visible_text(report: str, *, skip_sections: tuple[str, ...] = ()) -> str:
    """The report's visible text (no script, style, svg, tags), minus the given sections."""
    for sec in skip_sections:
        report = re.sub(rf'<section id="{sec}">.*?</section>', "", report, flags=re.S)
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", report, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _english(text: str) -> list[str]:
    found = []
    for token in ENGLISH_TOKENS:
        if re.search(rf"(?<![\w.]){re.escape(token)}(?![\w])", text):
            found.append(token)
    return found


def test_forced_in_is_flagged_and_shown_as_imposed(forced_run):
    result, out, fin, fout = forced_run
    cites = result.cites.set_index("cite_id")
    assert cites.loc[fin, "selected"] and cites.loc[fin, "forced"] == "in"
    assert not cites.loc[fout, "selected"] and cites.loc[fout, "forced"] == "out"
    assert cites["forced"].notna().sum() == 2
    assert cites.loc[fin, "robustness_class"] == "forced" and pd.isna(cites.loc[fin, "p_selected"])
    # lifting the force_in alone: the cités that come back are the ones it displaced
    from cites_priority.pipeline import select_for

    sc = result.scenario
    lifted = sc.model_copy(update={"selection": sc.selection.model_copy(update={"force_in": []})})
    free = select_for(lifted, cites["score"], cites["logements"].astype(float), cites["epci"])
    assert not free[fin]
    names = cites["name"]
    displaced = sorted(c for c in free.index[free] if not cites.loc[c, "selected"])
    assert displaced and cites.loc[fin, "forced_swap"] == "; ".join(names[c] for c in displaced)
    assert cites.loc[fout, "forced_swap"]  # someone took the excluded cité's place

    gpkg = out / "cites_priority.gpkg"
    layer = gpd.read_file(gpkg, layer="cites", ignore_geometry=True).set_index("cite_id")
    assert layer.loc[fin, "forced"] == "in" and layer.loc[fout, "forced"] == "out"
    assert layer.loc[fin, "robustness_class"] == "Imposée"
    assert layer["forced"].isna().sum() == len(layer) - 2
    short = gpd.read_file(gpkg, layer="shortlist", ignore_geometry=True).set_index("cite_id")
    assert short.loc[fin, "forced"] == "in"
    csv = pd.read_csv(out / "shortlist.csv", sep=";", encoding="utf-8-sig")
    row = csv.loc[csv["Identifiant cité"] == fin].iloc[0]
    assert row["Imposée ou exclue par le scénario"] == "imposée"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert f"{html.escape(names[fin])} (imposée)" in report
    if not cites.loc[fin, "in_mission_list"]:  # listed among the entries, with its reason
        assert "imposée par le scénario (force_in) ; sans cette contrainte" in report


def test_explain_of_a_forced_cite_names_whom_it_displaced(forced_run, default_world):
    result, out, fin, _ = forced_run
    scenario = out / "scenario_resolved.yaml"
    res = runner.invoke(app, ["explain", str(fin), "--scenario", str(scenario),
                              "--data", str(default_world)])
    assert res.exit_code == 0, res.output
    cites = result.cites.set_index("cite_id")
    assert f"rang {int(cites.loc[fin, 'rank'])}" in res.output
    assert "Cité imposée par le scénario (force_in)" in res.output
    assert "non retenue ; elle prend la place de" in res.output
    first = cites.loc[fin, "forced_swap"].split("; ")[0]
    assert first in res.output
    assert not _english(res.output), _english(res.output)


def test_priority_class_comes_from_the_score_not_the_phase(default_run, forced_run):
    for result in (default_run[0], forced_run[0]):
        cites = result.cites
        n = result.scenario.selection.n_cites
        assert ((cites["priority_class"] == 1) == (cites["rank"] <= n)).all()
        assert ((cites["priority_class"] == 2) == cites["rank"].between(n + 1, 2 * n)).all()
        # phase 2 cités in the top ranks stay in class 1
        top_phase2 = cites[(cites["phase"] == 2) & (cites["rank"] <= n)]
        assert (top_phase2["priority_class"] == 1).all()
    forced = forced_run[0].cites.set_index("cite_id").loc[forced_run[2]]
    assert forced["rank"] > 2 * 25 and forced["priority_class"] >= 3


def test_stress_table_and_noyau_stable(default_run):
    result, out = default_run
    stress = result.extras["stress"]
    labels = stress.scenarios["label"].tolist()
    assert len(labels) == 16 and stress.scenarios["feasible"].all()
    assert any("Enveloppe 13\u202f000 à 15\u202f000" in x for x in labels)
    cites = result.cites.set_index("cite_id")
    share = stress.selections.mean(axis=1)
    pd.testing.assert_series_equal(cites["stress_share"].reindex(share.index), share,
                                   check_names=False)
    core = cites[cites["robustness_class"] == "core"]
    assert len(core) and (core["stress_share"] == 1).all()
    # a cité some nearby scenario drops is never "Noyau stable", whatever its probability
    dropped = cites[(cites["stress_share"] < 1) & (cites["p_selected"] >= 0.8)]
    assert (dropped["robustness_class"] != "core").all()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Table de stress : scénarios voisins" in report
    conc = result.scenario.robustness.concentration
    assert f"loi de Dirichlet de concentration {conc:.0f}" in report
    assert "petites variations de poids" in report


def test_synthetic_cites_flagged_and_headline_caveats(default_run):
    result, out = default_run
    cites = result.cites
    synthetic = cites["synthetique"]
    assert 0 < synthetic.sum() < len(cites)
    assert (cites.loc[synthetic, "cite_id"] >= 2001).all()
    layer = pyogrio.read_dataframe(out / "cites_priority.gpkg", layer="cites", read_geometry=False)
    assert int(layer["synthetique"].sum()) == int(synthetic.sum())
    report = (out / "report.html").read_text(encoding="utf-8")
    text = _visible_text(report)
    ref = result.reference
    mission = ref[ref["list"] == "mission_2016"]
    kept = set(cites.loc[cites["selected"], "cite_id"])
    for conf, label in (("confirmed", "confirmées"), ("probable", "probables")):
        part = mission[mission["confidence"] == conf]
        n_kept = int(part["cite_id"].isin(list(kept)).sum())
        assert f"{n_kept} des {len(part)} cités {label}" in text
    assert "Liste 2016 conservée (monde simulé)" in text
    assert "conditionnés sur la liste de 2016" in text
    short_synth = cites[cites["selected"] & synthetic]
    for name in short_synth["name"]:
        assert f"{name} (simulée)" in text


def test_no_english_reaches_the_user(default_run, forced_run, default_world, tmp_path):
    result, out = default_run
    report = (out / "report.html").read_text(encoding="utf-8")
    text = _visible_text(report)
    assert not _english(text), _english(text)
    csv = (out / "shortlist.csv").read_text(encoding="utf-8-sig")
    assert not _english(csv), _english(csv)
    gpkg = out / "cites_priority.gpkg"
    for layer in ("cites", "shortlist", "reference", "grappes", "weights"):
        frame = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=False)
        values = " ".join(
            frame[c].dropna().astype(str).str.cat(sep=" ")
            for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) == "string"
        )
        assert not _english(values), (layer, _english(values))
    prov = pyogrio.read_dataframe(gpkg, layer="provenance", read_geometry=False)
    for col in ("status", "source", "licence", "rule"):
        assert not _english(" ".join(prov[col].astype(str))), (col, _english(" ".join(prov[col])))
    diff = tmp_path / "diff.gpkg"
    res = runner.invoke(app, ["compare", str(gpkg), str(forced_run[1] / "cites_priority.gpkg"),
                              "--out", str(diff)])
    assert res.exit_code == 0, res.output
    layer = pyogrio.list_layers(diff)[0][0]
    frame = pyogrio.read_dataframe(diff, layer=layer, read_geometry=False)
    values = " ".join(frame[c].dropna().astype(str).str.cat(sep=" ")
                      for c in frame.columns if frame[c].dtype == object)
    assert not _english(res.output + values), _english(res.output + values)
    res = runner.invoke(app, ["validate", str(out / "scenario_resolved.yaml"),
                              "--data", str(default_world)])
    assert res.exit_code == 0 and not _english(res.output), res.output
    for args in (["--help"], ["run", "--help"], ["validate", "--help"], ["explain", "--help"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0 and not _english(res.output), (args, _english(res.output))
