"""The offline HTML report of a run, in French, in one self-contained file.

Everything is inline: Leaflet's JS and CSS (vendored in ``static/``, its image ``url()``
references removed), the map data as GeoJSON (EPSG:4326, simplified to 10 m, 5 decimals),
and the charts as SVG. There is no tile layer and no external request, so the file can be
e-mailed and opened without network. All text from the data is escaped (``html.escape``;
JSON with ``<``/``>``/``&`` escaped). The map script sets ``data-map-ready="1"`` on
``#map`` once Leaflet has built its layers (checked in headless Chromium by the tests).

Sections: synthèse, carte, classement, mission list vs scenario (kept / swapped and why,
with each swapped cité's main contributions), robustness (``p_selected``), family
contributions per shortlisted cité, the exact trade-off frontier
(``result.extras["frontier"]``, from :func:`cites_priority.selection.frontier.frontier`;
the section says it is unavailable when absent), grappes, weights and provenance.

The report computes nothing: the main contributions of the swapped cités, the family
contributions and the Monte Carlo's weight intervals are the pipeline's
(``result.extras["top_contributions"]``, ``["family_contributions"]``,
``["perturbation"]``, docs/contracts.md §5).
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import atomic_path
from ..messages import fr_date, fr_number, label, msg
from ..result import RunResult
from .aliases import (
    FAMILY_LABELS,
    LIST_LABELS,
    PHASE_LABELS,
    PRIORITY_CLASS_COLOURS,
    PRIORITY_CLASS_LABELS,
    ROBUSTNESS_LABELS,
    STATUS_LABELS,
    alias,
)
from .charts import (
    family_contributions_svg,
    frontier_chart,
    robustness_svg,
)
from .gpkg import generation_date, prepare_cites, scenario_dict
from .tables import epci_names
from .webmap import map_data, script_json

__all__ = ["conditioned_world", "fr_number", "html_table", "write_report"]

logger = logging.getLogger(__name__)

_ESC = html.escape


def _resource(*parts: str) -> str:
    return resources.files(__package__).joinpath(*parts).read_text(encoding="utf-8")


def html_table(
    frame: pd.DataFrame,
    *,
    formats: dict[str, Callable[[Any], str]] | None = None,
    numeric: Iterable[str] = (),
    row_class: Sequence[str] | None = None,
    raw: Iterable[str] = (),
    table_id: str | None = None,
    sortable: bool = False,
) -> str:
    """Render a frame as an escaped HTML table with French headers.

    Parameters
    ----------
    frame
        The rows to show (column names are translated with :func:`.aliases.alias`).
    formats
        Column → formatter returning text (escaped afterwards).
    numeric
        Columns right-aligned.
    row_class
        One CSS class per row.
    raw
        Columns whose formatted value is trusted HTML (built here, not from data).
    table_id
        ``id`` of the table.
    sortable
        Let the reader sort on a column by clicking its header (numeric cells carry their
        raw value in ``data-v``).

    Returns
    -------
    str
        The ``<table>`` markup.
    """
    formats = formats or {}
    numeric, raw = set(numeric), set(raw)
    head = "".join(f"<th>{_ESC(alias(c))}</th>" for c in frame.columns)
    body = []
    for i, rec in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, value in zip(frame.columns, rec, strict=True):
            text = formats[col](value) if col in formats else _text(value)
            text = text if col in raw else _ESC(text)
            cls = ' class="num"' if col in numeric else ""
            if col in numeric and sortable and _is_number(value):
                cls += f' data-v="{float(value)!r}"'
            cells.append(f"<td{cls}>{text}</td>")
        cls = f' class="{row_class[i]}"' if row_class is not None and row_class[i] else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    attrs = f' id="{_ESC(table_id)}"' if table_id else ""
    attrs += ' class="sortable"' if sortable else ""
    return (f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table>")


def _is_number(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number == number and not isinstance(value, bool)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return fr_number(value, 3)
    return str(value)


def _phases_title(short: pd.DataFrame) -> str:
    """« Phase 1 (2017–2021) / phase 2 (2022–2026) », the years when the run has them."""
    years = {}
    if "phase_period" in short:
        years = short.dropna(subset=["phase_period"]).groupby("phase")["phase_period"].first()
    return " / ".join(f"{'P' if k == 1 else 'p'}hase {k}"
                      + (f" ({years[k]})" if k in years else "") for k in (1, 2))


def _mission_confidence(result: RunResult, cites: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per confidence of the mission's names (confirmée / probable): (kept, listed)."""
    ref = result.reference
    if ref is None or "confidence" not in ref or "list" not in ref:
        return {}
    rows = ref.loc[ref["list"] == "mission_2016"]
    selected = set(cites.loc[cites["selected"].astype(bool), "cite_id"].astype("int64"))
    out = {}
    for conf, part in rows.groupby("confidence", sort=True):
        ids = part["cite_id"].dropna().astype("int64")
        out[str(conf)] = (int(ids.isin(list(selected)).sum()), len(part))
    return out


