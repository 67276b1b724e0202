"""Tests of cites_priority.export.aliases (the shared French labels)."""

from __future__ import annotations

from cites_priority.constants import FAMILIES
from cites_priority.export.aliases import (
    FIELD_ALIASES,
    PRIORITY_CLASS_COLOURS,
    PRIORITY_CLASS_LABELS,
    RUC_CLASS_COLOURS,
    RUC_CLASS_LABELS,
    alias,
)

CONTRACT_COLUMNS = """cite_id name name_2 communes insee epci logements typology heritage_interest
company landlord id_unesco unesco pop_200m niveau_vie poverty_rate share_65_plus
social_housing_share imputed_share ruc_class n_dwellings share_dpe_efg mean_dpe_rank share_unfit
share_renovated_10y median_construction_year heritage_rank share_in_bien share_in_buffer
poor_state_x_heritage dist_centrality_m dist_major_site_m dist_transit_m qpv_share enclavement
score rank selected phase priority_class p_selected rank_p05 rank_p95 robustness_class
in_mission_list in_erbm""".split()


def test_every_contract_column_has_a_french_label() -> None:
    missing = [c for c in CONTRACT_COLUMNS if c not in FIELD_ALIASES]
    assert missing == []
    for fam in FAMILIES:
        assert alias(f"score_{fam}").startswith("Score ")
    labels = list(FIELD_ALIASES.values())
    dupes = {x for x in labels if labels.count(x) > 1}
    assert dupes == set()


def test_class_labels_and_colours_cover_the_same_classes() -> None:
    assert set(PRIORITY_CLASS_LABELS) == set(PRIORITY_CLASS_COLOURS) == {1, 2, 3, 4, 5}
    assert set(RUC_CLASS_LABELS) == set(RUC_CLASS_COLOURS) == set(range(1, 10))
    assert RUC_CLASS_LABELS[9] == "9 – plus de 160 %"
    assert RUC_CLASS_LABELS[2] == "2 – 60 à 70 %"


def test_alias_falls_back_to_the_name() -> None:
    assert alias("score_social") == "Score social"
    assert alias("score_other") == "score_other"
