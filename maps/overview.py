"""The county overview map: townships in the four risk colours, names, legend, caption."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

from maps.detail import Detail
from maps.geometry import geojson_data
from maps.offline import AssetUrls, make_offline
from maps.style import (
    CLASS_COLOURS,
    HATCH_DEFS,
    HIGHLIGHT_COLOUR,
    NO_DATA_HATCH,
    add_overlay,
    caption_html,
    legend_html,
)
from maps.tiles import TileSettings, for_display
from maps.topolayer import DetailSource, TopoLayer, detail_source


@dataclass(frozen=True)
class MapText:
    """The words a map shows, already in the user's language."""

    title: str
    legend_title: str
    class_labels: dict[str, str]
    caption_lines: tuple[str, ...]
    demo_label: str | None
    score_label: str
    no_data: str


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (no miles)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class FitView(MacroElement):
    """Fit the map to ``bounds`` below its caption and beside its legend.

    Again whenever its frame resizes: neither box covers a township.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var m = {{ this._parent.get_name() }};
          function fit() {
            var c = document.querySelector('.rm-caption'), l = document.querySelector('.rm-legend');
            var top = c ? c.offsetHeight + 16 : 0, right = l ? l.offsetWidth + 16 : 0;
            m.invalidateSize(false);
            m.fitBounds({{ this.bounds }}, {reset: true, paddingTopLeft: [0, top],
                                            paddingBottomRight: [right, 0]});
          }
          fit();
          setTimeout(fit, 0);
          if (window.ResizeObserver) new ResizeObserver(fit).observe(m.getContainer());
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]) -> None:
        """Fit to ``bounds``: [[south, west], [north, east]]."""
        super().__init__()
        self._name = "FitView"
        self.bounds = json.dumps([[round(v, 6) for v in corner] for corner in bounds])


class BigScreen(MacroElement):
    """Fill the frame's whole height and enlarge the text, for the meeting screen.

    The page sizes the frame to the window; the map fills it (``FitView`` refits it), and its
    names, legend and caption are ``font_px`` high.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var s = document.createElement('style');
          s.textContent = 'html, body, #root, #parent { height: 100%; margin: 0;'
            + ' overflow: hidden; } #map_div { height: 100vh !important; }'
            + ' .rm-label, .rm-legend, .rm-caption { font-size: {{ this.font_px }}px !important; }'
            + ' .rm-caption b { font-size: {{ this.font_px + 4 }}px !important; }';
          document.head.appendChild(s);
        })();
        {% endmacro %}
    """)

    def __init__(self, font_px: int = 20) -> None:
        """Text ``font_px`` high (names, legend, caption)."""
        super().__init__()
        self._name = "BigScreen"
        self.font_px = int(font_px)


def focus_bounds(geometry: gpd.GeoSeries, *, margin: float = 0.5) -> list[float]:
    """Return the bounds of ``geometry`` with what is around it (minx, miny, maxx, maxy).

    Grown by ``margin`` of its size on each side, at least 0.01°.
    """
    minx, miny, maxx, maxy = (float(v) for v in geometry.total_bounds)
    dx, dy = max((maxx - minx) * margin, 0.01), max((maxy - miny) * margin, 0.01)
    return [minx - dx, miny - dy, maxx + dx, maxy + dy]


def base_map(towns: gpd.GeoDataFrame, urls: AssetUrls, *,
             tiles: TileSettings | None = None,
             fit_to: list[float] | None = None) -> folium.Map:
    """Return a map fitted to the townships (or to ``fit_to``), with no tiles unless set.

    ``fit_to`` is minx, miny, maxx, maxy (``focus_bounds``).
    """
    minx, miny, maxx, maxy = towns.total_bounds if fit_to is None else fit_to
    # keyboard=False: Leaflet's keyboard handler focuses the map on every press, and the
    # page then scrolls a map running past the window's edge into view between press and
    # release, so a click on a township there was lost.
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                   control_scale=False, zoom_snap=0.25, keyboard=False)
    MetricScale().add_to(m)  # folium's scale bar also shows miles
    # Without tiles Leaflet has no zoom limits, which marker clustering needs.
    m.options.update(max_zoom=18, min_zoom=6)
    if tiles is not None and tiles.url:
        extra = {"subdomains": tiles.subdomains} if tiles.subdomains else {}
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution or "tiles", control=False,
                         max_zoom=18, **extra).add_to(m)
    FitView([[miny, minx], [maxy, maxx]]).add_to(m)
    # The map's bounds are the view it fits: folium would walk every coordinate of every
    # layer for them (streamlit-folium asks on each run; 0.9 s for a province's roads).
    m.get_bounds = lambda: [[miny, minx], [maxy, maxx]]
    return make_offline(m, urls)


def _tooltip(row: pd.Series, text: MapText) -> str:
    score = "—" if pd.isna(row["score"]) else f"{row['score']:.2f}"
    klass = text.class_labels.get(row["risk_class"], text.no_data)
    return (f"<b>{escape(str(row['township_name']))}</b><br>{escape(text.score_label)}: "
            f"{score} · {escape(klass)}")


TOWNSHIP_STYLE = (f"{{fillColor: p.colour, color: p.hl ? '{HIGHLIGHT_COLOUR}' : '#222',"
                  " weight: p.hl ? 5 : 1.5, fillOpacity: 0.75}")
"""A township layer's style (JavaScript; ``p`` is the feature's properties)."""


def township_layer(source: DetailSource, towns: gpd.GeoDataFrame, text: MapText,
                   highlight: str | None = None) -> TopoLayer:
    """Return the township polygons coloured by ``risk_class`` with escaped tooltips.

    ``towns`` needs ``township_code``, ``township_name``, ``score`` and ``risk_class``, in
    the order of ``source``'s features; the ``highlight`` township is outlined thick.
    """
    shown = towns[["township_code", "township_name", "score", "risk_class"]].copy()
    tips = shown.apply(lambda r: _tooltip(r, text), axis=1) if len(shown) else []
    props = [{"township_code": str(code), "tip": tip,
              "colour": CLASS_COLOURS.get(klass, NO_DATA_HATCH), "hl": int(code == highlight)}
             for code, tip, klass in zip(shown["township_code"], tips, shown["risk_class"],
                                         strict=True)]
    return TopoLayer(source, style=TOWNSHIP_STYLE, hover="{weight: 4, color: '#000'}",
                     name="townships", props=props)


LABEL_MIN_PX = 60
"""Township names show once an average township is at least this many pixels wide."""

_LABEL_MARKER = folium.JsCode(
    "function (feature, latlng) { return L.marker(latlng, {interactive: false,"
    " zIndexOffset: 10000,"  # names above every symbol and cluster
    " icon: L.divIcon({html: '<div class=\"rm-label\">' + feature.properties.n + '</div>',"
    " className: 'empty', iconSize: [90, 18], iconAnchor: [45, 9]})}); }")


def label_zoom(towns: gpd.GeoDataFrame) -> float:
    """Return the zoom from which names are shown: an average township ``LABEL_MIN_PX`` wide.

    At zoom z a degree of longitude is ``256 · 2^z / 360`` pixels.
    """
    widths = np.sqrt(shapely.area(np.asarray(towns.geometry.values, dtype=object)))  # degrees
    width = float(np.mean(widths)) if len(widths) else 1.0
    return math.log2(LABEL_MIN_PX * 360 / (256 * max(width, 1e-6)))


class _ShowFromZoom(MacroElement):
    """Adds a layer to the map only while the zoom is at least ``zoom``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () { var m = {{ this._parent.get_name() }}, l = {{ this.layer }};"
        " function show() { if (m.getZoom() >= {{ this.zoom }}) { m.addLayer(l); }"
        " else { m.removeLayer(l); } }"
        " m.on('zoomend', show); show(); })();"
        "{% endmacro %}")

    def __init__(self, layer: folium.Layer, zoom: float):
        super().__init__()
        self._name = "ShowFromZoom"
        self.layer, self.zoom = layer.get_name(), round(zoom, 2)


