"""One map for every page, assembled the same way.

Vector base (townships, rivers, roads), the page's layers, legend and caption (title, data
date, source, demo notice); every asset local.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element

from domain.settings.maps import CoverageSettings, TileSettings
from maps.detail import Detail, first_level, level_files
from maps.geometry import CoverageReport, clean_coverage, merged_lines
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
from maps.tiles import for_display
from maps.topolayer import detail_source


@dataclass(frozen=True)
class Caption:
    """Title, lines (data date, source) and the demo notice printed on the map."""

    title: str
    lines: tuple[str, ...]
    demo_label: str | None


@dataclass(frozen=True)
class BaseLayers:
    """The vector base map: townships and, optionally, rivers and main roads.

    Each at level 0 of its detail (``maps.detail``): what the fitted view shows, drawn as it
    is; ``details`` holds each layer's map part (level 0 as a topology and where the finer
    levels are), ``coverage`` what making the townships one coverage did.
    """

    towns: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None
    details: Mapping[str, Detail] = field(default_factory=dict)
    coverage: CoverageReport = field(default_factory=CoverageReport)

    def parts(self) -> dict[str, pd.DataFrame]:
        """Return the layers by name, for keeping (``from_parts`` rebuilds the base)."""
        named = {"towns": self.towns, "rivers": self.rivers, "roads": self.roads}
        out: dict[str, pd.DataFrame] = {name: frame for name, frame in named.items()
                                        if frame is not None}
        out |= {f"detail.{name}": detail.parts() for name, detail in self.details.items()}
        out["coverage"] = pd.DataFrame([asdict(self.coverage)])
        return out

    @classmethod
    def from_parts(cls, parts: Mapping[str, pd.DataFrame]) -> BaseLayers:
        """Return the base ``parts`` gave."""
        details = {name.removeprefix("detail."): Detail.from_parts(frame)
                   for name, frame in parts.items() if name.startswith("detail.")}
        report = CoverageReport(**parts["coverage"].iloc[0].to_dict()) \
            if "coverage" in parts else CoverageReport()
        return cls(parts["towns"], parts.get("rivers"), parts.get("roads"), details, report)


MAIN_ROADS = ("高速公路", "国道", "省道", "县道")
"""Road classes drawn on the vector base map."""


def _line_parts(lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the lines joined end to end, one feature per chain (chunks of the detail)."""
    merged = merged_lines(lines)
    parts = shapely.get_parts(np.asarray(merged.geometry.values, dtype=object))
    return gpd.GeoDataFrame(geometry=gpd.array.from_shapely(parts, crs=lines.crs),
                            crs=lines.crs)


def _sources(towns: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame | None,
             roads: gpd.GeoDataFrame | None, coverage: CoverageSettings
             ) -> tuple[dict[str, tuple[gpd.GeoDataFrame, str, list | None]], CoverageReport]:
    """Return each base layer at full detail with its kind and ids, and the cleaning's report.

    The same for the map's part (``base_for_display``) and the finer levels' files
    (``base_level_files``), so their names agree.
    """
    clean, report = clean_coverage(towns, snap_m=coverage.snap_m,
                                   max_change=coverage.max_area_change,
                                   clean_max_vertices=coverage.clean_max_vertices)
    kind = "polygons" if report.method == "shapes" else "coverage"
    out = {"towns": (clean, kind, clean["township_code"].tolist())}
    main = roads[roads["road_class"].isin(MAIN_ROADS)] if roads is not None else None
    for name, lines in (("rivers", rivers), ("roads", main)):
        if lines is not None:
            out[name] = (_line_parts(lines), "lines", None)
    return out, report


def base_for_display(towns: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame | None,
                     roads: gpd.GeoDataFrame | None,
                     coverage: CoverageSettings | None = None) -> BaseLayers:
    """Return the base map at level 0 of its detail, townships made one clean coverage.

    Rivers and main roads are joined into chains. Build it once per data version; the
    finer levels' files are ``base_level_files``'s.
    """
    sources, report = _sources(towns, rivers, roads, coverage or CoverageSettings())
    frames: dict[str, gpd.GeoDataFrame] = {}
    details: dict[str, Detail] = {}
    for name, (frame, kind, ids) in sources.items():
        first, details[name] = first_level(frame.geometry, kind, ids)
        frames[name] = frame.set_geometry(gpd.array.from_shapely(first, crs=frame.crs))
    return BaseLayers(frames["towns"], frames.get("rivers"), frames.get("roads"), details,
                      report)


def base_level_files(towns: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame | None,
                     roads: gpd.GeoDataFrame | None,
                     coverage: CoverageSettings | None = None) -> dict[str, bytes]:
    """Return the files of the base map's finer levels (named as its details say)."""
    sources, _ = _sources(towns, rivers, roads, coverage or CoverageSettings())
    files: dict[str, bytes] = {}
    for frame, kind, _ids in sources.values():
        files |= level_files(frame.geometry, kind)
    return files


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
    source = detail_source(base.towns, base.details.get("towns"), "coverage", urls, tiles,
                           base.towns["township_code"].tolist())
    source.add_to(m)
    outline_layer(source, towns, fill=fill, tooltips=tooltips).add_to(m)
    add_base_lines(m, base, urls, tiles, (("rivers", "#2b8cbe", 2.0), ("roads", "#666666", 1.2)))
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


def add_base_lines(m: folium.Map, base: BaseLayers, urls: AssetUrls,
                   tiles: TileSettings | None, styles: Sequence[tuple[str, str, float]]) -> None:
    """Add the base map's line layers named in ``styles`` (name, colour, weight), if any."""
    for name, colour, weight in styles:
        frame = getattr(base, name)
        if frame is None or not len(frame):
            continue
        source = detail_source(frame, base.details.get(name), "lines", urls, tiles)
        source.add_to(m)
        line_layer(source, name=name, colour=colour, weight=weight).add_to(m)
