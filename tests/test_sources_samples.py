"""Small inputs built in code for every schema variant read by cites_priority.sources.

The builders are imported by the other ``test_sources_*`` modules and by
``tests/bad_inputs``; the tests here check that each variant loads into the canonical
frame with the right values.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cites_priority.sources import (
    load_centralities,
    load_cites,
    load_dpe,
    load_filosofi,
    load_qpv,
    load_rpls,
    load_transit_lines,
    load_transit_stops,
)

#: Centre of Lens in Lambert-93 and in the INSPIRE grid (SW corner of a cell).
LENS_L93 = (686_000.0, 7_037_000.0)
LENS_GRID = (3_812_600, 3_060_400)


def cites_frame(schema: str = "world", n: int = 4) -> gpd.GeoDataFrame:
    """Cités around Lens in EPSG:2154 with the field names of ``schema``.

    ``schema`` is ``world`` (MBM inventory, upper case), ``unesco`` (no id), ``zt`` (WFS
    ``NOM_CITE``/``COMMUNE``) or ``erbm`` (``NOM2``/``COMMUNE1``).
    """
    x0, y0 = LENS_L93
    geoms = [shapely.box(x0 + 500 * i, y0, x0 + 500 * i + 300, y0 + 250) for i in range(n)]
    types = ["Corons", "Cité pavillon", "Cité jardin", "Cité moderne"]
    base = {
        "typ": [types[i % 4] for i in range(n)],
        "int": [["Témoin", "Remarquable", "Exceptionnelle", None][i % 4] for i in range(n)],
        "nom": [f"Cité n°{i + 1}" for i in range(n)],
        "com": ["Lens", "Liévin", "Avion", "Lens"][:n] + ["Lens"] * max(0, n - 4),
    }
    if schema == "world":
        data = {"ID_LSM": np.arange(101, 101 + n), "NOM": base["nom"],
                "NOM_2": [None] * n, "COMMUNE_1": base["com"], "COMMUNE_2": ["Loos"] + [None] * (n - 1),
                "COMMUNE_3": [None] * n, "INSEE_COM": ["62498"] * n, "TYPE": base["typ"],
                "COMPAGNIE": ["Lens"] * n, "INTERET": base["int"],
                "PROPRIETAIRE": ["Maisons et Cités"] * n,
                "ID_UNESCO": ["37B"] + [None] * (n - 1), "NB_LOGTS": np.arange(50, 50 + n)}
    elif schema == "unesco":
        data = {"nom": base["nom"], "commune_1": base["com"], "commune_2": [None] * n,
                "type": base["typ"], "compagnie": ["Lens"] * n, "interet": base["int"],
                "id_unesco": [str(i) for i in range(n)]}
    elif schema == "zt":
        data = {"ID_LSM": np.arange(5, 5 + n), "NOM_CITE": base["nom"],
                "NOM_CITE_2": [None] * n, "COMMUNE": [c.upper() for c in base["com"]],
                "COMMUNE_2": [None] * n, "COMMUNE_3": [None] * n, "type": base["typ"],
                "Compagnie": ["Lens"] * n, "interet": base["int"],
                "PROPRIETAIRE": ["SIA"] * n}
    elif schema == "erbm":
        data = {"ID_LSM": np.arange(700, 700 + n), "NOM": base["nom"], "NOM2": [None] * n,
                "COMMUNE1": base["com"], "COMMUNE2": [None] * n, "COMMUNE3": [None] * n,
                "type": base["typ"], "Compagnie": ["Lens"] * n, "INTERET": base["int"],
                "PROPRIETAIRE": ["Maisons et Cités"] * n, "NB_LOGEMENTS": [10] * n}
    else:  # pragma: no cover - test helper misuse
        raise ValueError(schema)
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:2154")


def filosofi_frame(vintage: int = 2019, n: int = 6) -> pd.DataFrame:
    """Filosofi cells near Lens with the names of the 2015, 2017 or 2019 vintage."""
    x0, y0 = LENS_GRID
    x = x0 + 200 * (np.arange(n) % 3)
    y = y0 + 200 * (np.arange(n) // 3)
    ids = [f"CRS3035RES200mN{yy}E{xx}" for xx, yy in zip(x, y, strict=True)]
    ind = np.round(np.linspace(10.5, 60, n), 1)
    values = {"ind": ind, "ind_snv": ind * 18_000, "men": np.round(ind / 2.4, 1),
              "men_pauv": np.round(ind / 12, 1)}
    flag = (np.arange(n) % 2).astype(int)
    if vintage == 2019:
        data = {"idcar_200m": ids, "x_laea": x, "y_laea": y, "i_est_200": flag, **values}
    elif vintage == 2017:
        data = {"Idcar_200m": ids, "I_est_200": flag,
                **{k.capitalize(): v for k, v in values.items()}}
    elif vintage == 2015:
        data = {"IdINSPIRE": ids, "I_est_cr": flag, "Id_carr1km": ["x"] * n,
                **{k.capitalize(): v for k, v in values.items()}}
    else:  # pragma: no cover
        raise ValueError(vintage)
    return pd.DataFrame(data)


def rpls_frame(variant: str = "legacy", n: int = 5) -> pd.DataFrame:
    """RPLS rows in Lens: ``legacy`` (world/2016–2021 names) or ``2023`` (``*_CODE``)."""
    x0, y0 = LENS_L93
    data = {
        "NUMERO_RPLS": [f"R{i:07d}" for i in range(n)],
        "BAILLEUR": ["Maisons et Cités"] * n,
        "DEPCOM": ["62498"] * n,
        "LIBCOM": ["Lens"] * n,
        "TYPECONST": ["I"] * n,
        "CONSTRUCT": [str(1900 + 10 * i) for i in range(n)],
        "DPEDATE": ["2019-05-12"] + [""] * (n - 1),
        "DPEENERGIE": (["E", "F", "G", "", "D"] * n)[:n],
        "X": [f"{x0 + 20 * i:.1f}" for i in range(n)],
        "Y": [f"{y0 + 10 * i:.1f}" for i in range(n)],
        "ANNEE_REHAB": ["", "2015"] + [""] * (n - 2),
        "INADAPTE": (["0", "1"] * n)[:n],
    }
    frame = pd.DataFrame(data)
    if variant == "2023":
        frame = frame.rename(columns={"DEPCOM": "DEPCOM_CODE", "LIBCOM": "DEPCOM_LIBELLE"})
        frame = frame.drop(columns=["BAILLEUR", "ANNEE_REHAB", "INADAPTE"])
        frame["DEP_CODE"] = "62"
    return frame


def dpe_frame(variant: str = "v2", n: int = 4) -> pd.DataFrame:
    """ADEME DPE rows in Lens: ``v2`` (snake_case) or ``fr`` (French-labelled export)."""
    x0, y0 = LENS_L93
    data = {
        "numero_dpe": [f"2262E{i:08d}" for i in range(n)],
        "numero_rpls_logement": ["R0000000", "", "R0000002", ""][:n] + [""] * max(0, n - 4),
        "date_etablissement_dpe": ["2022-03-01"] * n,
        "etiquette_dpe": (["G", "F", "", "c"] * n)[:n],
        "annee_construction": ["1925"] * n,
        "code_insee_ban": ["62498"] * n,
        "coordonnee_cartographique_x_ban": [x0 + 5 * i for i in range(n)],
        "coordonnee_cartographique_y_ban": [y0 + 5 * i for i in range(n)],
    }
    frame = pd.DataFrame(data)
    if variant == "fr":
        frame = frame.rename(columns={
            "numero_dpe": "N°DPE", "etiquette_dpe": "Etiquette_DPE",
            "date_etablissement_dpe": "Date_établissement_DPE",
            "annee_construction": "Année_construction", "code_insee_ban": "Code_INSEE_(BAN)",
            "coordonnee_cartographique_x_ban": "Coordonnée_cartographique_X_(BAN)",
            "coordonnee_cartographique_y_ban": "Coordonnée_cartographique_Y_(BAN)",
        }).drop(columns=["numero_rpls_logement"])
    return frame


def qpv_frame(schema: str = "2024") -> gpd.GeoDataFrame:
    """Two QPV polygons in Lens with the 2015, 2024 or ``ods`` field names."""
    x0, y0 = LENS_L93
    geoms = [shapely.box(x0, y0, x0 + 400, y0 + 400), shapely.box(x0 + 1000, y0, x0 + 1400,
                                                                     y0 + 300)]
    names = ["Cité 12-14", "Grande Résidence"]
    if schema == "2015":
        data = {"CODE_QP": ["QP062001", "QP062002"], "NOM_QP": names,
                "COMMUNE_QP": ["Lens", "Lens"]}
    elif schema == "2024":
        data = {"code_qp": ["QN06201M", "QN06202M"], "lib_qp": names,
                "insee_com": ["62498", "62498"], "lib_com": ["Lens", "Lens"]}
    else:
        data = {"code_quartier": ["QN06201M", "QN06202M"], "quartier_prioritaire": names,
                "code_insee": ["62498", "62498"], "commune_qp": ["Lens", "Lens"]}
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:2154")


def context_layers() -> dict[str, gpd.GeoDataFrame]:
    """The layers of a world's ``contexte.gpkg`` (contracts §1), tiny and consistent."""
    x0, y0 = LENS_L93
    crs = "EPSG:2154"
    west = shapely.box(x0 - 5000, y0 - 5000, x0 + 900, y0 + 5000)
    east = shapely.box(x0 + 900, y0 - 5000, x0 + 8000, y0 + 5000)
    return {
        "communes": gpd.GeoDataFrame(
            {"insee": ["62498", "62510"], "nom": ["Lens", "Liévin"],
             "epci_siren": ["200040095", "200040095"], "epci_nom": ["CA Lens-Liévin"] * 2,
             "population": [30_000, 28_000]}, geometry=[west, east], crs=crs),
        "epci": gpd.GeoDataFrame({"code_siren": ["200040095"], "nom": ["CA Lens-Liévin"]},
                                 geometry=[west.union(east)], crs=crs),
        "departements": gpd.GeoDataFrame({"code": ["62"], "nom": ["Pas-de-Calais"]},
                                         geometry=[west.union(east)], crs=crs),
        "bien_inscrit": gpd.GeoDataFrame(
            {"nom": ["Cité 12"], "section": ["Compagnie des mines de Lens"],
             "surface_ha": [11.5]}, geometry=[shapely.box(x0, y0, x0 + 300, y0 + 250)], crs=crs),
        "zone_tampon": gpd.GeoDataFrame({"id": [1], "surface_ha": [400.0]},
                                        geometry=[shapely.box(x0 - 1000, y0 - 1000,
                                                              x0 + 2000, y0 + 1000)], crs=crs),
        "qpv": qpv_frame("2024"),
        "transit_lignes": gpd.GeoDataFrame(
            {"route_id": ["B1"], "route_short_name": ["Bulle 1"], "route_type": [3],
             "mode": ["bhns"]},
            geometry=[shapely.LineString([(x0 - 3000, y0 + 600), (x0 + 6000, y0 + 600)])],
            crs=crs),
        "transit_arrets": gpd.GeoDataFrame(
            {"stop_id": ["S1", "S2"], "stop_name": ["Gare", "Stade"], "route_id": ["B1", "B1"]},
            geometry=[shapely.Point(x0, y0 + 600), shapely.Point(x0 + 2000, y0 + 600)], crs=crs),
        "centralites": gpd.GeoDataFrame(
            {"nom": ["Lens centre", "Louvre-Lens", "Gare de Lens"],
             "kind": ["centralite", "grand_site", "gare"]},
            geometry=[shapely.Point(x0 + 100, y0 + 900), shapely.Point(x0 + 1500, y0 - 300),
                      shapely.Point(x0, y0 + 700)], crs=crs),
    }


