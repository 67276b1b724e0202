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
    "scenario.unknown_family": (
        "{name} : famille « {family} » inconnue dans ce scénario{suggest} ; "
        "familles du scénario : {known}"
    ),
    "scenario.unknown_indicator": (
        "{name} : indicateur « {indicator} » absent de ce scénario{suggest} ; "
        "indicateurs du scénario : {known}"
    ),
    "scenario.weights_over_one": (
        "{name} : les poids donnés ({given}) font {total}, plus que 1 ; correction : "
        "donner des parts dont la somme ne dépasse pas 1, ou les poids de toutes les familles"
    ),
    "scenario.decimal_comma": (
        "{loc} : « {value} » n'est pas un nombre ; correction : écrire le "
        "séparateur décimal avec un point ({fixed}), pas une virgule"
    ),
    # validate: constraints as applied
    "validate.ok": "Scénario valide : {name}",
    "validate.unavailable": "indisponible dans ces données (poids reporté, voir ci-dessous)",
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
    # compare --project: the run's QGIS project to copy
    "qgis.not_a_project": (
        "{path} : pas un projet QGIS écrit par cites-priority ({detail}) ; correction : "
        "donner le cites_priority.qgz d'un run"
    ),
    "qgis.qgs_count": "{n} fichier(s) .qgs dans l'archive au lieu d'un",
    "qgis.missing_element": "élément <{element}> absent",
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
    # sources: file access (sources/_read.py)
    "sources.did_you_mean": "vouliez-vous dire « {name} » ?",
    "sources.file.not_found": "fichier introuvable",
    "sources.file.not_found.fix": "vérifiez le chemin (dossier : {folder}){hint}",
    "sources.file.is_folder": "c'est un dossier, pas un fichier",
    "sources.file.is_folder.fix": "donnez le chemin du fichier lui-même",
    "sources.file.empty": "le fichier est vide (0 octet)",
    "sources.file.empty.fix": "exportez ou téléchargez le fichier à nouveau",
    "sources.file.wrong_kind": (
        "le fichier n'est pas {expected} comme l'annonce son extension « {suffix} » : "
        "son contenu ressemble à {actual}"
    ),
    "sources.file.wrong_kind.fix": (
        "renommez le fichier avec sa vraie extension ou exportez-le à nouveau au format attendu"
    ),
    "sources.expected.gpkg": "un GeoPackage (SQLite)",
    "sources.expected.shp": "un Shapefile ESRI",
    "sources.expected.geojson": "un document GeoJSON",
    "sources.expected.text": "un fichier texte délimité",
    "sources.expected.zip": "une archive zip",
    "sources.kind.sqlite": "un fichier SQLite/GeoPackage",
    "sources.kind.shp": "un Shapefile",
    "sources.kind.zip": "une archive zip",
    "sources.kind.json": "un document JSON",
    "sources.kind.text": "un fichier texte",
    "sources.kind.binary": "un fichier binaire",
    "sources.kind.empty": "un fichier vide",
    "sources.engine.unknown": "engine doit valoir 'pyogrio' ou 'fiona', pas {engine!r}",
    "sources.engine.fid": "fid_as_index demande engine='pyogrio'",
    "sources.vector.unopenable": (
        "le fichier ne s'ouvre pas comme un jeu de données vectoriel ({error})"
    ),
    "sources.vector.unreadable": "le fichier est illisible ({error})",
    # compare: reading two runs' GeoPackages (outputs, not inputs)
    "compare.not_a_run": "ce n'est pas un livrable de run",
    "compare.not_a_run.fix": "donner le cites_priority.gpkg écrit par `cites-priority run`",
    "compare.fields_missing": "champs d'un livrable de run absents",
    "compare.fields_missing.fix": "le régénérer avec `cites-priority run`",
    "compare.layer.identifier": "Comparaison de deux scénarios",
    "compare.layer.description": "Entrées, sorties et évolution des rangs de A à B",
    "sources.vector.corrupt.fix": (
        "le fichier est peut-être tronqué ou corrompu : exportez-le ou téléchargez-le à nouveau"
    ),
    "sources.vector.no_layer": "aucune couche nommée « {layer} » ; couches du fichier : {layers}{hint}",
    "sources.vector.no_layer.hint": " ({did_you_mean})",
    "sources.vector.no_layer.fix": "donnez le nom d'une des couches existantes",
    "sources.vector.utf8_without_cpg": (
        "{path} : le fichier .dbf est en UTF-8 mais n'a pas de .cpg qui le dise ; "
        "il est relu en UTF-8 (ajoutez un fichier .cpg contenant « UTF-8 », ou "
        "passez encoding: utf-8 dans le fichier d'entrées)"
    ),
    "sources.csv.unparseable": (
        "le fichier ne se lit pas comme un texte à séparateur « {sep} » ({error})"
    ),
    "sources.csv.unparseable.fix": (
        "vérifiez le séparateur, les guillemets et que chaque ligne a le même nombre de champs"
    ),
    # sources: fields and values (sources/_fields.py)
    "sources.field.missing": "champ obligatoire absent (noms acceptés : {names})",
    "sources.field.rename.fix": "{did_you_mean} renommez la colonne en « {name} »",
    "sources.field.add.fix": "ajoutez la colonne (noms acceptés : {names})",
    "sources.layer.empty": "la couche est vide (0 entité)",
    "sources.layer.empty.fix": "vérifiez l'export ou le nom de la couche",
    "sources.counts.comma": "utilise la virgule comme séparateur décimal",
    "sources.counts.comma.fix": (
        "écrivez les décimales avec un point (« 12.5 ») ou exportez à nouveau avec le point "
        "comme séparateur décimal"
    ),
    "sources.counts.thousands": "utilise un séparateur de milliers",
    "sources.counts.thousands.fix": "retirez les séparateurs de milliers (« 1234 ») à l'export",
    "sources.counts.non_numeric": "contient des valeurs non numériques",
    "sources.counts.non_numeric.fix": "remplacez-les par des nombres ou laissez la cellule vide",
    "sources.counts.bad": "{why} : « {example} » sur {n} ligne(s)",
    "sources.counts.missing": "{n} effectif(s) vide(s) ou NaN",
    "sources.counts.missing.fix": (
        "remplissez les effectifs (0 s'il n'y en a pas) ou supprimez ces lignes"
    ),
    "sources.counts.infinite": "valeurs infinies",
    "sources.counts.infinite.fix": "remplacez-les par des nombres finis",
    "sources.counts.negative": "{n} effectif(s) négatif(s) (minimum {min})",
    "sources.counts.negative.fix": "les effectifs doivent être ≥ 0 : vérifiez l'export",
    "sources.counts.fraction": "valeurs non entières",
    "sources.counts.fraction.fix": "utilisez des nombres entiers",
    "sources.years.bad": (
        "{n} valeur(s) qui ne sont pas des années de {low} à {high} (ex. « {example} »)"
    ),
    "sources.years.bad.fix": "écrivez l'année sur quatre chiffres ou laissez la cellule vide",
    "sources.codes.unknown": "{n} valeur(s) inconnue(s) : {shown}",
    "sources.codes.unknown.fix": "utilisez l'une des valeurs {choices} (ou laissez vide)",
    "sources.dates.bad": "{n} date(s) illisible(s) (ex. « {example} »)",
    "sources.dates.bad.fix": "écrivez les dates au format ISO (AAAA-MM-JJ) ou JJ/MM/AAAA",
    "sources.ids.duplicate": "identifiants en double : {shown} ({n} lignes)",
    "sources.ids.duplicate.fix": "donnez à chaque ligne un identifiant unique",
    "sources.values.empty": "{n} valeur(s) vide(s)",
    "sources.values.empty.fix": "remplissez le champ sur chaque ligne",
    # sources: coordinates and geometries (sources/_geometry.py)
    "sources.crs.geometries": "les géométries",
    "sources.crs.columns": "les colonnes {x}/{y}",
    "sources.crs.metres_as_degrees": (
        "{what} sont déclarées dans un SCR géographique ({crs}) mais portent des coordonnées "
        "projetées (ex. x={x}, y={y}, qui ressemblent à des mètres Lambert-93)"
    ),
    "sources.crs.metres_as_degrees.fix": (
        "déclarez le vrai SCR (EPSG:2154 pour Lambert-93) au lieu de reprojeter"
    ),
    "sources.crs.degrees_as_metres": (
        "{what} sont déclarées dans un SCR projeté ({crs}) mais portent des degrés de "
        "longitude/latitude (ex. x={x}, y={y})"
    ),
    "sources.crs.degrees_as_metres.fix": (
        "déclarez EPSG:4326 pour ces coordonnées ou donnez des mètres Lambert-93"
    ),
    "sources.crs.none": "la couche n'a pas de SCR",
    "sources.crs.none.fix": (
        "déclarez-le (ajoutez le .prj du shapefile, écrivez « crs: EPSG:2154 » dans le "
        "fichier d'entrées, ou gdf.set_crs('EPSG:2154') avant l'enregistrement)"
    ),
    "sources.crs.unusable": "SCR inconnu ou inutilisable ({name})",
    "sources.crs.unusable.fix": (
        "exportez à nouveau la couche en EPSG:2154 (Lambert-93) ou en EPSG:4326"
    ),
    "sources.crs.reproject": "reprojection impossible depuis {crs} ({error})",
    "sources.crs.reproject.fix": "exportez à nouveau la couche en EPSG:2154",
    "sources.xy.missing": "{n} ligne(s) sans coordonnées",
    "sources.xy.missing.fix": "géocodez ces lignes ou supprimez-les",
    "sources.xy.not_l93.fix": (
        "{x}/{y} doivent être des mètres Lambert-93 (EPSG:2154) : convertissez les "
        "longitudes/latitudes (ou prenez les colonnes BAN Lambert-93)"
    ),
    "sources.extent.swapped": "{n} ligne(s) ont leurs axes x et y inversés",
    "sources.extent.swapped.fix": (
        "échangez les colonnes X et Y (X est l'abscisse, ~600 000–770 000 m en Lambert-93 ; "
        "Y l'ordonnée, ~7 000 000 m)"
    ),
    "sources.extent.outside": (
        "{n} ligne(s) {where} (ex. x={x}, y={y} en EPSG:2154 ; attendu x {xmin}–{xmax}, "
        "y {ymin}–{ymax})"
    ),
    "sources.extent.where.basin": "hors du Bassin minier",
    "sources.extent.where.france": "hors de la France métropolitaine",
    "sources.extent.fix.basin": (
        "limitez le fichier au Bassin minier (départements 59 et 62) ou vérifiez son SCR"
    ),
    "sources.extent.fix.france": (
        "vérifiez le SCR de la couche (ses coordonnées tombent hors de la France "
        "métropolitaine)"
    ),
    "sources.geometry.empty": "{n} géométrie(s) nulle(s) ou vide(s)",
    "sources.geometry.empty.fix": "dessinez la géométrie ou supprimez la ligne",
    "sources.geometry.type": "{n} géométrie(s) de type {types}, attendu : {kinds}",
    "sources.geometry.type.fix": "exportez la couche avec le bon type de géométrie",
    "sources.geometry.repaired": (
        "{path} : {n} géométrie(s) invalide(s) réparée(s) avec make_valid "
        "(identifiants {ids})"
    ),
    "sources.or": " ou ",
    # sources: Filosofi (sources/filosofi.py)
    "sources.filosofi.empty": "le fichier ne contient aucun carreau",
    "sources.filosofi.empty.fix": "vérifiez l'export",
    "sources.filosofi.outside": (
        "aucun carreau du fichier ne recoupe la zone d'étude (x {xmin}–{xmax}, "
        "y {ymin}–{ymax} en EPSG:2154)"
    ),
    "sources.filosofi.outside.fix": (
        "prenez le fichier de la France métropolitaine ou d'une zone couvrant le "
        "Bassin minier (Nord, Pas-de-Calais)"
    ),
    "sources.filosofi.malformed": (
        "{n} identifiant(s) de carreau mal formé(s) (ex. « {example} »), "
        "forme attendue : CRS3035RES200mN<nord>E<est>"
    ),
    "sources.filosofi.malformed.fix": (
        "utilisez les identifiants INSPIRE de la grille 200 m de l'Insee"
    ),
    "sources.filosofi.resolution": (
        "{n} carreau(x) de résolution {res} m au lieu de {grid} m"
    ),
    "sources.filosofi.resolution.fix": (
        "prenez le fichier des carreaux de 200 m (carreaux_200m), pas celui de 1 km ni les "
        "carreaux naturels"
    ),
    "sources.filosofi.flag": "indicateur d'imputation différent de 0 et 1",
    "sources.filosofi.flag.fix": "utilisez 0 ou 1",
    "sources.filosofi.corner": (
        "{path} : {name} ne concorde pas avec idcar_200m sur {n} ligne(s) "
        "(ex. {example}) ; l'identifiant fait foi"
    ),
    "sources.filosofi.no_cell": "{path} : aucun carreau dans la zone demandée",
    # sources: reference lists, provenance (sources/reference.py, sources/world.py)
    "sources.reference.twice": (
        "{n} ligne(s) citent deux fois la même cité dans une même liste"
    ),
    "sources.reference.twice.fix": "gardez une seule ligne par couple (cite_id, list)",
    "sources.reference.unknown_list": (
        "{path} : nom(s) de liste inconnu(s) {unknown} ; noms connus : {known}"
    ),
    "sources.provenance.missing": "champ obligatoire absent",
    "sources.provenance.missing.fix": (
        "écrivez les colonnes dataset,field,status,source,licence,rule"
    ),
    # sources: dwellings (sources/bailleurs.py)
    "sources.dwellings.empty": "le fichier ne contient aucune ligne de logement",
    "sources.dwellings.empty.fix": "vérifiez l'export ou le filtre appliqué",
    "sources.dwellings.bad_xy": "{n} coordonnée(s) illisibles (ex. {shown})",
    "sources.dwellings.bad_xy.fix": (
        "écrivez des nombres (12345.6 ou 12345,6) ou laissez la cellule vide"
    ),
    "sources.dwellings.not_l93.fix": (
        "{x}/{y} doivent être des mètres Lambert-93 (EPSG:2154) : convertissez les "
        "longitudes/latitudes, prenez les colonnes BAN Lambert-93, ou déclarez le SCR "
        "(« crs: EPSG:4326 » dans le fichier d'entrées)"
    ),
    "sources.dwellings.swapped": "les colonnes X et Y semblent inversées",
    "sources.dwellings.check_crs": (
        "vérifiez le système de coordonnées (Lambert-93 EPSG:2154 attendu pour X/Y, "
        "degrés WGS84 pour latitude/longitude) et que le fichier couvre le Nord ou "
        "le Pas-de-Calais"
    ),
    "sources.dwellings.none_inside": (
        "aucune des {n} lignes localisées ne tombe dans la zone d'étude "
        "(étendue du fichier x {x0}–{x1}, y {y0}–{y1} en EPSG:2154 ; "
        "zone x {xmin}–{xmax}, y {ymin}–{ymax})"
    ),
    "sources.dwellings.half_xy": "la colonne {absent} manque alors que {present} est présente",
    "sources.dwellings.half_xy.fix": "ajoutez la colonne {absent} ou retirez l'autre coordonnée",
    "sources.rpls.no_xy": (
        "ce millésime du RPLS ne porte pas de coordonnées : les logements ne "
        "peuvent pas être placés dans les cités"
    ),
    "sources.rpls.no_xy.fix": "utilisez un millésime localisé : {vintages}",
    "sources.rpls.placeable": (
        "RPLS 2020–2021 géocodé (X, Y); RPLS 2023–2024 et 2025 (X, Y); "
        "geo-RPLS 2017 (latitude, longitude)"
    ),
    "sources.dwellings.no_xy": "le fichier n'a pas de coordonnées",
    "sources.dwellings.no_xy.fix": "ajoutez les colonnes X/Y (Lambert-93) ou latitude/longitude",
    "sources.dpe.class.fix": (
        "les étiquettes DPE vont de A à G ; laissez la cellule vide si elle est inconnue"
    ),
    "sources.flag.fix": "utilisez 0 ou 1",
    "sources.inventory.no_field": (
        "l'inventaire n'a ni année de réhabilitation ni indicateur d'inadaptation"
    ),
    "sources.inventory.no_field.fix": "ajoutez la colonne ANNEE_REHAB (année) ou INADAPTE (0/1)",
    # sources: inputs file and role search (sources/inputs.py)
    "sources.inputs.not_found": "fichier d'entrées introuvable",
    "sources.inputs.not_found.fix": "vérifiez le chemin passé à --inputs",
    "sources.inputs.yaml": "YAML illisible ({error})",
    "sources.inputs.yaml.fix": "corrigez la syntaxe YAML",
    "sources.inputs.not_mapping": "le fichier doit associer des rôles à des fichiers",
    "sources.inputs.not_mapping.fix": "écrivez par ex. « rpls: {{path: RPLS_2023.csv}} »",
    "sources.inputs.unknown_key": "clé inconnue",
    "sources.inputs.unknown_key.hint": " ({did_you_mean})",
    "sources.inputs.unknown_key.fix": "clés valides : {keys}",
    "sources.inputs.missing_key": "clé obligatoire absente",
    "sources.inputs.missing_key.fix": "donnez au moins « path: FICHIER »",
    "sources.inputs.invalid": "valeur invalide ({error})",
    "sources.inputs.invalid.fix": "voir README, section Entrées",
    "sources.inputs.layers": (
        "plusieurs couches ({layers}) et aucune ne se nomme comme une couche de cités"
    ),
    "sources.inputs.layers.fix": (
        "nommez la couche dans le fichier d'entrées : "
        "« cites: {{path: ..., layer: NOM_DE_COUCHE}} »"
    ),
    "sources.inputs.no_folder": "dossier de données introuvable",
    "sources.inputs.no_folder.fix": (
        "lancez « cites-priority world --out DOSSIER » ou passez --data / --inputs"
    ),
    "sources.inputs.missing_file": "fichier introuvable : {path}",
    "sources.inputs.missing_file.fix": "corrigez le chemin dans le fichier d'entrées",
    "sources.inputs.several": "plusieurs fichiers possibles pour {label} : {files}",
    "sources.inputs.several.fix": (
        "gardez-en un seul ou nommez-le dans un fichier d'entrées (« {role}: "
        "{{path: ...}} »)"
    ),
    "sources.inputs.required": "{label} est introuvable (noms reconnus : {names})",
    "sources.inputs.required.fix": (
        "ajoutez le fichier au dossier, ou nommez-le dans un fichier d'entrées "
        "(--inputs), ou régénérez le dossier avec « cites-priority world »"
    ),
    "sources.role.cites": "la couche des cités minières",
    "sources.role.filosofi": "les carreaux Filosofi 200 m",
    "sources.role.contexte": "le GeoPackage de contexte (communes, EPCI, Bien UNESCO…)",
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


def fr_number(
    value: Any, decimals: int | None = 0, *, percent: bool = False, sign: bool = False
) -> str:
    """Format a number the French way (narrow no-break thousands, decimal comma).

    Parameters
    ----------
    value
        A number, or a missing value (shown as an em dash).
    decimals
        Decimals shown; ``None`` for as many as needed (up to 6 significant digits, no
        trailing zeros: ``1,1`` for a weight total).
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
    >>> fr_number(1.1, None)
    '1,1'
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
    spec = f"{'+' if sign else ''},{'g' if decimals is None else f'.{decimals}f'}"
    text = format(number, spec).replace(",", "\u202f").replace(".", ",")
    return text + ("\u00a0%" if percent else "")


try:  # pandas is a dependency, but keep this module importable on its own
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()