def _simulated(result: RunResult) -> bool:
    prov = result.provenance
    return prov is not None and "status" in prov and (prov["status"] == "synthetic").any()


def conditioned_world(result: RunResult) -> bool:
    """Whether the inputs were simulated *conditioned on the reference lists*.

    The default world says so in ``provenance.csv`` (rules « conditionné sur les listes de
    la mission »); real inputs carry no such row.
    """
    prov = result.provenance
    if not _simulated(result) or "rule" not in prov:
        return False
    return bool(prov["rule"].astype(str).str.contains("condition", case=False).any())


def _headline_caveat(result: RunResult, cites: pd.DataFrame) -> str:
    """The two caveats of the agreement with the 2016 list (simulated world, probable names)."""
    if "in_mission_list" not in cites or not cites["in_mission_list"].any():
        return ""
    parts = []
    conf = _mission_confidence(result, cites)
    if conf:
        detail = " et ".join(
            f"{kept} des {n} cités {label('confidence', c)}s" for c, (kept, n) in conf.items())
        parts.append(f"Par fiabilité de l'identification des cités de la liste 2016 : {detail} sont retenues.")
    if conditioned_world(result):
        parts.append(
            "Cette concordance est mesurée sur un monde en partie simulé dont les champs "
            "simulés ont été conditionnés sur la liste de 2016 : elle vérifie la cohérence du "
            "moteur, elle ne prouve pas qu'il retrouverait la liste sur des données réelles.")
    return f'<p class="note caveat">{_ESC(" ".join(parts))}</p>' if parts else ""


def _summary(result: RunResult, cites: pd.DataFrame, short: pd.DataFrame, *,
             description: str | None) -> str:
    n_epci = short["epci"].nunique() if "epci" in short else None
    kpis = [
        ("Cités évaluées", fr_number(len(cites))),
        ("Cités retenues", fr_number(len(short))),
        ("Logements retenus", fr_number(pd.to_numeric(short["logements"]).sum())),
        (_phases_title(short), f"{int((short['phase'] == 1).sum())} / "
                               f"{int((short['phase'] == 2).sum())}"),
    ]
    if n_epci is not None:
        kpis.append(("EPCI concernés", fr_number(n_epci)))
    if "forced" in short and short["forced"].notna().any():
        kpis.append(("Cités imposées par le scénario", fr_number(short["forced"].notna().sum())))
    if "synthetique" in short and short["synthetique"].astype(bool).any():
        kpis.append(("Cités simulées retenues", fr_number(short["synthetique"].astype(bool).sum())))
    if "in_mission_list" in cites:
        kept = int((cites["in_mission_list"] & cites["selected"]).sum())
        where = " (monde simulé)" if _simulated(result) else ""
        kpis.append((f"Liste 2016 conservée{where}",
                     f"{kept} / {int(cites['in_mission_list'].sum())}"))
    boxes = "".join(f'<div class="kpi"><b>{_ESC(v)}</b>{_ESC(k)}</div>' for k, v in kpis)
    intro = f"<p>{_ESC(description)}</p>" if description else ""
    how = ("<p class=\"note\">Chaque cité reçoit un score multicritère (familles sociale, "
           "bâti, patrimoine, urbain, pondérées par le scénario) ; la sélection retient, "
           "par optimisation exacte, le meilleur ensemble de cités respectant l'enveloppe de "
           "logements et l'équilibre entre EPCI, puis la répartit en deux phases. La classe "
           "de priorité vient du score seul ; la phase, de la sélection. La robustesse "
           "(section dédiée) distingue les petites variations de poids et les scénarios "
           "voisins. Les cités marquées « (simulée) » ont été ajoutées par la simulation ; "
           "« (imposée) » / « (exclue) » : décision du scénario, pas du score.</p>")
    return f'{intro}<div class="kpis">{boxes}</div>{_headline_caveat(result, cites)}{how}'