def write_world(folder: Path, *, cites: gpd.GeoDataFrame | None = None) -> Path:
    """Write a tiny world folder in the exact layout of contracts §1."""
    folder.mkdir(parents=True, exist_ok=True)
    cites = cites_frame("world") if cites is None else cites
    cites.to_file(folder / "cites_minieres.gpkg", layer="cites_minieres")
    filosofi_frame(2019).to_csv(folder / "carreaux_200m_met.csv", index=False)
    rpls_frame("legacy").to_csv(folder / "rpls_logements.csv", sep=";", index=False)
    dpe_frame("v2").to_csv(folder / "dpe_logements.csv", index=False)
    for name, layer in context_layers().items():
        layer.to_file(folder / "contexte.gpkg", layer=name)
    pd.DataFrame({"cite_id": [101, 102], "name": ["Cité n°1", "Cité n°2"],
                  "communes": ["Lens", "Liévin"], "list": ["mission_2016", "erbm"],
                  "confidence": ["confirmed", "real"]}).to_csv(
        folder / "reference_lists.csv", index=False)
    pd.DataFrame({"dataset": ["cites"], "field": ["NB_LOGTS"], "status": ["synthetic"],
                  "source": ["world"], "licence": ["LO 2.0"], "rule": ["seeded"]}).to_csv(
        folder / "provenance.csv", index=False)
    # load_world must never read the spec: make it unparsable
    (folder / "world_spec.yaml").write_text("{this is: [not yaml\n")
    return folder


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("schema", ["world", "unesco", "zt", "erbm"])
def test_every_cite_schema_gives_the_canonical_frame(tmp_path, schema):
    path = tmp_path / f"{schema}.gpkg"
    cites_frame(schema).to_file(path)
    cites = load_cites(path)
    assert cites.crs.to_epsg() == 2154
    assert list(cites["name"]) == ["Cité n°1", "Cité n°2", "Cité n°3", "Cité n°4"]
    assert list(cites["typology"]) == ["Corons", "Cité pavillonnaire", "Cité jardin",
                                       "Cité moderne"]
    assert cites["heritage_interest"].isna().sum() == 1
    assert cites["communes"].iloc[1].lower() == "liévin"


