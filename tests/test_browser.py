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
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from analytics.engine import RiskResult, score_county
from geodata.config import load_settings
from geodata.snapshot import Snapshot
from geodata.store import Store
from maps.style import HIGHLIGHT_COLOUR
from tests.server import TEST_ACCOUNT, open_signed_in

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
    open_signed_in(tab, app_server)
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
    open_signed_in(tab, f"{app_server}/{path}")
    frame = _map_frame(tab)
    frame.locator("path.leaflet-interactive").nth(19).wait_for(timeout=60_000)
    assert frame.locator(".rm-legend").is_visible()
    assert "演示数据" in frame.locator(".rm-caption").inner_text()
    _shot(tab, path)
    assert not outside, f"requests to outside hosts were attempted: {outside}"


def test_data_page_loads_offline(page: tuple[Page, list[str]], app_server: str) -> None:
    tab, outside = page
    open_signed_in(tab, f"{app_server}/data")
    tab.get_by_text("上传文件").first.wait_for(timeout=60_000)
    _shot(tab, "data")
    assert not outside, f"requests to outside hosts were attempted: {outside}"


INSIDE_VIEWPORT = """(el) => { const r = el.getBoundingClientRect();
  let x = r.left, y = r.top, w = window;
  while (w.frameElement) { const f = w.frameElement.getBoundingClientRect();
    x += f.left; y += f.top; w = w.parent; }
  return {left: x, top: y, right: x + r.width, bottom: y + r.height,
          width: w.innerWidth, height: w.innerHeight}; }"""
"""An element's box in the top window's coordinates, and that window's size."""


