"""Reusable layers: township outlines, coloured points, lines, heat — escaped tooltips."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import HeatMap, MarkerCluster

from maps.geometry import (
    display_lines,
    geojson_data,
    merged_lines,
)
from maps.topolayer import DetailSource, TopoLayer

SHAPES = {"滑坡": "●", "崩塌": "▲", "泥石流": "◆", "不稳定斜坡": "■", "地面塌陷": "▼",
          "地裂缝": "✚", "地面沉降": "⬟"}
"""Marker symbol per geohazard type (shape encodes type, colour encodes level)."""


def tooltip_rows(frame: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    """Return one escaped HTML tooltip per row: ``label: value`` lines for ``columns``."""
    if not len(frame):
        return pd.Series(dtype=str)
    parts = [f"<b>{escape(label)}</b>: " + frame[col].map(lambda v: escape(_text(v)))
             for col, label in columns.items()]
    out = parts[0]
    for part in parts[1:]:
        out = out + "<br>" + part
    return out.astype(str)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def outline_layer(source: DetailSource, towns: gpd.GeoDataFrame, *,
                  fill: pd.Series | None = None, tooltips: pd.Series | None = None,
                  name: str = "townships") -> TopoLayer:
    """Return township borders, optionally filled with a colour per township.

    ``towns`` in the order of ``source``'s features (the base map's, ``BaseLayers``).
    """
    colours = fill.to_numpy() if fill is not None else ["#ffffff"] * len(towns)
    tips = tooltips.to_numpy() if tooltips is not None else towns["township_name"].map(
        lambda v: escape(str(v))).to_numpy()
    props = [{"township_code": str(code), "colour": str(colour), "tip": str(tip)}
             for code, colour, tip in zip(towns["township_code"], colours, tips, strict=True)]
    opacity = 0.7 if fill is not None else 0.0
    return TopoLayer(source, name=name, props=props,
                     style=("{fillColor: p.colour, color: '#333', weight: 1.5,"
                            f" fillOpacity: {opacity}}}"))


_SYMBOL_MARKER = folium.JsCode(
    "function (feature, latlng) { var p = feature.properties, d = document.createElement('div');"
    " d.style.cssText = 'font-size:20px;line-height:20px;text-shadow:0 0 2px #000';"
    " d.style.color = p.c; d.textContent = p.s;"
    " return L.marker(latlng, {rank: p.r, colour: p.c, icon: L.divIcon({html: d,"
    " className: 'rm-symbol', iconSize: [20, 20], iconAnchor: [10, 10]})}); }")
_WORST_CLUSTER = (
    "function (cluster) { var ms = cluster.getAllChildMarkers(), worst = -1, c = '#777';"
    " for (var i = 0; i < ms.length; i++) { var o = ms[i].options;"
    " if (o.rank > worst) { worst = o.rank; c = o.colour; } }"
    " var d = document.createElement('div'); d.textContent = cluster.getChildCount();"
    " d.style.cssText = 'width:34px;height:34px;line-height:30px;border-radius:17px;"
    "text-align:center;font-weight:700;font-size:13px;color:#fff;"
    "text-shadow:0 0 2px #000;border:2px solid #fff;box-shadow:0 0 3px #000';"
    " d.style.background = c;"
    " return L.divIcon({html: d, className: 'rm-cluster', iconSize: [34, 34]}); }")
"""A cluster takes the colour of the worst point inside it (``rank``), not its count."""


def tip_tooltip(shown: pd.DataFrame) -> folium.GeoJsonTooltip | None:
    """Return the sticky tooltip of a layer's ``tip`` column; none for a layer without rows.

    folium refuses a tooltip field that the (empty) data lacks.
    """
    if shown.empty:
        return None
    return folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True)


def symbol_points(points: gpd.GeoDataFrame, *, colours: pd.Series, symbols: pd.Series,
                  tooltips: pd.Series, cluster: bool,
                  ranks: pd.Series | None = None) -> folium.FeatureGroup:
    """Return the points drawn as coloured symbols (one GeoJSON layer); clustered if asked.

    Colours and symbols come from the app's own tables, tooltips are escaped already. A
    cluster is drawn in the colour of its highest-``ranks`` point (the worst inside it).
    """
    group: folium.FeatureGroup = MarkerCluster(
        name="points", disable_clustering_at_zoom=13, icon_create_function=_WORST_CLUSTER) \
        if cluster else folium.FeatureGroup(name="points")
    rank = np.zeros(len(points)) if ranks is None else np.asarray(ranks, dtype=float)
    shown = gpd.GeoDataFrame({"c": np.asarray(colours, dtype=object),
                              "s": np.asarray(symbols, dtype=str), "tip": tooltips.to_numpy(),
                              "r": np.nan_to_num(rank, nan=-99.0)},
                             geometry=points.geometry.values, crs=points.crs)
    folium.GeoJson(geojson_data(shown), name="symbols", pointToLayer=_SYMBOL_MARKER,
                   tooltip=tip_tooltip(shown)
                   ).add_to(group)
    return group


def circle_points(points: gpd.GeoDataFrame, *, colours: Sequence[str] | str,
                  tooltips: pd.Series, radius: float = 5, name: str = "points",
                  outline: tuple[str, float] = ("#222", 1.0)) -> folium.GeoJson:
    """Return many points as one GeoJSON layer of circle markers (cheap to draw).

    ``outline`` (colour, width) rings each point: a thick one keeps a point visible on a
    township filled with its own colour. Each point carries a short number ``i`` first:
    folium keys its style table on the first unique property, which was the tooltip, so
    every tooltip went to the browser twice (1.1 of a county ledger map's 3.3 MB).
    """
    shown = gpd.GeoDataFrame({"i": np.arange(len(points)), "colour": colours,
                              "tip": tooltips.to_numpy()},
                             geometry=points.geometry.values, crs=points.crs)
    line, width = outline
    return folium.GeoJson(
        geojson_data(shown), name=name,
        marker=folium.CircleMarker(radius=radius, weight=width, fill=True, fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": line,
                                  "weight": width},
        tooltip=tip_tooltip(shown))


def coloured_lines(lines: gpd.GeoDataFrame, *, colours: Sequence[str] | str,
                   tooltips: pd.Series, weight: float = 3, name: str = "lines"
                   ) -> folium.GeoJson:
    """Return lines with a colour and an escaped tooltip each (``circle_points`` on ``i``)."""
    shown = display_lines(gpd.GeoDataFrame({"i": np.arange(len(lines)), "colour": colours,
                                            "tip": tooltips.to_numpy()},
                                           geometry=lines.geometry.values, crs=lines.crs))
    return folium.GeoJson(
        geojson_data(shown), name=name,
        style_function=lambda f: {"color": f["properties"]["colour"], "weight": weight,
                                  "opacity": 0.9},
        tooltip=tip_tooltip(shown))


def heat_layer(points: gpd.GeoDataFrame, weights: pd.Series | None = None) -> HeatMap:
    """Return a heat layer of points (Leaflet.heat, served locally), yellow to red.

    ``HEAT_GRADIENT``'s middle is the legend's swatch.
    """
    w = weights.to_numpy() if weights is not None else [1.0] * len(points)
    data = [[g.y, g.x, float(v)] for g, v in zip(points.geometry, w, strict=True)]
    return HeatMap(data, name="heat", radius=18, blur=15, min_opacity=0.3,
                   gradient=HEAT_GRADIENT)


HEAT_GRADIENT = {0.3: "#fee08b", 0.6: "#fc8d59", 1.0: "#d73027"}
"""Leaflet.heat's colours, few to many: not its default blue-green, which read as water."""


_TOTAL_MARKER = folium.JsCode(
    "function (feature, latlng) { var p = feature.properties;"
    " return L.circleMarker(latlng, {radius: p.r, color: '#222', weight: 1,"
    " fillColor: p.c, fillOpacity: 0.8}); }")


def township_totals(towns: gpd.GeoDataFrame, codes: pd.Series, *, colour: str, unit: str,
                    name: str = "totals") -> folium.GeoJson:
    """Return one circle per township holding points, its area proportional to their count.

    For layers with too many points to send one by one: ``codes`` is each point's
    ``township_code``; the tooltip says the township's name and count (names escaped).
    """
    counts = codes.value_counts()
    shown = towns[towns["township_code"].isin(counts.index)]
    n = shown["township_code"].map(counts).to_numpy()
    tips = [f"<b>{escape(str(t))}</b>: {k:,} {escape(unit)}"
            for t, k in zip(shown["township_name"], n, strict=True)]
    frame = gpd.GeoDataFrame(
        {"r": np.round(4 + 16 * np.sqrt(n / max(n.max(initial=1), 1)), 1), "c": colour,
         "tip": tips}, geometry=shown.geometry.representative_point().values, crs=towns.crs)
    return folium.GeoJson(geojson_data(frame), name=name, pointToLayer=_TOTAL_MARKER,
                          tooltip=tip_tooltip(frame))


def merged_by_colour(lines: gpd.GeoDataFrame, colours: pd.Series) -> dict:
    """Return ``lines`` merged into one feature per colour, as GeoJSON for ``lines_by_colour``.

    Seconds for a province's road segments: build it once per data version.
    """
    parts = [merged_lines(lines[(colours == colour).to_numpy()]).assign(colour=colour)
             for colour in pd.unique(colours)]
    shown = display_lines(pd.concat(parts, ignore_index=True)) if parts else lines[["geometry"]]
    return geojson_data(shown)


def lines_by_colour(merged: dict, *, weight: float = 3, name: str = "lines") -> folium.GeoJson:
    """Return lines merged by colour (``merged_by_colour``) as a layer, without tooltips.

    For line layers too large to send one by one (a province's road segments): the colours
    still show, the per-line tooltip does not.
    """
    return folium.GeoJson(
        merged, name=name, interactive=False,
        style_function=lambda f: {"color": f["properties"]["colour"], "weight": weight,
                                  "opacity": 0.9})


def dissolved_parts(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return every polygon of ``areas`` dissolved, one feature per separate part.

    For areas drawn in one style without tooltips (forest zones): shared borders gone, the
    parts a clean coverage (they do not touch), each a feature of its levels of detail.
    """
    if not len(areas):
        return areas[["geometry"]]
    whole = shapely.union_all(np.asarray(areas.geometry.values, dtype=object))
    parts = [p for p in shapely.get_parts(whole) if p.geom_type == "Polygon"]
    return gpd.GeoDataFrame(geometry=gpd.array.from_shapely(parts, crs=areas.crs),
                            crs=areas.crs)
