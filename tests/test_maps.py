"""Map builders are pure: render them to HTML and look at what the browser would get."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from maps.detail import as_drawn
from maps.geometry import display_polygons
from maps.layers import dissolved_parts, lines_by_colour, merged_by_colour, township_totals
from maps.offline import AssetUrls, asset_urls
from maps.overview import (
    LABEL_MIN_PX,
    MapText,
    label_zoom,
    labels_layer,
    overview_map,
    township_layer,
)
from maps.topolayer import DetailSource

URLS = AssetUrls("../leaflet/leaflet.js", "../leaflet/leaflet.css", "../mc/mc.js",
                 ("../mc/a.css",), topo_js="../maptopo/rm-topo.js", levels="../maplevels/")
TEXT = MapText("综合风险", "风险等级",
               {c: c for c in ("重大", "较大", "一般", "低", "数据不足", "无数据")},
               ("数据截至 2026-10-31",), "演示数据（虚构）", "风险分值", "数据不足")


@pytest.fixture(scope="module")
def towns(demo_frames: dict) -> gpd.GeoDataFrame:
    frame = demo_frames["townships"][["township_code", "township_name", "geometry"]].copy()
    frame["score"] = [i / 2 for i in range(len(frame))]
    frame["risk_class"] = (["重大", "较大", "一般", "低"] * 5)[: len(frame)]
    frame.loc[[0, 1], "score"] = float("nan")
    frame.loc[0, "risk_class"] = "无数据"
    frame.loc[1, "risk_class"] = "数据不足"
    return frame


def _html(towns: gpd.GeoDataFrame, **kw: object) -> str:
    return overview_map(towns, URLS, TEXT, **kw).get_root().render()


def _has(html: str, text: str) -> bool:
    """Return whether ``text`` is in the page, as is or JSON-escaped inside a script."""
    return text in html or json.dumps(text)[1:-1] in html


def test_no_outside_urls_only_local_assets(towns: gpd.GeoDataFrame) -> None:
    m = overview_map(towns, URLS, TEXT)
    assert asset_urls(m) == ["../leaflet/leaflet.js", "../leaflet/leaflet.css",
                             "../maptopo/rm-topo.js"]
    html = m.get_root().render()
    assert not re.findall(r"""["'(]\s*(?:https?:)?//""", html), "no http(s) or //host URLs"
    assert "tile.openstreetmap" not in html and "L.tileLayer" not in html


def test_every_township_drawn_with_its_colour(towns: gpd.GeoDataFrame) -> None:
    source = DetailSource(as_drawn(towns.geometry, "coverage"), URLS.levels)
    layer = township_layer(source, towns, TEXT)
    drawn = {p["township_code"]: p["colour"] for p in json.loads(layer.props)}
    colour = {"重大": "#d7191c", "较大": "#f97b1d", "一般": "#f5d10f", "低": "#2c7bb6",
              "数据不足": "#bdbdbd", "无数据": "url(#rm-nodata)"}
    expected = {code: colour[klass]
                for code, klass in zip(towns["township_code"], towns["risk_class"], strict=True)}
    assert drawn == expected
    assert len(set(drawn.values())) == 6, "four colours, insufficient grey, no-data hatch"
    html = _html(towns)
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
    from domain.settings.maps import TileSettings
    from geodata.config import load_settings

    shipped = load_settings().maps.tiles
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


def test_labels_show_from_a_zoom_where_a_township_is_wide_enough(
        towns: gpd.GeoDataFrame) -> None:
    zoom = label_zoom(towns)
    width = float(np.mean(np.sqrt(shapely.area(towns.geometry.values))))
    assert width * 256 * 2 ** zoom / 360 == pytest.approx(LABEL_MIN_PX)
    # The county fitted into a 900-pixel map is past that zoom; a 75-county province is not.
    minx, _, maxx, _ = towns.total_bounds
    county_fit = np.log2(900 * 360 / (256 * (maxx - minx)))
    assert county_fit > zoom > np.log2(900 * 360 / (256 * 15 * (maxx - minx)))
    html = _html(towns)
    assert f">= {round(zoom, 2)}" in html and "rm-label" in html


def test_label_names_are_escaped(towns: gpd.GeoDataFrame) -> None:
    evil = towns.copy()
    evil.loc[2, "township_name"] = "<b onmouseover=x>"
    data = labels_layer(evil).data
    assert data["features"][2]["properties"]["n"] == "&lt;b onmouseover=x&gt;"


