"""Map settings, checked and typed (``config/map.toml``): tiles and display limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import ConfigError
from domain.settings.reader import Section


@dataclass(frozen=True)
class TileSettings:
    """An optional tile layer under the vector base map (none by default).

    Attributes:
        url: XYZ tile URL; empty for none.
        attribution: Credit shown in the map corner.
        subdomains: Characters substituted for ``{s}``.
        gcj02: Whether the tiles are GCJ-02 (our layers are then shifted for display).
    """

    url: str = ""
    attribution: str = ""
    subdomains: str = ""
    gcj02: bool = False


@dataclass(frozen=True)
class CoverageSettings:
    """How a published township layer is made one clean coverage for display.

    Attributes:
        snap_m: Vertices of neighbouring townships closer than this (metres) are made one.
        max_area_change: A cleaning changing a township's area by more than this share is
            not used (the layer is then drawn as it is).
        clean_max_vertices: Layers whose vertices do not pair up go through GEOS's coverage
            cleaner up to this many vertices (it is slow); larger ones are drawn as they are.
    """

    snap_m: float = 2.0
    max_area_change: float = 0.005
    clean_max_vertices: int = 300_000


@dataclass(frozen=True)
class MapSettings:
    """``config/map.toml``: tiles, and how much a page draws or lists.

    Attributes:
        tiles: The tile layer.
        max_points: Points a layer draws one by one; beyond, one circle per township.
        table_rows: Rows a table shows.
        coverage: How township borders are cleaned for display.
    """

    tiles: TileSettings = field(default_factory=TileSettings)
    max_points: int = 3000
    table_rows: int = 5000
    coverage: CoverageSettings = field(default_factory=CoverageSettings)


def parse_maps(raw: Mapping[str, Any]) -> MapSettings:
    """Check ``config/map.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "map.toml") as top:
        with top.table("tiles") as t:
            tiles = TileSettings(t.value("url", str), t.value("attribution", str),
                                 t.value("subdomains", str), t.value("gcj02", bool))
        with top.table("display") as d:
            points, rows = d.value("max_points", int), d.value("table_rows", int)
        with top.table("coverage") as c:
            coverage = CoverageSettings(c.value("snap_m", float),
                                        c.value("max_area_change", float),
                                        c.value("clean_max_vertices", int))
    if points < 1 or rows < 1:
        raise ConfigError("map.toml [display] max_points and table_rows must be positive")
    if coverage.snap_m < 0 or not 0 <= coverage.max_area_change < 1:
        raise ConfigError("map.toml [coverage] snap_m must be ≥ 0 and max_area_change "
                          "between 0 and 1")
    return MapSettings(tiles, points, rows, coverage)
