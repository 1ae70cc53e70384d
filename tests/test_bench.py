"""The benchmark suite runs at county size and produces every figure (a smoke run: no timing)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.demo.scale import province_demo, survey_borders
from maps.geometry import (
    DISPLAY_GRID_DEG,
    DISPLAY_TOLERANCE_DEG,
    VIEW_PIXELS,
    display_grid,
    display_lines,
    display_polygons,
    display_tolerance,
    geojson_data,
    merged_lines,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import suite


def test_suite_at_county_size_produces_every_figure(demo_frames: dict) -> None:
    figures = suite.run_size("county", repeat=1, county=demo_frames)
    expected = {"scoring_s", "scoring_with_intervals_s", "import_rows_per_s",
                "reimport_rows_per_s",
                "read_check_rows_per_s", "naive_read_check_rows_per_s", "read_check_ratio",
                "assign_sjoin_s", "assign_xy_s", "assign_duckdb_s", "assign_ratio", "map_build_s",
                "map_payload_mb", "map_with_sites_payload_mb", "naive_map_build_s",
                "naive_map_payload_mb", "payload_ratio", "payload_ratio_with_sites",
                "payload_ratio_coarse_borders", "map_base_s", "peak_rss_mb"}
    assert expected <= set(figures)
    assert all(math.isfinite(v) and v > 0 for k, v in figures.items() if k in expected)
    assert figures["import_rows"] == len(demo_frames["hazard_ledger"])


def _wavy_neighbours() -> gpd.GeoDataFrame:
    """Two townships sharing a dense, wavy border (the same 2,001 vertices in both)."""
    y = np.linspace(26.5, 26.7, 2001)
    border = np.column_stack([106.0 + 0.002 * np.sin(y * 700), y])
    left = shapely.Polygon([(105.8, 26.5), *border, (105.8, 26.7)])
    right = shapely.Polygon([(106.2, 26.7), *border[::-1], (106.2, 26.5)])
    return gpd.GeoDataFrame({"township_code": ["A", "B"]}, geometry=[left, right], crs=4326)


PROVINCE_TOLERANCE = 11.25 / VIEW_PIXELS
"""What ``display_tolerance`` gives the province (75 counties, 11.25° wide)."""


@pytest.mark.parametrize("tolerance", [DISPLAY_TOLERANCE_DEG, DISPLAY_TOLERANCE_DEG * 4,
                                       PROVINCE_TOLERANCE])
def test_simplified_townships_keep_no_gaps_or_overlaps(demo_frames: dict,
                                                       tolerance: float) -> None:
    detailed = survey_borders(demo_frames["townships"])
    for towns in (demo_frames["townships"], detailed, _wavy_neighbours()):
        shown = np.asarray(display_polygons(towns, tolerance=tolerance).geometry.values,
                           dtype=object)
        assert shapely.coverage_is_valid(shown), "no overlaps, borders still shared"
        outer = shapely.union_all(shown)
        assert len(shapely.get_parts(outer)) == 1, "no slivers"
        assert shapely.get_num_interior_rings(outer) == 0, "no gaps between neighbours"
    before = shapely.get_coordinates(_wavy_neighbours().geometry.values)
    after = shapely.get_coordinates(display_polygons(_wavy_neighbours(),
                                                     tolerance=tolerance).geometry.values)
    assert len(after) < len(before) / 4


def test_quantised_points_move_at_most_half_a_grid_step(demo_frames: dict) -> None:
    sites = demo_frames["geohazard_sites"][["site_id", "geometry"]]
    data = geojson_data(gpd.GeoDataFrame(sites, crs=4326))
    got = np.array([f["geometry"]["coordinates"] for f in data["features"]])
    want = shapely.get_coordinates(sites.geometry.values)
    assert np.abs(got - want).max() <= DISPLAY_GRID_DEG / 2 + 1e-12
    assert all("bbox" not in f and "id" not in f for f in data["features"])


def _moved(before: np.ndarray, after: np.ndarray) -> float:
    """Return the largest distance from a vertex of ``after`` to its nearest in ``before``."""
    tree = shapely.STRtree(shapely.points(before))
    _, dist = tree.query_nearest(shapely.points(after), return_distance=True)
    return float(dist.max())


@pytest.mark.parametrize("tolerance", [DISPLAY_TOLERANCE_DEG, PROVINCE_TOLERANCE])
def test_simplified_vertices_move_at_most_half_a_grid_step(demo_frames: dict,
                                                           tolerance: float) -> None:
    """Simplification keeps original vertices; rounding moves each at most half a step."""
    step = display_grid(tolerance)
    assert DISPLAY_GRID_DEG <= step <= tolerance / 10
    half_diagonal = step / 2 * math.sqrt(2) + 1e-12
    towns = survey_borders(demo_frames["townships"])
    shown = display_polygons(towns, tolerance=tolerance)
    assert _moved(shapely.get_coordinates(towns.geometry.values),
                  shapely.get_coordinates(shown.geometry.values)) <= half_diagonal
    roads = demo_frames["road_segments"]
    lines = display_lines(roads, tolerance=tolerance)
    assert _moved(shapely.get_coordinates(roads.geometry.values),
                  shapely.get_coordinates(lines.geometry.values)) <= half_diagonal


def test_display_tolerance_follows_the_extent(demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    assert display_tolerance(towns) == DISPLAY_TOLERANCE_DEG  # a county: the finest
    wide = towns.set_geometry(towns.geometry.scale(20, 20, origin=(106, 27)))
    minx, miny, maxx, maxy = wide.total_bounds
    assert display_tolerance(wide) == pytest.approx(max(maxx - minx, maxy - miny) / VIEW_PIXELS)


def test_survey_borders_are_dense_and_still_a_coverage(demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    detailed = survey_borders(towns, spacing_m=25)
    shapes = np.asarray(detailed.geometry.values, dtype=object)
    assert shapely.coverage_is_valid(shapes) and shapely.is_valid(shapes).all()
    assert shapely.get_num_interior_rings(shapely.union_all(shapes)) == 0, "no gaps"
    metric = detailed.to_crs(32648)
    spacing = metric.length.sum() / shapely.get_num_coordinates(shapes).sum()
    assert 15 < spacing < 30, "a vertex every ~25 m, like surveyed boundaries"
    assert metric.area.sum() == pytest.approx(towns.to_crs(32648).area.sum(), rel=0.01)


def test_merged_lines_keep_every_metre(demo_frames: dict) -> None:
    roads = demo_frames["road_segments"]
    merged = merged_lines(roads)
    assert len(merged) == 1
    assert merged.to_crs(32648).length.sum() == pytest.approx(
        roads.to_crs(32648).length.sum(), rel=1e-9)


def test_province_set_has_the_issue_sizes(demo_frames: dict) -> None:
    prov = province_demo(demo_frames, series=False)
    assert len(prov["townships"]) == 1500 and len(prov["geohazard_sites"]) == 12_000
    assert len(prov["hazard_ledger"]) == 300_000 and len(prov["road_segments"]) == 50_000
    assert prov["townships"]["township_code"].is_unique
    assert shapely.coverage_is_valid(np.asarray(prov["townships"].geometry.values,
                                                dtype=object))
