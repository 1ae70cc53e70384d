"""Turn what a file says about location into WGS-84 geometry, reporting what it had to fix.

Sources: a vector file's own geometry (its CRS, or ``crs`` when given to override a wrong
one, e.g. GCJ-02 coordinates labelled WGS-84), longitude/latitude columns (decimal or DMS),
or a WKT column. Swapped axes are detected and fixed with a warning; invalid polygons are
repaired with a warning; multi-part shapes are kept.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from domain import coords
from domain.errors import Problem
from domain.schema import STORAGE_CRS, Table


def _warn(table: str, row: int | None, column: str | None, value: object,
          reason: str) -> Problem:
    return Problem(table, row, column, value, reason, "warning")


def _transform(geoms: np.ndarray, crs: str) -> np.ndarray:
    """Apply a coordinate conversion (any CRS, gcj02, bd09) to every vertex of ``geoms``."""

    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = coords.to_wgs84(xy[:, 0], xy[:, 1], crs)
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, convert)


def from_geometry(table: Table, geometry: gpd.GeoSeries, crs: str | None
                  ) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Return a vector file's geometry in WGS-84; ``crs`` overrides the file's own CRS."""
    problems: list[Problem] = []
    geoms = shapely.force_2d(geometry.values)
    if crs is not None:
        if geometry.crs is not None:
            problems.append(_warn(table.name, None, "geometry", str(geometry.crs.name),
                                  f"按 --crs {crs} 解释坐标 coordinates read as {crs}, not "
                                  "as the file's declared CRS"))
        return gpd.GeoSeries(_transform(np.asarray(geoms), crs), crs=STORAGE_CRS), problems
    if geometry.crs is None:
        problems.append(_warn(table.name, None, "geometry", None,
                              "文件未声明坐标系，按 WGS-84 读取 no CRS in file: read as WGS-84"))
        return gpd.GeoSeries(geoms, crs=STORAGE_CRS), problems
    return gpd.GeoSeries(geoms, crs=geometry.crs).to_crs(STORAGE_CRS), problems


def from_lon_lat(table: Table, lon_raw: pd.Series, lat_raw: pd.Series, crs: str | None,
                 headers: tuple[str, str]) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Build points from two coordinate columns (decimal, DMS, or projected with ``crs``)."""
    lon, bad_lon = coords.parse_angles(lon_raw)
    lat, bad_lat = coords.parse_angles(lat_raw)
    problems = [Problem(table.name, int(i), headers[0], lon_raw.iloc[i],
                        "无法识别的坐标 coordinate not understood")
                for i in np.flatnonzero(bad_lon)]
    problems += [Problem(table.name, int(i), headers[1], lat_raw.iloc[i],
                         "无法识别的坐标 coordinate not understood")
                 for i in np.flatnonzero(bad_lat)]
    x, y = lon.to_numpy(float), lat.to_numpy(float)
    half = np.isfinite(x) ^ np.isfinite(y)
    problems += [Problem(table.name, int(i), headers[0] if np.isnan(x[i]) else headers[1],
                         None, "只有一个坐标 only one coordinate given")
                 for i in np.flatnonzero(half)]
    x, y, swap_notes = _unswap(table, x, y, crs, headers)
    problems += swap_notes
    projected = crs is None and np.nanmax(np.abs(np.concatenate([x, y])), initial=0) > 360
    if projected:
        problems.append(Problem(table.name, None, headers[0], None,
                                "坐标像是投影坐标（米），请用 --crs 指定，如 EPSG:4545 "
                                "coordinates look projected (metres): give --crs"))
        return gpd.GeoSeries([None] * len(x), crs=STORAGE_CRS), problems
    lon_w, lat_w = coords.to_wgs84(x, y, crs)
    ok = np.isfinite(lon_w) & np.isfinite(lat_w)
    points = np.where(ok, shapely.points(np.nan_to_num(lon_w), np.nan_to_num(lat_w)), None)
    return gpd.GeoSeries(points, crs=STORAGE_CRS), problems


def _unswap(table: Table, x: np.ndarray, y: np.ndarray, crs: str | None,
            headers: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Exchange the coordinates of rows whose axes are the wrong way round, with a warning."""
    degrees = crs is None or crs.lower() in coords.OFFSET_CRS
    swap = coords.swapped_rows(x, y) if degrees else coords.projected_swapped_rows(x, y)
    reason = ("经纬度互换，已自动纠正 longitude and latitude swapped; corrected" if degrees
              else "X 为北坐标（测量习惯），已按东、北坐标读取 X was the northing (surveying "
              "order); read as easting/northing")
    problems = [_warn(table.name, int(i), headers[0], f"{x[i]}, {y[i]}", reason)
                for i in np.flatnonzero(swap)]
    return np.where(swap, y, x), np.where(swap, x, y), problems


