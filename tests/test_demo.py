"""The demo county: deterministic, and its invariants hold (checked, not trusted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from domain.rules import hazard_scale, threat_level
from domain.schema import ENTITY_TABLES, LEDGER_DOMAINS
from geodata.demo import AS_OF, generate
from geodata.demo.forest import QINGMING, SPRING_FESTIVAL
from geodata.demo.geohazards import CRACK_RATE_WARNING_MM_PER_DAY
from geodata.demo.terrain import WORK_CRS
from geodata.demo.townships import COUNTY_POPULATION
from geodata.demo.weather import days_without_rain
from geodata.fingerprint import content_hash, frame_hash
from tests.server import ROOT

POINT_TABLES = ("geohazard_sites", "geohazard_events", "fire_events", "road_accidents",
                "relocation_sites", "facilities", "hazard_ledger")


FINGERPRINTS = """
import json
from geodata.demo import generate
from geodata.fingerprint import frame_hash
print(json.dumps({name: frame_hash(frame) for name, frame in generate(42).items()}))
"""


def _vector_kernels() -> list[str]:
    """Return the instruction-set groups (AVX2, AVX-512 …) NumPy dispatches to here."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def test_same_seed_same_content_on_every_processor(demo_frames: dict) -> None:
    """Drawn again in a new process with NumPy's vector kernels switched off, the demo is the
    same, table by table (a default sort orders equal values by the processor's kernel)."""
    kernels = _vector_kernels()
    assert kernels, f"NumPy {np.__version__} dispatches no kernel here: nothing to compare"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NPY_DISABLE_CPU_FEATURES": " ".join(kernels)}
    done = subprocess.run([sys.executable, "-c", FINGERPRINTS], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    plain = json.loads(done.stdout)
    here = {name: frame_hash(frame) for name, frame in demo_frames.items()}
    differ = sorted(name for name in here if here[name] != plain.get(name))
    assert not differ and set(plain) == set(here), f"drawn differently without {kernels}: {differ}"


def test_other_seed_other_content(demo_frames: dict) -> None:
    assert content_hash(generate(7)) != content_hash(demo_frames)


def test_every_table_filled_and_sizes_as_asked(demo: dict) -> None:
    n = {name: len(demo[name]) for name in ENTITY_TABLES}
    assert all(n.values()), n
    assert 18 <= n["townships"] <= 22
    assert 300 <= n["geohazard_sites"] <= 500
    assert 60 <= n["geohazard_events"] <= 100
    assert 25 <= n["relocation_sites"] <= 35
    assert 500 <= n["road_accidents"] <= 700
    assert 2500 <= n["hazard_ledger"] <= 3500
    reported = (demo["fire_events"]["fire_source"] == "上报火情").sum()
    assert 120 <= reported <= 180
    teams = (demo["facilities"]["facility_category"] == "救援队伍").sum()
    assert 15 <= teams <= 25
    assert set(demo["facilities"]["facility_category"]) >= {
        "学校", "医院", "避难场所", "救援队伍", "物资储备库", "消防站", "危化品单位",
        "人员密集场所"}
    assert set(demo["road_segments"]["road_class"]) == {"国道", "省道", "县道", "乡道", "村道"}


def test_townships_cover_the_county_without_gaps_or_overlaps(demo: dict) -> None:
    towns = demo["townships"]
    assert shapely.coverage_is_valid(towns.geometry.values)
    county = shapely.union_all(towns.geometry.values)
    assert county.geom_type == "Polygon" and len(county.interiors) == 0
    metric = towns.to_crs(WORK_CRS)
    assert metric.area.sum() == pytest.approx(shapely.union_all(metric.geometry.values).area,
                                              rel=1e-9)
    pairs = gpd.sjoin(metric, metric, predicate="overlaps")
    assert pairs.empty
    assert towns["township_code"].str.fullmatch(r"529901\d{3}000").all()
    assert towns["township_code"].is_unique and towns["township_name"].is_unique
    assert towns["is_county_seat"].sum() == 1
    assert (towns.geom_type == "Polygon").all(), "each township is one piece"


@pytest.mark.parametrize("table", POINT_TABLES)
def test_every_point_lies_in_the_township_it_names(demo: dict, table: str) -> None:
    points = demo[table]
    points = points[points.geometry.notna()]
    towns = demo["townships"].set_index("township_code").geometry
    inside = points.geometry.within(gpd.GeoSeries(towns.loc[points["township_code"]].values,
                                                  index=points.index, crs=points.crs))
    assert inside.all(), points[~inside].head()


@pytest.mark.parametrize("table", ["road_segments", "forest_zones"])
def test_lines_and_zones_lie_in_their_township(demo: dict, table: str) -> None:
    frame = demo[table].to_crs(WORK_CRS)
    towns = demo["townships"].to_crs(WORK_CRS).set_index("township_code").geometry
    shapes = gpd.GeoSeries(towns.loc[frame["township_code"]].values, index=frame.index,
                           crs=frame.crs)
    # 1 cm of slack: a computed crossing point is never exactly on the border in floats.
    assert frame.geometry.within(shapes.buffer(0.01)).all()


def test_populations_add_up(demo: dict) -> None:
    towns = demo["townships"]
    assert towns["population"].sum() == COUNTY_POPULATION
    assert (towns["households"] < towns["population"]).all()
    reloc = demo["relocation_sites"].groupby("township_code")["people"].sum()
    pop = towns.set_index("township_code")["population"]
    assert (reloc <= 0.5 * pop.loc[reloc.index]).all()
    assert (demo["relocation_sites"]["households"] < demo["relocation_sites"]["people"]).all()
    sites = demo["geohazard_sites"]
    assert (sites["threatened_households"] <= sites["threatened_people"]).all()
    metric = towns.to_crs(WORK_CRS)
    assert np.allclose(towns["area_km2"], metric.area / 1e6, rtol=1e-3)


def test_forest_covers_about_half_and_matches_zones(demo: dict) -> None:
    towns = demo["townships"].to_crs(WORK_CRS)
    zones = demo["forest_zones"].to_crs(WORK_CRS)
    share = zones.area.sum() / towns.area.sum()
    assert 0.4 <= share <= 0.6
    by_town = zones.area.groupby(zones["township_code"]).sum()
    cover = towns.set_index("township_code").area
    expected = (by_town / cover.loc[by_town.index] * 100).round(1)
    got = demo["townships"].set_index("township_code")["forest_cover_pct"]
    assert np.allclose(got.loc[expected.index], expected, atol=0.15)


def test_site_classes_follow_the_national_rules(demo: dict) -> None:
    sites = demo["geohazard_sites"]
    expected = threat_level(sites["threatened_people"], sites["threatened_property_wan"])
    assert (sites["threat_level"].to_numpy() == expected).all()
    for kind, volume, scale in sites[["hazard_type", "volume_10k_m3",
                                      "hazard_scale"]].itertuples(index=False):
        assert scale == (hazard_scale(kind, volume) or "小型")
    assert set(sites["threat_level"]) >= {"小型", "中型", "大型"}
    active = sites[sites["site_status"] == "在册"]
    assert 0.9 <= active["monitor_name"].notna().mean() < 1.0


def test_sites_sit_near_rivers_on_valley_sides(demo: dict) -> None:
    rivers = shapely.union_all(demo["rivers"].to_crs(WORK_CRS).geometry.values)
    sites = demo["geohazard_sites"].to_crs(WORK_CRS)
    county = shapely.union_all(demo["townships"].to_crs(WORK_CRS).geometry.values)
    rng = np.random.default_rng(0)
    minx, miny, maxx, maxy = county.bounds
    random = shapely.points(rng.uniform(minx, maxx, 4000), rng.uniform(miny, maxy, 4000))
    random = random[shapely.within(random, county)]
    assert np.median(sites.distance(rivers)) < 0.7 * np.median(shapely.distance(random, rivers))


def test_geohazard_events_mostly_in_rainy_season_at_known_sites(demo: dict) -> None:
    events = demo["geohazard_events"]
    assert events["event_date"].dt.month.between(5, 9).mean() >= 0.6
    assert events["event_date"].min() >= pd.Timestamp(AS_OF) - pd.DateOffset(years=10)
    linked = events[events["site_id"].notna()]
    assert len(linked) / len(events) >= 0.5
    sites = demo["geohazard_sites"].set_index("site_id")
    assert (sites.loc[linked["site_id"], "township_code"].to_numpy()
            == linked["township_code"].to_numpy()).all()
    assert (sites.loc[linked["site_id"], "hazard_type"].to_numpy()
            == linked["hazard_type"].to_numpy()).all()


def test_fires_in_dry_season_and_festivals(demo: dict) -> None:
    fires = demo["fire_events"]
    fires = fires[fires["fire_source"] == "上报火情"]
    day = fires["fire_time"].dt.date
    festival = {d + pd.Timedelta(days=k).to_pytimedelta()
                for d in (*SPRING_FESTIVAL.values(), *QINGMING.values()) for k in range(-2, 4)}
    dry = fires["fire_time"].dt.month.isin([12, 1, 2, 3, 4]) | day.isin(festival)
    assert dry.mean() >= 0.75
    assert (fires.loc[day.isin(festival), "fire_cause"] == "祭祀用火").mean() >= 0.5
    zones = demo["forest_zones"]
    in_forest = gpd.sjoin(fires, zones[["geometry"]], predicate="within").index.unique()
    assert len(in_forest) / len(fires) >= 0.6


def test_accidents_on_their_segment_and_clustered_on_dangerous_sections(demo: dict) -> None:
    acc = demo["road_accidents"].to_crs(WORK_CRS)
    segs = demo["road_segments"].to_crs(WORK_CRS).set_index("segment_id")
    dist = acc.geometry.distance(gpd.GeoSeries(segs.geometry.loc[acc["segment_id"]].values,
                                               index=acc.index))
    assert (dist < 1.0).all()
    flags = segs[["along_water_cliff", "sharp_curve_steep", "long_downhill"]].any(axis=1)
    per_seg = acc.groupby("segment_id").size().reindex(segs.index, fill_value=0)
    km = segs.length / 1000
    assert per_seg[flags].sum() / km[flags].sum() > 1.5 * per_seg[~flags].sum() / km[~flags].sum()
    start = pd.Timestamp(AS_OF) - pd.DateOffset(years=3)
    assert acc["accident_time"].between(start, pd.Timestamp(AS_OF)).all()


def test_ledger_history_matches_every_row(demo: dict) -> None:
    ledger = demo["hazard_ledger"].set_index("hazard_id")
    events = demo["ledger_events"].sort_values(["hazard_id", "row_version", "event_id"])
    moves = events[events["field_name"] == "hazard_status"]
    last = moves.groupby("hazard_id").last()
    assert set(events["hazard_id"]) == set(ledger.index)
    registered = ledger.index.difference(last.index)
    assert (ledger.loc[registered, "hazard_status"] == "待整改").all()
    assert (last["new_value"] == ledger.loc[last.index, "hazard_status"]).all()
    versions = events.groupby("hazard_id")["row_version"].agg(["max", "nunique"])
    assert (versions["max"] == ledger.loc[versions.index, "row_version"]).all()
    assert (versions["max"] == versions["nunique"]).all(), "one version per action, no gaps"
    closed = ledger[ledger["hazard_status"] == "已销号"]
    closing = moves[moves["action"] == "销号"].set_index("hazard_id")
    assert set(closed.index) == set(closing.index), "no closed hazard without its closing event"
    assert (closing.loc[closed.index, "event_time"].dt.normalize()
            == closed["closed_date"]).all()
    assert closed["verifier"].notna().all() and closed["evidence"].notna().all()
    first = events.groupby("hazard_id").first()
    assert (first["action"] == "登记").all() and (first["field_name"] == "*").all()
    assert (first["event_time"].dt.normalize() == ledger.loc[first.index, "found_date"]).all()
    assert (events["event_time"] <= pd.Timestamp(AS_OF)).all()
    assert (ledger["deadline"] >= ledger["found_date"]).all()
    old_new = moves.groupby("hazard_id")["old_value"].apply(lambda s: s.iloc[1:].tolist())
    prev_new = moves.groupby("hazard_id")["new_value"].apply(lambda s: s.iloc[:-1].tolist())
    assert (old_new == prev_new).all(), "each move starts where the previous one ended"


def test_ledger_is_realistic(demo: dict) -> None:
    ledger = demo["hazard_ledger"]
    assert set(ledger["domain"]) == set(LEDGER_DOMAINS)
    assert ledger["lead_department"].nunique() >= 8
    major = ledger[ledger["hazard_level"] == "重大"]
    assert 0.01 <= len(major) / len(ledger) <= 0.06
    assert major["supervising_leader"].notna().all()
    open_ = ledger[ledger["hazard_status"] != "已销号"]
    overdue = open_[open_["deadline"] < pd.Timestamp(AS_OF)]
    assert 0.02 <= len(overdue) / len(ledger) <= 0.2
    assert set(ledger["hazard_status"]) == {"待整改", "整改中", "待验收", "已销号"}
    assert 0.6 <= (ledger["hazard_status"] == "已销号").mean() <= 0.95


def test_weather_is_one_consistent_series(demo: dict) -> None:
    rain = demo["rainfall"]
    observed = rain[rain["rainfall_kind"] == "实况"]
    weather = demo["fire_weather"]
    key = observed.assign(weather_date=observed["window_end"].dt.normalize())
    merged = weather.merge(key, on=["township_code", "weather_date"])
    assert len(merged) == len(weather)
    assert np.allclose(merged["precip_mm"], merged["rainfall_mm"])
    for code, rows in weather.groupby("township_code"):
        rows = rows.sort_values("weather_date")
        dry = rows["days_without_rain"].to_numpy()
        recomputed = days_without_rain(rows["precip_mm"].to_numpy()[:, None],
                                       np.array([dry[0] - (rows["precip_mm"].iloc[0] < 0.1)]))
        assert (recomputed[:, 0] == dry).all(), code
    month = weather["weather_date"].dt.month
    assert weather.loc[month.between(5, 9), "precip_mm"].mean() > 2 * weather.loc[
        month.isin([12, 1, 2]), "precip_mm"].mean()


def test_monitoring_crosses_thresholds_after_heavy_rain(demo: dict) -> None:
    readings = demo["monitoring_readings"]
    sites = demo["geohazard_sites"].set_index("site_id")
    assert readings["site_id"].isin(sites.index).all()
    watched = sites.loc[readings["site_id"].unique()]
    assert watched["monitoring_method"].isin(["专业监测", "普适型监测"]).all()
    crack = readings[readings["reading_kind"] == "裂缝宽度"].sort_values(
        ["site_id", "reading_time"])
    rate = crack.groupby("site_id")["value"].diff()
    crossing = crack[rate > CRACK_RATE_WARNING_MM_PER_DAY]
    assert 1 <= crossing["site_id"].nunique() <= 0.5 * crack["site_id"].nunique()
    rain = readings[readings["reading_kind"] == "降雨量"].set_index(["site_id", "reading_time"])
    three_day = rain.groupby(level=0)["value"].transform(lambda s: s.rolling(3, 1).sum())
    wet = three_day.loc[list(zip(crossing["site_id"], crossing["reading_time"], strict=True))]
    assert (wet > 60).mean() >= 0.8
    days = readings.groupby("site_id")["reading_time"].nunique()
    assert (days == 365).all()
