"""Display geometry, simplified and rounded so the browser receives kilobytes, not megabytes.

Polygons are simplified as a coverage (neighbours keep one shared border, no slivers) and
rounded to what a screen shows. The tolerance follows the map's extent: a county keeps about
50 m of detail; a province, whose whole extent fills the screen, keeps half a pixel of its
fitted view (a few hundred metres), which is what makes 1,500 townships fit in a few MB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from domain import coords

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


@dataclass(frozen=True)
class CoverageReport:
    """What making a layer a clean coverage for display did (``clean_coverage``).

    Attributes:
        method: ``"clean"`` (it was one already), ``"snapped"`` (vertices of neighbours
            within the snapping distance made one), ``"cleaned"`` (GEOS's coverage cleaner,
            for borders whose vertices do not pair up) or ``"shapes"`` (no clean coverage
            made: each shape is simplified on its own, borders sent twice).
        moved: Vertices moved.
        max_change: The largest change of a township's area, as a share of it.
        max_change_m2: The largest change of a township's area, in m².
        reason: Why the coverage path was not taken (``"shapes"`` only).
    """

    method: str = "clean"
    moved: int = 0
    max_change: float = 0.0
    max_change_m2: float = 0.0
    reason: str = ""


def _close_pairs(xy: np.ndarray, distance: float) -> np.ndarray:
    """Return the pairs of points (indices) closer than ``distance``, and maybe a few more.

    Two points that close share a cell of side ``2 × distance`` in at least one of four
    grids shifted by half a cell; points sharing a cell are paired.
    """
    side = 2 * distance
    found = []
    for shift in ((0.0, 0.0), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5)):
        cells = np.floor(xy / side + shift).astype(np.int64)
        key = cells[:, 0] * 4_294_967_296 + cells[:, 1]
        order = np.argsort(key, kind="stable")
        same = key[order][1:] == key[order][:-1]
        # a cell of k points gives k - 1 pairs of neighbours in the order: enough to link them
        found.append(np.column_stack([order[:-1][same], order[1:][same]]))
    pairs = np.concatenate(found)
    return pairs[np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T) <= distance]


def _snap_groups(xy: np.ndarray, distance: float) -> np.ndarray:
    """Return, for every point, the index of the point it is snapped to.

    Points closer than ``distance`` are one group (a chain of close points links further
    ones); each group takes the position of its lowest-index point.
    """
    pairs = _close_pairs(xy, distance)
    group = np.arange(len(xy))
    while len(pairs):  # each point takes the smallest index linked to it, until settled
        low = np.minimum(group[pairs[:, 0]], group[pairs[:, 1]])
        before = group.copy()
        np.minimum.at(group, pairs[:, 0], low)
        np.minimum.at(group, pairs[:, 1], low)
        group = group[group]
        if np.array_equal(before, group):
            break
    return group


def _polygonal(shapes: np.ndarray) -> np.ndarray:
    """Return the shapes valid and polygonal (what snapping folds is repaired).

    A shape snapping collapses (a ring left with fewer than three points) becomes empty.
    """
    try:
        shapes = shapely.remove_repeated_points(shapes)
    except shapely.errors.GEOSException:
        shapes = np.asarray([_without_repeats(s) for s in shapes], dtype=object)
    bad = ~shapely.is_valid(shapes)
    if bad.any():
        fixed = shapely.make_valid(shapes[bad])
        shapes[bad] = [shapely.union_all([p for p in shapely.get_parts(f)
                                          if p.geom_type in ("Polygon", "MultiPolygon")])
                       for f in fixed]
    return shapes


def _without_repeats(shape: shapely.Geometry) -> shapely.Geometry:
    try:
        return shapely.remove_repeated_points(shape)
    except shapely.errors.GEOSException:
        return shapely.Polygon()


def clean_coverage(frame: gpd.GeoDataFrame, *, snap_m: float, max_change: float,
                   clean_max_vertices: int) -> tuple[gpd.GeoDataFrame, CoverageReport]:
    """Return the polygons as a clean coverage (neighbours share one border) and what it took.

    A published layer digitises each township on its own: its neighbours' copies of a border
    differ by centimetres to a metre, leaving slivers of gap and overlap. Vertices closer
    than ``snap_m`` metres are made one (in the layer's UTM zone); borders whose vertices do
    not pair up go through GEOS's coverage cleaner (overlaps to the neighbour with the
    longest shared border, gaps narrower than ``snap_m`` closed), for layers of at most
    ``clean_max_vertices`` vertices (it is slow). A result changing any township's area by
    more than ``max_change`` (a share) is not used: the layer is then drawn as it is.
    Gaps and overlaps larger than that stay, as the import reported them.
    """
    if not len(frame):
        return frame, CoverageReport("clean")
    metric = coords.utm_crs(frame)
    work = np.asarray(frame.geometry.to_crs(metric).values, dtype=object).copy()
    before = shapely.area(work)
    xy = shapely.get_coordinates(work)
    group = _snap_groups(xy, snap_m)
    moved = int((xy[group] != xy).any(axis=1).sum())
    if not moved and shapely.coverage_is_valid(np.asarray(frame.geometry.values, dtype=object)):
        return frame, CoverageReport("clean")
    snapped = _polygonal(shapely.set_coordinates(work.copy(), xy[group]))
    method = "snapped"
    if not shapely.coverage_is_valid(snapped):
        if len(xy) > clean_max_vertices:
            return frame, CoverageReport("shapes", moved, reason=(
                f"{len(xy):,} vertices > clean_max_vertices {clean_max_vertices:,}"))
        snapped = shapely.coverage_clean(snapped, gap_width=snap_m, snapping_distance=0.0)
        method = "cleaned"
    change = np.abs(shapely.area(snapped) - before)
    share = change / np.where(before > 0, before, 1.0)
    report = CoverageReport(method, moved, float(share.max()), float(change.max()))
    if report.max_change > max_change or not shapely.coverage_is_valid(snapped):
        return frame, CoverageReport("shapes", moved, report.max_change, report.max_change_m2,
                                     reason=f"area change {report.max_change:.2%} > "
                                            f"max_area_change {max_change:.2%}")
    back = gpd.GeoSeries(snapped, crs=metric).to_crs(frame.crs)
    return frame.set_geometry(back.values), report
