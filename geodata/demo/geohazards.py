"""Geological hazard sites, past disasters and a year of monitoring for the demo county.

Sites concentrate on steep valley sides near settlements and roads, where a slide would
threaten people (a site is registered because it threatens someone). Scale follows volume
and 险情 follows people and property by the national rules in ``domain.rules``.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from domain.rules import hazard_scale, threat_level
from geodata.demo import names
from geodata.demo.terrain import WORK_CRS, Terrain, as_points, sample_cells

N_SITES = 420
N_EVENTS = 80
MEDIAN_VOLUME_10K_M3 = {"滑坡": 4.0, "崩塌": 0.6, "泥石流": 3.0, "不稳定斜坡": 5.0}
EVENT_MONTH_WEIGHT = np.array([1, 1, 2, 3, 8, 14, 16, 12, 7, 4, 2, 1], dtype=float)
CRACK_RATE_WARNING_MM_PER_DAY = 1.0
"""Daily crack growth treated as a warning sign when shaping the demo's monitoring series."""


def _site_weights(terrain: Terrain, seat_distance: np.ndarray,
                  road_distance: np.ndarray) -> np.ndarray:
    steep = 1 / (1 + np.exp(-(terrain.slope - 13) / 2.5))
    valley = 0.3 + np.exp(-terrain.river_distance / 1500)
    people = 0.4 + np.exp(-seat_distance / 4000) + np.exp(-road_distance / 600)
    return steep * valley * people


def _types(rng: np.random.Generator, slope: np.ndarray, river: np.ndarray) -> np.ndarray:
    u = rng.random(len(slope))
    kind = np.where(u < 0.74, "滑坡", "不稳定斜坡")
    kind = np.where((slope > 17) & (rng.random(len(slope)) < 0.35), "崩塌", kind)
    return np.where((river < 400) & (rng.random(len(slope)) < 0.3), "泥石流", kind)


def make_sites(rng: np.random.Generator, terrain: Terrain, seat_distance: np.ndarray,
               road_distance: np.ndarray, *, as_of: date) -> gpd.GeoDataFrame:
    """Return about N_SITES sites (work CRS) without township codes yet."""
    n_flat = 16
    xy = sample_cells(rng, terrain, _site_weights(terrain, seat_distance, road_distance),
                      N_SITES - n_flat)
    flat_w = (terrain.slope < 6) * np.exp(-seat_distance / 3000)
    xy = np.vstack([xy, sample_cells(rng, terrain, flat_w, n_flat)])
    kinds = _types(rng, terrain.sample(terrain.slope, xy), terrain.sample(
        terrain.river_distance, xy))
    kinds[-n_flat:] = rng.choice(["地面塌陷", "地裂缝", "地面沉降"], size=n_flat,
                                 p=[0.75, 0.19, 0.06])
    sites = gpd.GeoDataFrame({"hazard_type": kinds}, geometry=as_points(xy), crs=WORK_CRS)
    _add_size(rng, sites, terrain.sample(seat_distance, xy))
    _add_watch(rng, sites, as_of)
    return sites


def _add_size(rng: np.random.Generator, sites: gpd.GeoDataFrame, seat_km: np.ndarray) -> None:
    n = len(sites)
    median = sites["hazard_type"].map(MEDIAN_VOLUME_10K_M3).to_numpy(float)
    sites["volume_10k_m3"] = np.round(median * rng.lognormal(0, 1.2, n), 2)
    sites["hazard_scale"] = [hazard_scale(t, v) or "小型"
                             for t, v in zip(sites["hazard_type"], sites["volume_10k_m3"],
                                             strict=True)]
    people = np.round(rng.lognormal(np.log(22), 1.0, n) * (1 + 2 * np.exp(-seat_km / 3000)))
    # the slopes above town seats threaten the most people
    big = np.argsort(seat_km, kind="stable")[:6]
    people[big] = [1200, 1050, 800, 650, 560, 520]
    sites["threatened_people"] = people.astype(int)
    sites["threatened_households"] = np.maximum(
        1, np.ceil(people / rng.uniform(3.0, 4.5, n))).astype(int)
    sites["threatened_property_wan"] = np.round(people * rng.uniform(3, 9, n), 1)
    sites["threat_level"] = threat_level(sites["threatened_people"],
                                         sites["threatened_property_wan"])


def _add_watch(rng: np.random.Generator, sites: gpd.GeoDataFrame, as_of: date) -> None:
    """Add monitoring method, monitor, status and last inspection."""
    n = len(sites)
    level = sites["threat_level"].to_numpy()
    u = rng.random(n)
    method = np.where(np.isin(level, ["大型", "特大型"]), "专业监测",
                      np.where((level == "中型") & (u < 0.7), "普适型监测",
                               np.where(u < 0.1, "普适型监测", "群测群防")))
    written_off = rng.random(n) < 0.04
    sites["monitoring_method"] = np.where(written_off, "未监测", method)
    sites["site_status"] = np.where(written_off, "已核销", "在册")
    has_monitor = ~written_off & (rng.random(n) > 0.03)
    sites["monitor_name"] = [names.person(rng) if m else None for m in has_monitor]
    sites["monitor_phone"] = [names.phone(rng) if m else None for m in has_monitor]
    age = np.where(rng.random(n) < 0.08, rng.uniform(100, 300, n), rng.exponential(20, n))
    last = pd.Timestamp(as_of) - pd.to_timedelta(np.round(age), unit="D")
    sites["last_inspection_date"] = pd.Series(last).where(~written_off)


