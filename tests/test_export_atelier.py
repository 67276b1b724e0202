"""The atelier (atelier.html) in real Chromium: same selection as the engine, offline.

One run of the engine on the default world (module fixture, the default scenario without
its Monte Carlo step) writes the page; Playwright drives the Debian ``chromium`` on the
file:// URL. For weight vectors and constraints set through the URL fragment, the cités
listed in ``#selection`` must be exactly those the engine selects with the same settings;
forcing a cité in and out through the page, and re-running the downloaded scenario YAML,
must also agree with the engine. Every request the page makes is recorded: only the page
itself may be loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cites_priority.export.atelier import atelier_data, write_atelier

CHROMIUM = Path("/usr/bin/chromium")

chromium = pytest.mark.chromium


@pytest.fixture(scope="module")
def engine(default_world: Path, fast_scenario: Path, tmp_path_factory: pytest.TempPathFactory):
    """(run result, inputs, atelier path) for the default world."""
    from cites_priority.pipeline import compute, prepare_inputs

    result = compute(fast_scenario, data_dir=default_world)
    inputs = prepare_inputs(fast_scenario, data_dir=default_world)
    page = write_atelier(result, tmp_path_factory.mktemp("atelier") / "atelier.html")
    return result, inputs, page


def _engine_ids(inputs, scenario=None, **selection) -> list[int]:
    """The engine's selection (scoring.score + the MILP) for a scenario variant."""
    from cites_priority.pipeline import select_for
    from cites_priority.scenario import Scenario
    from cites_priority.scoring import score

    scen = scenario or inputs.scenario
    if selection:
        data = scen.model_dump()
        data["selection"].update(selection)
        scen = Scenario.model_validate(data)
    table = score(inputs.indicators, scen).table
    sel = select_for(scen, table["score"], inputs.logements, inputs.epci)
    return sorted(int(i) for i in sel.index[sel])


def _with_weights(inputs, family: dict[str, float] | None = None,
                  indicator: dict[str, float] | None = None):
    from cites_priority.scenario import Scenario

    data = inputs.scenario.model_dump()
    for fam, w in (family or {}).items():
        data["criteria"][fam]["weight"] = w
    for fam in data["criteria"].values():
        for ind, w in (indicator or {}).items():
            if ind in fam["indicators"]:
                fam["indicators"][ind]["weight"] = w
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed")
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


class Page:
    """A page of the atelier with every request recorded (non-file ones aborted)."""

    def __init__(self, browser, path: Path, fragment: str = "") -> None:
        self.context = browser.new_context(accept_downloads=True)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url + fragment)
        self.wait()

    def _route(self, route) -> None:
        if route.request.url.startswith(("file:", "blob:", "data:")):
            route.continue_()
        else:
            route.abort()

    def wait(self) -> str:
        self.page.wait_for_function(
            "['ready', 'infeasible', 'error'].includes(document.body.dataset.state)",
            timeout=60_000,
        )
        return self.page.evaluate("document.body.dataset.state")

    def selection(self) -> tuple[list[int], list[str]]:
        rows = self.page.eval_on_selector_all(
            "#selection tbody tr",
            "rows => rows.map(r => [Number(r.dataset.citeId), r.querySelector('td.nom').textContent])",
        )
        return sorted(r[0] for r in rows), sorted(r[1] for r in rows)

    def goto_fragment(self, fragment: str) -> str:
        self.page.evaluate("document.body.dataset.state = 'stale'")
        self.page.evaluate(f"location.hash = {fragment!r}")
        return self.wait()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def page(browser, engine):
    pg = Page(browser, engine[2])
    yield pg
    pg.close()


def _names(result, ids: list[int]) -> list[str]:
    cites = result.cites.set_index("cite_id")
    return sorted(str(cites.loc[i, "name"]) for i in ids)


@chromium
def test_default_page_is_the_run_and_offline(page: Page, engine) -> None:
    result, _, _ = engine
    assert page.wait() == "ready", page.page.inner_text("#etat")
    ids, names = page.selection()
    assert ids == sorted(int(i) for i in result.shortlist["cite_id"])
    assert names == sorted(result.shortlist["name"].astype(str))
    assert not page.errors
    assert all(u == page.url or u.startswith(("blob:", "data:")) for u in page.requests), page.requests


