"""Benchmark of the 200 m grid → polygon engine against tobler and geopandas.overlay.

Every engine starts from the same inputs: a cell table (``idcar_200m``, ``x_laea``,
``y_laea``, counts; no geometry) and target polygons in EPSG:3035. Building the squares
that tobler and overlay need is part of their time. Extensive counts are interpolated
as Σ value × area(square ∩ polygon) / area(square) (tobler ``allocate_total=False``).

- ``seconds``: wall time (``time.perf_counter``); runs shorter than 0.5 s are repeated
  3 times and the best is kept (as ``timeit`` does), for every engine alike.
- ``peak_mb``: peak resident memory (psutil RSS sampled every 2 ms in a thread) minus
  RSS before the run, in MiB. So that freed memory is not silently reused (which would
  hide a run's allocations), glibc's mmap threshold is pinned at 128 KiB (``mallopt``)
  and ``malloc_trim(0)`` is called before each run; elsewhere than glibc, the figure is
  a lower bound.
- ``max_rel_diff``: max over polygons and columns of |v − ref| / |ref| (over ref ≠ 0),
  where ref is an exact float64 reference: shapely intersections of every candidate
  square with its polygon, computed in coordinates shifted to the lattice origin (the
  shift is exact), so that the reference does not lose the ~1e-7 m² that absolute
  Lambert/LAEA coordinates cost.

Run as a script: ``python benchmarks/bench_areal.py [--data data/raw] [--quick]``.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from _measure import measure, pin_mmap_threshold

from cites_priority.indicators.areal import interpolate

RES = 200.0
COLUMNS = ["ind", "men"]
OVERLAY_BUDGET_S = 120.0
REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- inputs
def synthetic_cells(n_cells: int, *, seed: int = 0) -> pd.DataFrame:
    """A square lattice of about ``n_cells`` 200 m cells near Lens with random counts."""
    rng = np.random.default_rng(seed)
    side = round(np.sqrt(n_cells))
    ix, iy = np.meshgrid(np.arange(side), np.arange(side))
    x = 3_780_000 + 200 * ix.ravel()
    y = 2_980_000 + 200 * iy.ravel()
    ind = rng.gamma(1.2, 30.0, len(x)).round(1)
    return pd.DataFrame(
        {
            "idcar_200m": [f"CRS3035RES200mN{b}E{a}" for a, b in zip(x[:10], y[:10], strict=True)]
            + [""] * (len(x) - 10),
            "x_laea": x,
            "y_laea": y,
            "ind": ind,
            "men": (ind / rng.uniform(1.8, 2.8, len(x))).round(1),
        }
    )


def synthetic_blobs(cells: pd.DataFrame, n: int, *, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` random star-shaped blobs of cité size (radius 60–450 m, 12–40 vertices)."""
    rng = np.random.default_rng(seed)
    xmin, xmax = cells.x_laea.min() + 1000, cells.x_laea.max() - 1000
    ymin, ymax = cells.y_laea.min() + 1000, cells.y_laea.max() - 1000
    geoms = []
    for _ in range(n):
        k = int(rng.integers(12, 41))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        r = rng.uniform(60, 450) * rng.uniform(0.55, 1.0, k)
        cx, cy = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        geoms.append(shapely.Polygon(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)]))
    geoms = shapely.make_valid(np.asarray(geoms, dtype=object))
    return gpd.GeoDataFrame({"target": np.arange(n)}, geometry=geoms, crs="EPSG:3035")


def real_extract() -> tuple[pd.DataFrame, gpd.GeoDataFrame] | None:
    """The committed real Filosofi extract and the 543 real MBM cité polygons."""
    real = REPO / "data" / "external" / "real"
    csv = real / "filosofi" / "filosofi2019_carreaux200m_bassin_minier.csv"
    geo = real / "mbm_unesco" / "zt-cites-minieres.geojson"
    if not (csv.exists() and geo.exists()):
        return None
    cells = pd.read_csv(csv)
    cites = gpd.read_file(geo)
    cites = cites.set_geometry(shapely.make_valid(cites.geometry.values)).to_crs("EPSG:3035")
    return cells, cites[cites.geom_type.isin(["Polygon", "MultiPolygon"])].reset_index(drop=True)