def labels_layer(towns: gpd.GeoDataFrame) -> folium.GeoJson:
    """Return township names at a point inside each township.

    Drawn in the browser from one small GeoJSON layer (names escaped here); labels let
    clicks through to the townships.
    """
    points = gpd.GeoDataFrame(
        {"n": towns["township_name"].map(lambda v: escape(str(v))).to_numpy()},
        geometry=towns.geometry.representative_point().values, crs=towns.crs)
    return folium.GeoJson(geojson_data(points), name="labels", control=False,
                          pointToLayer=_LABEL_MARKER)


def add_labels(m: folium.Map, towns: gpd.GeoDataFrame) -> None:
    """Add the township names, shown only from ``label_zoom(towns)`` on."""
    layer = labels_layer(towns)
    layer.add_to(m)
    m.add_child(_ShowFromZoom(layer, label_zoom(towns)))


def line_layer(source: DetailSource, *, name: str, colour: str, weight: float) -> TopoLayer:
    """Return a plain line layer (rivers, main roads) of the vector base map.

    Its lines as the base map holds them, joined and simplified once per data version
    (``maps.compose.base_for_display``): joining a province's rivers again cost 0.26 s a run.
    """
    return TopoLayer(source, name=name, interactive=False,
                     style=f"{{color: {json.dumps(colour)}, weight: {weight}, opacity: 0.8}}")


