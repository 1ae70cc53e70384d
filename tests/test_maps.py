"""Map builders are pure: render them to HTML and look at what the browser would get."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
import shapely

from maps.geometry import display_polygons
from maps.offline import AssetUrls, asset_urls
from maps.overview import MapText, overview_map

URLS = AssetUrls("../leaflet/leaflet.js", "../leaflet/leaflet.css", "../mc/mc.js",
                 ("../mc/a.css",))
TEXT = MapText("综合风险", "风险等级", {c: c for c in ("重大", "较大", "一般", "低")},
               ("数据截至 2026-10-31",), "演示数据（虚构）", "风险分值", "数据不足")


@pytest.fixture(scope="module")
def towns(demo_frames: dict) -> gpd.GeoDataFrame:
    frame = demo_frames["townships"][["township_code", "township_name", "geometry"]].copy()
    frame["score"] = [i / 2 for i in range(len(frame))]
    frame["risk_class"] = (["重大", "较大", "一般", "低"] * 5)[: len(frame)]
    frame.loc[0, "score"] = float("nan")
    frame.loc[0, "risk_class"] = None
    return frame


def _html(towns: gpd.GeoDataFrame, **kw: object) -> str:
    return overview_map(towns, URLS, TEXT, **kw).get_root().render()


def _has(html: str, text: str) -> bool:
    """Return whether ``text`` is in the page, as is or JSON-escaped inside a script."""
    return text in html or json.dumps(text)[1:-1] in html


def test_no_outside_urls_only_local_assets(towns: gpd.GeoDataFrame) -> None:
    m = overview_map(towns, URLS, TEXT)
    assert asset_urls(m) == ["../leaflet/leaflet.js", "../leaflet/leaflet.css"]
    html = m.get_root().render()
    assert not re.findall(r"""["'(]\s*(?:https?:)?//""", html), "no http(s) or //host URLs"
    assert "tile.openstreetmap" not in html and "L.tileLayer" not in html


def test_every_township_drawn_with_its_colour(towns: gpd.GeoDataFrame) -> None:
    html = _html(towns)
    assert html.count('"township_code"') >= len(towns)
    for colour in ("#d7191c", "#f97b1d", "#f5d10f", "#2c7bb6", "#bdbdbd"):
        assert colour in html
    for name in towns["township_name"]:
        assert _has(html, name)


def test_legend_caption_and_demo_notice(towns: gpd.GeoDataFrame) -> None:
    html = _html(towns)
    for text in ("rm-legend", "风险等级", "数据截至 2026-10-31", "演示数据（虚构）", "rm-caption"):
        assert _has(html, text), text


def test_user_text_is_escaped(towns: gpd.GeoDataFrame) -> None:
    evil = towns.copy()
    evil.loc[1, "township_name"] = "<img src=x onerror=alert(1)>"
    html = _html(evil)
    assert "<img src=x" not in html
    assert "\\u0026lt;img src=x" in html or "&lt;img src=x" in html


def test_display_polygons_keep_the_coverage_and_shrink(towns: gpd.GeoDataFrame) -> None:
    shown = display_polygons(towns)
    assert shapely.coverage_is_valid(shown.geometry.values)
    assert shown.is_valid.all()
    before = shapely.get_num_coordinates(towns.geometry.values).sum()
    assert shapely.get_num_coordinates(shown.geometry.values).sum() <= before
    assert shapely.union_all(shown.geometry.values).geom_type == "Polygon", "no slivers"


def test_payload_is_small(towns: gpd.GeoDataFrame, demo_frames: dict) -> None:
    roads = demo_frames["road_segments"]
    html = _html(towns, rivers=demo_frames["rivers"],
                 roads=roads[roads["road_class"].isin(["国道", "省道", "县道"])])
    assert len(html.encode()) < 1_500_000


def test_no_tiles_by_default_and_configured_tiles_drawn(towns: gpd.GeoDataFrame) -> None:
    from geodata.config import MAP_CONFIG, read_toml
    from maps.tiles import TileSettings

    shipped = TileSettings.from_config(read_toml(MAP_CONFIG)["tiles"])
    assert shipped.url == "" and not shipped.gcj02
    assert "L.tileLayer" not in _html(towns, tiles=shipped)
    intranet = TileSettings(url="http://tiles.intranet.local/{z}/{x}/{y}.png",
                            attribution="内网底图")
    html = _html(towns, tiles=intranet)
    assert "L.tileLayer" in html and "tiles.intranet.local" in html


def test_gcj02_tiles_shift_the_vectors(towns: gpd.GeoDataFrame) -> None:
    from pyproj import Geod

    from maps.tiles import TileSettings, for_display

    shifted = for_display(towns, TileSettings(url="http://x/{z}/{x}/{y}.png", gcj02=True))
    a, b = towns.geometry.iloc[3].centroid, shifted.geometry.iloc[3].centroid
    _, _, metres = Geod(ellps="WGS84").inv(a.x, a.y, b.x, b.y)
    assert 100 < abs(metres) < 1000, "GCJ-02 is a few hundred metres off in south-west China"
    assert for_display(towns, TileSettings()) is towns
