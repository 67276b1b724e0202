"""The loaders' messages come from the French catalogue (``messages.MESSAGES["sources.*"]``)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from cites_priority import sources
from cites_priority.messages import ENGLISH_TOKENS, MESSAGES, msg
from cites_priority.sources import _read

SOURCES = Path(sources.__file__).parent
TEMPLATES = {key: text for key, text in MESSAGES.items() if key.startswith("sources.")}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_used_by_the_loaders_exists():
    used = set()
    for path in SOURCES.glob("*.py"):
        used |= set(re.findall(r'msg\(\s*"(sources\.[a-z0-9_.]+)"', path.read_text("utf-8")))
    # keys built at run time: f"sources.kind.{kind}", f"sources.extent.where.{area}"…
    used |= {key for _, key in _read._EXPECTED.values()}
    used |= {f"sources.kind.{k}" for k in ("sqlite", "shp", "zip", "json", "text", "binary",
                                             "empty")}
    used |= {f"sources.extent.{part}.{area}" for part in ("where", "fix")
             for area in ("basin", "france")}
    used |= {f"{kind}.fix" for kind in ("sources.counts.comma", "sources.counts.thousands",
                                         "sources.counts.non_numeric")}
    assert len(used) > 100
    assert sorted(used - set(MESSAGES)) == []
    assert not re.search(r'(problems\.add|fail)\(\s*f?"', "".join(
        p.read_text("utf-8") for p in SOURCES.glob("*.py"))), "a message literal is left"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_formats_and_is_french(key):
    text = msg(key, **{name.split("!")[0]: "X" for name in _fields(TEMPLATES[key])})
    english = [token for token in ENGLISH_TOKENS if token in text]
    assert not english, (key, english)
