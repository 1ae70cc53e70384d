"""The county overview map: townships in the four risk colours, names, legend, caption."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

from maps.geometry import display_lines, display_polygons, geojson_data, merged_lines
from maps.layers import tip_tooltip
from maps.offline import AssetUrls, make_offline
from maps.style import (
    CLASS_COLOURS,
    HATCH_DEFS,
    NO_DATA_HATCH,
    add_overlay,
    caption_html,
    legend_html,
)
from maps.tiles import TileSettings, for_display


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


def base_map(towns: gpd.GeoDataFrame, urls: AssetUrls, *,
             tiles: TileSettings | None = None) -> folium.Map:
    """Return a map fitted to the townships, with no tile layer unless one is configured."""
    minx, miny, maxx, maxy = towns.total_bounds
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
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return make_offline(m, urls)


def _tooltip(row: pd.Series, text: MapText) -> str:
    score = "—" if pd.isna(row["score"]) else f"{row['score']:.2f}"
    klass = text.class_labels.get(row["risk_class"], text.no_data)
    return (f"<b>{escape(str(row['township_name']))}</b><br>{escape(text.score_label)}: "
            f"{score} · {escape(klass)}")


def township_layer(towns: gpd.GeoDataFrame, text: MapText) -> folium.GeoJson:
    """Return the township polygons coloured by ``risk_class`` with escaped tooltips.

    ``towns`` needs ``township_code``, ``township_name``, ``score`` and ``risk_class``.
    """
    shown = display_polygons(towns)[["township_code", "township_name", "score",
                                     "risk_class", "geometry"]].copy()
    shown["tip"] = shown.apply(lambda r: _tooltip(r, text), axis=1)
    shown["score"] = shown["score"].round(2)
    shown["colour"] = shown["risk_class"].map(CLASS_COLOURS).fillna(NO_DATA_HATCH)
    return folium.GeoJson(
        geojson_data(shown[["township_code", "tip", "colour", "geometry"]]),
        name="townships",
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#222",
                                  "weight": 1.5, "fillOpacity": 0.75},
        highlight_function=lambda f: {"weight": 4, "color": "#000"},
        tooltip=tip_tooltip(shown),
    )


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


def line_layer(lines: gpd.GeoDataFrame, *, name: str, colour: str, weight: float
               ) -> folium.GeoJson:
    """Return a plain line layer (rivers, main roads) for the vector base map."""
    shown = display_lines(merged_lines(lines))
    return folium.GeoJson(geojson_data(shown), name=name, control=False, interactive=False,
                          style_function=lambda _f: {"color": colour, "weight": weight,
                                                     "opacity": 0.8})


def overview_map(towns: gpd.GeoDataFrame, urls: AssetUrls, text: MapText, *,
                 rivers: gpd.GeoDataFrame | None = None,
                 roads: gpd.GeoDataFrame | None = None,
                 tiles: TileSettings | None = None) -> folium.Map:
    """Return the overview map: coloured townships, base lines, names, legend, caption."""
    towns = for_display(towns, tiles)
    m = base_map(towns, urls, tiles=tiles)
    township_layer(towns, text).add_to(m)
    if rivers is not None and len(rivers):
        line_layer(for_display(rivers, tiles), name="rivers", colour="#2b8cbe",
                   weight=2).add_to(m)
    if roads is not None and len(roads):
        line_layer(for_display(roads, tiles), name="roads", colour="#555555",
                   weight=1.5).add_to(m)
    add_labels(m, towns)
    items = [(CLASS_COLOURS[c], text.class_labels[c])
             for c in ("重大", "较大", "一般", "低", "数据不足", "无数据")]
    add_overlay(m, HATCH_DEFS)
    add_overlay(m, legend_html(text.legend_title, items))
    add_overlay(m, caption_html(text.title, list(text.caption_lines),
                                demo_label=text.demo_label))
    return make_offline(m, urls)
