"""The benchmark suite runs at county size and produces every figure (a smoke run: no timing)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from maps.geometry import DISPLAY_GRID_DEG, DISPLAY_TOLERANCE_DEG, display_polygons, geojson_data

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import suite


def test_suite_at_county_size_produces_every_figure(demo_frames: dict) -> None:
    figures = suite.run_size("county", repeat=1, county=demo_frames)
    expected = {"scoring_s", "import_rows_per_s", "read_check_rows_per_s",
                "naive_read_check_rows_per_s", "read_check_ratio", "assign_sjoin_s",
                "assign_duckdb_s", "assign_ratio", "map_build_s", "map_payload_mb",
                "map_with_sites_payload_mb", "naive_map_build_s", "naive_map_payload_mb",
                "payload_ratio", "payload_ratio_with_sites", "peak_rss_mb"}
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


@pytest.mark.parametrize("tolerance", [DISPLAY_TOLERANCE_DEG, DISPLAY_TOLERANCE_DEG * 4])
def test_simplified_townships_keep_no_gaps_or_overlaps(demo_frames: dict,
                                                       tolerance: float) -> None:
    for towns in (demo_frames["townships"], _wavy_neighbours()):
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