def _marked_names(frame: pd.DataFrame) -> pd.Series:
    """Names with « (simulée) » / « (imposée) » / « (exclue) » marks."""
    names = frame["name"].astype(str)
    if "synthetique" in frame:
        names = names.where(~frame["synthetique"].fillna(False).astype(bool),
                            names + " (simulée)")
    if "forced" in frame:
        forced = frame["forced"].astype("string")
        names = names.where(forced.fillna("") != "in", names + " (imposée)")
        names = names.where(forced.fillna("") != "out", names + " (exclue)")
    return names


def _robustness_cell(frame: pd.DataFrame) -> pd.Series:
    """``p_selected``, or « imposée » / « exclue » for a forced cité (not a probability)."""
    if "p_selected" not in frame:
        return pd.Series(float("nan"), index=frame.index, dtype=object)
    p = frame["p_selected"].astype(object)
    if "forced" in frame:
        forced = frame["forced"].astype("string").fillna("")
        p = p.where(forced == "", forced.map(lambda v: label("forced", v) if v else v))
    return p


def _p_text(v: Any) -> str:
    return v if isinstance(v, str) else fr_number(v, 0, percent=True)


def _ranking(cites: pd.DataFrame, *, top: int, epci: dict[str, str]) -> str:
    ranked = cites.sort_values("rank")
    ranked = ranked.assign(name=_marked_names(ranked))
    if "p_selected" in ranked:
        ranked = ranked.assign(p_selected=_robustness_cell(ranked))
    if "epci" in ranked.columns:
        codes = ranked["epci"].astype("string")
        ranked = ranked.assign(epci_name=codes.map(lambda v: epci.get(str(v), v)))
    cols = [c for c in ("rank", "name", "communes", "epci_name", "logements", "score",
                        "p_selected", "stress_share", "priority_class", "phase", "phase_period")
            if c in ranked.columns]
    formats: dict[str, Callable[[Any], str]] = {
        "score": lambda v: fr_number(v, 3),
        "p_selected": _p_text,
        "stress_share": lambda v: fr_number(v, 0, percent=True),
        "logements": lambda v: fr_number(v),
        "priority_class": lambda v: (
            f'<span class="swatch" style="background:{PRIORITY_CLASS_COLOURS.get(v, "#ccc")}">'
            f"</span>{_ESC(PRIORITY_CLASS_LABELS.get(v, str(v)))}"),
        "phase": lambda v: PHASE_LABELS.get(int(v), str(v)),
    }

    def render(frame: pd.DataFrame, table_id: str) -> str:
        return html_table(frame[cols], row_class=["sel" if s else "" for s in frame["selected"]],
                          table_id=table_id, formats=formats,
                          numeric=("rank", "logements", "score", "p_selected", "stress_share"),
                          raw=("priority_class",), sortable=True)

    head = ranked.head(top)
    table = render(head, "classement-top")
    full = render(ranked, "toutes-cites")
    return (f'<p class="note">Les {len(head)} premières cités du classement ; les cités '
            "retenues sont marquées d'un trait bleu. Cliquer sur un en-tête pour trier.</p>"
            f"{table}<details><summary>Toutes les cités ({len(ranked)})</summary>"
            '<p><label>Filtrer : <input type="search" id="filtre-cites" '
            'placeholder="nom, commune, EPCI…"></label></p>'
            f"{full}</details>")


