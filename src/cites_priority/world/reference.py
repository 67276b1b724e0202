"""Reference lists: the mission's 25, the 103 examined, the ERBM programme.

Names come from ``reference_cites.csv`` (the seeds digest's table, embedded below so
the package needs no external file). They are matched to cités by name and commune
with rapidfuzz, after normalisation (accents, 'Cité', 'St' → 'Saint', 'n°'). A named
cité with no real polygon becomes a synthetic cité in its commune (see
:func:`cites_priority.world.cites.add_synthetic_cites`).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from .cites import norm_text

__all__ = [
    "EXAMINED_CATEGORIES",
    "NAMED_CITES",
    "match_names",
    "named_cites",
    "reference_table",
]

#: Categories of the 004 legend (plus ERBM projects) read as 'examined by the mission'.
EXAMINED_CATEGORIES = ("priority25", "anru", "feder", "other_signalee", "erbm")

# name,communes,category  (shared/docs/reference_cites.csv, order kept; notes dropped)
NAMED_CITES = """name,communes,category
Cité de la Victoire,Houdain;Haillicourt,priority25
Cité du Nouveau Monde (16-3),Bruay-la-Buissière,priority25
Cité 10 de Béthune,Sains-en-Gohelle,priority25
Cité 2 de Béthune,Bully-les-Mines;Mazingarbe,priority25
Cité 5 de Béthune,Grenay,priority25
Cité des Alouettes,Bully-les-Mines;Grenay,priority25
Cité 9 de Lens,Lens,priority25
Cité des Provinces,Lens,priority25
Cité de Courtaine,Noyelles-sous-Lens;Fouquières-lès-Lens,priority25
Cité du Pinson,Raismes,priority25
Cité Declercq,Oignies,priority25
Cité Cornuault,Évin-Malmaison,priority25
Cité Bellevue ancienne,Harnes,priority25
Cité Foch,Hénin-Beaumont,priority25
Cité Notre-Dame,Waziers,priority25
Cité 4 de Lens,Lens,priority25
Cité de la Parisienne,Drocourt,anru
Cité Saint-Albert,Liévin,anru
Cité 12/14,Lens,anru
Résidence de la Motte (Cité Nouméa),Rouvroy,anru
Cité de la Clochette,Douai,anru
Cité du Puits du Midi,Sin-le-Noble,anru
Cité Barrois,Pecquencourt,anru
Cité Darcy,Hénin-Beaumont,anru
Cité Chabaud-Latour nouvelle,Denain,anru
Cité Chabaud-Latour ancienne (Cité Ernestine),Denain,anru
Cités Onnaing ancienne / Vicq ancienne / Cuvinot,Onnaing;Vicq,anru
Cité Saint-Pierre,Condé-sur-l'Escaut,anru
Cité de la Clarence,Divion,anru
Cité Schneider,Lourches;Escaudain,anru
Cité Lemay,Pecquencourt,anru
Cité Sainte-Marie,Pecquencourt,anru
Cité du Mont de la Veine,Anzin,feder
Cités Hardy,Fresnes-sur-Escaut,feder
Cité des Acacias ancienne,Condé-sur-l'Escaut,feder
Cité des Acacias nouvelle,Condé-sur-l'Escaut,feder
Cité du Bois d'Épinoy,Libercourt,feder
Cité de la Croix de Pierre,Dechy,feder
Cité du 10,Billy-Montigny;Rouvroy,other_signalee
Cité des Brebis,Bully-les-Mines;Mazingarbe,other_signalee
Cité 4 Sud de Liévin,Avion,other_signalee
Cité de la Plaine,Montigny-en-Gohelle;Fouquières-lès-Lens,other_signalee
Cité des Quarante,Grenay,other_signalee
Cité du Champ Fleuri,Masny,other_signalee
Cité 11 de Béthune,Grenay,other_signalee
Cité Roy de Blicquy,Crespin,other_signalee
Cité d'Algérie,Bruay-la-Buissière,other_signalee
Cité de Marles,Marles-les-Mines,other_signalee
Cité de la Justice,Auby,other_signalee
Cité des Genettes,Liévin,other_signalee
Cité 4/5 Sud,Méricourt,other_signalee
Cité Normandie,Noyelles-sous-Lens;Fouquières-lès-Lens,other_signalee
Cité 3/15,Sallaumines;Méricourt,other_signalee
Cité Anchin,Noyelles-sous-Lens;Sallaumines,other_signalee
Cité Soult Haute,Fresnes-sur-Escaut,other_signalee
Cité Corbeau,Quiévrechain,other_signalee
Cité Rieu,Vieux-Condé,other_signalee
Cité de la Gare,Libercourt,other_signalee
Cité Crombez,Noyelles-Godault,other_signalee
Cité de la Faisanderie,Libercourt,other_signalee
Cité 4/11,Sallaumines,other_signalee
Cité 5/12,Sallaumines,other_signalee
Cité Anatole France,Bruay-la-Buissière,other_signalee
Cité des Arbres,Houdain;Haillicourt,erbm
Cité du Parc,Méricourt,erbm
Résidence de la Croisette,Méricourt,erbm
Cité du Bois Brûlé,Somain,erbm
Cité des Agaches,Fenain,erbm
Cité Heurteau,Hornaing,erbm
Cité Chauffour,Somain,erbm
Quartier Sabatier,Raismes,erbm
Quartier Arenberg,Wallers;Raismes;Bellaing,erbm
"""

_STOP = {"cite", "cites", "de", "du", "des", "la", "le", "les", "d", "l", "n", "quartier", "et"}
_ABBR = {"res": "residence", "rieu": "rieux"}


def _key(name: object) -> str:
    toks = norm_text(name).split()
    toks = [_ABBR.get(t, t) for t in toks if t not in _STOP]
    return " ".join(toks)


def _digits(s: str) -> set[str]:
    return set(re.findall(r"\d+", s))


def named_cites() -> pd.DataFrame:
    """The documented cités: ``name``, ``communes`` (list), ``category``, ``list``, ``confidence``."""
    df = pd.read_csv(io.StringIO(NAMED_CITES), dtype=str)
    df["communes"] = df["communes"].str.split(";")
    first9 = df.index[df["category"] == "anru"][:9]
    df["list"] = np.where(df["category"].isin(EXAMINED_CATEGORIES), "examined_2016", "")
    df.loc[df["category"] == "priority25", "list"] = "mission_2016"
    df.loc[first9, "list"] = "mission_2016"
    df["confidence"] = "named"
    df.loc[df["category"] == "priority25", "confidence"] = "confirmed"
    df.loc[first9, "confidence"] = "probable"
    return df


def match_names(named: pd.DataFrame, cites: pd.DataFrame, *, cutoff: float = 86.0) -> pd.Series:
    """Match each documented name to one cité (``ID_LSM``) or NA.

    A candidate must lie in one of the named communes (``COMMUNE_1..3``); its score is
    the best rapidfuzz ``token_set_ratio`` of the normalised names (``NOM``, ``NOM_2``);
    when the documented name holds numbers, the candidate must hold the same numbers.
    Each cité is given to at most one name (best score first).
    """
    com_cols = [c for c in ("COMMUNE_1", "COMMUNE_2", "COMMUNE_3") if c in cites]
    cite_coms = [
        {norm_text(v) for v in row if isinstance(v, str)} for row in cites[com_cols].to_numpy()
    ]
    keys = [(_key(a), _key(b) if isinstance(b, str) else "") for a, b in zip(cites["NOM"], cites["NOM_2"], strict=True)]
    pairs = []
    for i, row in named.iterrows():
        coms = {norm_text(c) for c in row["communes"]}
        k = _key(row["name"])
        d = _digits(k)
        for j, (k1, k2) in enumerate(keys):
            if not coms & cite_coms[j]:
                continue
            best = 0.0
            for kk in (k1, k2, f"{k1} {k2}".strip()):
                if not kk or (d and not d <= _digits(kk) and not _digits(kk) <= d):
                    continue
                if d and not _digits(kk):
                    continue
                best = max(best, fuzz.token_set_ratio(k, kk))
            if best >= cutoff:
                pairs.append((best, i, j))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    out = pd.Series(pd.NA, index=named.index, dtype="Int64")
    taken: set[int] = set()
    for _, i, j in pairs:
        if pd.isna(out.at[i]) and j not in taken:
            out.at[i] = int(cites["ID_LSM"].iat[j])
            taken.add(j)
    for score, i, j in pairs:  # an alias of an already matched cité (e.g. NOM_2)
        if pd.isna(out.at[i]) and score >= 95:
            out.at[i] = int(cites["ID_LSM"].iat[j])
    return out


def reference_table(
    named: pd.DataFrame,
    cites: pd.DataFrame,
    *,
    erbm_ids: list[int],
    extra_examined: list[int],
) -> pd.DataFrame:
    """Build ``reference_lists.csv`` rows (contracts §1).

    Parameters
    ----------
    named
        :func:`named_cites` with a ``cite_id`` column (every name matched).
    cites
        The final inventory (``ID_LSM``, ``NOM``, ``COMMUNE_1..3``).
    erbm_ids
        ``ID_LSM`` of the 59 real ERBM polygons.
    extra_examined
        ``ID_LSM`` of the cités added to the examined list (confidence ``synthetic``).
    """
    by_id = cites.set_index("ID_LSM")

    def communes(cid: int) -> str:
        r = by_id.loc[cid]
        return "; ".join(str(r[c]) for c in ("COMMUNE_1", "COMMUNE_2", "COMMUNE_3") if isinstance(r[c], str))

    rows = []
    seen: set[tuple[int, str]] = set()
    for _, r in named[named["list"] != ""].iterrows():
        cid = int(r["cite_id"])
        if (cid, r["list"]) in seen:
            continue
        seen.add((cid, r["list"]))
        rows.append((cid, r["name"], communes(cid), r["list"], r["confidence"]))
    for cid in extra_examined:
        rows.append((int(cid), str(by_id.loc[cid, "NOM"]), communes(cid), "examined_2016", "synthetic"))
    for cid in erbm_ids:
        rows.append((int(cid), str(by_id.loc[cid, "NOM"]), communes(cid), "erbm", "real"))
    return pd.DataFrame(rows, columns=["cite_id", "name", "communes", "list", "confidence"])
