"""Timing and peak-memory measurement shared by every benchmark.

Wall time is ``time.perf_counter`` around one call; peak memory is the rise of the
process's resident set size (psutil, sampled every 2 ms by a thread) above its level
before the call. glibc's mmap threshold can be pinned so freed large blocks go back to
the OS between runs (otherwise later runs reuse resident pages and read as ~0).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import Any

import psutil

__all__ = ["measure", "pin_mmap_threshold"]


def _libc():
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


def pin_mmap_threshold() -> None:
    """Pin glibc's mmap threshold at 128 KiB: large blocks are mmapped and freed to the OS.

    Without it glibc raises the threshold after the first large free, so later runs reuse
    resident heap pages and their peak RSS reads as ~0. Called by :func:`cases`.
    """
    if _LIBC is not None:
        _LIBC.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``fn`` once: result, wall seconds, peak RSS increase (MiB)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            stop.wait(0.002)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    t0 = time.perf_counter()
    try:
        result = fn()
    finally:
        seconds = time.perf_counter() - t0
        stop.set()
        thread.join()
    peak[0] = max(peak[0], proc.memory_info().rss)
    return result, seconds, (peak[0] - base) / 2**20