def test_township_totals_count_and_escape(towns: gpd.GeoDataFrame) -> None:
    evil = towns.copy()
    evil.loc[1, "township_name"] = "<img src=x>"
    codes = pd.Series([evil.loc[1, "township_code"]] * 3 + [evil.loc[4, "township_code"]])
    data = township_totals(evil, codes, colour="#f00", unit="个").data
    tips = sorted(f["properties"]["tip"] for f in data["features"])
    assert len(tips) == 2
    assert "&lt;img src=x&gt;</b>: 3 个" in tips[0] or "&lt;img src=x&gt;</b>: 3 个" in tips[1]
    radii = sorted(f["properties"]["r"] for f in data["features"])
    assert radii[-1] == 20.0 and radii[0] < radii[-1], "area grows with the count"


@pytest.mark.parametrize("kind", ["points", "lines"])
def test_each_tooltip_is_sent_once(demo_frames: dict, kind: str) -> None:
    """folium keys a layer's styles on its first unique property: not the long tooltip."""
    import folium

    from maps.layers import circle_points, coloured_lines

    frame = demo_frames["geohazard_sites" if kind == "points" else "road_segments"].head(40)
    tips = pd.Series([f"tip number {k} of a long tooltip" for k in range(len(frame))],
                     index=frame.index)
    colours = ["#f00", "#00f"] * (len(frame) // 2)
    layer = (circle_points(frame, colours=colours, tooltips=tips) if kind == "points"
             else coloured_lines(frame, colours=colours, tooltips=tips))
    m = folium.Map()
    layer.add_to(m)
    html = m.get_root().render()
    assert all(html.count(tip) == 1 for tip in tips)


def test_lines_by_colour_one_feature_per_colour(demo_frames: dict) -> None:
    roads = demo_frames["road_segments"]
    colours = pd.Series(np.where(roads["road_class"] == "国道", "#f00", "#00f"),
                        index=roads.index)
    data = lines_by_colour(merged_by_colour(roads, colours)).data
    assert sorted(f["properties"]["colour"] for f in data["features"]) == ["#00f", "#f00"]


def test_dissolved_parts_cover_the_same_ground_apart(demo_frames: dict) -> None:
    zones = demo_frames["forest_zones"]
    parts = dissolved_parts(zones)
    assert 1 < len(parts) < len(zones)
    assert shapely.coverage_is_valid(np.asarray(parts.geometry.values)), "no overlaps"
    whole = shapely.union_all(zones.to_crs(32648).geometry.values).area
    assert parts.to_crs(32648).area.sum() == pytest.approx(whole, rel=1e-9)


def test_braces_in_user_text_are_not_evaluated(towns: gpd.GeoDataFrame) -> None:
    """Rendered layers are not compiled as templates again (branca did: 49镇)."""
    odd = towns.copy()
    odd.loc[3, "township_name"] = "{{ 7*7 }}镇"
    html = _html(odd)
    assert _has(html, "{{ 7*7 }}镇") and not _has(html, "49镇")


def test_a_cluster_takes_the_colour_of_its_worst_point_and_the_scale_is_metric(
        towns: gpd.GeoDataFrame) -> None:
    from maps.layers import symbol_points
    from maps.overview import base_map

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy([106.0, 106.01], [27.0, 27.01]),
                              crs=4326)
    group = symbol_points(points, colours=pd.Series(["#2c7bb6", "#d7191c"]),
                          symbols=pd.Series(["▲", "●"]), tooltips=pd.Series(["a", "b"]),
                          cluster=True, ranks=pd.Series([0, 3]))
    m = base_map(towns, URLS)
    group.add_to(m)
    html = m.get_root().render()
    assert "getAllChildMarkers" in html and "o.rank > worst" in html
    assert [float(r) for r in re.findall(r'"r": ([-\d.]+)', html)] == [0.0, 3.0]
    assert "imperial: false" in html and "L.control.scale()" not in html, "no miles"


def test_a_highlighted_township_is_outlined_and_the_view_fits_around_it(
        towns: gpd.GeoDataFrame) -> None:
    from maps.style import HIGHLIGHT_COLOUR

    code = towns["township_code"].iloc[0]
    html = overview_map(towns, URLS, TEXT, highlight=code).get_root().render()
    assert [int(v) for v in re.findall(r'"hl":(\d)', html)].count(1) == 1
    assert HIGHLIGHT_COLOUR in html
    south, west, north, east = (float(v) for v in re.search(
        r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]",
        html).groups())
    minx, miny, maxx, maxy = towns[towns["township_code"] == code].total_bounds
    assert west < minx and east > maxx and south < miny and north > maxy
    whole = towns.total_bounds
    assert east - west < whole[2] - whole[0], "closer than the whole county"
