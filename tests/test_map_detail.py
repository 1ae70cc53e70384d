"""Levels of detail in a real browser: every township drawn at every level, the finer shapes
fetched from the app as the user zooms, nothing from outside."""

from __future__ import annotations

from playwright.sync_api import Frame, Page

from tests.server import open_signed_in
from tests.test_browser import _map_frame, _shot, browser, page  # noqa: F401 (fixtures)

ZOOM_TO_LEVEL = """k => {
  var s = rmTopo.sources[0], m = s.map;
  var z = Math.min(m.getMaxZoom(), Math.floor(Math.log2(360 / 256 / s.spec.t[k])));
  var ring = s.layers[0].getLayers()[k % 3].getLatLngs()[0];
  m.setView(ring[0], z, {animate: false});  // on a border: neighbours in view
  return s.target();
}"""

SHOWN = """k => {
  var s = rmTopo.sources[0], view = s.map.getBounds(), drawn = 0, fine = 0, inView = 0;
  s.layers[0].eachLayer(function (l) {
    var i = l.feature.rmIndex, n = l.getLatLngs().flat(3).length;
    if (n >= 3) drawn++;
    if (view.intersects(l.getBounds())) { inView++; if (s.shown[i] === k) fine++; }
  });
  return {drawn: drawn, inView: inView, fine: fine, all: s.layers[0].getLayers().length};
}"""


def _leaflet_frame(tab: Page) -> Frame:
    frame = next(f for f in tab.frames if "st_folium" in f.url)
    frame.wait_for_function("window.rmTopo && rmTopo.sources.length > 0", timeout=60_000)
    return frame


def test_every_township_is_drawn_at_every_level_of_detail(
        page: tuple[Page, list[str]], app_server: str) -> None:  # noqa: F811
    tab, outside = page
    open_signed_in(tab, app_server)
    _map_frame(tab).locator("path.leaflet-interactive").nth(19).wait_for(timeout=60_000)
    frame = _leaflet_frame(tab)
    levels = frame.evaluate("rmTopo.sources[0].spec.t.length")
    assert levels >= 3, "the demo county has finer levels to fetch"
    first = frame.evaluate(SHOWN, 0)
    assert first == {"drawn": 20, "inView": 20, "fine": 20, "all": 20}, first
    fetched: list[str] = []
    tab.on("request", lambda r: fetched.append(r.url) if "maplevels/" in r.url else None)
    for k in range(1, levels):
        assert frame.evaluate(ZOOM_TO_LEVEL, k) == k
        frame.wait_for_function(f"k => {{ var n = ({SHOWN})(k); return n.inView > 0"
                                " && n.fine === n.inView; }", arg=k, timeout=60_000)
        shown = frame.evaluate(SHOWN, k)
        assert shown["drawn"] == 20 and shown["all"] == 20, f"level {k}: {shown}"
        assert 0 < shown["fine"] == shown["inView"] < 20, f"level {k}: the view's, finer"
        _shot(tab, f"detail-level-{k}")
    assert fetched and all(u.startswith(app_server) for u in fetched), "from the app"
    frame.evaluate("rmTopo.sources[0].map.setZoom(8, {animate: false})")
    frame.wait_for_function("rmTopo.sources[0].shown.every(v => v === 0)", timeout=30_000)
    assert frame.evaluate(SHOWN, 0)["drawn"] == 20, "back to level 0, every township drawn"
    assert not outside, f"requests to outside hosts were attempted: {outside}"
