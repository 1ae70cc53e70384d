"""The overview in a real browser (system Chromium via Playwright) with the internet cut off.

Every request not to the app's own host is blocked and recorded; the test fails if any was
attempted. Screenshots go to ``build/screenshots/`` (the path is printed).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL = {"127.0.0.1", "localhost"}


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Debian's chromium is needed: `make test` installs it with apt"
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page whose every request to another host is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    outside: list[str] = []

    def guard(route: Route) -> None:
        if urlparse(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield context.new_page(), outside
    context.close()


def _map_frame(page: Page):
    page.wait_for_selector("iframe[title*='st_folium']", timeout=60_000)
    frame = page.frame_locator("iframe[title*='st_folium']").first
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    return frame


def _shot(tab: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}.png"
    tab.screenshot(path=str(shot), full_page=False)
    print(f"screenshot: {shot}")


def test_overview_map_draws_offline(page: tuple[Page, list[str]], app_server: str) -> None:
    tab, outside = page
    tab.goto(app_server, wait_until="domcontentloaded")
    frame = _map_frame(tab)
    polygons = frame.locator("path.leaflet-interactive")
    polygons.nth(19).wait_for(timeout=60_000)
    assert polygons.count() == 20, "one polygon per demo township"
    legend = frame.locator(".rm-legend")
    assert legend.is_visible() and "风险等级" in legend.inner_text()
    assert "演示数据" in frame.locator(".rm-caption").inner_text()
    assert frame.locator(".rm-label").count() == 20
    tab.get_by_text("排查隐患").first.wait_for()
    _shot(tab, "overview")
    assert not outside, f"requests to outside hosts were attempted: {outside}"


@pytest.mark.parametrize("path", ["geohazards", "warning", "forest", "roads", "ledger",
                                  "resources"])
def test_every_map_page_draws_offline(page: tuple[Page, list[str]], app_server: str,
                                      path: str) -> None:
    tab, outside = page
    tab.goto(f"{app_server}/{path}", wait_until="domcontentloaded")
    frame = _map_frame(tab)
    frame.locator("path.leaflet-interactive").nth(19).wait_for(timeout=60_000)
    assert frame.locator(".rm-legend").is_visible()
    assert "演示数据" in frame.locator(".rm-caption").inner_text()
    _shot(tab, path)
    assert not outside, f"requests to outside hosts were attempted: {outside}"


def test_data_page_loads_offline(page: tuple[Page, list[str]], app_server: str) -> None:
    tab, outside = page
    tab.goto(f"{app_server}/data", wait_until="domcontentloaded")
    tab.get_by_text("上传文件").first.wait_for(timeout=60_000)
    _shot(tab, "data")
    assert not outside, f"requests to outside hosts were attempted: {outside}"


def test_meeting_mode_full_screen_map(page: tuple[Page, list[str]], app_server: str) -> None:
    tab, outside = page
    tab.goto(f"{app_server}/?mode=meeting", wait_until="domcontentloaded")
    frame = _map_frame(tab)
    frame.locator("path.leaflet-interactive").nth(19).wait_for(timeout=60_000)
    assert not tab.locator("[data-testid='stSidebar']").is_visible()
    assert frame.locator(".rm-legend").is_visible()
    _shot(tab, "meeting")
    assert not outside, f"requests to outside hosts were attempted: {outside}"


def test_clicking_a_township_explains_it(page: tuple[Page, list[str]], app_server: str) -> None:
    tab, outside = page
    tab.goto(app_server, wait_until="domcontentloaded")
    frame = _map_frame(tab)
    polygon = frame.locator("path.leaflet-interactive").nth(5)
    polygon.wait_for(timeout=60_000)
    polygon.click()  # at its centre, where the name label lies: labels let clicks through
    tab.get_by_text("主要原因").or_(tab.locator("h3", has_text=" · 综合风险 · ")).first.wait_for(
        timeout=60_000)
    heading = tab.locator("h3", has_text=" · 综合风险 · ").first
    assert heading.is_visible()
    assert tab.locator("li").count() >= 1, "the plain-Chinese facts are listed"
    assert not outside
