"""Dashboard speed on the demo county: map payload, server rerender, first paint.

Usage: ``python bench/dashboard.py [--db data/riskmap.duckdb]`` (run by ``make bench-ui``).
- payload: bytes of the arguments the overview map component receives (AppTest);
- rerender: server time of a rerun after a filter change on each filtered page (AppTest);
- first paint: seconds from opening the overview in headless Chromium until all township
  polygons are drawn, after /_stcore/health answered (outside requests blocked).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import running_app  # noqa: E402  (the same server helper as the tests)


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
    return AppTest.from_file(str(ROOT / "ui" / "pages" / f"{name}.py"),
                             default_timeout=300).run()


def _pick(label: str, value: list[str]):
    return lambda at: next(m for m in at.multiselect if m.label == label).set_value(value)


def server_figures(db: Path) -> None:
    """Print the overview payload and the rerender time after a filter change, per page."""
    os.environ["RISKMAP_DB"] = str(db)
    print(f"overview map payload: {_payload(_page('overview')) / 1e6:.2f} MB")
    cases = {
        "ledger (level filter)": ("ledger", [_pick("等级", v) for v in
                                             (["重大"], ["一般"], ["重大"], [], ["一般"])]),
        "geohazards (type filter)": ("geohazards", [_pick("灾害类型", v) for v in
                                                    (["滑坡"], ["崩塌"], [], ["泥石流"])]),
        "forest (day)": ("forest", [lambda at, d=d: at.date_input[0].set_value(d) for d in
                                    ("2026-04-04", "2026-01-10", "2026-07-01")]),
        "warning (scenario mm)": ("warning", [
            lambda at, v=v: at.number_input(key="warn_mm").set_value(v) for v in
            (100.0, 150.0, 200.0, 120.0)]),
        "resources (distance)": ("resources", [lambda at, d=d: at.slider[0].set_value(d)
                                               for d in (700, 900, 1100)]),
    }
    for label, (page, steps) in cases.items():
        print(f"rerender after a filter change, {label}: median "
              f"{_median_rerun(_page(page), steps):.2f} s")


def first_paint(db: Path) -> None:
    """Print the time until the overview's polygons are drawn in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with running_app(db) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                     args=["--headless=new", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url
                   else r.abort())
        t0 = time.perf_counter()
        page.goto(url)
        frame = page.frame_locator("iframe[title*='st_folium']").first
        frame.locator("path.leaflet-interactive").nth(19).wait_for(timeout=120_000)
        print(f"overview first paint: {time.perf_counter() - t0:.2f} s after health ok")
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=str(ROOT / "data" / "riskmap.duckdb"))
    source = Path(parser.parse_args().db)
    with tempfile.TemporaryDirectory() as tmp:
        # Two copies: this process keeps its own store open, which locks that file.
        copies = [Path(tmp) / f"bench{k}.duckdb" for k in (1, 2)]
        for copy in copies:
            shutil.copyfile(source, copy)
        server_figures(copies[0])
        first_paint(copies[1])
