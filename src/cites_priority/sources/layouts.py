"""The published layouts of the landlord files: column order, separator, encoding.

One definition, used by the loaders' documentation, by the world builder (which writes
the RPLS in the SDES 2023 public layout and the DPE in ADEME's ``dpe03existant`` layout)
and by the tests (which write a sample of every variant and load it).

Sources (docs/sources.md §RPLS, §DPE):

- SDES, « Données détaillées au logement du RPLS » (data dictionaries 2016–2025): the
  legacy regional files 2016–2018 (``;``, ISO-8859-1, no coordinates), the geocoded
  2020–2021 files (``X``/``Y`` Lambert-93 plus ``REG``/``DEP``/``EPCI`` columns), the
  2023–2024 code/label naming (``DEPCOM_CODE``, ``DEPCOM_LIBELLE``…) and the 2025 naming
  (``DEPCOM``, ``DEP_CODE``, ``REG_CODE``). None carries a dwelling id or the landlord.
- Géorezo's community geo-RPLS 2017 (legacy columns plus ``latitude``/``longitude``).
- ADEME ``dpe03existant`` (« DPE Logements existants depuis juillet 2021 », snake_case,
  230 fields of which the engine reads a dozen) and the 2022–2024 French-labelled export
  of ``dpe-v2-logements-existants``.

The column lists keep the producers' order for the fields the engine reads and the
location fields around them; the many fields the engine never reads (financing,
convention, consumption details…) are represented by a few of their names, so a sample
file has the look, the order and the awkward neighbours of the real one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DPE_LAYOUTS", "LAYOUTS", "RPLS_LAYOUTS", "Layout"]


@dataclass(frozen=True)
class Layout:
    """One published file layout.

    Attributes
    ----------
    name
        Short identifier (``rpls_2023``…).
    label
        French label for messages and docs.
    columns
        Column names, in the producer's order.
    sep, encoding
        Separator and encoding of the published CSV.
    coordinates
        ``"xy"`` (Lambert-93 ``X``/``Y``), ``"lonlat"`` (WGS84 degrees) or ``None``.
    """

    name: str
    label: str
    columns: tuple[str, ...]
    sep: str
    encoding: str
    coordinates: str | None


_LOCATION_LEGACY = ("DROIT", "DEPCOM", "CODEPOSTAL", "LIBCOM", "NUMVOIE", "INDREP", "TYPVOIE",
                    "NOMVOIE", "NUMAPPT", "NUMBOITE", "ESC", "COULOIR", "ETAGE", "COMPLIDENT",
                    "ENTREE", "BAT", "IMMEU", "COMPLGEO", "LIEUDIT", "QPV")
_STRUCTURE = ("TYPECONST", "NBPIECE", "SURFHAB", "CONSTRUCT", "LOCAT", "PATRIMOINE", "ORIGINE",
              "FINAN", "FINANAUTRE", "CONV", "NUMCONV", "DATCONV", "NEWLOGT", "CUS", "DPEDATE",
              "DPEENERGIE", "DPESERRE", "SRU_EXPIR", "SRU_ALINEA", "CODSEGPATRIM",
              "LIBSEGPATRIM")
_LOCATION_2023 = ("REG_CODE", "REG_LIBELLE", "DEP_CODE", "DEP_LIBELLE", "EPCI_CODE",
                  "EPCI_LIBELLE", "DEPCOM_CODE", "DEPCOM_LIBELLE", "CODEPOSTAL", "DROIT_CODE",
                  "DROIT_LIBELLE", "NUMVOIE", "INDREP", "TYPVOIE", "NOMVOIE", "NUMAPPT",
                  "NUMBOITE", "ESC", "COULOIR", "ETAGE", "COMPLIDENT", "ENTREE", "BAT", "IMMEU",
                  "COMPLGEO", "LIEUDIT", "QPV_CODE", "QPV_LIBELLE")
_STRUCTURE_2023 = ("TYPECONST", "NBPIECE", "SURFHAB", "CONSTRUCT", "LOCAT", "PATRIMOINE",
                   "ORIGINE_CODE", "ORIGINE_LIBELLE", "FINAN_CODE", "FINAN_LIBELLE",
                   "FINANAUTRE", "CONV", "NUMCONV", "DATCONV", "NEWLOGT", "CUS", "DPEDATE",
                   "DPEENERGIE", "DPESERRE", "SRU_EXPIR", "SRU_ALINEA", "CODSEGPATRIM",
                   "LIBSEGPATRIM")

RPLS_LAYOUTS: dict[str, Layout] = {
    "rpls_2016": Layout("rpls_2016", "RPLS 2016–2018 (fichier régional, sans coordonnées)",
                        _LOCATION_LEGACY + _STRUCTURE, ";", "latin-1", None),
    "rpls_2020": Layout("rpls_2020", "RPLS 2020–2021 géocodé (X/Y Lambert-93)",
                        ("REG", "LIBREG", "DEP", "LIBDEP", "EPCI", "LIBEPCI", *_LOCATION_LEGACY,
                         *_STRUCTURE, "X", "Y", "RESULT_LABEL", "RESULT_SCORE"),
                        ";", "latin-1", "xy"),
    "rpls_2023": Layout("rpls_2023", "RPLS 2023–2024 (codes et libellés, X/Y Lambert-93)",
                        (*_LOCATION_2023, *_STRUCTURE_2023, "X", "Y"), ";", "utf-8", "xy"),
    "rpls_2025": Layout("rpls_2025", "RPLS 2025 (DEPCOM, X/Y Lambert-93)",
                        tuple("DEPCOM" if c == "DEPCOM_CODE" else
                              "LIBCOM" if c == "DEPCOM_LIBELLE" else c
                              for c in (*_LOCATION_2023, *_STRUCTURE_2023, "X", "Y")),
                        ";", "utf-8", "xy"),
    "georpls_2017": Layout("georpls_2017", "geo-RPLS 2017 (Géorezo, latitude/longitude)",
                           (*_LOCATION_LEGACY, *_STRUCTURE, "latitude", "longitude"),
                           ",", "utf-8", "lonlat"),
}

DPE_LAYOUTS: dict[str, Layout] = {
    "dpe03existant": Layout(
        "dpe03existant", "ADEME dpe03existant (DPE depuis juillet 2021)",
        ("numero_dpe", "date_etablissement_dpe", "date_reception_dpe", "date_fin_validite_dpe",
         "numero_dpe_remplace", "modele_dpe", "version_dpe", "methode_application_dpe",
         "etiquette_dpe", "etiquette_ges", "conso_5_usages_par_m2_ep",
         "emission_ges_5_usages_par_m2", "type_batiment", "annee_construction",
         "periode_construction", "surface_habitable_logement", "nombre_niveau_logement",
         "type_energie_n1", "zone_climatique", "numero_rpls_logement", "id_rnb",
         "identifiant_ban", "adresse_ban", "code_insee_ban", "code_postal_ban",
         "nom_commune_ban", "code_departement_ban", "coordonnee_cartographique_x_ban",
         "coordonnee_cartographique_y_ban", "score_ban", "statut_geocodage", "_geopoint"),
        ",", "utf-8", "xy"),
    "dpe_fr_2022": Layout(
        "dpe_fr_2022", "ADEME dpe-v2-logements-existants, export à libellés français 2022–2024",
        ("N°DPE", "Date_réception_DPE", "Date_établissement_DPE", "Date_fin_validité_DPE",
         "Etiquette_GES", "Etiquette_DPE", "Type_bâtiment", "Année_construction",
         "Période_construction", "Surface_habitable_logement", "Adresse_(BAN)",
         "Code_INSEE_(BAN)", "Code_postal_(BAN)", "N°_département_(BAN)",
         "Coordonnée_cartographique_X_(BAN)", "Coordonnée_cartographique_Y_(BAN)",
         "Score_BAN", "Statut_géocodage"),
        ",", "utf-8", "xy"),
}

#: Every layout by name.
LAYOUTS: dict[str, Layout] = {**RPLS_LAYOUTS, **DPE_LAYOUTS}
