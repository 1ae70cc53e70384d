"""Coordinates: DMS, GCJ-02/BD-09 inverses to sub-metre, Gauss–Krüger zones, swap detection."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from domain import coords

SPOTS = np.array([[105.6, 26.7], [116.391, 39.907], [121.47, 31.23], [87.6, 43.8],
                  [110.3, 20.0]])


def _metres(lon_a: np.ndarray, lat_a: np.ndarray, lon_b: np.ndarray,
            lat_b: np.ndarray) -> np.ndarray:
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(lon_a, lat_a, lon_b, lat_b)
    return np.abs(dist)


def test_gcj02_round_trip_is_sub_millimetre() -> None:
    glon, glat = coords.wgs84_to_gcj02(SPOTS[:, 0], SPOTS[:, 1])
    assert (_metres(glon, glat, SPOTS[:, 0], SPOTS[:, 1]) > 100).all(), "GCJ-02 is offset"
    lon, lat = coords.gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, SPOTS[:, 0], SPOTS[:, 1]).max() < 0.001


def test_bd09_round_trip_is_sub_millimetre() -> None:
    blon, blat = coords.gcj02_to_bd09(*coords.wgs84_to_gcj02(SPOTS[:, 0], SPOTS[:, 1]))
    lon, lat = coords.bd09_to_wgs84(blon, blat)
    assert _metres(lon, lat, SPOTS[:, 0], SPOTS[:, 1]).max() < 0.001


def test_outside_china_gcj02_is_unchanged() -> None:
    lon, lat = coords.wgs84_to_gcj02([2.35], [48.85])
    assert (lon[0], lat[0]) == (2.35, 48.85)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("106°30'12.5\"", 106 + 30 / 60 + 12.5 / 3600), ("106度30分12秒", 106 + 30 / 60 + 12 / 3600),
     ("106°30′12″E", 106 + 30 / 60 + 12 / 3600), ("N26°30'", 26.5), ("-106:30:00", -106.5),
     ("26.5", 26.5), ("106° 30' 12\" W", -(106 + 30 / 60 + 12 / 3600))],
)
def test_angles(given: str, expected: float) -> None:
    out, bad = coords.parse_angles(pd.Series([given]))
    assert not bad.iloc[0]
    assert out.iloc[0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("given", ["26°70'", "abc", "106度30分75秒"])
def test_bad_angles(given: str) -> None:
    _, bad = coords.parse_angles(pd.Series([given]))
    assert bad.iloc[0]


@pytest.mark.parametrize(("lon", "given_epsg", "prefixed", "zone_epsg"),
                         [(105.6, 4544, True, 4523), (105.6, 4544, False, 4544),
                          (117.2, 4509, True, 4498), (117.2, 4498, True, 4498)])
def test_gauss_kruger_zone_prefix(lon: float, given_epsg: int, prefixed: bool,
                                  zone_epsg: int) -> None:
    """3° (zone 35, CM 105°E) and 6° (zone 20, CM 117°E), given with or without prefix."""
    target = pyproj.CRS.from_epsg(zone_epsg)
    east, north = pyproj.Transformer.from_crs(4326, target, always_xy=True).transform(lon, 26.7)
    out_lon, out_lat = coords.to_wgs84(np.array([east]), np.array([north]),
                                       f"EPSG:{given_epsg}")
    assert _metres(out_lon, out_lat, np.array([lon]), np.array([26.7]))[0] < 0.01
    assert (east > 1e7) == prefixed


def test_swaps_are_found_per_row() -> None:
    lon = np.array([105.6, 26.7, np.nan])
    lat = np.array([26.7, 105.6, 26.7])
    assert coords.swapped_rows(lon, lat).tolist() == [False, True, False]
    x = np.array([2956638.8, 35261117.4])
    y = np.array([35261117.4, 2956638.8])
    assert coords.projected_swapped_rows(x, y).tolist() == [True, False]


@pytest.mark.parametrize("bounds", [
    (103.1, 24.2, 103.9, 25.0),    # a county in Yunnan
    (97.0, 21.0, 125.0, 41.0),     # a span of several zones: the centre's
    (73.6, 39.0, 74.2, 39.5),      # the far west
    (134.1, 47.5, 134.7, 48.0),    # the far east
    (-70.3, -33.6, -70.1, -33.3),  # south and west of Greenwich
])
def test_utm_crs_is_what_geopandas_estimates(bounds: tuple[float, ...]) -> None:
    x0, y0, x1, y1 = bounds
    frame = gpd.GeoSeries([shapely.Point(x0, y0), shapely.Point(x1, y1)], crs=4326)
    assert coords.utm_crs(frame) == frame.estimate_utm_crs()
    assert coords.utm_crs(frame.to_crs(3857)) == frame.estimate_utm_crs()
