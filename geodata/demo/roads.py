"""Roads of the demo county and their accidents.

Roads follow valleys as mountain roads do: the national road runs beside the main river,
provincial roads beside two tributaries, county roads link every township seat to the
network, village roads branch out. Roads are cut into segments of at most 2 km inside one
township; accidents cluster on dangerous segments and on a few black spots.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import ops
from shapely.geometry import LineString

from geodata.demo.terrain import WORK_CRS, Terrain

MAX_SEGMENT_M = 2000.0
CLASS_WEIGHT = {"国道": 3.0, "省道": 2.5, "县道": 1.5, "乡道": 1.0, "村道": 0.6}


def _wiggly(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, *,
            amplitude: float) -> LineString:
    """Return a line from ``a`` to ``b`` bent by smooth perpendicular noise."""
    length = float(np.hypot(*(b - a)))
    n = max(int(length / 300), 2)
    t = np.linspace(0, 1, n + 1)
    normal = np.array([-(b - a)[1], (b - a)[0]]) / max(length, 1.0)
    offset = np.zeros_like(t)
    for k in range(1, 4):
        offset += rng.normal(0, amplitude / k) * np.sin(np.pi * k * t)
    xy = a + np.outer(t, b - a) + np.outer(offset, normal)
    return LineString(xy)


def _routes(rng: np.random.Generator, terrain: Terrain,
            towns: gpd.GeoDataFrame) -> list[tuple[str, str, str, LineString]]:
    """Return (code, name, class, line) of every road, in the work CRS."""
    rivers = terrain.rivers
    main = rivers[0][2].offset_curve(220)
    routes = [("G951", "国道G951清水线", "国道", main)]
    tribs = sorted(rivers[1:], key=lambda r: -r[2].length)[:2]
    for i, (river, _, line) in enumerate(tribs):
        road = line.offset_curve(180 if i == 0 else -180)
        routes.append((f"S9{i + 1:02d}", f"省道S9{i + 1:02d}{river[:2]}线", "省道", road))
    seats = np.array([[p.x, p.y] for p in towns["seat"]])
    network = shapely.union_all([r[3] for r in routes])
    for i, seat in enumerate(seats):
        _, near = ops.nearest_points(shapely.Point(seat), network)
        if near.distance(shapely.Point(seat)) < 150:
            continue
        road = _wiggly(rng, np.array([near.x, near.y]), seat, amplitude=600)
        routes.append((f"X{i + 1:03d}", f"县道X{i + 1:03d}{towns['township_name'][i][:2]}线",
                       "县道", road))
        network = network.union(road)
    for i, j in _extra_links(rng, seats, 4):
        routes.append((f"Y{len(routes):03d}", f"乡道Y{len(routes):03d}", "乡道",
                       _wiggly(rng, seats[i], seats[j], amplitude=900)))
    return routes + _village_roads(rng, seats)


def _extra_links(rng: np.random.Generator, seats: np.ndarray, n: int) -> list[tuple[int, int]]:
    dist = np.hypot(*(seats[:, None, :] - seats[None, :, :]).transpose(2, 0, 1))
    pairs = [(i, j) for i in range(len(seats)) for j in range(i + 1, len(seats))
             if 6000 < dist[i, j] < 11000]
    picks = rng.choice(len(pairs), size=min(n, len(pairs)), replace=False)
    return [pairs[k] for k in picks]


def _village_roads(rng: np.random.Generator,
                   seats: np.ndarray) -> list[tuple[str, str, str, LineString]]:
    roads = []
    for i, seat in enumerate(seats):
        for k in range(int(rng.integers(4, 8))):
            angle = rng.uniform(0, 2 * np.pi)
            length = rng.uniform(2000, 6000)
            end = seat + length * np.array([np.cos(angle), np.sin(angle)])
            start = seat + rng.uniform(0, 800, 2)
            code = f"C{i + 1:02d}{k + 1:02d}"
            roads.append((code, f"村道{code}", "村道",
                          _wiggly(rng, start, end, amplitude=500)))
    return roads


def _pieces(line: shapely.Geometry) -> list[LineString]:
    """Cut a (multi)line into parts of at most MAX_SEGMENT_M."""
    out = []
    for part in shapely.get_parts(line):
        if part.geom_type != "LineString" or part.length < 50:
            continue
        n = int(np.ceil(part.length / MAX_SEGMENT_M))
        step = part.length / n
        out += [ops.substring(part, k * step, (k + 1) * step) for k in range(n)]
    return out


def _flags(terrain: Terrain, seg: LineString) -> dict[str, bool]:
    """Derive dangerous-section flags from the terrain under a segment."""
    pts = np.array([seg.interpolate(d).coords[0]
                    for d in np.linspace(0, seg.length, max(int(seg.length / 100), 2))])
    elev = terrain.sample(terrain.elevation, pts)
    slope = terrain.sample(terrain.slope, pts)
    river = terrain.sample(terrain.river_distance, pts)
    chord = max(float(np.hypot(*(pts[-1] - pts[0]))), 1.0)
    step = seg.length / (len(pts) - 1)
    grade = abs(elev[-1] - elev[0]) / seg.length
    # Thresholds are tuned to the synthetic terrain so that each flag marks 15–25 % of segments.
    return {
        "along_water_cliff": bool(river.min() < 150 and slope.max() > 20),
        "sharp_curve_steep": bool(seg.length / chord > 1.08
                                  or np.abs(np.diff(elev)).max() / step > 1.0),
        "long_downhill": bool(seg.length > 1200 and grade > 0.16),
    }


def make_roads(rng: np.random.Generator, terrain: Terrain,
               towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return road segments (work CRS), each inside one township."""
    rows = []
    for code, name, klass, line in _routes(rng, terrain, towns):
        for t_code, shape in zip(towns["township_code"], towns.geometry, strict=True):
            for k, seg in enumerate(_pieces(line.intersection(shape))):
                rows.append({"segment_id": f"{code}-{t_code[6:9]}-{k + 1:02d}",
                             "road_code": code, "road_name": name, "road_class": klass,
                             "township_code": t_code, "length_m": round(seg.length, 1),
                             **_flags(terrain, seg), "geometry": seg})
    roads = gpd.GeoDataFrame(rows, crs=WORK_CRS)
    busy = roads["road_class"].isin(["国道", "省道", "县道"])
    roads["passenger_route"] = busy | (rng.random(len(roads)) < 0.25)
    return roads


