"""Dashboard speed: map payload, server rerender, first paint — county or province.

Usage: ``python bench/dashboard.py [--size county|province] [--db FILE] [--json FILE]``
(``make bench-ui`` runs both sizes). County = the demo database (or ``--db``); province =
``riskmap demo --size province`` built in a temporary folder (1,500 townships, 12,000 sites,
300,000 ledger rows, survey-like borders).
- payload: bytes of the arguments each page's map component receives (AppTest);
- rerender: median server time of reruns after a filter change on each filtered page
  (AppTest; the page's first run, which loads and scores the data, is not counted);
- first paint: seconds from opening the overview in headless Chromium until every township
  polygon is drawn, after /_stcore/health answered (outside requests blocked);
- ledger edit: a save through ``geodata.ledger.apply`` (store opened, row checked and
  written), and the ledger page's rerun after it (only the ledger is read again).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata.demo import build_demo_database  # noqa: E402
from geodata.store import Store  # noqa: E402
from tests.server import (  # noqa: E402  (the same server helper as the tests)
    add_test_account,
    open_signed_in,
    running_app,
)

PAGES = ("overview", "geohazards", "warning", "forest", "roads", "ledger", "resources")


def _payload(at: AppTest) -> int:
    return sum(len(e.proto.json_args.encode()) for e in at.main
               if type(e).__name__ == "UnknownElement"
               and e.proto.DESCRIPTOR.name == "ComponentInstance")


def _median_rerun(at: AppTest, steps: list) -> float:
    """Return the median server time of reruns, each after applying one step."""
    times = []
    for step in steps:
        t0 = time.perf_counter()
        step(at).run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "ui" / "pages" / f"{name}.py"), default_timeout=300).run()
    if name == "warning":  # the scenario's millimetres are the filter changed
        at.radio(key="warn_source").set_value("scenario").run()
    return at


def _pick(label: str, value: list[str]):
    return lambda at: next(m for m in at.multiselect if m.label == label).set_value(value)


def server_figures(db: Path) -> dict[str, float]:
    """Return each map page's payload (MB) and the rerender time after a filter change."""
    os.environ["RISKMAP_DB"] = str(db)
    out: dict[str, float] = {}
    for page in PAGES:
        out[f"payload_mb.{page}"] = _payload(_page(page)) / 1e6
        print(f"map payload, {page}: {out[f'payload_mb.{page}']:.2f} MB", flush=True)
    cases = {
        "ledger": [_pick("等级", v) for v in (["重大"], ["一般"], ["重大"], [], ["一般"])],
        "geohazards": [_pick("灾害类型", v) for v in (["滑坡"], ["崩塌"], [], ["泥石流"])],
        "forest": [lambda at, d=d: at.date_input[0].set_value(d) for d in
                   ("2026-04-04", "2026-01-10", "2026-07-01")],
        "warning": [lambda at, v=v: at.number_input(key="warn_mm").set_value(v) for v in
                    (100.0, 150.0, 200.0, 120.0)],
        "resources": [lambda at, d=d: at.slider[0].set_value(d) for d in (700, 900, 1100)],
        "overview": [lambda at, k=k: at.segmented_control[0].set_value(k) for k in
                     ("geohazard", "road", "composite")],
    }
    for page, steps in cases.items():
        out[f"rerender_s.{page}"] = _median_rerun(_page(page), steps)
        print(f"rerender after a filter change, {page}: median "
              f"{out[f'rerender_s.{page}']:.2f} s", flush=True)
    out |= edit_figures(db)
    return out


def edit_figures(db: Path, repeat: int = 5) -> dict[str, float]:
    """Return the median time of a ledger save, and of the ledger page's rerun after it."""
    from domain.access import Account
    from geodata.ledger import apply

    page = _page("ledger")
    with Store(db) as store:
        row = store.read("hazard_ledger", {"hazard_status": "整改中"}).iloc[0]
    version, saves, reruns = int(row["row_version"]), [], []
    for k in range(repeat):
        t0 = time.perf_counter()
        with Store(db) as store:
            who = Account("测速", "admin", department="县应急管理局")
            version = int(apply(store, row["hazard_id"], "修改", {"measures": f"复核 {k}"},
                                version=version, who=who)["row_version"])
        saves.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        page.run()
        reruns.append(time.perf_counter() - t0)
    out = {"edit_s.save": statistics.median(saves),
           "edit_s.ledger_rerun": statistics.median(reruns)}
    print(f"ledger edit: save median {out['edit_s.save']:.2f} s, ledger page after it "
          f"{out['edit_s.ledger_rerun']:.2f} s", flush=True)
    return out


