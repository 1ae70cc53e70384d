"""Timing helpers shared by the benchmark scripts: median wall time, peak memory."""

from __future__ import annotations

import os
import resource
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def median_time(run: Callable[[], object], repeat: int) -> float:
    """Return the median wall time (seconds) of ``run`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """Return the peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Return the resident memory of this process now, in MB (Linux ``/proc``)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextmanager
def rss_during(out: dict[str, float], key: str, every_s: float = 0.05) -> Iterator[None]:
    """Record in ``out[key]`` the highest resident memory (MB) seen while the block runs.

    A thread samples ``rss_mb`` every ``every_s`` seconds; unlike ``peak_rss_mb`` this
    leaves out what the process held before (e.g. while it generated its data).
    """
    stop = threading.Event()
    out[key] = rss_mb()

    def sample() -> None:
        while not stop.wait(every_s):
            out[key] = max(out[key], rss_mb())

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        out[key] = max(out[key], rss_mb())