def _top_contributions(top: pd.DataFrame | None, cite_id: int) -> str:
    """A cité's main contributions (``extras["top_contributions"]`` rows), in words."""
    if top is None:
        return "—"
    rows = top.loc[top["cite_id"] == cite_id]
    if rows.empty:
        return "—"
    parts = []
    for r in rows.itertuples():
        family = getattr(r, "family", None)
        fam = FAMILY_LABELS.get(family, "") if isinstance(family, str) else ""
        parts.append(f"{alias(str(r.indicator))}{f' ({fam})' if fam else ''} : "
                     f"{fr_number(r.contribution, 3)}")
    return " ; ".join(parts)


def _mission(result: RunResult, cites: pd.DataFrame) -> str:
    if "in_mission_list" not in cites or not cites["in_mission_list"].any():
        return '<p class="note">Aucune liste de référence n\'a été fournie.</p>'
    sel = cites["selected"].astype(bool)
    mission = cites["in_mission_list"].astype(bool)
    n_sel = int(sel.sum())
    last_score = cites.loc[sel, "score"].min() if n_sel else float("nan")
    kept = cites.loc[mission & sel].sort_values("rank")
    out = cites.loc[mission & ~sel].sort_values("rank")
    added = cites.loc[~mission & sel].sort_values("rank")

    selection = scenario_dict(result.scenario).get("selection", {}) or {}
    top = result.extras.get("top_contributions")
    forced_in = {int(i) for i in selection.get("force_in", None) or []}
    forced_out = {int(i) for i in selection.get("force_out", None) or []}

    def reason_out(row: pd.Series) -> str:
        rank, score = int(row["rank"]), row["score"]
        if int(row["cite_id"]) in forced_out:
            return f"Rang {rank} ; exclue par le scénario (force_out)."
        if rank <= n_sel or score >= last_score:
            return (f"Rang {rank} ; score {fr_number(score, 3)} au moins égal à celui de la "
                    f"dernière retenue ({fr_number(last_score, 3)}) mais écartée par les "
                    "contraintes de sélection (enveloppe de logements, équilibre entre EPCI) "
                    f"; {fr_number(row.get('logements'))} logements.")
        return (f"Rang {rank} ; score {fr_number(score, 3)} inférieur à celui de la "
                f"dernière retenue ({fr_number(last_score, 3)}).")

    def reason_in(row: pd.Series) -> str:
        if int(row["cite_id"]) in forced_in:
            swap = row.get("forced_swap")
            instead = (f" ; sans cette contrainte, à sa place : {swap}"
                       if isinstance(swap, str) and swap else "")
            return f"Rang {int(row['rank'])} ; imposée par le scénario (force_in){instead}."
        return f"Rang {int(row['rank'])}, retenue par le scénario hors liste 2016."

    def swap_table(rows: pd.DataFrame, reason: Callable[[pd.Series], str]) -> str:
        if rows.empty:
            return '<p class="note">Aucune.</p>'
        frame = pd.DataFrame({
            "name": _marked_names(rows).to_numpy(),
            "communes": rows["communes"].to_numpy(),
            "rank": rows["rank"].to_numpy(),
            "p_selected": _robustness_cell(rows).to_numpy(),
            "Motif": [reason(r) for _, r in rows.iterrows()],
            "Principales contributions": [_top_contributions(top, int(i))
                                          for i in rows["cite_id"]],
        })
        return html_table(frame, formats={"p_selected": _p_text},
                          numeric=("rank", "p_selected"))

    parts = [
        f"<p>{len(kept)} des {int(mission.sum())} cités de la liste indicative de la mission "
        f"(2016) sont retenues par ce scénario ; {len(out)} en sortent et {len(added)} "
        "y entrent.</p>",
        _agreement_line(result),
        "<h3>Conservées</h3>",
        html_table(kept.assign(name=_marked_names(kept), p_selected=_robustness_cell(kept))[
                       ["rank", "name", "communes", "phase", "p_selected"]],
                   formats={"p_selected": _p_text,
                            "phase": lambda v: PHASE_LABELS.get(int(v), str(v))},
                   numeric=("rank", "p_selected")) if len(kept) else "<p>Aucune.</p>",
        "<h3>Sorties de la sélection</h3>", swap_table(out, reason_out),
        "<h3>Entrées dans la sélection</h3>", swap_table(added, reason_in),
    ]
    ref = result.reference
    if ref is not None and "cite_id" in ref:
        lost = ref.loc[ref["cite_id"].isna() | ~ref["cite_id"].isin(cites["cite_id"])]
        if len(lost):
            frame = lost[["name", "communes", "list", "confidence"]].copy()
            frame["list"] = frame["list"].map(lambda v: LIST_LABELS.get(v, v))
            frame["confidence"] = frame["confidence"].map(lambda v: label("confidence", v))
            parts += ["<h3>Entrées des listes sans cité correspondante</h3>",
                      html_table(frame)]
    return "".join(parts)


