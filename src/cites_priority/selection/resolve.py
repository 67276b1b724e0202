"""Resolve a scenario's selection keys against the data before anything runs.

A scenario names EPCI (``epci_min`` / ``epci_max``) and cités (``force_in`` /
``force_out``). Those keys only mean something against a world folder: an EPCI written by
its name, or a cité id that does not exist, would otherwise be ignored without a word.
:func:`resolve_selection` maps every EPCI key (SIREN code, quoted or not, or name, matched
case-, accent- and punctuation-insensitively) to its SIREN code, checks every cité id, and
refuses anything unknown with one French :class:`~cites_priority.ScenarioError` naming the
key, the value and the closest matches. :func:`describe_constraints` lists the constraints
as the MILP will apply them (``cites-priority validate``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from .._errors import ScenarioError
from ..messages import fr_number, label, msg
from ..scenario import Scenario

__all__ = ["describe_constraints", "normalise_name", "resolve_selection"]


def normalise_name(text: object) -> str:
    """Fold a name for matching: no accents, no case, punctuation and spaces collapsed.

    Examples
    --------
    >>> normalise_name("CA de Béthune-Bruay, Artois-Lys  Romane")
    'ca de bethune bruay artois lys romane'
    """
    folded = unicodedata.normalize("NFKD", str(text))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _epci_table(epci: pd.DataFrame) -> dict[str, str]:
    """SIREN code → name of every EPCI of the data."""
    codes = epci["epci"].astype("string").str.strip()
    names = epci["name"].astype("string") if "name" in epci else codes
    return {str(c): str(n) for c, n in zip(codes, names, strict=True) if pd.notna(c)}


def _closest(value: str, choices: dict[str, str], n: int = 3) -> list[str]:
    """Closest choice keys to ``value`` (folded names or codes), best first."""
    key = normalise_name(value)
    folded = {normalise_name(v): k for k, v in choices.items()}
    folded.update({normalise_name(k): k for k in choices})
    hits = [folded[m] for m in difflib.get_close_matches(key, list(folded), n=n, cutoff=0.4)]
    hits += [code for f, code in folded.items() if key and key in f]
    return list(dict.fromkeys(hits))[:n]


def _match_epci(value: object, table: dict[str, str]) -> tuple[str | None, list[str]]:
    """Return (SIREN code or None, candidate codes) for one scenario key."""
    text = str(value).strip()
    if text in table:
        return text, [text]
    digits = text.replace(" ", "")
    if digits.isdigit() and digits in table:
        return digits, [digits]
    key = normalise_name(text)
    exact = [code for code, name in table.items() if normalise_name(name) == key]
    if len(exact) == 1:
        return exact[0], exact
    if len(exact) > 1:
        return None, exact
    return None, _closest(text, table)


def _nearest_ids(value: int, names: dict[int, str], n: int = 3) -> list[int]:
    return sorted(names, key=lambda c: (abs(c - value), c))[:n]


def resolve_selection(
    scenario: Scenario,
    *,
    cites: pd.DataFrame,
    epci: pd.DataFrame | None,
    data: object = "",
) -> Scenario:
    """Return ``scenario`` with its EPCI keys as SIREN codes, after checking every key.

    Parameters
    ----------
    scenario
        A :class:`~cites_priority.scenario.Scenario`.
    cites
        The cités (``cite_id`` and ``name`` columns).
    epci
        The EPCI (``epci`` = SIREN code, ``name``), or ``None`` when the data has none.
    data
        The data folder, named in the error messages.

    Returns
    -------
    Scenario
        A copy whose ``selection.epci_min`` / ``epci_max`` are keyed by SIREN code.

    Raises
    ------
    ScenarioError
        Every unknown or ambiguous EPCI key and every unknown cité id, each with the
        closest matches.
    """
    sel = scenario.selection
    path = scenario._source or "scénario"
    table = _epci_table(epci) if epci is not None else {}
    problems: list[str] = []
    resolved: dict[str, dict[str, int]] = {}
    for key in ("epci_min", "epci_max"):
        codes: dict[str, int] = {}
        for value, bound in getattr(sel, key).items():
            code, candidates = _match_epci(value, table)
            if code is None and len(candidates) > 1 and normalise_name(value) in {
                normalise_name(table[c]) for c in candidates
            }:
                shown = ", ".join(f"{table[c]} ({c})" for c in candidates)
                problems.append(msg("scenario.ambiguous_epci", path=path, key=key, value=value,
                                    matches=shown))
                continue
            if code is None:
                shown = ", ".join(f"« {table[c]} » ({c})" for c in candidates)
                problems.append(msg("scenario.unknown_epci", path=path, key=key, value=value,
                                    data=data, matches=msg("scenario.matches", matches=shown)
                                    if shown else ""))
                continue
            if code in codes:
                problems.append(msg("scenario.ambiguous_epci", path=path, key=key, value=value,
                                    matches=f"{table[code]} ({code}) déjà donné"))
                continue
            codes[code] = int(bound)
        resolved[key] = codes
    names = dict(zip(cites["cite_id"].astype("int64"), cites["name"].astype(str), strict=True))
    for key in ("force_in", "force_out"):
        for cid in getattr(sel, key):
            if int(cid) not in names:
                near = ", ".join(f"{c} « {names[c]} »" for c in _nearest_ids(int(cid), names))
                problems.append(msg("scenario.unknown_cite", path=path, key=key, value=cid,
                                    data=data, matches=msg("scenario.matches", matches=near)
                                    if near else ""))
    if problems:
        raise ScenarioError(" | ".join(problems))
    new_sel = sel.model_copy(update=resolved)
    out = scenario.model_copy(update={"selection": new_sel})
    out._source = scenario._source
    return out


def _cite_list(ids: Iterable[int], names: dict[int, str]) -> str:
    shown = [f"{c} « {names.get(int(c), '?')} »" for c in ids]
    return ", ".join(shown) if shown else msg("validate.none")


def describe_constraints(
    scenario: Scenario, *, cites: pd.DataFrame | None = None, epci: pd.DataFrame | None = None
) -> list[str]:
    """Return the selection constraints as the MILP applies them, one French line each.

    Parameters
    ----------
    scenario
        A scenario, resolved by :func:`resolve_selection` when ``cites``/``epci`` are given.
    cites, epci
        The data, to print names beside ids and codes.

    Returns
    -------
    list of str
        Lines for ``cites-priority validate``.
    """
    sel = scenario.selection
    table = _epci_table(epci) if epci is not None else {}
    names = (
        dict(zip(cites["cite_id"].astype("int64"), cites["name"].astype(str), strict=True))
        if cites is not None
        else {}
    )
    lines = [
        msg("validate.n", n=sel.n_cites),
        msg("validate.window", lo=fr_number(sel.logements_min), hi=fr_number(sel.logements_max)),
    ]
    for code in sorted(set(sel.epci_min) | set(sel.epci_max)):
        bounds = []
        if code in sel.epci_min:
            bounds.append(msg("validate.epci_min", n=sel.epci_min[code]))
        if code in sel.epci_max:
            bounds.append(msg("validate.epci_max", n=sel.epci_max[code]))
        lines.append(msg("validate.epci", name=table.get(code, "EPCI"), code=code,
                         bounds=", ".join(bounds)))
    lines.append(msg("validate.force_in", cites=_cite_list(sel.force_in, names)))
    lines.append(msg("validate.force_out", cites=_cite_list(sel.force_out, names)))
    ph = sel.phases
    periods = ph.period_labels()
    lines.append(msg("validate.phases", count=ph.count, years=ph.years_each,
                     periods=", ".join(f"phase {k} {v}" for k, v in periods.items()),
                     rule=label("rule", ph.rule)))
    return lines
