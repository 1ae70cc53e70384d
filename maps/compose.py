"""One map for every page, assembled the same way.

Vector base (townships, rivers, roads), the page's layers, legend and caption (title, data
date, source, demo notice); every asset local.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from maps.geometry import display_lines, display_polygons, merged_lines
from maps.layers import outline_layer
from maps.offline import AssetUrls, make_offline
from maps.overview import add_labels, base_map, focus_bounds, line_layer
from maps.style import (
    HATCH_DEFS,
    HIGHLIGHT_COLOUR,
    NO_DATA_HATCH,
    add_overlay,
    caption_html,
    legend_html,
)
from maps.tiles import TileSettings, for_display


@dataclass(frozen=True)
class Caption:
    """Title, lines (data date, source) and the demo notice printed on the map."""

    title: str
    lines: tuple[str, ...]
    demo_label: str | None


@dataclass(frozen=True)
class BaseLayers:
    """The vector base map: townships and, optionally, rivers and main roads.

    Simplified for display already (``base_for_display``): maps draw it as it is.
    """

    towns: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None

    def parts(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the layers by name, for keeping (``from_parts`` rebuilds the base)."""
        named = {"towns": self.towns, "rivers": self.rivers, "roads": self.roads}
        return {name: frame for name, frame in named.items() if frame is not None}

    @classmethod
    def from_parts(cls, parts: Mapping[str, gpd.GeoDataFrame]) -> BaseLayers:
        """Return the base ``parts`` gave."""
        return cls(parts["towns"], parts.get("rivers"), parts.get("roads"))


MAIN_ROADS = ("高速公路", "国道", "省道", "县道")
"""Road classes drawn on the vector base map."""


def base_for_display(towns: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame | None,
                     roads: gpd.GeoDataFrame | None) -> BaseLayers:
    """Return the base map simplified for display.

    Townships as a coverage, rivers and main roads each merged into one line feature. Build
    it once per data version; the maps then only re-check already simplified shapes.
    """
    main = roads[roads["road_class"].isin(MAIN_ROADS)] if roads is not None else None
    return BaseLayers(display_polygons(towns),
                      *(display_lines(merged_lines(lines)) if lines is not None else None
                        for lines in (rivers, main)))


def page_map(base: BaseLayers, urls: AssetUrls, caption: Caption, *,
             legend: tuple[str, list[tuple[str, str]]] | None = None,
             layers: Sequence[Element] = (), fill: pd.Series | None = None,
             tooltips: pd.Series | None = None,
             tiles: TileSettings | None = None, focus: Sequence[str] = (),
             mark: tuple[float, float] | None = None) -> folium.Map:
    """Return a page's map: base, ``layers`` on top, names, legend and caption.

    ``layers`` must already be in display coordinates (``maps.tiles.for_display``). The
    view fits the ``focus`` townships (codes: a township filter) when given; ``mark``
    (longitude, latitude, WGS-84) rings a picked site and centres the view on it.
    """
    towns = for_display(base.towns, tiles)
    chosen = towns[towns["township_code"].isin(list(focus))]
    fit = focus_bounds(chosen.geometry, margin=0.1) if len(chosen) else None
    if mark is not None:
        point = for_display(gpd.GeoDataFrame(geometry=gpd.points_from_xy([mark[0]], [mark[1]]),
                                             crs=4326), tiles)
        fit = focus_bounds(point.geometry)
    m = base_map(towns, urls, tiles=tiles, fit_to=fit)
    outline_layer(towns, fill=fill, tooltips=tooltips).add_to(m)
    if base.rivers is not None and len(base.rivers):
        line_layer(for_display(base.rivers, tiles), name="rivers", colour="#2b8cbe",
                   weight=2).add_to(m)
    if base.roads is not None and len(base.roads):
        line_layer(for_display(base.roads, tiles), name="roads", colour="#666666",
                   weight=1.2).add_to(m)
    for layer in layers:
        layer.add_to(m)
    if mark is not None:
        folium.CircleMarker([point.geometry.y.iloc[0], point.geometry.x.iloc[0]], radius=16,
                            color=HIGHLIGHT_COLOUR, weight=4, fill=False,
                            interactive=False).add_to(m)
    add_labels(m, towns)
    if legend is not None:
        add_overlay(m, legend_html(*legend))
        if any(colour == NO_DATA_HATCH for colour, _ in legend[1]):
            add_overlay(m, HATCH_DEFS)  # the pattern 无数据 is filled with
    add_overlay(m, caption_html(caption.title, list(caption.lines),
                                demo_label=caption.demo_label))
    return make_offline(m, urls)