MAP_PAGES = ("", "geohazards", "warning", "forest", "roads", "ledger", "resources")


def _visible(page, url: str, path: str, townships: int) -> float:
    """Return the seconds from a click on ``path``'s sidebar link until its map is drawn.

    The last page's map must be gone first, and the new one draw every township.
    """
    old = page.locator("iframe[title*='st_folium']").first.element_handle(timeout=60_000)
    t0 = time.perf_counter()
    page.locator(f"[data-testid='stSidebarNav'] a[href='{url}/{path}']").first.click()
    old.wait_for_element_state("hidden", timeout=300_000)  # removed with its page
    frame = page.frame_locator("iframe[title*='st_folium']").first
    frame.locator("path.leaflet-interactive").nth(townships - 1).wait_for(timeout=300_000)
    return time.perf_counter() - t0


def warm_navigation(page, url: str, townships: int) -> dict[str, float]:
    """Return, per map page, the seconds until its map shows after a click in the sidebar.

    Every page is visited once to warm it (its caches filled), then each is timed on a second
    round: what a user sees moving between pages once the server has run a while.
    """
    out = {}
    order = [*MAP_PAGES[1:], MAP_PAGES[0]]  # from the overview, round the pages and back
    for _ in range(2):
        for path in order:
            out[f"warm_map_s.{path or 'overview'}"] = _visible(page, url, path, townships)
    for path in order:
        name = path or "overview"
        print(f"warm navigation, {name}: map visible {out[f'warm_map_s.{name}']:.2f} s after "
              "the click", flush=True)
    return out


@contextmanager
def painted(db: str | Path, townships: int) -> Iterator[tuple[object, str, float]]:
    """Start a server on ``db``, open the overview in headless Chromium, sign in.

    Yields the page, the server's URL and the seconds from opening the overview (the server
    answering its health check) until every township polygon is drawn: the first paint.
    """
    from playwright.sync_api import sync_playwright

    add_test_account(db)
    with running_app(db) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                     args=["--headless=new", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url
                   else r.abort())
        t0 = time.perf_counter()  # the sign-in (one Argon2 check) is part of the first paint
        open_signed_in(page, url)
        frame = page.frame_locator("iframe[title*='st_folium']").first
        frame.locator("path.leaflet-interactive").nth(townships - 1).wait_for(timeout=300_000)
        yield page, url, time.perf_counter() - t0
        browser.close()


def first_paint(db: Path, townships: int) -> dict[str, float]:
    """Return the overview's first paint in headless Chromium, then the warm navigation.

    ``first_paint_s``: seconds until the overview's polygons are drawn after the server
    starts; then ``warm_navigation``'s figures.
    """
    with painted(db, townships) as (page, url, seconds):
        print(f"overview first paint: {seconds:.2f} s after health ok", flush=True)
        return {"first_paint_s": seconds, **warm_navigation(page, url, townships)}


def run(source: Path | None, size: str) -> dict[str, float]:
    """Return every figure of one size on a copy of ``source`` (province: built here)."""
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            source = Path(tmp) / "province.duckdb"
            counts = build_demo_database(source, size="province")
        else:
            with Store(source, read_only=True) as store:
                counts = store.counts()
        # Two copies: this process keeps its own store open, which locks that file.
        copies = [Path(tmp) / f"bench{k}.duckdb" for k in (1, 2)]
        for copy in copies:
            shutil.copyfile(source, copy)
        print(f"== {size} ==", flush=True)
        figures = server_figures(copies[0])
        figures |= first_paint(copies[1], counts["townships"])
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", action="append", choices=("county", "province"))
    parser.add_argument("--db", default=str(ROOT / "data" / "riskmap.duckdb"),
                        help="the county database (default: the demo)")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    results = {size: run(Path(args.db) if size == "county" else None, size)
               for size in args.size or ["county"]}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
