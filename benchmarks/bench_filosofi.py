"""Reading a national Filosofi CSV for the Bassin minier only, against a whole-file read.

A synthetic national-size file (:data:`N_NATIONAL` cells, about INSEE's metropolitan 2019
count, in INSEE's 2019 column order: the header of the real extract) holds the real basin
cells plus cells drawn over the rest of metropolitan France. ``load_filosofi(bbox=…)`` (the
path ``load_world`` takes: chunks of 200 000 rows filtered on the id) is timed against
``pandas.read_csv`` of the whole file, in the same run. Goal: peak < 1 GB for the basin read.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import measure, pin_mmap_threshold

HERE = Path(__file__).resolve().parent
REAL_CSV = HERE.parent / "data" / "external" / "real" / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv"
#: Cells of INSEE's metropolitan Filosofi 2019 file (about 2.3 million).
N_NATIONAL = 2_300_000


def national_file(folder: Path, n_cells: int = N_NATIONAL, *, seed: int = 0) -> Path:
    """Write the synthetic national CSV (real basin cells + synthetic cells elsewhere)."""
    real = pd.read_csv(REAL_CSV, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    n = n_cells - len(real)
    # metropolitan France in EPSG:3035 (SW corners, 200 m lattice), away from the basin
    x = 200 * rng.integers(3_200_000 // 200, 4_250_000 // 200, n)
    y = 200 * rng.integers(2_050_000 // 200, 2_950_000 // 200, n)
    counts = {c: np.round(rng.gamma(1.2, 20.0, n), 1).astype(str)
              for c in real.columns if c not in ("idcar_200m", "x_laea", "y_laea", "i_est_200",
                                                 "lcog_geo")}
    synth = pd.DataFrame({
        "idcar_200m": np.char.add(np.char.add("CRS3035RES200mN", y.astype(str)),
                                  np.char.add("E", x.astype(str))),
        "x_laea": x.astype(str), "y_laea": y.astype(str),
        "i_est_200": rng.integers(0, 2, n).astype(str), "lcog_geo": "75056", **counts,
    })[list(real.columns)]
    path = folder / "carreaux_200m_met_national.csv"
    pd.concat([real, synth], ignore_index=True).to_csv(path, index=False)
    return path


def cases(data_dir: Path | None = None, *, n_cells: int = N_NATIONAL) -> list[dict]:
    """Basin read (bbox, chunked) vs whole-file ``pandas.read_csv`` of a national CSV."""
    from cites_priority.sources import load_cites, load_filosofi

    pin_mmap_threshold()
    out: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = national_file(Path(tmp), n_cells)
        cites_file = (data_dir / "cites_minieres.gpkg") if data_dir else None
        if cites_file is not None and cites_file.exists():
            bounds = load_cites(cites_file).total_bounds
        else:
            bounds = (645_805.0, 7_016_936.0, 748_287.0, 7_058_942.0)  # MBM perimeter
        bbox = (bounds[0] - 2_000, bounds[1] - 2_000, bounds[2] + 2_000, bounds[3] + 2_000)
        cells, secs, peak = measure(lambda: load_filosofi(path, bbox=bbox))
        out.append({"name": "filosofi_national", "cells": n_cells, "targets": len(cells),
                    "engine": "load_filosofi(bbox) chunked", "seconds": secs, "peak_mb": peak,
                    "max_rel_diff": None})
        del cells
        whole, secs, peak = measure(lambda: pd.read_csv(path, dtype=str))
        out.append({"name": "filosofi_national", "cells": n_cells, "targets": len(whole),
                    "engine": "pandas.read_csv whole file", "seconds": secs, "peak_mb": peak,
                    "max_rel_diff": None})
    return out


if __name__ == "__main__":  # pragma: no cover
    for case in cases(Path("data/raw")):
        print(case)