def _danger(roads: gpd.GeoDataFrame) -> np.ndarray:
    flags = roads[["along_water_cliff", "sharp_curve_steep", "long_downhill"]].to_numpy(float)
    return 1 + flags @ np.array([1.5, 1.5, 1.2])


def make_accidents(rng: np.random.Generator, roads: gpd.GeoDataFrame, *, as_of: datetime,
                   n: int = 600, black_spots: int = 10) -> gpd.GeoDataFrame:
    """Return about ``n`` accidents over the 3 years before ``as_of``, on road segments.

    Each of ``black_spots`` segments (``planted_spots``) gets a cluster of 6–11 accidents
    within 150 m of a point: the black spots the engine must find.
    """
    weight = _weight(roads)
    spots = planted_spots(rng, roads, black_spots)
    seg_idx: list[int] = []
    where: list[float] = []
    for s in spots:
        k = int(rng.integers(6, 12))
        centre = rng.uniform(0.2, 0.8) * roads.geometry.iloc[s].length
        seg_idx += [s] * k
        where += list(np.clip(centre + rng.uniform(-150, 150, k), 0,
                              roads.geometry.iloc[s].length))
    rest = n - len(seg_idx)
    picks = rng.choice(len(roads), size=rest, p=weight / weight.sum())
    seg_idx += list(picks)
    where += list(rng.random(rest) * roads.geometry.iloc[picks].length.to_numpy())
    return _accident_rows(rng, roads, np.array(seg_idx), np.array(where), set(spots), as_of)


def _weight(roads: gpd.GeoDataFrame) -> np.ndarray:
    return (roads["length_m"].to_numpy() / 1000 * roads["road_class"].map(CLASS_WEIGHT)
            * _danger(roads)).to_numpy(float)


def planted_spots(rng: np.random.Generator, roads: gpd.GeoDataFrame,
                  black_spots: int = 10) -> np.ndarray:
    """Return the positions of the segments that get a cluster of accidents.

    The first draw of the accidents' stream, so it can be drawn again on its own.
    """
    weight = _weight(roads) * _danger(roads)
    return rng.choice(len(roads), size=black_spots, replace=False, p=weight / weight.sum())


def _accident_rows(rng: np.random.Generator, roads: gpd.GeoDataFrame, seg_idx: np.ndarray,
                   where: np.ndarray, spots: set[int], as_of: datetime) -> gpd.GeoDataFrame:
    n = len(seg_idx)
    seg = roads.iloc[seg_idx].reset_index(drop=True)
    geom = shapely.line_interpolate_point(seg.geometry.values, where)
    days = rng.uniform(0, 3 * 365, n)
    hours = rng.choice(24, size=n, p=_HOUR_WEIGHT / _HOUR_WEIGHT.sum())
    times = [as_of - timedelta(days=float(d)) for d in days]
    times = [t.replace(hour=int(h), minute=int(rng.integers(0, 60)), second=0, microsecond=0)
             for t, h in zip(times, hours, strict=True)]
    on_spot = np.isin(seg_idx, list(spots))
    deaths = rng.choice([0, 1, 2, 3], size=n, p=[0.93, 0.06, 0.007, 0.003])
    deaths = np.where(on_spot & (rng.random(n) < 0.15), deaths + 1, deaths)
    kinds = np.where(seg["along_water_cliff"], "坠车",
                     np.where(seg["sharp_curve_steep"], "翻车", "碰撞"))
    other = rng.choice(["碰撞", "刮擦", "碾压", "撞固定物", "失火", "其他"], size=n,
                       p=[0.35, 0.3, 0.1, 0.15, 0.02, 0.08])
    kinds = np.where(rng.random(n) < 0.45, kinds, other)
    frame = gpd.GeoDataFrame({
        "accident_time": pd.to_datetime(times),
        "township_code": seg["township_code"],
        "segment_id": seg["segment_id"],
        "deaths": deaths,
        "injuries": rng.poisson(1.1, n),
        "accident_type": kinds,
    }, geometry=geom, crs=WORK_CRS).sort_values("accident_time", ignore_index=True,
                                                    kind="stable")
    frame.insert(0, "accident_id", [f"SG{t:%Y%m%d}{i:04d}"
                                    for i, t in enumerate(frame["accident_time"])])
    return frame


_HOUR_WEIGHT = np.array([1, 1, 1, 1, 1, 2, 4, 7, 8, 6, 5, 5, 5, 5, 5, 6, 7, 9, 9, 7, 5, 3, 2,
                         1], dtype=float)
