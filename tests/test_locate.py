"""Which township a point lies in, and which points lie beyond every township."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geodata.locate import beyond, township_of


def _random_points(towns: gpd.GeoDataFrame, n: int, seed: int) -> gpd.GeoSeries:
    x0, y0, x1, y1 = towns.total_bounds
    rng = np.random.default_rng(seed)
    pad = 0.05  # some points fall outside the county
    x = rng.uniform(x0 - pad, x1 + pad, n)
    y = rng.uniform(y0 - pad, y1 + pad, n)
    return gpd.GeoSeries(shapely.points(x, y), crs=towns.crs)


def test_township_of_agrees_with_a_spatial_join(demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    points = _random_points(towns, 5_000, seed=1)
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=points), towns[["geometry"]],
                       predicate="within")
    expected = joined.groupby(level=0)["index_right"].min().reindex(points.index)
    found = township_of(points, towns.geometry)
    assert (found >= 0).sum() == expected.notna().sum() > 1_000
    assert (found < 0).sum() > 100
    assert np.array_equal(found, expected.fillna(-1).astype(int).to_numpy())


def test_township_of_a_vertex_shared_by_two_and_overlaps() -> None:
    left = shapely.box(0, 0, 1, 1)
    right = shapely.box(1, 0, 2, 1)
    wide = shapely.box(0, 0, 2, 1)
    points = gpd.GeoSeries([shapely.Point(0.5, 0.5), shapely.Point(1.5, 0.5),
                            shapely.Point(1, 0.5), shapely.Point(3, 3),
                            shapely.Point(np.nan, np.nan)])
    found = township_of(points, gpd.GeoSeries([left, right, wide]))
    # On the shared border only the polygon around it contains it; overlaps: the first wins.
    assert found.tolist() == [0, 1, 2, -1, -1]


def test_beyond_measures_metres_at_any_latitude() -> None:
    """At 60° N a degree of longitude is half as long: the margin must still be 1 km."""
    for lat in (25.0, 60.0):
        town = shapely.box(100.0, lat, 100.05, lat + 0.05)
        towns = gpd.GeoSeries([town, shapely.box(110, lat, 110.05, lat + 0.05)], crs=4326)
        metric = gpd.GeoSeries([shapely.Point(100.05, lat + 0.025)], crs=4326
                               ).estimate_utm_crs()
        edge = gpd.GeoSeries([shapely.Point(100.05, lat + 0.025)], crs=4326).to_crs(metric)
        out = [shapely.Point(edge.iloc[0].x + d, edge.iloc[0].y) for d in (800, 1_300, 5_000)]
        points = gpd.GeoSeries(out, crs=metric).to_crs(4326)
        assert beyond(points, towns, 1_000.0).tolist() == [False, True, True], lat


def test_beyond_nothing_and_all() -> None:
    towns = gpd.GeoSeries([shapely.box(100, 25, 100.1, 25.1)], crs=4326)
    assert beyond(gpd.GeoSeries([], crs=4326), towns, 1_000.0).tolist() == []
    far = gpd.GeoSeries([shapely.Point(120, 40)], crs=4326)
    assert beyond(far, towns, 1_000.0).tolist() == [True]
