"""Road black spots (事故多发点段): sliding windows along each road over recent accidents.

Accidents are snapped to their road segment (their ``segment_id``, else the nearest segment
within ``snap_m``), placed at a chainage along their road (the road's segments merged into
one line), and a window of ``window_m`` is slid along it starting at every accident. A window
holding ``min_accidents`` accidents, or ``min_deaths`` deaths, within the period is a black
spot; overlapping windows merge into one spot, returned as the stretch of road it covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import ops

from domain.columns import isin

SPOT_COLUMNS = ["road_code", "township_code", "accidents", "deaths", "injuries", "start_m",
                "end_m", "length_m"]


def snap_accidents(accidents: gpd.GeoDataFrame, segments: gpd.GeoDataFrame,
                   snap_m: float) -> gpd.GeoDataFrame:
    """Return accidents with a ``segment_id`` (nearest within ``snap_m`` when missing).

    Both frames must be in the same projected CRS; accidents that snap to nothing are
    dropped.
    """
    known = isin(accidents["segment_id"], segments["segment_id"])
    loose = accidents[~known]
    if not loose.empty:
        joined = gpd.sjoin_nearest(loose[["geometry"]], segments[["segment_id", "geometry"]],
                                   max_distance=snap_m, how="inner")
        joined = joined[~joined.index.duplicated()]
        accidents = accidents.copy()
        accidents.loc[joined.index, "segment_id"] = joined["segment_id"]
        known = isin(accidents["segment_id"], segments["segment_id"])
    return accidents[known]


def _merged(lines: np.ndarray) -> list[shapely.LineString]:
    merged = shapely.line_merge(shapely.union_all(lines))
    return [p for p in shapely.get_parts(merged) if p.length > 0]


def _nearest_part(points: np.ndarray, parts: list[shapely.LineString]) -> np.ndarray:
    """Return, per point, the index of the nearest part of a road."""
    if len(parts) == 1:
        return np.zeros(len(points), dtype=int)
    found = np.zeros(len(points), dtype=int)
    source, target = shapely.STRtree(parts).query_nearest(points, all_matches=False)
    found[source] = target
    return found


def _windows(chain: np.ndarray, deaths: np.ndarray, window_m: float, min_accidents: int,
             min_deaths: int) -> list[tuple[float, float]]:
    """Return the merged [start, end] stretches of flagged windows along one line."""
    order = np.argsort(chain)
    chain, deaths = chain[order], deaths[order]
    ends = np.searchsorted(chain, chain + window_m, side="right")
    cum_deaths = np.concatenate([[0], np.cumsum(deaths)])
    count = ends - np.arange(len(chain))
    dead = cum_deaths[ends] - cum_deaths[np.arange(len(chain))]
    flagged = [(chain[i], chain[ends[i] - 1]) for i in np.flatnonzero(
        (count >= min_accidents) | (dead >= min_deaths))]
    spans: list[tuple[float, float]] = []
    for start, end in flagged:
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def find_black_spots(accidents: gpd.GeoDataFrame, segments: gpd.GeoDataFrame, *,
                     as_of: pd.Timestamp, settings: Mapping[str, Any],
                     snap_m: float) -> gpd.GeoDataFrame:
    """Return black spots as line geometries with their counts (same CRS as the input).

    Args:
        accidents: Road accidents in a projected CRS.
        segments: Road segments in the same CRS.
        as_of: End of the period considered.
        settings: ``window_m``, ``period_years``, ``min_accidents``, ``min_deaths``.
        snap_m: Largest distance at which an accident without segment is snapped.
    """
    start = as_of - pd.DateOffset(years=int(settings["period_years"]))
    recent = accidents[(accidents["accident_time"] > start)
                       & (accidents["accident_time"] <= as_of)]
    snapped = snap_accidents(recent, segments, snap_m)
    road_of = segments.set_index("segment_id")["road_code"]
    roads = snapped["segment_id"].map(road_of).to_numpy()
    points = np.asarray(snapped.geometry.values, dtype=object)
    deaths = snapped["deaths"].fillna(0).to_numpy(float)
    injuries = snapped["injuries"].fillna(0).to_numpy(float)
    lines_of = segments.groupby("road_code").indices
    seg_geoms = np.asarray(segments.geometry.values, dtype=object)
    rule = (float(settings["window_m"]), int(settings["min_accidents"]),
            int(settings["min_deaths"]))
    rows = []
    for road, pos in pd.Series(roads).groupby(roads).indices.items():
        if len(pos) < rule[1] and deaths[pos].sum() < rule[2]:
            continue  # too few accidents on the whole road for any window to qualify
        parts = _merged(seg_geoms[lines_of[road]])
        nearest = _nearest_part(points[pos], parts)
        # Only the parts that could hold a window: a road in a province has thousands.
        count = np.bincount(nearest, minlength=len(parts))
        dead = np.bincount(nearest, weights=deaths[pos], minlength=len(parts))
        for j in np.flatnonzero((count >= rule[1]) | (dead >= rule[2])):
            line, sel = parts[j], pos[nearest == j]
            chain = shapely.line_locate_point(line, points[sel])
            for a, b in _windows(chain, deaths[sel], *rule):
                inside = (chain >= a) & (chain <= b)
                rows.append(_spot(road, line, a, b, rule[0], int(inside.sum()),
                                  deaths[sel][inside].sum(), injuries[sel][inside].sum()))
    return _spots_frame(rows, segments)


def _spot(road: str, line: shapely.LineString, start: float, end: float, window_m: float,
          count: int, deaths: float, injuries: float) -> dict[str, Any]:
    pad = max(0.0, (window_m - (end - start)) / 2)  # show at least one window of road
    a, b = max(0.0, start - pad), min(line.length, end + pad)
    return {"road_code": road, "accidents": count, "deaths": int(deaths),
            "injuries": int(injuries), "start_m": round(a, 1), "end_m": round(b, 1),
            "length_m": round(b - a, 1), "geometry": ops.substring(line, a, b)}


def _spots_frame(rows: list[dict[str, Any]], segments: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not rows:
        return gpd.GeoDataFrame(columns=[*SPOT_COLUMNS, "geometry"], geometry="geometry",
                                crs=segments.crs)
    spots = gpd.GeoDataFrame(rows, geometry="geometry", crs=segments.crs)
    mid = gpd.GeoDataFrame(geometry=spots.geometry.interpolate(0.5, normalized=True),
                           crs=segments.crs)
    hit = gpd.sjoin_nearest(mid, segments[["township_code", "geometry"]], how="left")
    spots["township_code"] = hit[~hit.index.duplicated()]["township_code"].to_numpy()
    return spots[[*SPOT_COLUMNS, "geometry"]]
