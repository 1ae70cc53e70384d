"""The DuckDB file and PostgreSQL side by side, in one run, on the same data.

Usage: ``python bench/backends.py [--size county|province] [--pg URL] [--json FILE]``
(``make bench-backends``). Without ``--pg`` a throwaway PostgreSQL + PostGIS cluster is
started for the run (``scripts/throwaway-postgres.sh``). For each database:

- import: every table of the demo (county, or the 75-county province) written through the
  store into an empty database, in one transaction;
- scoring: ``riskmap score`` (read every table, score, keep the run);
- rerender: the overview's median rerun after a change of layer (AppTest);
- first paint: seconds from opening the overview in headless Chromium, after the server
  started and signed in, until every township polygon is drawn: on a cold server with
  nothing kept (``first_paint_s``), then on a server started again, which reuses the
  results the first one kept in the database (``restart_paint_s``, ``geodata.derived``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from geodata.demo import (  # noqa: E402
    AS_OF,
    DATASET_LABEL,
    GENERATOR_VERSION,
    PROVINCE_LABEL,
    generate,
)
from geodata.derived import forget  # noqa: E402
from geodata.store import DB_ENV, Store  # noqa: E402
from riskmap.cli import main as riskmap  # noqa: E402
from tests import pg  # noqa: E402
from tests.signin import page_app  # noqa: E402


def _frames(size: str) -> tuple[dict, tuple[str, str]]:
    frames = generate(42)
    if size == "province":
        from geodata.demo.scale import province_demo

        return province_demo(frames), PROVINCE_LABEL
    return frames, DATASET_LABEL


def import_seconds(location: str, frames: dict, label: tuple[str, str]) -> float:
    """Write every table into the empty database at ``location``; return the seconds."""
    t0 = time.perf_counter()
    with Store(location) as store:
        store.write_many(frames)
        store.set_meta({"dataset": "demo", "dataset_label": label[0],
                        "dataset_label_en": label[1], "demo_seed": "42",
                        "demo_as_of": AS_OF.isoformat(),
                        "demo_generator_version": GENERATOR_VERSION})
    return time.perf_counter() - t0


def score_seconds(location: str, tmp: Path) -> float:
    """Run ``riskmap score`` on ``location``; return the seconds."""
    t0 = time.perf_counter()
    assert riskmap(["score", "--json", str(tmp / "scores.json"), "--db", location]) == 0
    return time.perf_counter() - t0


def rerender_seconds(location: str) -> float:
    """Return the overview's median rerun after a change of layer (its first run not counted)."""
    import os

    os.environ[DB_ENV] = location
    at = page_app(str(ROOT / "ui" / "pages" / "overview.py"), default_timeout=600).run()
    times = []
    for layer in ("geohazard", "road", "composite", "ledger"):
        t0 = time.perf_counter()
        at.segmented_control[0].set_value(layer).run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def first_paint_seconds(location: str, townships: int) -> tuple[float, float]:
    """Return the overview's first paint with nothing kept, then after a restart.

    Each on a newly started server (``bench/dashboard.py``); the first keeps what it works
    out (``geodata.derived``), the second reuses it.
    """
    from dashboard import painted

    with Store(location) as store:
        forget(store)  # what ``riskmap score`` kept is not counted
    with painted(location, townships) as (_, _, cold):
        pass
    with painted(location, townships) as (_, _, again):
        pass
    return cold, again


def figures(location: str, frames: dict, label: tuple[str, str], tmp: Path) -> dict[str, float]:
    """Return every figure of one database, printing each as it comes."""
    out = {"import_s": import_seconds(location, frames, label)}
    print(f"  import {out['import_s']:.1f} s", flush=True)
    out["score_s"] = score_seconds(location, tmp)
    print(f"  riskmap score {out['score_s']:.1f} s", flush=True)
    out["rerender_s"] = rerender_seconds(location)
    print(f"  overview rerender {out['rerender_s']:.2f} s (median)", flush=True)
    out["first_paint_s"], out["restart_paint_s"] = first_paint_seconds(
        location, len(frames["townships"]))
    print(f"  overview first paint {out['first_paint_s']:.1f} s, after a restart "
          f"{out['restart_paint_s']:.1f} s", flush=True)
    return out


def run(size: str, given: str | None) -> dict[str, dict[str, float]]:
    """Return the figures of both databases for one size."""
    frames, label = _frames(size)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        cluster = given or stack.enter_context(pg.cluster())
        server = pg.make_template(cluster, f"bench_{size}")
        results = {}
        for name, location in (("duckdb", str(Path(tmp) / f"{size}.duckdb")),
                               ("postgres", server)):
            print(f"== {size}, {name} ==", flush=True)
            results[name] = figures(location, frames, label, Path(tmp))
        pg.drop(server)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", choices=("county", "province"))
    parser.add_argument("--pg", help="a PostgreSQL server's URL (default: a throwaway one)")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    everything = {size: run(size, args.pg) for size in args.size or ["county"]}
    for size, results in everything.items():
        print(f"\n{size}: {'figure':<16} {'DuckDB file':>12} {'PostgreSQL':>12}")
        for figure in results["duckdb"]:
            print(f"{'':{len(size) + 2}}{figure:<16} {results['duckdb'][figure]:>12.2f} "
                  f"{results['postgres'][figure]:>12.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=2), encoding="utf-8")