@pytest.mark.parametrize("vintage", [2015, 2017, 2019])
@pytest.mark.parametrize("sep", [",", ";"])
def test_every_filosofi_vintage_maps_to_2019_names(tmp_path, vintage, sep):
    src = filosofi_frame(vintage)
    path = tmp_path / f"f{vintage}.csv"
    src.to_csv(path, sep=sep, index=False)
    cells = load_filosofi(path)
    assert {"idcar_200m", "x_laea", "y_laea", "i_est_200", "ind", "ind_snv", "men",
            "men_pauv"} <= set(cells.columns)
    assert cells["ind"].sum() == pytest.approx(src.iloc[:, src.columns.str.lower() == "ind"]
                                               .sum().iloc[0])
    assert cells["i_est_200"].tolist() == [0, 1, 0, 1, 0, 1]
    assert cells["x_laea"].iloc[1] == LENS_GRID[0] + 200


@pytest.mark.parametrize("variant", ["legacy", "2023"])
def test_rpls_variants(tmp_path, variant):
    path = tmp_path / "rpls.csv"
    rpls_frame(variant).to_csv(path, sep=";", index=False)
    rows = load_rpls(path)
    assert rows["insee"].eq("62498").all()
    assert rows["construction_year"].tolist() == [1900, 1910, 1920, 1930, 1940]
    assert rows["dpe_class"].isna().sum() == 1
    if variant == "legacy":
        assert pd.isna(rows["renovation_year"].iloc[0])
        assert rows["renovation_year"].iloc[1] == 2015
        assert rows["unfit"].tolist() == [False, True, False, True, False]
    else:
        assert rows["landlord"].isna().all() and rows["unfit"].isna().all()


