"""Tests of cites_priority.export.report (the offline French HTML report)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from cites_priority.export import write_report
from cites_priority.export.report import fr_number, html_table
from cites_priority.result import RunResult
from export_fixtures import make_run_result


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = write_report(make_run_result(), tmp_path_factory.mktemp("rep") / "rapport.html")
    return path, path.read_text("utf-8")


def test_self_contained_and_small(report: tuple[Path, str]) -> None:
    path, text = report
    assert path.stat().st_size < 5_000_000
    parser = _Collect()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert not (tag == "script" and attrs.get("src")), "external script"
        assert not (tag == "link"), "external stylesheet"
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=[\"']?http", text)
    assert "url(images/" not in text
    assert "L.map(" in text and "leaflet-container" in text  # Leaflet inlined
    assert '<html lang="fr">' in text


def test_map_data_is_wgs84_rounded_and_complete(report: tuple[Path, str]) -> None:
    _, text = report
    raw = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', text,
                    re.S).group(1)
    assert "<" not in raw
    data = json.loads(raw)
    assert len(data["cites"]["features"]) == 543
    assert len(data["shortlist"]["features"]) == 25
    assert len(data["communes"]["features"]) == 330
    assert len(data["epci"]["features"]) == 9  # dissolved from the communes
    coords = re.findall(r"-?\d+\.\d+", json.dumps(data["cites"]["features"][0]["geometry"]))
    assert all(len(c.split(".")[1]) <= 5 for c in coords)
    lon, lat = data["cites"]["features"][0]["geometry"]["coordinates"][0][0][:2] \
        if data["cites"]["features"][0]["geometry"]["type"] == "Polygon" else \
        data["cites"]["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 1.5 < lon < 4.5 and 50 < lat < 51
    props = data["cites"]["features"][0]["properties"]
    assert set(props) == {"id", "n", "cm", "s", "r", "p", "c", "ph", "l", "m"}


def test_text_is_escaped(report: tuple[Path, str]) -> None:
    _, text = report
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # provenance rule cell
    assert "<b>&</b>" not in text
    # the odd name reaches the map data with its markup neutralised
    assert 'Cité \\"des Aulnes\\" \\u003cb\\u003e\\u0026\\u003c/b\\u003e Saint-Éloi' in text


def test_sections_and_content(report: tuple[Path, str]) -> None:
    _, text = report
    for section in ("synthese", "carte", "classement", "mission", "robustesse",
                    "contributions", "frontiere", "grappes", "methode", "provenance"):
        assert f'<section id="{section}">' in text
    result = make_run_result()
    cites = result.cites
    n_kept = int((cites["in_mission_list"] & cites["selected"]).sum())
    n_out = int((cites["in_mission_list"] & ~cites["selected"]).sum())
    assert f"{n_kept} des 25 cités de la liste indicative" in text
    assert f"{n_out} en sortent" in text
    for _, row in cites.loc[cites["in_mission_list"] & ~cites["selected"]].iterrows():
        assert f"Rang {row['rank']} ; score " in text  # each exit explained
    assert "Cité introuvable" in text  # unmatched reference entry listed
    assert text.count("<svg") >= 3
    full = re.search(r'<table id="toutes-cites" class="sortable">(.*?)</table>', text, re.S)
    assert full is not None and full.group(1).count("<tr") == 544  # header + 543 cités
    assert re.search(r'<td class="num" data-v="0\.\d+">0,\d{3}</td>', full.group(1))
    assert "simulé" in text and "réel" in text
    assert "<td>CA de Lens - Liévin</td>" in text  # EPCI names, not SIREN codes
    assert "Pondérations hypothétiques" not in text  # fixture scenario has no description
    assert result.scenario_hash in text


def test_deterministic(report: tuple[Path, str], tmp_path: Path) -> None:
    _, text = report
    again = write_report(make_run_result(), tmp_path / "again.html").read_text("utf-8")
    assert again == text


def test_frontier_from_extras(tmp_path: Path) -> None:
    from cites_priority.selection import frontier

    result = make_run_result()
    text = write_report(result, tmp_path / "plain.html").read_text("utf-8")
    assert "Frontière non calculée" in text  # no frontier handed: said so, nothing computed
    cites = result.cites.set_index("cite_id")
    front = frontier(cites["score"], cites["logements"].astype("float64"), n_cites=25,
                     logements_range=(11000, 13000), budgets=[500.0, 12000.0], counts=[25])
    patched = type(result)(**{**result.__dict__, "extras": {"frontier": front}})
    text = write_report(patched, tmp_path / "r.html").read_text("utf-8")
    assert '"communes":null' in text
    assert "Frontière de compromis" in text and "Frontière non calculée" not in text
    assert "1 point(s) sans sélection possible" in text


def test_fr_number_and_table() -> None:
    assert fr_number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert fr_number(float("nan")) == "—"
    table = html_table(pd.DataFrame({"name": ["<x>"], "score": [0.5]}),
                       formats={"score": lambda v: fr_number(v, 1)}, numeric=("score",))
    assert "<th>Nom de la cité</th>" in table
    assert "&lt;x&gt;" in table and '<td class="num">0,5</td>' in table


def test_swap_reasons(tmp_path: Path) -> None:
    result = make_run_result()
    cites = result.cites.copy()
    # a mission cité with a better score than the last selected one, left out by the MILP
    best_out = cites.loc[~cites["selected"]].sort_values("rank").index[0]
    cites.loc[best_out, "in_mission_list"] = True
    forced = cites.loc[cites["in_mission_list"] & ~cites["selected"]].sort_values("rank")
    forced_id = int(forced["cite_id"].iloc[-1])
    added_id = int(cites.loc[cites["selected"] & ~cites["in_mission_list"], "cite_id"].iloc[0])
    scenario = {**result.scenario, "description": "Essai <i>A&B</i>",
                "selection": {**result.scenario["selection"],
                "force_out": [forced_id], "force_in": [added_id]}}
    patched = type(result)(**{**result.__dict__, "cites": cites, "scenario": scenario})
    text = write_report(patched, tmp_path / "r.html").read_text("utf-8")
    rank = int(cites.loc[best_out, "rank"])
    assert f"Rang {rank} ; score" in text and "mais écartée par les contraintes" in text
    assert "exclue par le scénario (force_out)" in text
    assert "imposée par le scénario (force_in)" in text
    assert "<p>Essai &lt;i&gt;A&amp;B&lt;/i&gt;</p>" in text


def _minimal(result: RunResult) -> RunResult:
    import geopandas as gpd

    drop = ["p_selected", "rank_p05", "rank_p95", "robustness_class", "in_mission_list",
            "in_erbm"]
    cites = result.cites.drop(columns=drop)
    return type(result)(**{
        **result.__dict__, "cites": cites, "shortlist": cites[cites["selected"]],
        "grappes": gpd.GeoDataFrame(columns=["grappe_id", "geometry"], geometry="geometry",
                                    crs=cites.crs),
        "reference": None, "extras": {}, "checksums": {}, "scenario": None,
        "provenance": pd.DataFrame(columns=["dataset", "field", "status", "source",
                                            "licence", "rule"]),
    })


def test_minimal_result(tmp_path: Path) -> None:
    text = write_report(_minimal(make_run_result()), tmp_path / "m.html").read_text("utf-8")
    assert "Aucune liste de référence" in text
    assert "Pas d'analyse de robustesse" in text
    assert "Aucune grappe" in text
    assert '"communes":null' in text and '"epci":null' in text


def test_phase_years_in_summary_and_ranking(tmp_path: Path) -> None:
    from cites_priority.scenario import PhasesSpec

    cached = make_run_result()  # shared by other tests: never mutate it
    periods = PhasesSpec(start_year=2017, years_each=5).period_labels()
    frames = {name: getattr(cached, name).assign(
        phase_period=getattr(cached, name)["phase"].map(periods).astype("string"))
        for name in ("cites", "shortlist")}
    result = type(cached)(**{**cached.__dict__, **frames})
    text = write_report(result, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Phase 1 (2017–2021) / phase 2 (2022–2026)" in text
    assert text.count("2022–2026") > 1  # the ranking's « Années de la phase » column too


def test_numbers_come_from_the_run(tmp_path: Path) -> None:
    """Contributions and weight intervals are the pipeline's (extras): none computed here."""
    result = make_run_result()
    spread = result.extras["perturbation"].iloc[0]
    text = write_report(result, tmp_path / "full.html").read_text("utf-8")
    assert (f"de {fr_number(spread['low'], 2)} à {fr_number(spread['high'], 2)} (écart type "
            f"{fr_number(spread['sd'], 3)})") in text
    top = result.extras["top_contributions"]
    out = result.cites.loc[result.cites["in_mission_list"] & ~result.cites["selected"]]
    first = top.loc[top["cite_id"] == out["cite_id"].iloc[0]].iloc[0]
    assert f" : {fr_number(first['contribution'], 3)}" in text
    assert "Contributions indisponibles" not in text
    kept = {k: v for k, v in result.extras.items()
            if k not in ("perturbation", "top_contributions", "family_contributions")}
    bare = type(result)(**{**result.__dict__, "extras": kept})
    text = write_report(bare, tmp_path / "bare.html").read_text("utf-8")
    assert "Neuf fois sur dix" not in text and "Contributions indisponibles" in text
    assert "Principales contributions" in text
