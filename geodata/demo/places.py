"""Relocation sites and facilities of the demo county, placed around township seats."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.demo import names
from geodata.demo.terrain import WORK_CRS

RELOCATION_NAMES = ("幸福家园", "新市民小区", "阳光社区", "和谐家园", "易迁新区", "安居苑",
                    "感恩社区", "同心家园")
VENUE_KINDS = ("小餐饮店", "小旅馆", "小网吧", "小歌舞厅", "小商店", "小美容店", "三合一场所",
               "小加工厂")


def near(rng: np.random.Generator, centre: shapely.Point, shape: shapely.Geometry,
          spread: float) -> shapely.Point:
    """Return a point within ``spread`` metres of ``centre`` and inside ``shape``."""
    for _ in range(50):
        pt = shapely.Point(centre.x + rng.normal(0, spread), centre.y + rng.normal(0, spread))
        if shape.contains(pt):
            return pt
    return centre


def make_relocation_sites(rng: np.random.Generator, towns: gpd.GeoDataFrame, *,
                          as_of: pd.Timestamp, n: int = 30) -> gpd.GeoDataFrame:
    """Return ``n`` relocation sites: a third at the county seat, the rest at town seats."""
    at_seat = n // 3
    hosts = [0] * at_seat + list(rng.choice(np.arange(1, len(towns)), size=n - at_seat))
    rows = []
    for k, i in enumerate(hosts):
        town = towns.iloc[i]
        households = int(rng.integers(300, 1500) if i == 0 else rng.integers(30, 300))
        rows.append({
            "reloc_id": f"AZ{k + 1:03d}",
            "reloc_name": f"{town['township_name']}{RELOCATION_NAMES[k % 8]}安置点"
                          + (f"{k // 8 + 1}期" if k >= 8 else ""),
            "township_code": town["township_code"],
            "households": households,
            "people": int(households * rng.uniform(3.8, 4.6)),
            "shops": int(households * rng.uniform(0.04, 0.15)),
            "built_year": int(rng.integers(2016, 2021)),
            "geometry": near(rng, town["seat"], town.geometry, 900 if i == 0 else 500),
        })
    frame = gpd.GeoDataFrame(rows, crs=WORK_CRS)
    frame["last_inspection_date"] = as_of.normalize() - pd.to_timedelta(
        rng.integers(3, 120, len(frame)), unit="D")
    return frame


def _facility(rng: np.random.Generator, town: pd.Series, category: str, name: str,
              capacity: int | None, spread: float) -> dict:
    return {"facility_name": name, "facility_category": category,
            "township_code": town["township_code"], "capacity": capacity,
            "contact_phone": names.phone(rng),
            "geometry": near(rng, town["seat"], town.geometry, spread)}


def _town_facilities(rng: np.random.Generator, town: pd.Series, seat: bool) -> list[dict]:
    t = town["township_name"]
    rows = [_facility(rng, town, "学校", f"{t}中心小学", int(rng.integers(300, 1500)), 400),
            _facility(rng, town, "医院", f"{t}卫生院", int(rng.integers(20, 80)), 300),
            _facility(rng, town, "救援队伍", f"{t}应急救援队", int(rng.integers(15, 40)), 300)]
    rows += [_facility(rng, town, "学校", f"{t}{names.village(rng)}小学",
                       int(rng.integers(40, 400)), 2500) for _ in range(int(rng.integers(1, 4)))]
    rows += [_facility(rng, town, "避难场所", f"{t}{names.place(rng)}应急避难场所",
                       int(rng.integers(500, 5000)), 1200) for _ in range(int(rng.integers(1, 4)))]
    rows += [_facility(rng, town, "人员密集场所", f"{t}{names.place(rng)}{rng.choice(VENUE_KINDS)}",
                       int(rng.integers(10, 120)), 600)
             for _ in range(int(rng.integers(8, 14) if seat else rng.integers(1, 4)))]
    if rng.random() < 0.3 or seat:
        rows.append(_facility(rng, town, "森林消防队", f"{t}森林消防专业队",
                              int(rng.integers(12, 30)), 500))
    if rng.random() < 0.5:
        rows.append(_facility(rng, town, "取水点", f"{t}{names.place(rng)}取水点", None, 2500))
    if rng.random() < 0.2:
        rows.append(_facility(rng, town, "物资储备库", f"{t}应急物资储备点", None, 300))
    return rows


def _seat_facilities(rng: np.random.Generator, town: pd.Series) -> list[dict]:
    return [
        _facility(rng, town, "医院", "演示县人民医院", 520, 600),
        _facility(rng, town, "医院", "演示县中医医院", 260, 600),
        _facility(rng, town, "学校", "演示县第一中学", 3200, 700),
        _facility(rng, town, "学校", "演示县民族中学", 2600, 700),
        _facility(rng, town, "救援队伍", "演示县综合应急救援大队", 60, 400),
        _facility(rng, town, "消防站", "演示县消防救援大队城关消防救援站", 45, 400),
        _facility(rng, town, "物资储备库", "演示县应急物资储备库", None, 800),
        _facility(rng, town, "避难场所", "演示县人民广场应急避难场所", 12000, 500),
    ]


def make_facilities(rng: np.random.Generator, towns: gpd.GeoDataFrame,
                    roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return schools, hospitals, shelters, rescue resources and hazardous places."""
    rows = _seat_facilities(rng, towns.iloc[0])
    for i in range(len(towns)):
        rows += _town_facilities(rng, towns.iloc[i], seat=i == 0)
    for i in rng.choice(np.arange(1, len(towns)), size=2, replace=False):
        town = towns.iloc[i]
        rows.append(_facility(rng, town, "消防站", f"{town['township_name']}专职消防队", 20, 300))
    rows += _chemical_units(rng, roads)
    frame = gpd.GeoDataFrame(rows, crs=WORK_CRS)
    frame["occupants"] = _shelter_occupants(rng, frame)
    frame.insert(0, "facility_id", [f"SS{k + 1:04d}" for k in range(len(frame))])
    return frame


def _shelter_occupants(rng: np.random.Generator, frame: pd.DataFrame) -> pd.Series:
    """Return people already in each shelter (most empty, some partly used); NA elsewhere."""
    shelter = frame["facility_category"] == "避难场所"
    used = rng.random(len(frame)) < 0.25
    share = rng.uniform(0.2, 0.9, len(frame))
    taken = np.where(used, np.round(frame["capacity"].fillna(0) * share), 0)
    return pd.Series(taken, index=frame.index).where(shelter).astype("Int64")


def _chemical_units(rng: np.random.Generator, roads: gpd.GeoDataFrame) -> list[dict]:
    """Return filling stations along main roads and a few gas depots."""
    main = roads[roads["road_class"].isin(["国道", "省道"])].reset_index(drop=True)
    rows = []
    for k, i in enumerate(rng.choice(len(main), size=min(15, len(main)), replace=False)):
        seg = main.iloc[i]
        pt = seg.geometry.interpolate(0.5, normalized=True)
        kind = "液化气充装站" if k % 5 == 4 else "加油站"
        rows.append({"facility_name": f"{seg['road_code']}{names.place(rng)}{kind}",
                     "facility_category": "危化品单位", "township_code": seg["township_code"],
                     "capacity": None, "contact_phone": names.phone(rng), "geometry": pt})
    return rows
