"""The priority-class terciles equal mapclassify's ``Quantiles(k=3)`` (no import at run time)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cites_priority.pipeline import _tercile_bins

mapclassify = pytest.importorskip("mapclassify")


@pytest.mark.parametrize("seed", range(40))
def test_tercile_bins_equal_mapclassify(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 600))
    y = [rng.random(n), rng.integers(0, 5, n).astype(float), np.round(rng.normal(size=n), 2),
         rng.random(n) * 1e-3 + 0.3][seed % 4]
    if len(np.unique(y)) < 3:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = mapclassify.Quantiles(y, k=3).yb
    assert np.array_equal(_tercile_bins(y), expected)
