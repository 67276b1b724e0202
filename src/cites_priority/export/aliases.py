"""French labels shared by every export: QML aliases, report, CSV headers, maps.

One dictionary, :data:`FIELD_ALIASES`, maps a column name (ASCII ``snake_case``, as in the
frames of ``docs/contracts.md``) to the French label a planner reads. The QGIS styles put
it in their ``<aliases>``, the CSV uses it for its headers and the HTML report for its
tables, so a label is changed in one place only. The class labels and colours of the
categorised styles (priority classes, phases, RUC classes) live here for the same reason.
"""

from __future__ import annotations

from ..constants import RUC_BREAKS_SHARE, RUC_REFERENCE_EUR
from ..messages import VALUE_LABELS, fr_number

__all__ = [
    "FAMILY_LABELS",
    "FIELD_ALIASES",
    "LIST_LABELS",
    "PHASE_COLOURS",
    "PHASE_LABELS",
    "PRIORITY_CLASS_COLOURS",
    "PRIORITY_CLASS_LABELS",
    "ROBUSTNESS_LABELS",
    "RUC_CLASS_COLOURS",
    "RUC_CLASS_LABELS",
    "STATUS_LABELS",
    "alias",
]

#: Column name → French label.
FIELD_ALIASES: dict[str, str] = {
    # weights table
    "declared_weight": "Poids déclaré (famille × indicateur)",
    "available": "Mesurable avec les données",
    "note": "Remarque",
    # identity
    "cite_id": "Identifiant cité",
    "name": "Nom de la cité",
    "name_2": "Autre nom",
    "communes": "Communes",
    "insee": "Code INSEE",
    "epci": "Code EPCI (SIREN)",
    "epci_name": "EPCI",
    "epci_nom": "Nom de l'EPCI",
    "logements": "Logements",
    "logements_source": "Source du nombre de logements",
    "logements_rpls": "Logements RPLS dans le périmètre",
    "logements_filosofi": "Ménages Filosofi (pondérés par la surface)",
    "typology": "Typologie",
    "heritage_interest": "Intérêt patrimonial",
    "company": "Compagnie minière",
    "landlord": "Bailleur",
    "id_unesco": "Identifiant UNESCO",
    "unesco": "Bien UNESCO",
    # social indicators
    "pop_200m": "Population (carreaux 200 m)",
    "niveau_vie": "Niveau de vie moyen (€/UC/an)",
    "poverty_rate": "Taux de ménages pauvres",
    "share_65_plus": "Part des 65 ans et plus",
    "social_housing_share": "Part de logements sociaux",
    "share_built_before_1945": "Part des logements d'avant 1945",
    "share_built_1945_69": "Part des logements de 1945-1969",
    "imputed_share": "Part de population imputée",
    "ruc_class": "Classe de revenu (RUC)",
    # building indicators
    "n_dwellings": "Logements sociaux décrits (RPLS)",
    "dpe_source": "Source des étiquettes DPE",
    "share_dpe_efg": "Part de DPE E, F ou G",
    "mean_dpe_rank": "Classe DPE moyenne (A=1…G=7)",
    "share_unfit": "Part de logements inadaptés",
    "share_renovated_10y": "Part réhabilitée depuis 10 ans",
    "median_construction_year": "Année de construction médiane",
    # heritage indicators
    "heritage_rank": "Rang patrimonial",
    "share_in_bien": "Part dans le Bien UNESCO",
    "share_in_buffer": "Part dans la zone tampon",
    "poor_state_x_heritage": "Mauvais état × patrimoine",
    # urban indicators
    "dist_centrality_m": "Distance à une centralité (m)",
    "dist_major_site_m": "Distance à un grand site (m)",
    "dist_transit_m": "Distance aux transports (m)",
    "qpv_share": "Part en QPV",
    "enclavement": "Enclavement",
    # scores and selection
    "score": "Score global",
    "score_social": "Score social",
    "score_building": "Score bâti",
    "score_heritage": "Score patrimoine",
    "score_urban": "Score urbain",
    "rank": "Rang",
    "selected": "Retenue",
    "phase": "Phase",
    "phase_period": "Années de la phase",
    "priority_class": "Classe de priorité",
    "p_selected": "Probabilité d'être retenue",
    "rank_p05": "Rang (5e centile)",
    "rank_p95": "Rang (95e centile)",
    "robustness_class": "Robustesse",
    "top_contributions": "Principales contributions",
    "flip_family": "Famille dont le poids fait basculer",
    "flip_weight_after": "Poids qui fait basculer",
    "flip_change": "Changement de poids nécessaire",
    "flip_effect": "Effet du changement",
    "forced": "Imposée ou exclue par le scénario",
    "forced_swap": "Cités déplacées par la contrainte",
    "stress_share": "Part des scénarios voisins qui la retiennent",
    "synthetique": "Cité simulée",
    "in_mission_list": "Liste de la mission 2016",
    "in_erbm": "Programme ERBM",
    # reference layer
    "list": "Liste",
    "confidence": "Fiabilité",
    # grappes
    "grappe_id": "Grappe",
    "n_cites": "Nombre de cités",
    "n_retenues": "Cités retenues",
    "rank_a": "Rang dans A",
    "rank_b": "Rang dans B",
    "rank_move": "Gain de rang (A → B)",
    "score_a": "Score dans A",
    "score_b": "Score dans B",
    "selected_a": "Retenue dans A",
    "selected_b": "Retenue dans B",
    "change": "Changement (A → B)",
    "logements_retenus": "Logements retenus",
    "nom": "Nom",
    "population": "Population",
    "cite_ids": "Identifiants des cités",
    "names": "Cités",
    "phase_1": "Cités en phase 1",
    "phase_2": "Cités en phase 2",
    "centralities": "Centralités reliées",
    "score_mean": "Score moyen",
    # cells
    "idcar_200m": "Identifiant carreau INSEE",
    "x_laea": "X coin sud-ouest (LAEA)",
    "y_laea": "Y coin sud-ouest (LAEA)",
    "i_est_200": "Carreau imputé",
    "ind": "Individus",
    # attribute tables
    "key": "Paramètre",
    "value": "Valeur",
    "family": "Famille",
    "indicator": "Indicateur",
    "family_weight": "Poids de la famille",
    "weight": "Poids",
    "effective_weight": "Poids global",
    "direction": "Sens",
    "normalisation": "Normalisation",
    "dataset": "Jeu de données",
    "field": "Champ",
    "status": "Statut",
    "source": "Source",
    "licence": "Licence",
    "rule": "Règle",
}