def name_sites(rng: np.random.Generator, sites: gpd.GeoDataFrame) -> None:
    """Give every site an ID within its township and a place name (after codes are set)."""
    order = sites.groupby("township_code").cumcount() + 1
    sites["site_id"] = [f"DZ{c[6:9]}{k:03d}" for c, k in zip(sites["township_code"], order,
                                                              strict=True)]
    sites["site_name"] = [f"{names.village(rng)}{names.place(rng)}{t}"
                          for t in sites["hazard_type"]]


def make_events(rng: np.random.Generator, terrain: Terrain, sites: gpd.GeoDataFrame, *,
                as_of: date) -> gpd.GeoDataFrame:
    """Return about N_EVENTS past disasters over ten years, most at known sites in summer."""
    at_site = int(N_EVENTS * 0.7)
    active = sites[sites["site_status"] == "在册"]
    pick = rng.choice(len(active), size=at_site, replace=False)
    chosen = active.iloc[pick]
    xy_new = sample_cells(rng, terrain, (terrain.slope > 15).astype(float), N_EVENTS - at_site)
    kinds_new = _types(rng, terrain.sample(terrain.slope, xy_new),
                       terrain.sample(terrain.river_distance, xy_new))
    geom = np.concatenate([chosen.geometry.values, as_points(xy_new)])
    month = rng.choice(12, size=N_EVENTS, p=EVENT_MONTH_WEIGHT / EVENT_MONTH_WEIGHT.sum()) + 1
    years_back = rng.integers(0, 10, N_EVENTS)
    days = np.array([_event_day(rng, as_of, int(y), int(m))
                     for y, m in zip(years_back, month, strict=True)])
    trigger = rng.choice(["降雨", "人类工程活动", "地震", "不明"], size=N_EVENTS,
                         p=[0.84, 0.1, 0.02, 0.04])
    deaths = rng.choice([0, 1, 2, 3], size=N_EVENTS, p=[0.93, 0.04, 0.02, 0.01])
    events = gpd.GeoDataFrame({
        "event_date": pd.to_datetime(days),
        "hazard_type": np.concatenate([chosen["hazard_type"].to_numpy(), kinds_new]),
        "site_id": list(chosen["site_id"]) + [None] * (N_EVENTS - at_site),
        "deaths": deaths,
        "injuries": rng.poisson(0.6, N_EVENTS) + deaths,
        "direct_loss_wan": np.round(rng.lognormal(np.log(25), 1.1, N_EVENTS), 1),
        "trigger": trigger,
        "data_source": "县自然资源局灾情报表（演示数据）",
    }, geometry=geom, crs=WORK_CRS).sort_values("event_date", ignore_index=True, kind="stable")
    events["event_id"] = [f"ZQ{d:%Y%m%d}{i:03d}" for i, d in enumerate(events["event_date"])]
    events["event_description"] = [
        f"{d:%Y年%m月%d日}{t}诱发{k}" + (f"，造成{n}人死亡" if n else "，未造成人员伤亡")
        for d, t, k, n in zip(events["event_date"], events["trigger"], events["hazard_type"],
                              events["deaths"], strict=True)
    ]
    return events


def _event_day(rng: np.random.Generator, as_of: date, years_back: int, month: int) -> date:
    year = as_of.year - years_back - (1 if month > as_of.month else 0)
    return date(year, month, int(rng.integers(1, 29)))


def monitoring_rows(rng: np.random.Generator, sites: gpd.GeoDataFrame, rain: np.ndarray,
                    town_pos: dict[str, int], days: pd.DatetimeIndex) -> pd.DataFrame:
    """Return a year of daily readings at every instrumented active site.

    Every instrumented site reports rain; slides and unstable slopes report crack width,
    professionally monitored ones cumulative displacement too. Both grow slowly and jump after
    several days of heavy rain at the sites most sensitive to it.
    """
    watched = sites[sites["monitoring_method"].isin(["专业监测", "普适型监测"])
                    & (sites["site_status"] == "在册")]
    times = days + pd.Timedelta(hours=8)
    frames = []
    for _, site in watched.iterrows():
        site_rain = np.round(rain[:, town_pos[site["township_code"]]]
                             * rng.lognormal(0, 0.15, len(days)), 1)
        frames.append(_readings(site["site_id"], "降雨量", times, site_rain))
        if site["hazard_type"] in ("滑坡", "不稳定斜坡", "崩塌"):
            frames.append(_readings(site["site_id"], "裂缝宽度", times,
                                    _creep(rng, site_rain, start=rng.uniform(3, 30))))
        if site["monitoring_method"] == "专业监测" and site["hazard_type"] != "崩塌":
            frames.append(_readings(site["site_id"], "累计位移", times,
                                    _creep(rng, site_rain, start=0.0, scale=3.0)))
    return pd.concat(frames, ignore_index=True)


def _creep(rng: np.random.Generator, rain: np.ndarray, *, start: float,
           scale: float = 1.0) -> np.ndarray:
    antecedent = np.convolve(rain, np.ones(3), mode="full")[: len(rain)]
    fragile = rng.random() < 0.2
    sensitivity = (rng.uniform(0.5, 1.2) if fragile else rng.uniform(0.02, 0.2)) * scale
    growth = (rng.uniform(0.003, 0.02) * scale
              + sensitivity * np.maximum(antecedent - 60, 0) / 40
              + np.abs(rng.normal(0, 0.01 * scale, len(rain))))
    return np.round(start + np.cumsum(growth), 2)


def _readings(site_id: str, kind: str, times: pd.DatetimeIndex,
              values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"site_id": site_id, "reading_time": times, "reading_kind": kind,
                         "value": values})
