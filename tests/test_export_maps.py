"""Tests of cites_priority.export.maps (static PNG maps)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cites_priority.export import write_static_maps
from cites_priority.export.aliases import PHASE_COLOURS, PRIORITY_CLASS_COLOURS
from export_fixtures import make_run_result


def _colours(path: Path) -> dict[int, int]:
    img = np.asarray(Image.open(path).convert("RGB")).astype(np.int32)
    packed = (img[..., 0] << 16) | (img[..., 1] << 8) | img[..., 2]
    values, counts = np.unique(packed, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


def _has_colour(colours: dict[int, int], colour: str, *, min_pixels: int = 50) -> bool:
    return colours.get(int(colour[1:], 16), 0) >= min_pixels


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_static_maps(make_run_result(), tmp_path_factory.mktemp("maps"))


def test_files(maps: list[Path]) -> None:
    assert [p.name for p in maps] == ["carte_priorites.png", "carte_phases.png"]
    for p in maps:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(p) as im:
            assert im.size == (2338, 1654)  # A4 landscape at 200 dpi
    assert sorted(x.name for x in maps[0].parent.iterdir()) == sorted(p.name for p in maps)


def test_colours_drawn(maps: list[Path]) -> None:
    prio = _colours(maps[0])
    for colour in PRIORITY_CLASS_COLOURS.values():
        assert _has_colour(prio, colour), colour
    phases = _colours(maps[1])
    assert _has_colour(phases, PHASE_COLOURS[1]) and _has_colour(phases, PHASE_COLOURS[2])
    assert not _has_colour(phases, PRIORITY_CLASS_COLOURS[1], min_pixels=1)
