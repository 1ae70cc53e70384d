"""Display geometry, simplified and rounded so the browser receives kilobytes, not megabytes.

Polygons are simplified as a coverage (neighbours keep one shared border, no slivers) and
rounded to what a screen shows.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

DISPLAY_TOLERANCE_DEG = 0.0005
"""About 50 m: finer than a pixel at county zoom on a projector."""
DISPLAY_GRID_DEG = 1e-5
"""Coordinates rounded to about 1 m."""


def display_polygons(frame: gpd.GeoDataFrame, *,
                     tolerance: float = DISPLAY_TOLERANCE_DEG) -> gpd.GeoDataFrame:
    """Return polygons simplified together (no gaps or overlaps appear) and rounded."""
    shapes = np.asarray(frame.geometry.values, dtype=object)
    if shapely.coverage_is_valid(shapes):
        shapes = shapely.coverage_simplify(shapes, tolerance)
    else:  # not a clean coverage: simplify each shape on its own, keeping it valid
        shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)
    shapes = shapely.set_precision(shapes, DISPLAY_GRID_DEG, mode="pointwise")
    return frame.set_geometry(gpd.array.from_shapely(shapes, crs=frame.crs))


def display_lines(frame: gpd.GeoDataFrame, *,
                  tolerance: float = DISPLAY_TOLERANCE_DEG / 2) -> gpd.GeoDataFrame:
    """Return lines simplified and rounded for display."""
    shapes = shapely.simplify(np.asarray(frame.geometry.values, dtype=object), tolerance)
    shapes = shapely.set_precision(shapes, DISPLAY_GRID_DEG, mode="pointwise")
    return frame.set_geometry(gpd.array.from_shapely(shapes, crs=frame.crs))


def geojson_data(frame: gpd.GeoDataFrame) -> dict:
    """Return a layer as a GeoJSON dict for the browser.

    No per-feature ``bbox`` or ``id``; coordinates rounded to ``DISPLAY_GRID_DEG`` (about
    1 m), so a point moves at most half a grid step along each axis.
    """
    shapes = shapely.set_precision(np.asarray(frame.geometry.values, dtype=object),
                                   DISPLAY_GRID_DEG, mode="pointwise")
    rounded = frame.set_geometry(gpd.array.from_shapely(shapes, crs=frame.crs))
    return rounded.to_geo_dict(drop_id=True, show_bbox=False)