def _agreement_line(result: RunResult) -> str:
    """Reproduction metrics against the mission's list and the ERBM (``extras["agreement"]``)."""
    metrics = (result.extras or {}).get("agreement") or {}
    mission, erbm = metrics.get("mission_2016"), metrics.get("erbm")
    if not mission or not mission.get("n_reference"):
        return ""
    text = (f"Rappel de la liste de la mission : {fr_number(mission['recall'], 0, percent=True)} "
            f"({mission['n_common']}/{mission['n_reference']}) ; rappel pondéré par les logements : "
            f"{fr_number(mission['logement_recall'], 0, percent=True)} ; indice de Jaccard : "
            f"{fr_number(mission['jaccard'], 2)}.")
    if erbm and erbm.get("n_reference"):
        text += (f" Cités du programme ERBM retenues : {erbm['n_common']} sur "
                 f"{erbm['n_reference']}.")
    return f'<p class="note">{_ESC(text)}</p>'


def _perturbation(result: RunResult) -> str:
    """The Monte Carlo's weight perturbation, in words and numbers.

    The intervals are the pipeline's (``extras["perturbation"]``); without them the
    paragraph leaves them out.
    """
    rb = scenario_dict(result.scenario).get("robustness", {}) or {}
    conc = float(rb.get("concentration", 100))
    draws = int(rb.get("draws", result.extras.get("n_draws", 0)) or 0)
    core = float(rb.get("core_threshold", 0.8))
    intervals = result.extras.get("perturbation")
    spread = ""
    if intervals is not None and len(intervals):
        spreads = [f"« {label('family', r.family)} » {fr_number(r.family_weight, 2)} : de "
                   f"{fr_number(r.low, 2)} à {fr_number(r.high, 2)} (écart type "
                   f"{fr_number(r.sd, 3)})" for r in intervals.itertuples()]
        spread = (" Neuf fois sur dix, chaque poids de famille reste dans l'intervalle "
                  f"suivant : {_ESC(' ; '.join(spreads))}.")
    level = " et, au sein de chaque famille, les poids des indicateurs" \
        if rb.get("indicator_level", True) else ""
    return (f"<p><b>Ce que mesure la probabilité d'être retenue.</b> Les poids des familles"
            f"{level} sont tirés {fr_number(draws)} fois selon une loi de Dirichlet de "
            f"concentration {fr_number(conc)} centrée sur les poids du scénario, et la "
            f"sélection exacte est recalculée à chaque tirage.{spread} Cette "
            "analyse ne couvre que ces <b>petites variations de poids</b> ; elle ne dit rien "
            "d'un changement de priorité politique, d'enveloppe ou de nombre de cités, traités "
            "par la table de stress ci-dessous. « Noyau stable » est réservé aux cités retenues "
            f"dans au moins {fr_number(core, 0, percent=True)} des tirages <b>et</b> dans tous "
            "les scénarios voisins ; une cité imposée ou exclue par le scénario est marquée "
            "« imposée » / « exclue », sans probabilité.</p>")


