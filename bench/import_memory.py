"""Memory an import needs per byte of file, by format: the figures behind ``[import]``.

Usage: ``python bench/import_memory.py [--rows 100000] [--format csv --format xlsx …]``
(run by ``make bench-import-memory``). For each format the demo ledger, repeated to
``--rows`` rows, is written to a file and imported into a fresh database in a process of its
own; the process's peak resident memory above what it held before the import, divided by the
file's size, is the factor ``config/storage.toml`` keeps as ``[import] memory_per_byte``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from geodata.accounts import local_account

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "xlsx", "geojson", "gpkg")


def write_file(rows: int, path: Path) -> None:
    """Write ``rows`` ledger rows built from the demo ledger to ``path`` (format by suffix)."""
    from geodata.demo import generate
    from geodata.demo.scale import repeat_ledger
    from geodata.exporter import export_frame

    ledger = repeat_ledger(generate()["hazard_ledger"], rows)
    export_frame("hazard_ledger", ledger, path)


def import_once(path: Path, db: Path) -> None:
    """Import ``path`` into a fresh database ``db``; print the peak memory it added (MB)."""
    from geodata.demo import generate
    from geodata.importer import import_file
    from geodata.store import Store

    with Store(db) as store:
        store.write("townships", generate()["townships"])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = import_file(store, "hazard_ledger", path, who=local_account())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not report.written:
        raise SystemExit(report.summary())
    print((peak - before) / 1024)


def measure(rows: int, fmt: str, folder: Path) -> tuple[float, float]:
    """Return (file MB, peak MB added by the import) for ``rows`` rows in format ``fmt``."""
    path = folder / f"ledger.{fmt}"
    write_file(rows, path)
    out = subprocess.run([sys.executable, __file__, "--child", str(path),
                          str(folder / f"{fmt}.duckdb")], check=True, capture_output=True,
                         text=True, cwd=ROOT)
    return path.stat().st_size / 2**20, float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print, for each format, file size, memory added and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", action="append", choices=FORMATS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import_once(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.format or FORMATS:
            size, added = measure(args.rows, fmt, Path(tmp))
            print(f"{fmt:8} {args.rows:,} rows: file {size:,.1f} MB, import peak +{added:,.0f} "
                  f"MB = {added / size:,.1f} bytes of memory per byte of file")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