@pytest.mark.parametrize("variant", ["v2", "fr"])
def test_dpe_variants(tmp_path, variant):
    path = tmp_path / "dpe.csv"
    dpe_frame(variant).to_csv(path, index=False)
    rows = load_dpe(path)
    assert rows["dpe_class"].tolist()[:2] == ["G", "F"]
    assert rows["dpe_class"].iloc[3] == "C"  # lower case accepted
    assert pd.isna(rows["dpe_class"].iloc[2])
    assert (rows["dpe_date"].dt.year == 2022).all()
    assert rows.attrs["rows"] == {"read": 4, "without_coordinates": 0, "outside": 0, "kept": 4}


@pytest.mark.parametrize("schema", ["2015", "2024", "ods"])
def test_qpv_schemas(tmp_path, schema):
    path = tmp_path / "qpv.geojson"
    qpv_frame(schema).to_crs(4326).to_file(path)
    qpv = load_qpv(path)
    assert list(qpv.columns[:3]) == ["code_qp", "name", "insee"]
    assert qpv["name"].tolist() == ["Cité 12-14", "Grande Résidence"]
    assert qpv["insee"].isna().all() if schema == "2015" else qpv["insee"].eq("62498").all()


def test_transit_and_centralities_from_a_world_gpkg(tmp_path):
    path = tmp_path / "contexte.gpkg"
    for name, layer in context_layers().items():
        layer.to_file(path, layer=name)
    lines = load_transit_lines(path)
    stops = load_transit_stops(path)
    cents = load_centralities(path)
    assert lines["mode"].tolist() == ["bhns"] and lines["name"].tolist() == ["Bulle 1"]
    assert stops["route_id"].tolist() == ["B1", "B1"]
    assert sorted(cents["kind"]) == ["centralite", "gare", "grand_site"]


def test_gtfs_route_type_gives_the_mode(tmp_path):
    lines = context_layers()["transit_lignes"].drop(columns="mode")
    lines["route_type"] = [0]
    lines.to_file(tmp_path / "l.gpkg")
    assert load_transit_lines(tmp_path / "l.gpkg")["mode"].tolist() == ["tram"]