def _stress(result: RunResult, cites: pd.DataFrame) -> str:
    """The stress table: nearby scenarios, exact selections, and the share keeping each cité."""
    stress = (result.extras or {}).get("stress")
    if stress is None or len(stress.scenarios) == 0:
        return ""
    names = dict(zip(cites["cite_id"].astype("int64"), _marked_names(cites), strict=True))
    sc = stress.scenarios

    def left(text: Any) -> str:
        if not isinstance(text, str) or not text:
            return "—"
        return " ; ".join(names.get(int(c), c) for c in text.split("; "))

    table = pd.DataFrame({
        "Scénario voisin": sc["label"].to_numpy(),
        "Cités retenues": [fr_number(n) if ok else "infaisable"
                           for n, ok in zip(sc["n_selected"], sc["feasible"], strict=True)],
        "logements": sc["logements"].to_numpy(),
        "Entrées": sc["n_entered"].to_numpy(),
        "Sorties": sc["n_left"].to_numpy(),
        "Cités de la sélection qui sortent": [left(t) for t in sc["left"]],
    })
    keep = cites.loc[cites["stress_share"].fillna(0) > 0].sort_values(
        ["stress_share", "rank"], ascending=[False, True])
    per_cite = pd.DataFrame({
        "rank": keep["rank"].to_numpy(),
        "name": _marked_names(keep).to_numpy(),
        "selected": keep["selected"].astype(bool).to_numpy(),
        "stress_share": keep["stress_share"].to_numpy(),
        "p_selected": _robustness_cell(keep).to_numpy(),
        "robustness_class": keep["robustness_class"].map(
            lambda v: ROBUSTNESS_LABELS.get(v, v)).to_numpy(),
    })
    n_ok = int(sc["feasible"].sum())
    return ("<h3>Table de stress : scénarios voisins</h3>"
            f"<p>Variantes qu'un analyste essaierait, chacune résolue exactement ({n_ok} "
            f"faisables sur {len(sc)}) : chaque poids de famille ±0,1, chaque famille en tête, "
            "l'enveloppe de logements décalée de ±2 000, le nombre de cités ±5.</p>"
            + html_table(table, formats={"logements": lambda v: fr_number(v)},
                         numeric=("logements", "Entrées", "Sorties"))
            + "<h3>Part des scénarios voisins qui retiennent chaque cité</h3>"
            + html_table(per_cite, formats={
                "stress_share": lambda v: fr_number(v, 0, percent=True), "p_selected": _p_text},
                numeric=("rank", "stress_share", "p_selected"), table_id="stress-cites"))


