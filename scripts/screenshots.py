"""Write the screenshots of docs/screenshots/ from the demo county in headless Chromium.

Every page in Chinese and in English, and the meeting screen at 1920×1080 and 1366×768.
Run by ``make screenshots`` (the demo database is built first when missing). Each shot is
taken once the page's map, or its upload form, has drawn and the app has stopped running.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import (  # noqa: E402  (the test suite's app runner)
    add_test_account,
    open_signed_in,
    running_app,
)

PAGES = ("", "geohazards", "warning", "forest", "roads", "ledger", "resources", "places",
         "readiness", "data")
"""URL paths of the pages; the empty path is the overview."""


def _settled(tab: Page, path: str) -> None:
    tab.locator("h1, .rm-head").first.wait_for(timeout=120_000)
    if path == "data":
        tab.locator("[data-testid='stFileUploaderDropzone']").first.wait_for(timeout=120_000)
    else:
        frame = tab.frame_locator("iframe[title*='st_folium']").first
        frame.locator(".rm-legend").wait_for(timeout=120_000)
    expect(tab.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=120_000)


def shoot(db: Path, out: Path) -> list[Path]:
    """Write every screenshot of ``db`` into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "screens.duckdb"
        shutil.copyfile(db, served)
        add_test_account(served)
        with running_app(served) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                         args=["--headless=new", "--no-sandbox"])
            for lang in ("zh", "en"):
                tab = browser.new_page(viewport={"width": 1600, "height": 1000})
                tab.goto(f"{url}/?lang={lang}")  # the sign-in page, before anything else
                tab.locator("[data-testid='stForm']").wait_for()
                shot = out / f"signin-{lang}.png"
                tab.screenshot(path=str(shot))
                written.append(shot)
                for path in PAGES:
                    open_signed_in(tab, f"{url}/{path}?lang={lang}")
                    _settled(tab, path)
                    shot = out / f"{path or 'overview'}-{lang}.png"
                    tab.screenshot(path=str(shot))
                    written.append(shot)
                tab.close()
            for width, height in ((1920, 1080), (1366, 768)):
                tab = browser.new_page(viewport={"width": width, "height": height})
                open_signed_in(tab, f"{url}/?mode=meeting")
                _settled(tab, "")
                shot = out / f"meeting-{width}x{height}.png"
                tab.screenshot(path=str(shot))
                written.append(shot)
                tab.close()
            browser.close()
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=str(ROOT / "data" / "riskmap.duckdb"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    for shot in shoot(Path(args.db), Path(args.out)):
        print(shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot)