def from_wkt(table: Table, raw: pd.Series, crs: str | None,
             header: str) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Parse a WKT column; ``crs`` says what its coordinates are in (WGS-84 by default)."""
    text = np.array([v.strip() if isinstance(v, str) else None if pd.isna(v) else str(v)
                     for v in raw.astype(object)], dtype=object)
    geoms = shapely.from_wkt(text, on_invalid="ignore")
    bad = pd.notna(text) & pd.isna(geoms)
    problems = [Problem(table.name, int(i), header, raw.iloc[i], "无法识别的 WKT not valid WKT")
                for i in np.flatnonzero(bad)]
    if crs is not None:
        geoms = _transform(geoms, crs)
    return gpd.GeoSeries(geoms, crs=STORAGE_CRS), problems


def repair(table: Table, geometry: gpd.GeoSeries) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Make invalid shapes valid (keeping their kind) and unwrap single-part multipoints."""
    values = np.asarray(geometry.values, dtype=object).copy()
    present = ~pd.isna(values)
    problems: list[Problem] = []
    invalid = present & ~shapely.is_valid(values)
    for i in np.flatnonzero(invalid):
        fixed = _same_kind(shapely.make_valid(values[i]), table.geometry)
        problems.append(_warn(table.name, int(i), "geometry", shapely.is_valid_reason(values[i]),
                              "几何无效，已修复 invalid geometry repaired"))
        values[i] = fixed
    if table.geometry == "point":
        multi = present & (shapely.get_type_id(values) == 4) & (shapely.get_num_geometries(
            values) == 1)
        values[multi] = shapely.get_geometry(values[multi], 0)
    return gpd.GeoSeries(values, crs=geometry.crs), problems


def _same_kind(geom: shapely.Geometry, kind: str | None) -> shapely.Geometry:
    dim = {"point": 0, "line": 1, "polygon": 2}.get(kind or "", 2)
    parts = [p for p in shapely.get_parts(geom) if shapely.get_dimensions(p) == dim]
    return shapely.union_all(parts) if parts else geom


def township_of(points: gpd.GeoSeries, towns: gpd.GeoSeries) -> np.ndarray:
    """Return the position in ``towns`` of the polygon each point lies in, -1 for none.

    Should two overlap, the first wins. Each polygon is tested once against the points in its
    bounding box, straight on their coordinates (``contains_xy``): no point geometry is
    touched and a polygon is prepared once, not its border walked again for every point
    (surveyed borders carry a vertex every few metres).
    """
    x, y = shapely.get_x(points.values), shapely.get_y(points.values)
    found = np.full(len(x), -1)
    order = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    order = order[np.argsort(x[order], kind="stable")]
    xs = x[order]
    for k, (town, (x0, y0, x1, y1)) in enumerate(zip(towns.values, towns.bounds.to_numpy(),
                                                      strict=True)):
        if town is None or shapely.is_empty(town):
            continue
        window = order[np.searchsorted(xs, x0, "left"):np.searchsorted(xs, x1, "right")]
        window = window[(y[window] >= y0) & (y[window] <= y1) & (found[window] < 0)]
        if len(window):
            found[window[shapely.contains_xy(town, x[window], y[window])]] = k
    return found


def beyond(shapes: gpd.GeoSeries, towns: gpd.GeoSeries, margin_m: float) -> np.ndarray:
    """Return, for each shape, whether it lies farther than ``margin_m`` from every polygon.

    Distances are measured in metres in the shapes' UTM zone, against only the polygons whose
    bounding box comes within twice the margin in degrees (so a province's borders are not
    all projected to check a handful of points).
    """
    if len(shapes) == 0:
        return np.zeros(0, dtype=bool)
    x0, y0, x1, y1 = shapely.bounds(np.asarray(shapes.values)).T
    reach_lat = 2 * margin_m / 110_574.0  # metres per degree of latitude, at least
    top = np.nanmax(np.abs(np.concatenate([y0, y1]))) if np.isfinite(y0).any() else 0.0
    reach_lon = reach_lat / np.cos(np.radians(min(top + 1, 89)))
    boxes = shapely.box(x0 - reach_lon, y0 - reach_lat, x1 + reach_lon, y1 + reach_lat)
    near = np.unique(shapely.STRtree(np.asarray(towns.values)).query(boxes)[1])
    if len(near) == 0:
        return np.ones(len(shapes), dtype=bool)
    metric = coords.utm_crs(towns.iloc[near])
    close = shapely.STRtree(np.asarray(towns.iloc[near].to_crs(metric).values)).query(
        np.asarray(shapes.to_crs(metric).values), predicate="dwithin", distance=margin_m)[0]
    return ~np.isin(np.arange(len(shapes)), close)


def township_of_lines(lines: gpd.GeoSeries, towns: gpd.GeoSeries) -> np.ndarray:
    """Return the position in ``towns`` holding the longest part of each line, -1 for none."""
    found = np.full(len(lines), -1)
    if len(lines) == 0 or len(towns) == 0:
        return found
    line_at, town_at = shapely.STRtree(np.asarray(towns.values)).query(
        np.asarray(lines.values), predicate="intersects")
    if len(line_at) == 0:
        return found
    metric = coords.utm_crs(towns)
    pieces = shapely.intersection(np.asarray(lines.values)[line_at],
                                  np.asarray(towns.values)[town_at])
    length = gpd.GeoSeries(pieces, crs=lines.crs).to_crs(metric).length.to_numpy()
    best = pd.DataFrame({"line": line_at, "town": town_at, "m": length}).sort_values(
        "m", ascending=False).drop_duplicates("line")
    found[best["line"].to_numpy()] = best["town"].to_numpy()
    return found


