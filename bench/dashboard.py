"""Dashboard speed on the demo county: map payload, server rerender, first paint.

Usage: ``python bench/dashboard.py [--db data/riskmap.duckdb]`` (run by ``make bench-ui``).
- payload: bytes of the arguments the overview map component receives (AppTest);
- rerender: server time of a rerun after a filter change on the ledger page (AppTest);
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


def server_figures(db: Path) -> None:
    """Print the overview payload and the ledger rerender time."""
    os.environ["RISKMAP_DB"] = str(db)
    overview = AppTest.from_file(str(ROOT / "ui" / "pages" / "overview.py"),
                                 default_timeout=300).run()
    print(f"overview map payload: {_payload(overview) / 1e6:.2f} MB")
    ledger = AppTest.from_file(str(ROOT / "ui" / "pages" / "ledger.py"),
                               default_timeout=300).run()
    level = next(m for m in ledger.multiselect if m.label == "等级")
    times = []
    for choice in (["重大"], ["一般"], ["重大"], [], ["一般"]):
        t0 = time.perf_counter()
        level.set_value(choice).run()
        times.append(time.perf_counter() - t0)
    print(f"ledger filter change rerender: median {statistics.median(times):.2f} s "
          f"(of {len(times)})")


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