def _inside(frame, selector: str) -> dict:
    box = frame.locator(selector).first.evaluate(INSIDE_VIEWPORT)
    assert box["left"] >= 0 and box["top"] >= 0, (selector, box)
    assert box["right"] <= box["width"] and box["bottom"] <= box["height"], (selector, box)
    return box


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_meeting_screen_fits_one_window(browser: Browser, app_server: str,
                                        size: tuple[int, int]) -> None:
    """Map, legend, caption, key figures, the top townships and readiness on one screen, no
    scrolling; names and legend at least 20 px on the projector; a layer switch keeps the
    map's frame (no blank flash) and draws the new layer."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  locale="zh-CN")
    tab = context.new_page()
    open_signed_in(tab, f"{app_server}/?mode=meeting")
    frame = _map_frame(tab)
    frame.locator("path.leaflet-interactive").nth(19).wait_for(timeout=60_000)
    frame.locator(".rm-legend").wait_for(timeout=60_000)
    expect(tab.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=60_000)
    assert not tab.locator("[data-testid='stSidebar']").is_visible()
    main = tab.locator("[data-testid='stMain']")
    assert main.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), "nothing below the fold"
    _inside(tab, "iframe[title*='st_folium']")
    _inside(frame, ".rm-legend")
    _inside(frame, ".rm-caption")
    for figure in tab.locator("[data-testid='stMetric']").all():
        _inside(figure, ":scope")
    _inside(tab, ".rm-top tr:nth-child(3)")
    _inside(tab, ".rm-ready")  # readiness under the map
    if size == (1920, 1080):
        for part in (".rm-label", ".rm-legend", ".rm-caption"):
            px = frame.locator(part).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert px >= 20, (part, px)
    _shot(tab, f"meeting-{size[0]}")
    inner = tab.locator("iframe[title*='st_folium']").first.element_handle().content_frame()
    inner.evaluate("() => { window.rmKept = true; }")  # gone if the frame reloads
    fills = frame.locator("path.leaflet-interactive").evaluate_all(
        "ps => ps.map(p => p.getAttribute('fill')).join()")
    _inside(frame, ".rm-switch")
    frame.locator(".rm-switch button", has_text="道路交通").click()
    expect(frame.locator(".rm-caption b")).to_have_text("道路交通")
    assert frame.locator("path.leaflet-interactive").evaluate_all(
        "ps => ps.map(p => p.getAttribute('fill')).join()") != fills, "another layer drawn"
    assert inner.evaluate("() => window.rmKept === true"), "the same frame: no blank reload"
    context.close()


INSIDE = """(path) => {
  const box = path.getBoundingClientRect();
  for (let i = 10; i > 0; i--) for (let j = 1; j < 20; j++) for (const k of [i, 20 - i]) {
    const x = box.width * k / 20, y = box.height * j / 20;
    const hit = document.elementFromPoint(box.left + x, box.top + y);
    if (hit === path) return {x: x, y: y};
  }
  return null;
}"""
"""A point where a click lands on this polygon, relative to its box (its centre may lie in
another township, or under a name label)."""


def _scores(db: Path) -> RiskResult:
    with Store(db, read_only=True) as store:
        snap = Snapshot.take(store, load_settings())
        return score_county(snap.tables(), snap.settings.risk, as_of=snap.as_of)


@pytest.mark.parametrize("nth", [3, 5, 12])
def test_clicking_a_township_explains_it(page: tuple[Page, list[str]], app_server: str,
                                         demo_db: Path, nth: int) -> None:
    tab, outside = page
    open_signed_in(tab, app_server)
    frame = _map_frame(tab)
    polygon = frame.locator("path.leaflet-interactive").nth(nth)
    polygon.wait_for(timeout=60_000)
    # The map runs past the window's lower edge: a click there must still explain the
    # township (the map once took focus on the press and scrolled, losing the click).
    inside = polygon.evaluate(INSIDE)
    polygon.hover(position=inside)
    name = frame.locator(".leaflet-tooltip b").first.inner_text(timeout=30_000)
    polygon.click(position=inside)
    heading = tab.locator("h3", has_text=f"{name} · 综合风险 · ").first
    heading.wait_for(timeout=60_000)
    result = _scores(demo_db)
    code = next(c for c, n in result.names.items() if n == name)
    why = result.explain(code)
    assert f"{why.score:.2f} · {why.risk_class}" in heading.inner_text()
    facts = tab.locator("[data-testid='stMain'] li")
    assert why.facts and facts.count() == len(why.facts)
    assert [facts.nth(k).inner_text() for k in range(facts.count())] == why.facts
    beside = heading.bounding_box()
    map_box = tab.locator("iframe[title*='st_folium']").first.bounding_box()
    assert beside["x"] >= map_box["x"] + map_box["width"], "the reason beside the map"
    assert beside["y"] < map_box["y"] + map_box["height"], "not below it"
    outlined = _map_frame(tab).locator(f"path.leaflet-interactive[stroke='{HIGHLIGHT_COLOUR}']")
    expect(outlined).to_have_count(1, timeout=60_000)
    assert outlined.evaluate("p => { p.focus(); return getComputedStyle(p).outlineStyle; }") \
        == "none", "no focus rectangle"
    assert not outside


CUT = """root => [...root.querySelectorAll("[data-testid='stMetric'] *")]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
"""The texts of the figures cut by their box (an ellipsis or a hidden overflow)."""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_figures_are_not_cut_on_a_laptop(browser: Browser, app_server: str,
                                                  lang: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    open_signed_in(tab, f"{app_server}/?lang={lang}")
    _map_frame(tab).locator(".rm-legend").wait_for(timeout=60_000)
    figures = tab.locator("[data-testid='stMetric']")
    expect(figures).to_have_count(8)
    assert tab.locator("[data-testid='stMain']").evaluate(CUT) == []
    assert figures.nth(4).bounding_box()["y"] > figures.nth(3).bounding_box()["y"], \
        "two rows of four at 1366 px"
    context.close()


def test_a_picked_township_reads_in_the_ledger_filter_on_a_laptop(browser: Browser,
                                                                  app_server: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    open_signed_in(tab, f"{app_server}/ledger")
    towns = tab.locator("[data-testid='stMultiSelect']").nth(2)
    towns.wait_for(timeout=60_000)
    towns.click()
    tab.locator("[role='option']").first.click()
    tab.keyboard.press("Escape")
    chip = towns.locator("span[title]").first
    chip.wait_for(timeout=30_000)
    box, frame = chip.bounding_box(), towns.bounding_box()
    assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert chip.evaluate("e => e.scrollWidth <= e.clientWidth"), "the whole name shows"
    context.close()


def _drawn_after(tab: Page, at_least: int) -> int:
    """Wait until the map draws more than ``at_least`` features; return how many it draws."""
    frame = _map_frame(tab)
    shapes = frame.locator("path.leaflet-interactive")
    shapes.nth(at_least).wait_for(timeout=60_000)
    box = tab.locator("iframe[title*='st_folium']").first.bounding_box()
    assert box is not None and box["height"] > 300, "the map collapsed"
    return shapes.count()


@pytest.mark.parametrize("path", ["ledger", "geohazards", "roads"])
def test_a_map_draws_in_a_second_session_and_after_a_filter(browser: Browser, app_server: str,
                                                             path: str) -> None:
    """Each session draws the map whole; so does a filter change (the ledger lost it)."""
    errors: list[str] = []
    counts = []
    for _session in range(2):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        tab = context.new_page()
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: errors.append(str(e)))
        open_signed_in(tab, f"{app_server}/{path}")
        counts.append(_drawn_after(tab, 19))  # the 20 townships, and more on the ledger
        if path == "ledger":
            tab.get_by_text("只看超期").first.click()
            shapes = _map_frame(tab).locator("path.leaflet-interactive")
            expect(shapes).not_to_have_count(counts[-1], timeout=60_000)
            counts.append(_drawn_after(tab, 20))
            assert counts[-1] < counts[-2], "fewer hazards drawn: only the overdue ones"
        context.close()
    assert counts[0] == counts[len(counts) // 2], "the same map in the second session"
    assert not [e for e in errors if "is not defined" in e], errors


NOT_TEXT = ("[data-testid='stIconMaterial'], [data-testid='stAlertDynamicIcon'], code "
            "{ display: none !important; }")
"""Hidden before reading a page's text: icon ligatures ("thunderstorm") are drawn as icons,
and commands and file names in code are not language."""

SKIP_LINK = """() => {
  const link = document.querySelector("[data-testid='stSkipToContent']");
  const drawn = getComputedStyle(link, "::after").content.replaceAll('"', "");
  return drawn !== "none" && drawn !== "" ? drawn : link.innerText;
}"""
"""What Streamlit's skip link (shown to keyboard users) reads: its drawn text if any."""


def _dropdown_texts(tab: Page) -> list[str]:
    """The entries of the page's first multiselect, opened (Streamlit adds "Select all")."""
    tab.locator("[data-testid='stMultiSelect']").first.click()
    listbox = tab.locator("[role='listbox']").first
    listbox.wait_for(timeout=30_000)
    texts = listbox.inner_text().splitlines()
    tab.keyboard.press("Escape")
    return texts


def _screen_texts(tab: Page, path: str, lang: str) -> list[str]:
    """The visible text of a page and of its map, once both have drawn."""
    tab.locator("h1").first.wait_for(timeout=60_000)
    if path == "data":
        tab.locator("[data-testid='stFileUploaderDropzone']").first.wait_for(timeout=60_000)
    elif path == "readiness":  # no map: its four figures and tables
        tab.locator("[data-testid='stDataFrame']").nth(3).wait_for(timeout=60_000)
    else:
        _map_frame(tab).locator(".rm-legend").wait_for(timeout=60_000)
    expect(tab.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=60_000)
    _shot(tab, f"{path or 'overview'}-{lang}")
    tab.add_style_tag(content=NOT_TEXT)
    texts = [*tab.inner_text("body").splitlines(), tab.evaluate(SKIP_LINK)]
    for frame in tab.frames[1:]:
        texts += frame.inner_text("body").splitlines()
    if path == "ledger":
        texts += _dropdown_texts(tab)
    return texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_in_the_browser_speaks_one_language(browser: Browser, app_server: str,
                                                      demo_db: Path, lang: str) -> None:
    """What the browser draws (Streamlit's own widget texts, the map's legend, caption and
    scale) holds no text of the other language; data values such as names are allowed."""
    from tests.language import Screen, data_values

    screen = Screen(data_values(demo_db) | {TEST_ACCOUNT[0]})  # the account's name: data
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    tab = context.new_page()
    found = {}
    for path in ("", "geohazards", "warning", "forest", "roads", "ledger", "resources",
                 "places", "readiness", "data"):
        open_signed_in(tab, f"{app_server}/{path}?lang={lang}")
        foreign = screen.foreign(_screen_texts(tab, path, lang), lang)
        if foreign:
            found[path or "overview"] = foreign
    context.close()
    assert found == {}


@pytest.mark.parametrize("path", ["", "accounts"])  # the overview; a page's own address
def test_signed_out_the_browser_gets_the_sign_in_page_and_no_data(
        page: tuple[Page, list[str]], app_server: str, demo: dict, path: str) -> None:
    tab, outside = page
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(f"{app_server}/{path}", wait_until="domcontentloaded")
    tab.locator("[data-testid='stForm'] input[type='password']").wait_for(timeout=60_000)
    tab.wait_for_load_state("networkidle")
    text = tab.locator("body").inner_text()
    assert "登录" in text
    assert not any(name in text for name in demo["townships"]["township_name"])
    assert tab.locator("iframe").count() == 0, "no map component"
    assert not [u for u in requests if "/component/" in u], "no component files fetched"
    assert tab.locator("[data-testid='stSidebarNav']").count() == 0, "no page list"
    if not path:
        _shot(tab, "signin")
    assert not outside
