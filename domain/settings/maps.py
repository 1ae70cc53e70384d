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
class MapSettings:
    """``config/map.toml``: tiles, and how much a page draws or lists.

    Attributes:
        tiles: The tile layer.
        max_points: Points a layer draws one by one; beyond, one circle per township.
        table_rows: Rows a table shows.
    """

    tiles: TileSettings = field(default_factory=TileSettings)
    max_points: int = 3000
    table_rows: int = 5000


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
    if points < 1 or rows < 1:
        raise ConfigError("map.toml [display] max_points and table_rows must be positive")
    return MapSettings(tiles, points, rows)