@chromium
@pytest.mark.parametrize("weights", [
    {"social": 0.5, "building": 0.2, "heritage": 0.2, "urban": 0.1},
    {"social": 0.1, "building": 0.1, "heritage": 0.7, "urban": 0.1},
    {"social": 0.0, "building": 0.6, "heritage": 0.0, "urban": 0.4},
    {"social": 0.9, "building": 0.05, "heritage": 0.0, "urban": 0.05},
])
def test_fragment_weights_match_engine(page: Page, engine, weights: dict[str, float]) -> None:
    result, inputs, _ = engine
    frag = "#w=" + ",".join(f"{k}:{v}" for k, v in weights.items())
    assert page.goto_fragment(frag) == "ready", page.page.inner_text("#etat")
    expected = _engine_ids(inputs, _with_weights(inputs, weights))
    run_ids = sorted(int(i) for i in result.shortlist["cite_id"])
    assert expected != run_ids  # a real change
    ids, names = page.selection()
    assert ids == expected
    assert names == _names(result, expected)
    kinds = page.page.eval_on_selector_all(
        "#changements li", "items => items.map(i => [i.dataset.kind, Number(i.dataset.citeId)])")
    assert sorted(i for k, i in kinds if k == "entre") == sorted(set(expected) - set(run_ids))
    assert sorted(i for k, i in kinds if k == "sort") == sorted(set(run_ids) - set(expected))
    mission = result.cites.loc[result.cites["in_mission_list"], "cite_id"].astype(int)
    assert sorted(i for k, i in kinds if k == "liste2016") == sorted(set(mission) - set(expected))


@chromium
def test_fragment_indicator_weights_and_constraints_match_engine(page: Page, engine) -> None:
    _, inputs, _ = engine
    frag = "#w=social:3,building:1,heritage:1,urban:1&iw=niveau_vie:0,poverty_rate:1&n=20&l=9000-10000"
    assert page.goto_fragment(frag) == "ready", page.page.inner_text("#etat")
    scen = _with_weights(inputs, {"social": 3, "building": 1, "heritage": 1, "urban": 1},
                         {"niveau_vie": 0.0, "poverty_rate": 1.0})
    expected = _engine_ids(inputs, scen, n_cites=20, logements_min=9000, logements_max=10000)
    assert page.selection()[0] == expected
    assert page.page.input_value("#n-cites") == "20"


@chromium
def test_infeasible_window_is_said(page: Page) -> None:
    assert page.goto_fragment("#n=25&l=100-200") == "infeasible"
    assert "plus petites cités" in page.page.inner_text("#etat")
    assert page.selection()[0] == []


@chromium
def test_force_in_and_out_through_the_page(browser, engine) -> None:
    result, inputs, path = engine
    pg = Page(browser, path)
    try:
        cites = result.cites
        outside = cites[~cites["selected"]].sort_values("rank")
        target = int(outside["cite_id"].iloc[0])  # best-ranked cité left out
        pg.page.evaluate("document.body.dataset.state = 'stale'")
        pg.page.click(f'#classement button[data-force="{target}"]')  # → imposée
        assert pg.wait() == "ready"
        ids, _ = pg.selection()
        assert target in ids
        assert ids == _engine_ids(inputs, force_in=[target])
        assert f"in={target}" in pg.page.evaluate("location.hash")
        # the largest selected cité, excluded by clicking it twice on the map (real mouse
        # clicks on a point inside its outline, the map zoomed onto it)
        short = result.shortlist.set_index("cite_id")
        chosen = int(short.geometry.area.idxmax())
        inside = short.loc[[chosen]].geometry.buffer(-15).representative_point().to_crs(4326).iloc[0]
        pg.page.locator("#map").scroll_into_view_if_needed()
        for _ in range(2):
            x, y = pg.page.evaluate(
                """([id, lat, lng]) => { const m = window.atelierMap.map; let hit = null;
                  window.atelierMap.layer.eachLayer(l => { if (l.feature.properties.id === id) hit = l; });
                  m.fitBounds(hit.getBounds(), {animate: false});
                  const p = m.latLngToContainerPoint([lat, lng]);
                  const r = m.getContainer().getBoundingClientRect();
                  return [r.left + p.x, r.top + p.y]; }""", [chosen, inside.y, inside.x])
            pg.page.evaluate("document.body.dataset.state = 'stale'")
            pg.page.mouse.click(x, y)
            pg.wait()
        ids, _ = pg.selection()
        assert chosen not in ids and target in ids
        assert ids == _engine_ids(inputs, force_in=[target], force_out=[chosen])
    finally:
        pg.close()


@chromium
def test_downloaded_yaml_reruns_to_the_same_list(browser, engine, default_world: Path,
                                                 tmp_path: Path) -> None:
    from cites_priority.scenario import load_scenario

    _, inputs, path = engine
    pg = Page(browser, path, "#w=social:0.6,building:0.1,heritage:0.2,urban:0.1&n=24&l=10500-12500")
    try:
        shown, _ = pg.selection()
        with pg.page.expect_download() as info:
            pg.page.click("#telecharger")
        yaml_path = tmp_path / "atelier.yaml"
        info.value.save_as(yaml_path)
    finally:
        pg.close()
    scen = load_scenario(yaml_path)
    assert scen.selection.n_cites == 24
    assert (scen.selection.logements_min, scen.selection.logements_max) == (10500, 12500)
    # what `cites-priority run FILE.yaml` does before writing: read, resolve, score, select
    from cites_priority.pipeline import prepare_inputs

    rerun = prepare_inputs(yaml_path, data_dir=default_world)
    assert _engine_ids(rerun) == shown


