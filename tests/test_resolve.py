"""Scenario keys resolved against the data: nothing the engine would not apply passes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cites_priority import ScenarioError
from cites_priority.cli import app
from cites_priority.pipeline import default_scenario_path, prepare_inputs
from cites_priority.scenario import load_scenario
from cites_priority.selection.resolve import normalise_name, resolve_selection
from cites_priority.sources import load_world

runner = CliRunner()


@pytest.fixture(scope="module")
def world(default_world: Path):
    return load_world(default_world)


def _scenario(tmp_path: Path, selection: dict | None = None, text: str | None = None) -> Path:
    data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    data["selection"].update(selection or {})
    path = tmp_path / "variante.yaml"
    path.write_text(text or yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _code_of(world, name: str) -> str:
    return str(world.epci.loc[world.epci["name"] == name, "epci"].iloc[0])


def test_epci_names_resolve_to_siren_whatever_case_and_accents(tmp_path, world):
    lens = next(n for n in world.epci["name"] if "Lens" in n)
    written = lens.upper().replace("É", "E").replace(" - ", " ")  # « CA DE LENS LIEVIN »
    assert normalise_name(written) == normalise_name(lens) and written != lens
    douai = next(n for n in world.epci["name"] if "Douai" in n)
    sc = load_scenario(_scenario(tmp_path, {"epci_max": {douai: 0, written: 3}}))
    out = resolve_selection(sc, cites=world.cites, epci=world.epci, data="monde")
    assert out.selection.epci_max == {_code_of(world, douai): 0, _code_of(world, lens): 3}


def test_unquoted_siren_code_is_accepted(tmp_path, world):
    code = _code_of(world, world.epci["name"].iloc[0])
    text = _scenario(tmp_path).read_text(encoding="utf-8").replace(
        "epci_max: {}", f"epci_max:\n    {int(code)}: 2"
    )
    path = _scenario(tmp_path, text=text)
    assert f"{int(code)}: 2" in path.read_text(encoding="utf-8")
    out = resolve_selection(load_scenario(path), cites=world.cites, epci=world.epci)
    assert out.selection.epci_max == {code: 2}


def test_unknown_siren_is_refused_with_closest_matches(tmp_path, world):
    code = _code_of(world, world.epci["name"].iloc[0])
    wrong = code[:-2] + ("00" if code[-2:] != "00" else "11")
    sc = load_scenario(_scenario(tmp_path, {"epci_min": {wrong: 1}}))
    with pytest.raises(ScenarioError) as info:
        resolve_selection(sc, cites=world.cites, epci=world.epci, data="monde")
    text = str(info.value)
    assert "selection.epci_min" in text and f"« {wrong} »" in text
    assert "les plus proches" in text and "correction" in text


def test_epci_name_not_in_data_is_refused_with_suggestion(tmp_path, world):
    douai = next(n for n in world.epci["name"] if "Douai" in n)
    sc = load_scenario(_scenario(tmp_path, {"epci_max": {"CA du Douaisis": 0}}))
    with pytest.raises(ScenarioError, match="EPCI « CA du Douaisis » inconnu") as info:
        resolve_selection(sc, cites=world.cites, epci=world.epci)
    assert douai in str(info.value)


def test_unknown_cite_id_stops_run_before_indicators(tmp_path, default_world, world):
    path = _scenario(tmp_path, {"force_in": [99999], "force_out": [int(world.cites["cite_id"].iloc[0]) + 10**7]})
    with pytest.raises(ScenarioError) as info:
        prepare_inputs(path, data_dir=default_world)
    text = str(info.value)
    assert "selection.force_in : cité 99999 inconnue" in text
    assert "selection.force_out" in text and str(path.resolve()) in text


def test_decimal_comma_gets_the_hint(tmp_path):
    data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    data["criteria"]["social"]["weight"] = 0.123456
    bad = yaml.safe_dump(data, allow_unicode=True).replace("0.123456", "0,30")
    assert "weight: 0,30" in bad
    with pytest.raises(
        ScenarioError, match=r"criteria\.social\.weight : « 0,30 » n'est pas un nombre.*\(0\.30\)"
    ):
        load_scenario(_scenario(tmp_path, text=bad))
    flow = "name: x\ncriteria:\n  social: {weight: 0,30, indicators: {niveau_vie: {weight: 1}}}\n"
    with pytest.raises(ScenarioError, match=r"ligne 3 : « 0,30 »"):
        load_scenario(_scenario(tmp_path, text=flow))


def test_validate_prints_constraints_as_applied(tmp_path, default_world, world):
    douai = next(n for n in world.epci["name"] if "Douai" in n)
    cid = int(world.cites["cite_id"].iloc[3])
    name = str(world.cites["name"].iloc[3])
    path = _scenario(tmp_path, {"epci_max": {douai.lower(): 0}, "force_in": [cid]})
    res = runner.invoke(app, ["validate", str(path), "--data", str(default_world)])
    assert res.exit_code == 0, res.output
    assert f"{douai} ({_code_of(world, douai)}) : au plus 0" in res.output
    assert f"cités imposées : {cid} « {name} »" in res.output
    assert "enveloppe de logements : 11\u202f000 à 13\u202f000" in res.output
    periods = load_scenario(path).selection.phases.period_labels()
    assert f"phase 1 {periods[1]}, phase 2 {periods[2]}" in res.output
    bad = _scenario(tmp_path, {"force_in": [99999]})
    res = runner.invoke(app, ["validate", str(bad), "--data", str(default_world)])
    assert res.exit_code == 1 and "99999" in res.output and "Erreur" in res.output
