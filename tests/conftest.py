"""Shared fixtures: paths to the real extracts committed in data/external/real/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "external" / "real"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Folder of the real public extracts (MBM, IGN, INSEE)."""
    return REAL
