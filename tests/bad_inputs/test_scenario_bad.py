"""Bad scenario catalogue: each case asserts the error type and that the message names the
file and the key (and the fix)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cites_priority import ScenarioError, SelectionInfeasibleError
from cites_priority.scenario import load_scenario
from cites_priority.scoring import score
from cites_priority.selection import select, selection_kwargs
from indicator_examples import example_indicators

MISSION = Path(__file__).resolve().parents[2] / "configs" / "mission_2016.yaml"


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(MISSION.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _err(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert str(path) in msg
    assert "correction :" in msg
    return msg


def test_unknown_key_typo_suggests_the_right_key(tmp_path):
    def mutate(d):
        d["criteria"]["social"]["wieght"] = d["criteria"]["social"].pop("weight")

    msg = _err(_write(tmp_path, mutate))
    assert "criteria.social.wieght" in msg
    assert "vouliez-vous dire « weight »" in msg


def test_negative_weight(tmp_path):
    def mutate(d):
        d["criteria"]["building"]["indicators"]["share_unfit"]["weight"] = -0.1

    msg = _err(_write(tmp_path, mutate))
    assert "criteria.building.indicators.share_unfit.weight" in msg
    assert "supérieur ou égal à 0" in msg


def test_family_weights_all_zero(tmp_path):
    def mutate(d):
        for fam in d["criteria"].values():
            fam["weight"] = 0

    msg = _err(_write(tmp_path, mutate))
    assert "criteria" in msg and "tous nuls" in msg


def test_indicator_weights_all_zero_in_a_family(tmp_path):
    def mutate(d):
        for ind in d["criteria"]["urban"]["indicators"].values():
            ind["weight"] = 0

    msg = _err(_write(tmp_path, mutate))
    assert "criteria.urban" in msg and "tous nuls" in msg


def test_weights_not_summing_to_one_only_warn(tmp_path):
    def mutate(d):
        d["criteria"]["social"]["weight"] = 3

    path = _write(tmp_path, mutate)
    with pytest.warns(UserWarning, match=r"bad\.yaml : criteria : les poids des familles font 3,7"):
        s = load_scenario(path)
    assert s.resolved().criteria["social"].weight == pytest.approx(3 / 3.7)


def test_unknown_indicator_name_with_suggestion(tmp_path):
    def mutate(d):
        d["criteria"]["social"]["indicators"]["poverty_rat"] = (
            d["criteria"]["social"]["indicators"].pop("poverty_rate")
        )

    msg = _err(_write(tmp_path, mutate))
    assert "criteria.social.indicators.poverty_rat" in msg
    assert "vouliez-vous dire « poverty_rate »" in msg


def test_unknown_direction(tmp_path):
    def mutate(d):
        d["criteria"]["urban"]["indicators"]["qpv_share"]["direction"] = "maximum"

    msg = _err(_write(tmp_path, mutate))
    assert "criteria.urban.indicators.qpv_share.direction" in msg
    assert "'max' ou 'min'" in msg and "maximum" in msg


def test_thresholds_not_increasing(tmp_path):
    def mutate(d):
        d["criteria"]["social"]["indicators"]["niveau_vie"]["thresholds"][2] = 12000

    msg = _err(_write(tmp_path, mutate))
    assert "criteria.social.indicators.niveau_vie" in msg
    assert "strictement croissants" in msg


def test_force_in_and_force_out_overlap(tmp_path):
    def mutate(d):
        d["selection"]["force_in"] = [1001, 1002]
        d["selection"]["force_out"] = [1002]

    msg = _err(_write(tmp_path, mutate))
    assert "selection" in msg and "1002" in msg


def test_yaml_syntax_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ncriteria:\n  social: {weight: 1\n", encoding="utf-8")
    msg = _err(path)
    assert "erreur de syntaxe YAML" in msg and "ligne" in msg


def test_missing_file(tmp_path):
    msg = _err(tmp_path / "nowhere.yaml")
    assert "introuvable" in msg


def test_infeasible_selection_names_the_constraint(tmp_path):
    def mutate(d):
        d["selection"]["n_cites"] = 400

    s = load_scenario(_write(tmp_path, mutate))
    t = example_indicators()
    table = score(t, s).table.join(t[["logements"]])
    with pytest.raises(SelectionInfeasibleError) as info:
        select(table, **selection_kwargs(s))
    msg = str(info.value)
    assert "les 400 plus petites cités comptent" in msg
    assert "logements_max 13\u202f000" in msg and "augmenter logements_max ou baisser n_cites" in msg