#: Priority classes (1 = highest) → label.
PRIORITY_CLASS_LABELS: dict[int, str] = {
    1: "1 – Priorité très forte",
    2: "2 – Priorité forte",
    3: "3 – Priorité moyenne",
    4: "4 – Priorité faible",
    5: "5 – Priorité très faible",
}
#: Priority classes → hex colour (ColorBrewer YlOrRd, reversed).
PRIORITY_CLASS_COLOURS: dict[int, str] = {
    1: "#bd0026",
    2: "#f03b20",
    3: "#fd8d3c",
    4: "#fecc5c",
    5: "#ffffb2",
}

#: Phases of the shortlist → label.
PHASE_LABELS: dict[int, str] = {1: "Phase 1", 2: "Phase 2", 0: "Non retenue"}
#: Phases → hex colour.
PHASE_COLOURS: dict[int, str] = {1: "#08519c", 2: "#41b6c4", 0: "#bdbdbd"}

#: Criteria families → label.
FAMILY_LABELS: dict[str, str] = VALUE_LABELS["family"]

#: Robustness classes → label (``forced``/``excluded``: decided by the scenario).
ROBUSTNESS_LABELS: dict[str, str] = VALUE_LABELS["robustness_class"]

#: Reference lists → label.
LIST_LABELS: dict[str, str] = {
    "mission_2016": "Mission 2016 (25 prioritaires)",
    "examined_2016": "Examinées en 2016",
    "erbm": "ERBM",
}

#: Provenance status → label.
STATUS_LABELS: dict[str, str] = VALUE_LABELS["status"]


def _ruc_labels() -> dict[int, str]:
    pct = [round(s * 100) for s in RUC_BREAKS_SHARE]
    ref = fr_number(RUC_REFERENCE_EUR)
    labels = {1: f"1 – moins de {pct[0]} % de {ref} €"}
    for i in range(1, len(pct)):
        labels[i + 1] = f"{i + 1} – {pct[i - 1]} à {pct[i]} %"
    labels[len(pct) + 1] = f"{len(pct) + 1} – plus de {pct[-1]} %"
    return labels


#: RUC classes 1…9 (revenu par unité de consommation vs the mission's reference) → label.
RUC_CLASS_LABELS: dict[int, str] = _ruc_labels()
#: RUC classes → hex colour (ColorBrewer RdYlBu, 9 classes, poorest in red).
RUC_CLASS_COLOURS: dict[int, str] = {
    1: "#d73027",
    2: "#f46d43",
    3: "#fdae61",
    4: "#fee090",
    5: "#ffffbf",
    6: "#e0f3f8",
    7: "#abd9e9",
    8: "#74add1",
    9: "#4575b4",
}


def alias(column: str) -> str:
    """Return the French label of a column, or the column name if it has none.

    Indicator contributions and unknown ``score_<family>`` columns get a derived label.

    Parameters
    ----------
    column
        A column name.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> alias("p_selected")
    "Probabilité d'être retenue"
    >>> alias("unknown_field")
    'unknown_field'
    """
    if column in FIELD_ALIASES:
        return FIELD_ALIASES[column]
    if column.startswith("score_") and column[6:] in FAMILY_LABELS:
        return f"Score {FAMILY_LABELS[column[6:]].lower()}"
    return column