def test_atelier_data_follows_the_scoring(engine) -> None:
    import numpy as np

    result, _, _ = engine
    data = atelier_data(result)
    norm = result.extras["normalised"].sort_index()
    # the scorer's own columns and order (the run's effective scenario)
    assert [i["name"] for i in data["indicators"]] == list(norm.columns)
    got = np.array([[np.nan if v is None else v for v in row] for row in data["matrix"]])
    np.testing.assert_array_equal(got, norm.to_numpy())
    used = result.weights[result.weights["effective_weight"] > 0]
    assert set(used["indicator"]) <= set(norm.columns)
    assert [c["id"] for c in data["cites"]] == sorted(int(i) for i in result.cites["cite_id"])


def test_byte_identical_rewrite(engine, tmp_path: Path) -> None:
    result, _, path = engine
    again = write_atelier(result, tmp_path / "atelier.html")
    assert again.read_bytes() == path.read_bytes()


@chromium
def test_in_page_frontier_is_the_engine_frontier(browser, engine) -> None:
    from cites_priority.scoring import score
    from cites_priority.selection import frontier
    from cites_priority.selection.milp import selection_kwargs

    _, inputs, path = engine
    weights = {"social": 0.2, "building": 0.5, "heritage": 0.1, "urban": 0.2}
    pg = Page(browser, path, "#w=" + ",".join(f"{k}:{v}" for k, v in weights.items()))
    try:
        pg.page.click("#frontiere-calcul")
        pg.page.wait_for_function("document.body.dataset.frontier === 'ready'", timeout=120_000)
        points = pg.page.evaluate("window.atelier.frontier")
        svg = pg.page.inner_html("#frontiere")
    finally:
        pg.close()
    scen = _with_weights(inputs, weights)
    scores = score(inputs.indicators, scen).table["score"]
    expected = frontier(scores, inputs.logements, epci=inputs.epci, **selection_kwargs(scen))
    assert [(p["axis"], p["value"]) for p in points] == list(
        zip(expected["axis"], expected["value"], strict=True))
    assert [p["feasible"] for p in points] == expected["feasible"].tolist()
    got = [p["score"] for p in points if p["feasible"]]
    assert got == pytest.approx(expected.loc[expected["feasible"], "score_sum"].tolist(), abs=1e-9)
    assert "Plafond de logements" in svg and "Nombre de cités" in svg


@chromium
def test_epci_bounds_from_the_fragment_match_engine(page: Page, engine) -> None:
    result, inputs, _ = engine
    counts = result.shortlist["epci"].value_counts()
    busiest, most = str(counts.index[0]), int(counts.iloc[0])
    least = str(sorted(set(result.cites["epci"].dropna()) - set(counts.index))[0])
    frag = f"#emax={busiest}:{most - 3}&emin={least}:1"
    assert page.goto_fragment(frag) == "ready", page.page.inner_text("#etat")
    expected = _engine_ids(inputs, epci_max={busiest: most - 3}, epci_min={least: 1})
    assert expected != sorted(int(i) for i in result.shortlist["cite_id"])
    assert page.selection()[0] == expected


@chromium
def test_other_methods_keep_the_run_scores(browser, engine, tmp_path: Path) -> None:
    import dataclasses

    from cites_priority.pipeline import select_for
    from cites_priority.scenario import Scenario
    from cites_priority.scoring import score

    result, inputs, _ = engine
    data = inputs.scenario.model_dump()
    data["method"] = "topsis"
    topsis = Scenario.model_validate(data)
    scored = score(inputs.indicators, topsis)
    cites = result.cites.copy()
    cites["score"] = cites["cite_id"].map(scored.table["score"])
    patched = dataclasses.replace(
        result, cites=cites, scenario=topsis,
        extras={**result.extras, "score_method": scored.method, "normalised": scored.normalised},
    )
    path = write_atelier(patched, tmp_path / "atelier.html")
    pg = Page(browser, path, "#w=social:0.9,building:0.05,heritage:0,urban:0.05&n=20")
    try:
        assert pg.page.is_disabled("#poids-social")
        assert "topsis" in pg.page.inner_text("#methode-note")
        shown = pg.selection()[0]
    finally:
        pg.close()
    data["selection"]["n_cites"] = 20
    twenty = Scenario.model_validate(data)
    sel = select_for(twenty, scored.table["score"], inputs.logements, inputs.epci)
    assert shown == sorted(int(i) for i in sel.index[sel])
