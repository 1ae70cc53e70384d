"""Display geometry, simplified and rounded so the browser receives kilobytes, not megabytes.

Polygons are simplified as a coverage (neighbours keep one shared border, no slivers) and
rounded to what a screen shows. The tolerance follows the map's extent: a county keeps about
50 m of detail; a province, whose whole extent fills the screen, keeps half a pixel of its
fitted view (a few hundred metres), which is what makes 1,500 townships fit in a few MB.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

DISPLAY_TOLERANCE_DEG = 0.0005
"""About 50 m: finer than a pixel at county zoom on a projector; the smallest tolerance."""
VIEW_PIXELS = 4000
"""Larger extents are simplified to ``extent / VIEW_PIXELS``: half a pixel of the fitted
view on a 2,000-pixel-wide screen."""
DISPLAY_GRID_DEG = 1e-5
"""Points are rounded to about 1 m; simplified shapes to a tenth of their tolerance."""


def display_tolerance(frame: gpd.GeoDataFrame) -> float:
    """Return the simplification tolerance (degrees) for a layer of this extent."""
    if not len(frame):
        return DISPLAY_TOLERANCE_DEG
    minx, miny, maxx, maxy = frame.total_bounds
    return max(DISPLAY_TOLERANCE_DEG, max(maxx - minx, maxy - miny) / VIEW_PIXELS)


def display_grid(tolerance: float) -> float:
    """Return the rounding grid for shapes simplified at ``tolerance``.

    A power of ten at most a tenth of it, never finer than ``DISPLAY_GRID_DEG``.
    """
    return max(DISPLAY_GRID_DEG, 10.0 ** math.floor(math.log10(tolerance / 10)))


def display_polygons(frame: gpd.GeoDataFrame, *,
                     tolerance: float | None = None) -> gpd.GeoDataFrame:
    """Return polygons simplified together (no gaps or overlaps appear) and rounded.

    ``tolerance`` defaults to ``display_tolerance(frame)``.
    """
    tolerance = display_tolerance(frame) if tolerance is None else tolerance
    shapes = np.asarray(frame.geometry.values, dtype=object)
    if shapely.coverage_is_valid(shapes):
        shapes = shapely.coverage_simplify(shapes, tolerance)
    else:  # not a clean coverage: simplify each shape on its own, keeping it valid
        shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)
    shapes = shapely.set_precision(shapes, display_grid(tolerance), mode="pointwise")
    return frame.set_geometry(gpd.array.from_shapely(shapes, crs=frame.crs))


def display_lines(frame: gpd.GeoDataFrame, *, tolerance: float | None = None
                  ) -> gpd.GeoDataFrame:
    """Return lines simplified (half the polygon tolerance by default) and rounded."""
    tolerance = display_tolerance(frame) / 2 if tolerance is None else tolerance
    # Plain Douglas-Peucker: lines need no topology kept, and keeping it is quadratic on a
    # merged layer (docs/PERFORMANCE.md).
    shapes = shapely.simplify(np.asarray(frame.geometry.values, dtype=object), tolerance,
                              preserve_topology=False)
    shapes = shapely.set_precision(shapes, display_grid(tolerance), mode="pointwise")
    return frame.set_geometry(gpd.array.from_shapely(shapes, crs=frame.crs))


def merged_lines(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return every line of ``frame`` joined end to end into one feature.

    For a base-map layer drawn in one style: one feature instead of thousands of segments.
    """
    if not len(frame):
        return frame[["geometry"]]
    parts = shapely.get_parts(np.asarray(frame.geometry.values, dtype=object))
    merged = shapely.line_merge(shapely.multilinestrings(parts))
    return gpd.GeoDataFrame(geometry=[merged], crs=frame.crs)


def geojson_data(frame: gpd.GeoDataFrame) -> dict:
    """Return a layer as a GeoJSON dict for the browser.

    No per-feature ``bbox`` or ``id``; coordinates rounded to ``DISPLAY_GRID_DEG`` (about
    1 m), so a point moves at most half a grid step along each axis.
    """
    shapes = shapely.set_precision(np.asarray(frame.geometry.values, dtype=object),
                                   DISPLAY_GRID_DEG, mode="pointwise")
    rounded = frame.set_geometry(gpd.array.from_shapely(shapes, crs=frame.crs))
    return rounded.to_geo_dict(drop_id=True, show_bbox=False)