def world_inputs(data_dir: Path) -> tuple[pd.DataFrame, gpd.GeoDataFrame] | None:
    """Filosofi cells and cités of a world folder, read with ``cites_priority.sources``."""
    try:
        from cites_priority.constants import WORLD_FILES
        from cites_priority.sources import load_cites, load_filosofi
    except ImportError:
        return None
    cells_path = data_dir / WORLD_FILES["cells"]
    cites_path = data_dir / WORLD_FILES["cites"]
    if not (cells_path.exists() and cites_path.exists()):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cells = pd.DataFrame(load_filosofi(cells_path).drop(columns="geometry"))
        cites = load_cites(cites_path)
    return cells, gpd.GeoDataFrame(geometry=cites.geometry.to_crs("EPSG:3035").values, crs="EPSG:3035")


# ---------------------------------------------------------------- engines
def squares(cells: pd.DataFrame) -> gpd.GeoDataFrame:
    x = cells["x_laea"].to_numpy(float)
    y = cells["y_laea"].to_numpy(float)
    return gpd.GeoDataFrame(cells[COLUMNS], geometry=shapely.box(x, y, x + RES, y + RES), crs="EPSG:3035")


def run_ours(cells: pd.DataFrame, targets: gpd.GeoDataFrame) -> np.ndarray:
    return interpolate(cells, targets.geometry, COLUMNS).to_numpy()


def run_tobler(cells: pd.DataFrame, targets: gpd.GeoDataFrame) -> np.ndarray:
    from tobler.area_weighted import area_interpolate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = area_interpolate(squares(cells), targets, extensive_variables=COLUMNS, allocate_total=False)
    return out[COLUMNS].to_numpy()


