"""Tests of cites_priority.export.webmap (GeoJSON for the report's map)."""

from __future__ import annotations

import json

import geopandas as gpd
import shapely

from cites_priority.export.webmap import geojson, map_data, script_json
from export_fixtures import make_run_result


def test_geojson_simplified_rounded_wgs84() -> None:
    cites = make_run_result().cites
    fc = geojson(cites, {"id": "cite_id", "n": "name", "x": "missing_column"})
    assert len(fc["features"]) == 543
    assert set(fc["features"][0]["properties"]) == {"id", "n"}
    geoms = gpd.GeoSeries([shapely.from_geojson(json.dumps(f["geometry"]))
                           for f in fc["features"]], crs=4326)
    back = geoms.to_crs(2154)
    # simplification at 10 m and 1e-5° rounding keep the shapes (area within a few %)
    ratio = back.area.to_numpy() / cites.geometry.area.to_numpy()
    assert (abs(ratio - 1) < 0.25).mean() > 0.95
    assert back.union_all().intersects(cites.union_all())


def test_map_data_and_nan_to_null() -> None:
    result = make_run_result()
    data = map_data(result.cites, result.shortlist, communes=result.extras["communes"])
    text = script_json(data)
    assert "NaN" not in text
    parsed = json.loads(text)
    props = {f["properties"]["id"]: f["properties"] for f in parsed["cites"]["features"]}
    missing = result.cites.loc[result.cites["logements"].isna(), "cite_id"]
    assert all(props[int(i)]["l"] is None for i in missing)
    assert parsed["priority_colours"]["1"] == "#bd0026"


def test_script_json_cannot_close_the_element() -> None:
    text = script_json({"n": "</script><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"n": "</script><b>&"}
