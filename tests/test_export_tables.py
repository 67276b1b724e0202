"""Tests of cites_priority.export.tables (the French-Excel shortlist CSV)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from cites_priority.export import write_shortlist_csv
from cites_priority.export.aliases import FIELD_ALIASES
from export_fixtures import make_run_result


def test_french_excel_format(tmp_path: Path) -> None:
    result = make_run_result()
    path = write_shortlist_csv(result, tmp_path / "retenues.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == [FIELD_ALIASES[c] for c in ("phase", "rank", "cite_id", "name")]
    assert "Probabilité d'être retenue" in header
    assert len(body) == 25
    short = result.shortlist.sort_values(["phase", "rank"])
    assert [int(r[2]) for r in body] == short["cite_id"].tolist()
    phases = [int(r[0]) for r in body]
    assert phases == sorted(phases)
    score = header.index(FIELD_ALIASES["score"])
    assert all("," in r[score] and "." not in r[score] for r in body)
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert back[FIELD_ALIASES["score"]].round(4).tolist() == short["score"].round(4).tolist()
    epci = header.index(FIELD_ALIASES["epci_name"])
    assert header[epci - 1] == FIELD_ALIASES["epci"]
    assert {r[epci] for r in body} <= {"CA Douaisis Agglo", "CA de Lens - Liévin",
                                       "CA de Béthune-Bruay, Artois-Lys Romane",
                                       "CA Valenciennes Métropole"}
    mission = header.index(FIELD_ALIASES["in_mission_list"])
    assert {r[mission] for r in body} == {"oui", "non"}


def test_name_with_separator_is_quoted(tmp_path: Path) -> None:
    result = make_run_result()
    short = result.shortlist.copy()
    short.loc[short.index[0], "name"] = 'Cité "A"; B'
    path = write_shortlist_csv(type(result)(**{**result.__dict__, "shortlist": short}),
                               tmp_path / "q.csv")
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert back[FIELD_ALIASES["name"]].iloc[0] == 'Cité "A"; B'


def test_no_epci_names_without_communes(tmp_path: Path) -> None:
    result = make_run_result()
    path = write_shortlist_csv(type(result)(**{**result.__dict__, "extras": {}}),
                               tmp_path / "n.csv")
    header = path.read_text("utf-8-sig").splitlines()[0].split(";")
    assert FIELD_ALIASES["epci"] in header and FIELD_ALIASES["epci_name"] not in header


def test_phase_years_follow_the_phase(tmp_path: Path) -> None:
    from cites_priority.scenario import PhasesSpec

    cached = make_run_result()  # shared by other tests: never mutate it
    years = PhasesSpec().period_labels()
    short = cached.shortlist.assign(
        phase_period=cached.shortlist["phase"].map(years).astype("string"))
    result = type(cached)(**{**cached.__dict__, "shortlist": short})
    path = write_shortlist_csv(result, tmp_path / "retenues.csv")
    rows = list(csv.reader(path.read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:2] == [FIELD_ALIASES["phase"], FIELD_ALIASES["phase_period"]]
    assert {(r[0], r[1]) for r in rows[1:]} == {("1", "2017–2021"), ("2", "2022–2026")}