def run_overlay(cells: pd.DataFrame, targets: gpd.GeoDataFrame) -> np.ndarray:
    src = squares(cells)
    tgt = gpd.GeoDataFrame({"_t": np.arange(len(targets))}, geometry=targets.geometry.values, crs=targets.crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pieces = gpd.overlay(src, tgt, how="intersection", keep_geom_type=True)
    frac = pieces.geometry.area.to_numpy() / (RES * RES)
    vals = pieces[COLUMNS].to_numpy(float) * frac[:, None]
    sums = pd.DataFrame(vals, columns=COLUMNS).groupby(pieces["_t"].to_numpy()).sum()
    return sums.reindex(np.arange(len(targets)), fill_value=0.0).to_numpy()


def exact_reference(cells: pd.DataFrame, targets: gpd.GeoDataFrame) -> np.ndarray:
    """Float64 shapely intersections of every candidate square, in shifted coordinates."""
    x = cells["x_laea"].to_numpy(float)
    y = cells["y_laea"].to_numpy(float)
    ox, oy = float(x.min()), float(y.min())
    boxes = shapely.box(x - ox, y - oy, x - ox + RES, y - oy + RES)
    geoms = shapely.transform(targets.geometry.values, lambda c: c - np.array([ox, oy]))
    tree = shapely.STRtree(boxes)
    poly, cell = tree.query(geoms, predicate="intersects")
    area = shapely.area(shapely.intersection(boxes[cell], geoms[poly]))
    vals = cells[COLUMNS].to_numpy(float)[cell] * (area / (RES * RES))[:, None]
    out = np.zeros((len(targets), len(COLUMNS)))
    for j in range(len(COLUMNS)):
        out[:, j] = np.bincount(poly, weights=vals[:, j], minlength=len(targets))
    return out


def rel_diff(values: np.ndarray, ref: np.ndarray) -> float:
    nz = ref != 0
    if not nz.any():
        return float(np.abs(values).max(initial=0.0))
    return float((np.abs(values[nz] - ref[nz]) / np.abs(ref[nz])).max())


def bench_case(
    name: str,
    cells: pd.DataFrame,
    targets: gpd.GeoDataFrame,
    *,
    engines: tuple[str, ...] = ("cites_priority", "tobler", "overlay"),
    overlay_estimate: float | None = None,
) -> list[dict]:
    """Time every engine on one input; return one dict per engine."""
    ref = exact_reference(cells, targets)
    if "tobler" in engines:  # import (≈1 s) outside the timed run
        try:
            import tobler.area_weighted  # noqa: F401
        except ImportError:
            pass
    runners = {"cites_priority": run_ours, "tobler": run_tobler, "overlay": run_overlay}
    rows = []
    for engine in engines:
        row = {"name": name, "cells": len(cells), "targets": len(targets), "engine": engine}
        if engine == "overlay" and overlay_estimate is not None and overlay_estimate > OVERLAY_BUDGET_S:
            row.update(seconds=None, peak_mb=None, max_rel_diff=None,
                       note=f"skipped: estimated {overlay_estimate:.0f} s > {OVERLAY_BUDGET_S:.0f} s")
            rows.append(row)
            continue
        try:
            values, seconds, peak = measure(lambda e=engine: runners[e](cells, targets))
        except ImportError as exc:  # tobler absent
            row.update(seconds=None, peak_mb=None, max_rel_diff=None, note=f"skipped: {exc}")
            rows.append(row)
            continue
        if seconds < 0.5:
            for _ in range(2):
                _, again, peak_again = measure(lambda e=engine: runners[e](cells, targets))
                seconds, peak = min(seconds, again), max(peak, peak_again)
        row.update(seconds=seconds, peak_mb=peak, max_rel_diff=rel_diff(values, ref))
        rows.append(row)
    return rows


def _overlay_estimate(measured: dict[tuple[int, int], float], n_cells: int, n_targets: int) -> float | None:
    """Predict overlay's time as fixed(lattice) + per-target cost, from the runs so far.

    The per-target cost comes from the two 250 000-cell runs; the fixed cost (building and
    indexing the squares) from the run on the same lattice with the fewest targets.
    """
    small = sorted((n, t) for (c, n), t in measured.items() if c == 250_000)
    same = sorted((n, t) for (c, n), t in measured.items() if c == n_cells)
    if len(small) < 2 or not same or n_targets <= same[0][0]:
        return None
    (n0, t0), (n1, t1) = small[0], small[-1]
    per_target = max((t1 - t0) / (n1 - n0), 0.0)
    fixed = same[0][1] - per_target * same[0][0]
    return fixed + per_target * n_targets


def cases(data_dir: Path | None, *, quick: bool = False) -> list[dict]:
    """Every benchmark case (see the module docstring for the meaning of the keys)."""
    pin_mmap_threshold()
    out: list[dict] = []
    if data_dir is not None:
        world = world_inputs(Path(data_dir))
        if world is not None:
            out += bench_case("world (sources)", *world)
    real = real_extract()
    if real is not None:
        out += bench_case("real extract", *real)
    sizes = [(250_000, 543), (250_000, 20_000)]
    if not quick:
        sizes += [(2_500_000, 543), (2_500_000, 20_000)]
    overlay_s: dict[tuple[int, int], float] = {}  # measured overlay times
    for n_cells, n_targets in sizes:
        cells = synthetic_cells(n_cells)
        targets = synthetic_blobs(cells, n_targets, seed=n_targets)
        rows = bench_case(
            f"synthetic {n_cells:,} × {n_targets:,}",
            cells,
            targets,
            overlay_estimate=_overlay_estimate(overlay_s, n_cells, n_targets),
        )
        for r in rows:
            if r["engine"] == "overlay" and r["seconds"] is not None:
                overlay_s[(n_cells, n_targets)] = r["seconds"]
        out += rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="skip the 2.5 M-cell lattices")
    args = parser.parse_args(argv)
    rows = cases(args.data, quick=args.quick)
    head = f"{'name':<28}{'cells':>11}{'targets':>9}  {'engine':<15}{'seconds':>9}{'peak_mb':>9}{'max_rel_diff':>14}"
    print(head)
    print("-" * len(head))
    for r in rows:
        sec = "skipped" if r["seconds"] is None else f"{r['seconds']:.3f}"
        mb = "" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
        diff = "" if r["max_rel_diff"] is None else f"{r['max_rel_diff']:.1e}"
        print(f"{r['name']:<28}{r['cells']:>11,}{r['targets']:>9,}  {r['engine']:<15}{sec:>9}{mb:>9}{diff:>14}")
    by = {}
    for r in rows:
        by.setdefault(r["name"], {})[r["engine"]] = r["seconds"]
    print()
    for name, t in by.items():
        if t.get("cites_priority") and t.get("tobler"):
            print(f"{name}: {t['tobler'] / t['cites_priority']:.1f}× faster than tobler")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
