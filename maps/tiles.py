"""An optional tile layer (天地图, an in-house XYZ server), and GCJ-02 display shifting.

GCJ-02 tiles (Gaode, Tencent) are offset by hundreds of metres from true WGS-84 positions.
Rather than distort the tiles, every vector layer is shifted into GCJ-02 for display, so the
two line up; stored data is never touched.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from domain.coords import wgs84_to_gcj02
from domain.settings.maps import TileSettings


def for_display(frame: gpd.GeoDataFrame, tiles: TileSettings | None) -> gpd.GeoDataFrame:
    """Return ``frame`` as it must be drawn over ``tiles`` (shifted into GCJ-02 if needed)."""
    if tiles is None or not tiles.gcj02 or frame.empty:
        return frame

    def shift(xy: np.ndarray) -> np.ndarray:
        lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    moved = shapely.transform(np.asarray(frame.geometry.values, dtype=object), shift)
    return frame.set_geometry(gpd.array.from_shapely(moved, crs=frame.crs))