def lengths_m(lines: gpd.GeoSeries) -> np.ndarray:
    """Return each line's length in metres, measured in its UTM zone (NaN where none)."""
    present = lines.notna() & ~lines.is_empty
    out = np.full(len(lines), np.nan)
    if present.any():
        shown = lines[present]
        out[present.to_numpy()] = shown.to_crs(coords.utm_crs(shown)).length.to_numpy()
    return out


def coverage_problems(table: Table, geometry: gpd.GeoSeries, metric_crs: str, *,
                      min_area_m2: float = 1.0, error_share: float = 0.01,
                      sliver_width_m: float = 2.0) -> list[Problem]:
    """Report overlaps between polygons and holes (gaps) in their union, with areas in m².

    An overlap above ``error_share`` of the smaller polygon's area is an error, a smaller
    one a warning; gaps narrower than ``sliver_width_m`` are summed in one warning (``_gaps``).

    Shapes are compared as given (shared borders stay exactly shared) and only the pieces
    found are projected to ``metric_crs`` to measure them; slivers under ``min_area_m2`` are
    floating-point noise and are not reported.
    """
    polygons = geometry.geom_type.isin(["Polygon", "MultiPolygon"]) & geometry.is_valid
    geometry = geometry.where(polygons, None)  # other shapes are refused by validation
    frame = gpd.GeoDataFrame(geometry=geometry.values, crs=geometry.crs)
    pairs = gpd.sjoin(frame, frame, predicate="overlaps")
    pairs = pairs[pairs.index < pairs["index_right"]]
    problems = []
    for i, j in zip(pairs.index, pairs["index_right"], strict=True):
        area = _area_m2(geometry.iloc[i].intersection(geometry.iloc[j]), geometry.crs,
                        metric_crs)
        smaller = min(_area_m2(geometry.iloc[k], geometry.crs, metric_crs) for k in (i, j))
        if area >= min_area_m2:
            large = area > error_share * smaller
            problems.append(Problem(
                table.name, int(i), "geometry",
                f"与第 {j + 1} 个重叠 overlaps shape {j + 1}",
                f"乡镇重叠 townships overlap: {area:,.0f} m² ({area / smaller:.1%})"
                + ("，超过较小乡镇面积的 " f"{error_share:.0%}，请先修正边界 more than "
                   f"{error_share:.0%} of the smaller one: correct the borders first"
                   if large else ""),
                "error" if large else "warning"))
    return problems + _gaps(table, geometry, metric_crs, min_area_m2, sliver_width_m)


def _gaps(table: Table, geometry: gpd.GeoSeries, metric_crs: str, min_area_m2: float,
          sliver_width_m: float) -> list[Problem]:
    """Report the holes in the townships' union: slivers in one line, others one by one.

    A sliver is narrower than ``sliver_width_m`` on average (twice its area over its
    perimeter): what a layer digitised township by township leaves along its borders, and
    what the maps close (``[coverage]`` of ``config/map.toml``).
    """
    union = shapely.union_all(geometry.values)
    parts = [p for p in shapely.get_parts(union) if p.geom_type == "Polygon"]
    holes = gpd.GeoSeries([shapely.Polygon(h) for p in parts for h in p.interiors],
                          crs=geometry.crs)
    if holes.empty:
        return []
    metric = holes.to_crs(metric_crs)
    area, width = metric.area.to_numpy(), 2 * metric.area.to_numpy() / metric.length.to_numpy()
    shown = area >= min_area_m2
    sliver = shown & (width < sliver_width_m)
    problems = [_warn(table.name, None, "geometry", hole.centroid.wkt,
                      f"乡镇之间有空隙 gap between townships: {a:,.0f} m²")
                for hole, a in zip(holes[shown & ~sliver], area[shown & ~sliver], strict=True)]
    if sliver.any():
        problems.append(_warn(
            table.name, None, "geometry", f"{int(sliver.sum()):,}",
            f"相邻乡镇边界之间有 {int(sliver.sum()):,} 处细缝（平均宽不足 {sliver_width_m:g} 米），"
            f"合计 {area[sliver].sum():,.0f} m²，最大 {area[sliver].max():,.0f} m²；地图显示时合并"
            f" slivers between neighbouring borders (narrower than {sliver_width_m:g} m on "
            f"average): {int(sliver.sum()):,}, {area[sliver].sum():,.0f} m² in all, the largest "
            f"{area[sliver].max():,.0f} m²; the maps close them"))
    return problems


def _area_m2(shape: shapely.Geometry, crs: object, metric_crs: str) -> float:
    return float(gpd.GeoSeries([shape], crs=crs).to_crs(metric_crs).area.iloc[0])
