"""Forest zones and fires of the demo county.

Forest covers about half the county, on the higher and steeper ground; zones are the forest
patches of one forest type inside one township. Fires cluster in the dry season and on the
days people burn paper at graves (清明) or celebrate (春节), near roads and villages.
"""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from domain.rules import township_names
from geodata.demo.terrain import CELL, WORK_CRS, Terrain, as_points, sample_cells, smooth_noise
from geodata.demo.townships import polygonize

FOREST_TYPES = ("针叶林", "针阔混交林", "阔叶林", "竹林", "灌木林", "经济林")
TYPE_SHARE = np.array([0.34, 0.24, 0.2, 0.08, 0.08, 0.06])
MIN_ZONE_HA = 15.0
SPRING_FESTIVAL = {2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10),
                   2025: date(2025, 1, 29), 2026: date(2026, 2, 17)}
QINGMING = {y: date(y, 4, 4 if y % 4 == 0 else 5) for y in range(2022, 2027)}


def forest_grid(rng: np.random.Generator, terrain: Terrain) -> np.ndarray:
    """Return a grid of forest-type indices (-1 where there is no forest)."""
    z = terrain.elevation[terrain.mask]
    score = ((terrain.elevation - z.mean()) / z.std()
             + 0.6 * smooth_noise(rng, terrain.x, terrain.y, wavelengths=(3000, 12000)))
    forest = terrain.mask & (score > np.median(score[terrain.mask]))
    kind_field = smooth_noise(rng, terrain.x, terrain.y, wavelengths=(3000, 9000))
    cuts = np.quantile(kind_field[forest], np.cumsum(TYPE_SHARE)[:-1])
    return np.where(forest, np.searchsorted(cuts, kind_field), -1)


def make_zones(rng: np.random.Generator, terrain: Terrain, labels: np.ndarray,
               kinds: np.ndarray, towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return forest zones (work CRS), each one forest type inside one township."""
    combined = np.where(kinds >= 0, labels * 10 + kinds, -1)
    cells = polygonize(combined)
    keys = sorted(cells)
    shapes = shapely.coverage_simplify(np.array([cells[k] for k in keys]), CELL * 2.0)
    rows = []
    for key, shape in zip(keys, shapes, strict=True):
        town = towns.iloc[key // 10]
        clipped = shapely.make_valid(shape).intersection(town.geometry)
        for part in shapely.get_parts(clipped):
            if part.geom_type == "Polygon" and part.area / 1e4 >= MIN_ZONE_HA:
                rows.append({"township_code": town["township_code"],
                             "forest_type": FOREST_TYPES[key % 10], "geometry": part})
    zones = gpd.GeoDataFrame(rows, crs=WORK_CRS)
    zones["area_ha"] = np.round(zones.area / 1e4, 1)
    order = zones.groupby("township_code").cumcount() + 1
    zones["zone_id"] = [f"LQ{c[6:9]}{k:03d}" for c, k in zip(zones["township_code"], order,
                                                              strict=True)]
    town_name = township_names(towns)
    zones["zone_name"] = [f"{town_name[c]}{t}{k}号林区" for c, t, k in
                          zip(zones["township_code"], zones["forest_type"], order, strict=True)]
    _add_risk(rng, zones, terrain)
    return zones


def _add_risk(rng: np.random.Generator, zones: gpd.GeoDataFrame, terrain: Terrain) -> None:
    centres = np.column_stack([zones.centroid.x, zones.centroid.y])
    steep = terrain.sample(terrain.slope, centres) > 15
    conifer = zones["forest_type"].isin(["针叶林", "针阔混交林"]).to_numpy()
    zones["fire_risk_class"] = np.where(conifer & steep, "Ⅰ级",
                                        np.where(conifer | steep, "Ⅱ级", "Ⅲ级"))
    zones["key_fire_area"] = (zones["fire_risk_class"] == "Ⅰ级") & (zones["area_ha"] > 100)
    zones.loc[rng.random(len(zones)) < 0.05, "key_fire_area"] = True


def _fire_days(rng: np.random.Generator, n: int, as_of: date) -> list[date]:
    """Return ``n`` dates over five years: festivals, dry season, and the rest."""
    start = as_of - timedelta(days=5 * 365)
    festivals = [d for d in (*SPRING_FESTIVAL.values(), *QINGMING.values()) if start <= d
                 <= as_of]
    days: list[date] = []
    for u in rng.random(n):
        if u < 0.25:
            days.append(festivals[rng.integers(len(festivals))]
                        + timedelta(days=int(rng.integers(-2, 4))))
        elif u < 0.85:
            year = int(rng.integers(start.year + 1, as_of.year + 1))
            days.append(date(year, 1, 1) + timedelta(days=int(rng.integers(-30, 120))))
        else:
            days.append(start + timedelta(days=int(rng.integers(0, 5 * 365))))
    return [min(max(d, start), as_of) for d in days]


def make_fires(rng: np.random.Generator, terrain: Terrain, kinds: np.ndarray,
               road_distance: np.ndarray, *, as_of: date, n_fires: int = 150,
               n_hotspots: int = 50) -> gpd.GeoDataFrame:
    """Return reported fires (mostly in forest near roads) and satellite hotspots."""
    near = np.exp(-road_distance / 800)
    fire_xy = sample_cells(rng, terrain, np.where(kinds >= 0, 1.0, 0.15) * near, n_fires)
    days = _fire_days(rng, n_fires, as_of)
    festival = {d for v in (*SPRING_FESTIVAL.values(), *QINGMING.values())
                for d in (v + timedelta(days=k) for k in range(-2, 4))}
    cause = [_cause(rng, d, d in festival) for d in days]
    hot_xy = sample_cells(rng, terrain, np.where(kinds >= 0, 0.3, 1.0) * near, n_hotspots)
    hot_days = _fire_days(rng, n_hotspots, as_of)
    times = [pd.Timestamp(d) + pd.Timedelta(hours=int(h))
             for d, h in zip(days + hot_days, rng.integers(9, 19, n_fires + n_hotspots),
                             strict=True)]
    fires = gpd.GeoDataFrame({
        "fire_time": times,
        "fire_source": ["上报火情"] * n_fires + ["卫星热点"] * n_hotspots,
        "fire_cause": cause + ["不明"] * n_hotspots,
        "burned_area_ha": list(np.round(rng.lognormal(np.log(0.8), 1.2, n_fires), 2))
        + [None] * n_hotspots,
        "confidence": [None] * n_fires + list(rng.integers(30, 96, n_hotspots)),
    }, geometry=as_points(np.vstack([fire_xy, hot_xy])), crs=WORK_CRS)
    fires = fires.sort_values("fire_time", ignore_index=True, kind="stable")
    fires["fire_id"] = [("RD" if s == "卫星热点" else "HQ") + f"{t:%Y%m%d}{i:03d}"
                        for i, (s, t) in enumerate(zip(fires["fire_source"], fires["fire_time"],
                                                       strict=True))]
    return fires


def _cause(rng: np.random.Generator, day: date, festival: bool) -> str:
    if festival and rng.random() < 0.8:
        return "祭祀用火"
    if day.month in (2, 3, 4) and rng.random() < 0.45:
        return "农事用火"
    return str(rng.choice(["野外吸烟", "生活用火", "电力线路", "雷击", "小孩玩火", "不明"],
                          p=[0.25, 0.2, 0.1, 0.05, 0.1, 0.3]))
