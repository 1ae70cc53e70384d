"""Coordinates as county offices have them: DMS strings, GCJ-02, BD-09, Gauss–Krüger.

Everything ends as WGS-84 longitude/latitude (equal to CGCS2000 to centimetres). GCJ-02 (Gaode,
Tencent) and BD-09 (Baidu) are undone with an iterated inverse accurate to millimetres; a
Gauss–Krüger easting with its zone prefix (``36512345.6``) is recognised and the zone's CRS
chosen for it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyproj

from domain.schema import STORAGE_CRS

OFFSET_CRS: tuple[str, ...] = ("gcj02", "bd09")

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

_DMS = re.compile(
    r"^\s*(?P<hemi1>[NSEW东西南北])?\s*(?P<deg>[-+]?\d+(?:\.\d+)?)\s*(?:°|度|d|:)\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*(?:′|'|分|m|:)?\s*)?"
    r"(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:″|\"|''|秒|s)?\s*)?(?P<hemi2>[NSEW东西南北])?\s*$",
    re.IGNORECASE,
)
_NEGATIVE = set("SWsw南西")


def parse_angles(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse decimal degrees or degrees-minutes-seconds (``106°30'12.5"``, ``106度30分12秒``).

    Returns the decimal degrees and the mask of non-empty values that did not parse.
    """
    out = _decimals(raw)
    text = raw[out.isna() & raw.notna()].astype(str)
    text = text.str.replace("’", "'").str.replace("”", '"').str.replace("′′", '"')
    parts = text.str.extract(_DMS)
    deg = pd.to_numeric(parts["deg"], errors="coerce")
    minutes = pd.to_numeric(parts["min"], errors="coerce").fillna(0)
    seconds = pd.to_numeric(parts["sec"], errors="coerce").fillna(0)
    value = deg.abs() + minutes / 60 + seconds / 3600
    hemi = parts["hemi1"].fillna(parts["hemi2"]).fillna("")
    negative = (deg < 0) | hemi.isin(_NEGATIVE)
    bad_parts = (minutes >= 60) | (seconds >= 60)
    out[text.index] = np.where(negative, -value, value)
    out[text.index[bad_parts.to_numpy()]] = np.nan
    unparsed = raw.notna() & out.isna()
    unparsed[unparsed] = raw[unparsed].astype(str).str.strip() != ""  # blank is not bad
    return out, unparsed


def _decimals(raw: pd.Series) -> pd.Series:
    """Return the values that are plain decimal numbers as floats, NaN for the rest."""
    if isinstance(raw.dtype, pd.StringDtype) or raw.dtype == object:
        try:  # a column of plain numbers (most files): Arrow reads it in one pass
            column = pa.array(raw, type=pa.string(), from_pandas=True)
            return pd.Series(column.cast(pa.float64()).to_numpy(zero_copy_only=False),
                             index=raw.index)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return pd.to_numeric(raw, errors="coerce").astype(float)


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 offset (degrees) at WGS-84 ``lon``, ``lat``."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return GCJ-02 coordinates of WGS-84 points (the published forward transform)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike, *,
                   tolerance_deg: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Invert GCJ-02 by fixed-point iteration until the forward transform matches.

    Converges to well under a millimetre (``tolerance_deg`` 1e-9° ≈ 0.1 mm) in a few steps.
    """
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(30):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if np.nanmax(np.abs(np.concatenate([elon, elat])), initial=0.0) < tolerance_deg:
            break
    return wlon, wlat


def bd09_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return GCJ-02 coordinates of BD-09 points (Baidu's published inverse)."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return BD-09 coordinates of GCJ-02 points (Baidu's forward transform)."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return WGS-84 coordinates of BD-09 points, via GCJ-02, iterated to exactness."""
    blon, blat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    glon, glat = bd09_to_gcj02(blon, blat)
    for _ in range(10):
        flon, flat = gcj02_to_bd09(glon, glat)
        glon, glat = glon - (flon - blon), glat - (flat - blat)
    return gcj02_to_wgs84(glon, glat)


def gauss_kruger_zone_crs(crs: pyproj.CRS, easting: np.ndarray) -> pyproj.CRS:
    """Return the CRS matching eastings that carry a zone prefix (``36512345.6``).

    A CGCS2000 Gauss–Krüger CRS given without the prefix (central-meridian form, e.g.
    EPSG:4545) is swapped for the zone-prefixed one of the same zone when the eastings
    carry a prefix; otherwise ``crs`` is returned unchanged.
    """
    prefixes = np.unique(np.floor(easting[np.isfinite(easting)] / 1e6).astype(int))
    if len(prefixes) != 1 or prefixes[0] < 13:
        return crs
    zone = int(prefixes[0])
    name = crs.name
    if "CGCS2000" not in name or "Gauss-Kruger" not in name or "zone" in name.lower():
        return crs
    three = "3-degree" in name
    epsg = (4513 + zone - 25) if three else (4491 + zone - 13)
    return pyproj.CRS.from_epsg(epsg)


def to_wgs84(x: np.ndarray, y: np.ndarray, crs: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates given in ``crs`` (EPSG code, WKT, ``gcj02``, ``bd09``) to WGS-84.

    ``None`` means WGS-84 / CGCS2000 longitude and latitude already.
    """
    if crs is None:
        return x, y
    if crs.lower() == "gcj02":
        return gcj02_to_wgs84(x, y)
    if crs.lower() == "bd09":
        return bd09_to_wgs84(x, y)
    source = gauss_kruger_zone_crs(pyproj.CRS.from_user_input(crs), x)
    transformer = pyproj.Transformer.from_crs(source, STORAGE_CRS, always_xy=True)
    return transformer.transform(x, y)


def swapped_rows(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return, per point, whether longitude and latitude look exchanged (points in China)."""
    return ~_in_china(lon, lat) & _in_china(lat, lon)


def projected_swapped_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return, per point, whether Gauss–Krüger X/Y follow the surveying order (X north).

    In China a northing is 0.3–6 million metres; an easting is under a million metres, or
    carries a zone prefix (13–45 million). Surveyors write X for the northing.
    """
    with np.errstate(invalid="ignore"):
        return (x > 2e6) & (x < 6.5e6) & ((y < 1e6) | (y > 1.2e7))


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return ((lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1]) & (lat >= CHINA_LAT[0])
                & (lat <= CHINA_LAT[1]))


def utm_crs(frame: Any) -> pyproj.CRS:
    """Return the WGS 84 UTM zone at the centre of a GeoDataFrame's or GeoSeries's extent.

    What ``estimate_utm_crs()`` returns, without its query of the PROJ database (slow, and
    made several times per page rerun); frames not in degrees are handed to it.
    """
    if frame.crs is None or not frame.crs.is_geographic:
        return frame.estimate_utm_crs()
    x0, y0, x1, y1 = frame.total_bounds
    if not np.isfinite([x0, y0, x1, y1]).all():
        return frame.estimate_utm_crs()  # raises its own error for an empty frame
    lon, lat = (x0 + x1) / 2, (y0 + y1) / 2
    return _utm_zone(int((lon + 180) // 6) % 60 + 1, bool(lat >= 0))


@cache
def _utm_zone(zone: int, north: bool) -> pyproj.CRS:
    return pyproj.CRS.from_epsg((32600 if north else 32700) + zone)
