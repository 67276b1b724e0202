"""The French message catalogue: every user-facing string template, and French numbers.

Nothing the user reads (CLI output, errors, warnings, report, GeoPackage values, CSV) should
be written as an English literal in the code. Write the French template here once, under a
dotted key, and format it where it is used::

    from cites_priority.messages import fr_number, msg

    msg("scenario.unknown_epci", key="epci_max", value="CA Douai", matches="…")
    fr_number(12345.678, 1)        # '12 345,7' (narrow no-break space, decimal comma)
    fr_number(0.256, percent=True)  # '26 %'

Coded values stored in files (robustness classes, flip effects, forced flags, families)
are translated with :data:`VALUE_LABELS` / :func:`label`, so a GeoPackage or CSV never
carries ``core`` or ``enters``. :data:`ENGLISH_TOKENS` lists the English codes the engine
uses internally; the tests grep every user output for them.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "ENGLISH_TOKENS",
    "MESSAGES",
    "VALUE_LABELS",
    "fr_date",
    "fr_number",
    "label",
    "msg",
]

#: Dotted key → French template (``str.format`` fields).
MESSAGES: dict[str, str] = {
    # _errors.Problem.render / InputDataError
    "problem.field": "champ « {field} »",
    "problem.rows": "lignes : {rows}",
    "problem.more": " (+{n} autres)",
    "problem.fix": "correction : {fix}",
    "input.layer": "{path} (couche « {layer} »)",
    "input.invalid": "entrée invalide",
    # scenario resolution against the data
    "scenario.unknown_epci": (
        "{path} : selection.{key} : EPCI « {value} » inconnu dans {data}{matches} ; "
        "correction : écrire le code SIREN (entre guillemets ou non) ou le nom exact d'un EPCI"
    ),
    "scenario.ambiguous_epci": (
        "{path} : selection.{key} : « {value} » désigne plusieurs EPCI ({matches}) ; "
        "correction : écrire le code SIREN"
    ),
    "scenario.unknown_cite": (
        "{path} : selection.{key} : cité {value} inconnue dans {data}{matches} ; "
        "correction : donner un identifiant ID_LSM existant"
    ),
    "scenario.matches": " ; les plus proches : {matches}",
    "scenario.decimal_comma": (
        "{loc} : « {value} » n'est pas un nombre ; correction : écrire le "
        "séparateur décimal avec un point ({fixed}), pas une virgule"
    ),
    # validate: constraints as applied
    "validate.ok": "Scénario valide : {name}",
    "validate.weights": "Pondérations (poids global de chaque indicateur) :",
    "validate.constraints": "Contraintes appliquées sur {data} :",
    "validate.n": "  nombre de cités : {n}",
    "validate.window": "  enveloppe de logements : {lo} à {hi}",
    "validate.epci": "  {name} ({code}) : {bounds}",
    "validate.epci_min": "au moins {n}",
    "validate.epci_max": "au plus {n}",
    "validate.force_in": "  cités imposées : {cites}",
    "validate.force_out": "  cités exclues : {cites}",
    "validate.none": "aucune",
    "validate.phases": "  phases : {count} de {years} ans, {periods} ({rule})",
    "validate.no_data": "(ajouter --data DOSSIER pour vérifier les EPCI et les cités contre les données)",
    # explain
    "explain.head": "{name} (cité {cite_id}) : rang {rank}/{n}, score {score}, {state}",
    "explain.families": "Scores par famille : {parts}",
    "explain.top": "Principales contributions :",
    "explain.no_flip": "Aucun changement d'un seul poids de famille ne change son statut.",
    "explain.flip": (
        "Plus petit changement : poids « {family} » {before} → {after} ({change}) : "
        "la cité {effect} la liste."
    ),
    "explain.forced_in": (
        "Cité imposée par le scénario (force_in) : sans cette contrainte elle serait au rang "
        "{rank} (score {score}) et {state} ; elle prend la place de {displaced}."
    ),
    "explain.forced_out": (
        "Cité exclue par le scénario (force_out) : sans cette contrainte elle serait {state} ; "
        "sa place revient à {displaced}."
    ),
    "explain.unknown_cite": "aucune cité d'identifiant {cite_id}",
    # inputs: what a run left out, estimated or could not measure (pipeline.input_notes)
    "inputs.rows_left_out": (
        "{source} : {read} lignes lues, {kept} gardées ; écartées : {no_coords} sans "
        "coordonnées ({share}), {outside} hors de la zone d'étude"
    ),
    "inputs.logements_estimated": (
        "Logements estimés (la couche des cités n'en donne pas) pour {n} cités : {parts} "
        "(champ logements_source)"
    ),
    "inputs.logements_part": "{n} par {source}",
    "inputs.unavailable": "Indicateur {indicator} : {note}",
    "inputs.incomplete": "Famille {family} acceptée incomplète : aucune valeur pour {share} des cités",
    "inputs.estimated_in_shortlist": (
        "Parmi les {n} cités retenues, {estimated} ont un nombre de logements estimé (RPLS ou "
        "Filosofi) et non compté par un inventaire : le total de logements de la liste est une "
        "estimation."
    ),
    "inputs.all_measured": (
        "Toutes les entrées du scénario sont mesurées par les données ; aucune ligne des "
        "fichiers de logements n'a été écartée."
    ),
    "inputs.intro": (
        "Ce que les données d'entrée ne permettent pas de mesurer, ce qu'elles ont écarté et ce "
        "qui est estimé :"
    ),
    "inputs.missing_logements": (
        "cités sans nombre de logements : la couche n'en donne pas et ni le RPLS ni Filosofi ne "
        "permettent de l'estimer (aucun logement ni ménage dans le polygone) ; la sélection en "
        "a besoin"
    ),
    "inputs.missing_logements_fix": (
        "renseignez NB_LOGTS pour ces cités, ou fournissez un RPLS localisé"
    ),
    # scoring.availability
    "availability.moved": (
        "indisponible dans les données : son poids est reporté sur {kept} (famille {family})"
    ),
    "availability.family_gone": (
        "indisponible dans les données ; la famille {family} n'a plus aucun indicateur : son "
        "poids est reporté sur les familles {others}"
    ),
    "availability.nothing": (
        "scénario « {name} » : aucun indicateur n'est mesurable avec ces données ({gone} sont "
        "vides pour toutes les cités) ; vérifiez les fichiers d'entrée"
    ),
    "availability.sparse": (
        "la famille {family} n'a aucune valeur pour {n} des {total} cités ({share}) : la règle "
        "des valeurs manquantes la déciderait pour la plupart d'entre elles"
    ),
    "availability.sparse_error": (
        "scénario « {name} » : {problems} ; correction : fournissez des données couvrant les "
        "cités (fichier plus étendu), retirez la famille du scénario, ou acceptez-la "
        "explicitement avec « missing: {{accept_incomplete: [{families}]}} »"
    ),
    # warnings of the engine (shown as « Attention : … »)
    "warn.cells_lack": (
        "les carreaux Filosofi n'ont pas les champs {fields} : les indicateurs sociaux qui en "
        "dépendent sont inconnus"
    ),
    "warn.no_inhabited_cell": (
        "{n} cité(s) sans carreau Filosofi habité, indicateurs sociaux inconnus : cite_id {ids}"
    ),
    "warn.urban_absent": "couches urbaines absentes ou vides : {layers} ; leurs indicateurs sont inconnus",
    "warn.family_empty": (
        "aucun indicateur connu dans une famille, sous-score 0 pour cite_id {ids}"
    ),
    "warn.topsis_drop": (
        "{indicator} : la règle « drop » des valeurs manquantes ne s'applique pas à TOPSIS ; "
        "les valeurs manquantes prennent la médiane"
    ),
    "warn.empty_table": "la table des indicateurs est vide",
    "warn.force_unknown": "force_in/force_out citent des cite_id inconnus {ids} (ignorés)",
    "warn.logements_unknown": (
        "logements inconnus pour cite_id {ids} : ces cités ne peuvent pas être retenues"
    ),
    "warn.calibration_uniform": (
        "la calibration n'a appris aucun poids positif ; poids uniformes rendus"
    ),
    "warn.reference_unknown": (
        "cite_id de référence absents de la table des indicateurs (ignorés) : {ids}"
    ),
    "warn.family_weights": "criteria : les poids des familles font {total}, pas 1 (normalisés)",
    "warn.indicator_weights": (
        "criteria.{family}.indicators : les poids font {total}, pas 1 (normalisés)"
    ),
}

#: Coded values → French labels, by vocabulary.
VALUE_LABELS: dict[str, dict[Any, str]] = {
    "family": {"social": "Social", "building": "Bâti", "heritage": "Patrimoine", "urban": "Urbain"},
    "robustness_class": {
        "core": "Noyau stable",
        "borderline": "À la marge",
        "outside": "Hors sélection",
        "forced": "Imposée",
        "excluded": "Exclue",
    },
    "flip_effect": {"enters": "entrerait", "leaves": "sortirait"},
    "flip_verb": {"enters": "entrerait dans", "leaves": "sortirait de"},
    "forced": {"in": "imposée", "out": "exclue"},
    "direction": {"max": "plus élevé = plus de besoin", "min": "plus faible = plus de besoin"},
    "normalisation": {"minmax": "min-max", "rank": "rang", "value_function": "fonction de valeur"},
    "status": {"real": "réel", "synthetic": "simulé", "derived": "dérivé"},
    "list": {"mission_2016": "Mission 2016", "examined_2016": "Examinées en 2016", "erbm": "ERBM"},
    "confidence": {"confirmed": "confirmée", "probable": "probable", "named": "nommée",
                   "synthetic": "simulée", "real": "réelle"},
    "change": {"entry": "entrée", "exit": "sortie", "kept": "maintenue"},
    "method": {"weighted_sum": "somme pondérée", "topsis": "TOPSIS", "promethee": "PROMETHEE"},
    "rule": {"score_then_half": "les plus urgentes d'abord, logements répartis à parts égales",
             "balanced_milp": "équilibre des logements par optimisation"},
    "state": {True: "retenue", False: "non retenue"},
}

#: English codes used inside the engine that must never reach a user's screen or file.
ENGLISH_TOKENS: tuple[str, ...] = (
    "core", "borderline", "outside", "enters", "leaves", "building", "heritage", "urban",
    "synthetic", "derived", "confirmed", "weighted_sum", "score_then_half", "field '",
    "fix:", "rows:", "not found", "unknown", "selected", "None", "True", "False",
)


def msg(key: str, /, **fields: Any) -> str:
    """Return the French message ``key`` of :data:`MESSAGES` formatted with ``fields``.

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    **fields
        The template's fields.

    Returns
    -------
    str
        The message.

    Examples
    --------
    >>> msg("problem.fix", fix="remplir NB_LOGTS")
    'correction : remplir NB_LOGTS'
    """
    return MESSAGES[key].format(**fields)


def label(vocabulary: str, value: Any) -> Any:
    """Return the French label of a coded ``value`` (the value itself when it has none).

    Examples
    --------
    >>> label("robustness_class", "core")
    'Noyau stable'
    >>> label("family", "nouvelle")
    'nouvelle'
    """
    return VALUE_LABELS[vocabulary].get(value, value)


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


def fr_date(iso: str) -> str:
    """Return ``2026-12-02…`` as ``2 décembre 2026``.

    Examples
    --------
    >>> fr_date("2026-12-02T00:00:00.000Z")
    '2 décembre 2026'
    """
    year, month, day = (int(p) for p in iso[:10].split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"


def fr_number(value: Any, decimals: int = 0, *, percent: bool = False, sign: bool = False) -> str:
    """Format a number the French way (narrow no-break thousands, decimal comma).

    Parameters
    ----------
    value
        A number, or a missing value (shown as an em dash).
    decimals
        Decimals shown.
    percent
        Multiply by 100 and append `` %`` (no-break space).
    sign
        Always show the sign (``+0,050``).

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> fr_number(12345.678, 1)
    '12\u202f345,7'
    >>> fr_number(0.256, 0, percent=True)
    '26\u00a0%'
    >>> fr_number(-0.05, 3, sign=True)
    '-0,050'
    >>> fr_number(None)
    '—'
    """
    if value is None or value is _NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        number = float(value) * (100 if percent else 1)
    except (TypeError, ValueError):
        return "—"
    if number != number:
        return "—"
    spec = f"{'+' if sign else ''},.{decimals}f"
    text = format(number, spec).replace(",", "\u202f").replace(".", ",")
    return text + ("\u00a0%" if percent else "")


try:  # pandas is a dependency, but keep this module importable on its own
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()