def _robustness(result: RunResult, cites: pd.DataFrame) -> str:
    if "p_selected" not in cites or cites["p_selected"].isna().all():
        return '<p class="note">Pas d\'analyse de robustesse dans ce run.</p>'
    counts = cites.get("robustness_class", pd.Series(dtype="string")).value_counts()
    text = ", ".join(f"{ROBUSTNESS_LABELS.get(k, k)} : {int(v)}" for k, v in counts.items())
    flips = ""
    if "flip_family" in cites and cites["flip_family"].notna().any():
        rows = cites[cites["flip_family"].notna()].sort_values("rank")
        frame = pd.DataFrame({
            "rank": rows["rank"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "selected": rows["selected"].map({True: "oui", False: "non"}).to_numpy(),
            "flip_family": rows["flip_family"].map(lambda f: FAMILY_LABELS.get(f, f)).to_numpy(),
            "flip_change": rows["flip_change"].to_numpy(),
            "flip_effect": rows["flip_effect"].map(
                {"enters": "entrerait", "leaves": "sortirait"}).to_numpy(),
        })
        flips = ("<h3>Cités à la marge : plus petit changement de poids qui les fait basculer</h3>"
                 + html_table(frame, formats={"flip_change": lambda v: fr_number(v, 3)},
                              numeric=("rank", "flip_change")))
    return (_perturbation(result)
            + f"<p>Classes de robustesse : {_ESC(text)}.</p>"
            f'<div class="chart">{robustness_svg(_not_forced(cites))}</div>{flips}'
            + _stress(result, cites))


def _not_forced(cites: pd.DataFrame) -> pd.DataFrame:
    """The cités whose selection is not imposed (their probability means something)."""
    return cites.loc[cites["forced"].isna()] if "forced" in cites else cites


def _contributions(result: RunResult, short: pd.DataFrame) -> str:
    """Each shortlisted cité's score split by family (``extras["family_contributions"]``)."""
    fams = result.extras.get("family_contributions")
    if fams is not None:
        fams = fams.reindex(index=list(short["cite_id"])).fillna(0.0)
    if fams is None or fams.empty:
        return '<p class="note">Contributions indisponibles.</p>'
    names = dict(zip(short["cite_id"], short["name"].astype(str), strict=True))
    return ("<p>Part de chaque famille de critères dans le score des cités retenues "
            "(somme des contributions pondérées de ses indicateurs).</p>"
            f'<div class="chart">{family_contributions_svg(fams, names)}</div>')


def _frontier(result: RunResult, short: pd.DataFrame) -> str:
    front = result.extras.get("frontier")
    if not isinstance(front, pd.DataFrame) or front.empty:
        return '<p class="note">Frontière non calculée pour cette exécution.</p>'
    sel = scenario_dict(result.scenario).get("selection", {}) or {}
    infeasible = int((~front["feasible"].astype(bool)).sum())
    note = (f" {infeasible} point(s) sans sélection possible sont marqués d'une croix."
            if infeasible else "")
    return ("<p>Frontière exacte : pour chaque plafond de logements (avec le nombre de cités "
            "du scénario) puis pour chaque nombre de cités (avec l'enveloppe de logements du "
            "scénario), le meilleur score total possible sous les mêmes contraintes "
            "(EPCI, cités imposées ou exclues), chaque point résolu par programme linéaire "
            "en nombres entiers. Le point rouge est la sélection du scénario : il est sur "
            f"la frontière là où sa contrainte est active.{note}</p>"
            f'<div class="chart">{frontier_chart(front, short, sel)}'
            "</div>")


def _grappes(result: RunResult) -> str:
    g = result.grappes
    if g is None or len(g) == 0:
        return '<p class="note">Aucune grappe.</p>'
    cols = [c for c in ("grappe_id", "n_cites", "names", "logements", "phase_1", "phase_2",
                        "centralities", "score_mean") if c in g.columns]
    return html_table(pd.DataFrame(g[cols]),
                      formats={"score_mean": lambda v: fr_number(v, 3),
                               "logements": lambda v: fr_number(v)},
                      numeric=("grappe_id", "n_cites", "logements", "score_mean"))


def _inputs(result: RunResult) -> str:
    """What the inputs left out, estimated or could not measure (the run's input notes)."""
    notes = list(result.extras.get("input_notes", []))
    short = result.shortlist
    if "logements_source" in short:
        est = short["logements_source"].fillna("inventaire").ne("inventaire")
        if est.any():
            notes.append(msg("inputs.estimated_in_shortlist", n=len(short),
                             estimated=int(est.sum())))
    if not notes:
        return f"<p>{_ESC(msg('inputs.all_measured'))}</p>"
    return (f"<p>{_ESC(msg('inputs.intro'))}</p><ul>"
            + "".join(f"<li>{_ESC(n)}</li>" for n in notes) + "</ul>")


def _weights(result: RunResult) -> str:
    w = result.weights.copy()
    if w.empty:
        return '<p class="note">Pondérations indisponibles.</p>'
    if "available" in w:
        w["available"] = w["available"].map({True: "oui", False: "non"})
    if "family" in w:
        w["family"] = w["family"].map(lambda v: FAMILY_LABELS.get(v, v))
    if "indicator" in w:
        w["indicator"] = w["indicator"].map(alias)
    method = scenario_dict(result.scenario).get("method")
    intro = (f"<p>Méthode d'agrégation : <b>{_ESC(str(label('method', method)))}</b>.</p>"
             if method else "")
    for col in ("direction", "normalisation"):
        if col in w:
            w[col] = w[col].map(lambda v, c=col: label(c, v))
    shares = tuple(c for c in ("family_weight", "weight", "effective_weight", "declared_weight")
                   if c in w)
    return _inputs(result) + intro + html_table(w, formats={c: (lambda v: fr_number(v, 3)) for c in shares},
                              numeric=shares)


def _provenance(result: RunResult) -> str:
    prov = result.provenance.copy()
    parts = []
    if len(prov) and "status" in prov:
        counts = prov["status"].value_counts()
        parts.append("<p>" + _ESC(", ".join(
            f"{STATUS_LABELS.get(k, k)} : {int(v)} champ(s)" for k, v in counts.items()))
            + ". Les champs simulés ne décrivent pas la réalité : ils remplacent des données "
              "non publiques par une simulation documentée.</p>")
        prov["status"] = prov["status"].map(
            lambda v: f'<span class="tag {_ESC(str(v))}">{_ESC(STATUS_LABELS.get(v, str(v)))}</span>')
        parts.append(html_table(prov, raw=("status",)))
    if result.checksums:
        sums = pd.DataFrame(sorted(result.checksums.items()), columns=["Fichier", "SHA-256"])
        parts += ["<h3>Empreintes des fichiers d'entrée</h3>", html_table(sums)]
    return "".join(parts) or '<p class="note">Provenance non fournie.</p>'


def _leaflet_css() -> str:
    css = _resource("static", "leaflet.css")
    # the vendored images are not shipped: drop their url()s so nothing is requested
    return re.sub(r"url\((?!#)[^)]*\)", "none", css)


def _leaflet_js() -> str:
    return _resource("static", "leaflet.js").replace("</script", "<\\/script")


def write_report(result: RunResult, path: str | os.PathLike[str], *, top: int = 60) -> Path:
    """Write the self-contained French HTML report of a run (atomically).

    Parameters
    ----------
    result
        The run.
    path
        Destination ``.html``.
    top
        Rows of the ranking table.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    cites = prepare_cites(result.cites)
    short = prepare_cites(result.shortlist, order=["phase", "rank", "cite_id"])
    scen = scenario_dict(result.scenario)
    name = scen.get("name") or "scénario"
    date = generation_date()
    title = f"Priorisation des cités minières – {name}"
    meta = (f"Scénario <b>{_ESC(str(name))}</b> · empreinte <code>"
            f"{_ESC(str(result.scenario_hash)[:12])}</code> · cites-priority "
            f"{_ESC(str(result.version))} · généré le {_ESC(fr_date(date))}")
    communes = result.extras.get("communes")
    data = map_data(cites, short, communes=communes if communes is not None else None)
    parts = {
        "TITLE": _ESC(title),
        "VERSION": _ESC(str(result.version)),
        "META": meta,
        "SUMMARY": _summary(result, cites, short, description=scen.get("description")),
        "RANKING": _ranking(cites, top=top, epci=epci_names(result)),
        "MISSION": _mission(result, cites),
        "ROBUSTNESS": _robustness(result, cites),
        "CONTRIBUTIONS": _contributions(result, short),
        "FRONTIER": _frontier(result, short),
        "GRAPPES": _grappes(result),
        "WEIGHTS": _weights(result),
        "PROVENANCE": _provenance(result),
        "FOOTER": _ESC(f"Rapport produit par cites-priority {result.version} ; empreinte "
                       f"complète du scénario : {result.scenario_hash}."),
        "LEAFLET_LICENSE": _ESC(_resource("static", "LEAFLET_LICENSE")),
        "MAP_DATA": script_json(data),
        "LEAFLET_CSS": _leaflet_css(),
        "LEAFLET_JS": _leaflet_js(),
    }
    text = _resource("templates", "report.html")
    # one pass, so a placeholder-looking string inside the data is never substituted
    text = re.sub(r"@([A-Z_]+)@", lambda m: parts.get(m.group(1), m.group(0)), text)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    logger.info("report written: %s (%.1f Mo)", path, len(text.encode()) / 1e6)
    return path