class LayerSwitch(MacroElement):
    """Buttons on the map that show one township layer at a time, cycling if asked.

    Every layer is in the page already: a switch shows another one at once, with no reload
    of the map (no blank frame) and no call to the server. The caption's title follows.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var m = {{ this._parent.get_name() }};
          var layers = [{{ this.layers }}];
          var titles = {{ this.titles }}, shown = 0, buttons = [];
          var box = L.DomUtil.create('div', 'rm-switch');
          titles.forEach(function (title, i) {
            var b = L.DomUtil.create('button', '', box);
            b.type = 'button'; b.textContent = title;
            L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); show(i); });
            buttons.push(b);
          });
          function show(i) {
            layers.forEach(function (l, j) { if (j !== i && m.hasLayer(l)) m.removeLayer(l); });
            if (!m.hasLayer(layers[i])) { m.addLayer(layers[i]); layers[i].bringToBack(); }
            buttons.forEach(function (b, j) { b.className = j === i ? 'rm-on' : ''; });
            var t = document.querySelector('.rm-caption b'); if (t) t.textContent = titles[i];
            shown = i;
          }
          var Control = L.Control.extend({onAdd: function () { return box; }});
          new Control({position: 'topright'}).addTo(m);
          show(0);
          {% if this.cycle_s %}
          setInterval(function () { show((shown + 1) % layers.length); },
                      {{ this.cycle_s * 1000 }});
          {% endif %}
        })();
        {% endmacro %}
    """)

    def __init__(self, layers: list[folium.GeoJson], titles: list[str],
                 cycle_s: int | None = None) -> None:
        """Switch between ``layers`` (named by ``titles``); every ``cycle_s`` s if given."""
        super().__init__()
        self._name = "LayerSwitch"
        self.layers = ", ".join(layer.get_name() for layer in layers)
        self.titles = json.dumps(titles, ensure_ascii=False)
        self.cycle_s = cycle_s


SWITCH_CSS = """<style>
.rm-switch { display: flex; flex-direction: column; gap: 4px; }
.rm-switch button { font: 600 18px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  padding: 4px 12px; background: rgba(255,255,255,.92); border: 1px solid #888;
  border-radius: 4px; cursor: pointer; text-align: left; }
.rm-switch button.rm-on { background: #1f4e79; color: #fff; border-color: #1f4e79; }
</style>"""


def meeting_map(layers: list[tuple[gpd.GeoDataFrame, MapText]], urls: AssetUrls, *,
                rivers: gpd.GeoDataFrame | None = None,
                roads: gpd.GeoDataFrame | None = None, tiles: TileSettings | None = None,
                cycle_s: int | None = None,
                details: Mapping[str, Detail] | None = None) -> folium.Map:
    """Return the meeting screen's map: every layer's townships, one shown at a time.

    ``layers`` holds each layer's townships (as ``overview_map`` takes them) and its words;
    the first is shown first; buttons on the map switch, ``cycle_s`` cycles (``LayerSwitch``).
    The layers share one source of shapes: the borders are sent once.
    """
    first_towns, first_text = layers[0]
    m = overview_map(first_towns, urls, first_text, rivers=rivers, roads=roads, tiles=tiles,
                     big_screen=True, details=details)
    source = next(c for c in m._children.values() if isinstance(c, DetailSource))
    shown = [child for child in m._children.values()
             if isinstance(child, TopoLayer) and child.layer_name == "townships"]
    for towns, text in layers[1:]:
        layer = township_layer(source, towns, text)
        layer.add_to(m)
        shown.append(layer)
    add_overlay(m, SWITCH_CSS)
    LayerSwitch(shown, [text.title for _, text in layers], cycle_s).add_to(m)
    return m


def overview_map(towns: gpd.GeoDataFrame, urls: AssetUrls, text: MapText, *,
                 rivers: gpd.GeoDataFrame | None = None,
                 roads: gpd.GeoDataFrame | None = None,
                 tiles: TileSettings | None = None, big_screen: bool = False,
                 highlight: str | None = None,
                 details: Mapping[str, Detail] | None = None) -> folium.Map:
    """Return the overview map: coloured townships, base lines, names, legend, caption.

    ``big_screen``: the map fills its frame and its text is large (``BigScreen``).
    ``highlight``: a township outlined and centred, its neighbours around it.
    ``details``: the base map's (``BaseLayers.details``), for the layers drawn from it; others
    are sent at one level.
    """
    details = details or {}
    shown = for_display(towns, tiles)
    chosen = shown[shown["township_code"] == highlight]
    m = base_map(shown, urls, tiles=tiles,
                 fit_to=focus_bounds(chosen.geometry) if len(chosen) else None)
    if big_screen:
        BigScreen().add_to(m)
    source = detail_source(towns, details.get("towns"), "coverage", urls, tiles,
                           towns["township_code"].tolist())
    source.add_to(m)
    township_layer(source, towns, text, highlight).add_to(m)
    for name, lines, colour, weight in (("rivers", rivers, "#2b8cbe", 2.0),
                                        ("roads", roads, "#555555", 1.5)):
        if lines is not None and len(lines):
            line_source = detail_source(lines, details.get(name), "lines", urls, tiles)
            line_source.add_to(m)
            line_layer(line_source, name=name, colour=colour, weight=weight).add_to(m)
    add_labels(m, shown)
    items = [(CLASS_COLOURS[c], text.class_labels[c])
             for c in ("重大", "较大", "一般", "低", "数据不足", "无数据")]
    add_overlay(m, HATCH_DEFS)
    add_overlay(m, legend_html(text.legend_title, items))
    add_overlay(m, caption_html(text.title, list(text.caption_lines),
                                demo_label=text.demo_label))
    return make_offline(m, urls)
