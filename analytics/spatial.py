"""Spatial helpers: every distance and area in metres, in a projected CRS, never in degrees."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from domain.coords import utm_crs


def metric_crs(frame: gpd.GeoDataFrame, setting: str = "auto") -> pyproj.CRS:
    """Return the projected CRS for measuring ``frame``: its UTM zone, or ``setting``."""
    crs = utm_crs(frame) if setting == "auto" else pyproj.CRS.from_user_input(setting)
    if not crs.is_projected:
        raise ValueError(f"distances need a projected CRS, not {crs.name}")
    return crs


def to_metric(frame: gpd.GeoDataFrame, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Return ``frame`` in ``crs`` with rows lacking geometry dropped."""
    present = frame.geometry.notna() & ~frame.geometry.is_empty
    return frame[present].to_crs(crs)


def nearest_distance(points: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.Series:
    """Return, per point, the distance (metres) to the nearest target; NaN with no target.

    Both frames must be in the same projected CRS.
    """
    if points.crs is None or not points.crs.is_projected:
        raise ValueError("nearest_distance needs a projected CRS (metres)")
    if targets.empty or points.empty:
        return pd.Series(np.nan, index=points.index)
    joined = gpd.sjoin_nearest(points[["geometry"]], targets[["geometry"]], how="left",
                               distance_col="distance")
    return joined.groupby(level=0)["distance"].min().reindex(points.index)


def within_distance(points: gpd.GeoDataFrame, targets: gpd.GeoDataFrame,
                    distance_m: float) -> pd.Series:
    """Return, per point, whether any target lies within ``distance_m`` metres."""
    if points.crs is None or not points.crs.is_projected:
        raise ValueError("within_distance needs a projected CRS (metres)")
    if targets.empty or points.empty:
        return pd.Series(False, index=points.index)
    hits = gpd.sjoin(points[["geometry"]], targets[["geometry"]], predicate="dwithin",
                     distance=distance_m)
    return pd.Series(points.index.isin(hits.index), index=points.index)


def sum_by_township(values: pd.Series, codes: pd.Series, townships: pd.Index) -> pd.Series:
    """Return the sum of ``values`` per township code, 0 for townships with none."""
    return values.groupby(codes.to_numpy()).sum().reindex(townships, fill_value=0.0)
