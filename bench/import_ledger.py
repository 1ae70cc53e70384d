"""Import speed: write N hazard-ledger rows to CSV, import them, print rows per second.

Usage: ``python bench/import_ledger.py [--rows 1000000] [--repeat 3]`` (run by
``make bench-import``). The rows are the demo ledger repeated with fresh IDs and
descriptions, Chinese dates and township names included, so every parser does real work;
they are written in a shuffled order, as a ledger sorted by date or township has its IDs out
of order (DuckDB's key index takes longer for keys out of order).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from geodata.accounts import local_account
from geodata.demo import generate
from geodata.demo.scale import repeat_ledger
from geodata.exporter import export_frame
from geodata.importer import import_file
from geodata.store import Store


def ledger_csv(rows: int, path: Path) -> None:
    """Write ``rows`` ledger rows built from the demo ledger to ``path`` (Excel-style CSV)."""
    ledger = repeat_ledger(generate()["hazard_ledger"], rows)
    export_frame("hazard_ledger", ledger.sample(frac=1, random_state=0), path)


def run(rows: int, repeat: int) -> None:
    """Import ``rows`` ledger rows ``repeat`` times into fresh databases; print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "ledger.csv"
        t0 = time.perf_counter()
        ledger_csv(rows, csv)
        print(f"wrote {rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t0:.1f} s")
        towns = generate()["townships"]
        times = []
        for k in range(repeat):
            with Store(Path(tmp) / f"bench{k}.duckdb") as store:
                store.write("townships", towns)
                t0 = time.perf_counter()
                report = import_file(store, "hazard_ledger", csv, who=local_account())
                times.append(time.perf_counter() - t0)
                assert report.written and report.new == rows, report.summary()
            print(f"run {k + 1}: {times[-1]:.1f} s, {rows / times[-1]:,.0f} rows/s")
    median = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import {rows:,} ledger rows: median {median:.1f} s = {rows / median:,.0f} rows/s; "
          f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(args.rows, args.repeat)
