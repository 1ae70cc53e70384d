"""Rain-triggered warning levels where the answer is known by hand."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from analytics.evacuation import evacuation_list, evacuation_sheet
from analytics.rainfall import idw, region_townships, scenario_rows
from analytics.readiness import duty_officers
from analytics.warning import level_changes, level_from, site_levels, township_rollup
from geodata.config import load_settings

AS_OF = pd.Timestamp("2026-07-10 09:00")
SETTINGS = load_settings().warning


def _sites(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"site_id": s, "site_name": s, "township_code": t, "hazard_type": k,
                          "site_status": "在册", "threatened_households": 3,
                          "threatened_people": 10} for s, t, k in rows])


def _rain(key: str, mm: float, *, days_ago: int = 0, kind: str = "实况",
          site: bool = False) -> dict:
    end = AS_OF.normalize() + pd.Timedelta(hours=8) - pd.Timedelta(days=days_ago)
    if kind == "预报":
        end = AS_OF.normalize() + pd.Timedelta(days=1, hours=8)
    return {"site_id": key if site else None, "township_code": None if site else key,
            "window_end": end, "window_hours": 24, "rainfall_kind": kind, "rainfall_mm": mm}


NO_READINGS = pd.DataFrame(columns=["site_id", "reading_time", "reading_kind", "value"])


def _levels(sites: pd.DataFrame, rain: list[dict], readings: pd.DataFrame = NO_READINGS,
            settings: dict = SETTINGS) -> pd.Series:
    out = site_levels(sites, pd.DataFrame(rain), readings, as_of=AS_OF, settings=settings)
    return out.set_index("site_id")["level"]


@pytest.mark.parametrize(("mm", "level"), [
    (49.9, None), (50.0, 4), (79.9, 4), (80.0, 3), (120.0, 2), (179.9, 2), (180.0, 1),
    (400.0, 1)])
def test_landslide_thresholds_at_below_and_above(mm: float, level: int | None) -> None:
    got = _levels(_sites(("S", "T", "滑坡")), [_rain("T", mm)])["S"]
    assert (pd.isna(got) and level is None) or got == level


def test_site_beats_township_beats_type() -> None:
    settings = replace(SETTINGS, by_township={"T": (20, 30, 40, 50)},
                       by_site={"S1": (100, 200, 300, 400)})
    sites = _sites(("S1", "T", "滑坡"), ("S2", "T", "滑坡"), ("S3", "U", "滑坡"))
    got = _levels(sites, [_rain("T", 60), _rain("U", 60)], settings=settings)
    assert pd.isna(got["S1"]), "the site's own thresholds (100 mm) are not reached"
    assert got["S2"] == 1, "the township's thresholds: 60 ≥ 50"
    assert got["S3"] == 4, "the type's thresholds: 60 ≥ 50"


def test_antecedent_rain_pushes_a_borderline_site_up() -> None:
    sites = _sites(("S", "T", "滑坡"))
    today_only = _levels(sites, [_rain("T", 75)])["S"]
    with_history = _levels(sites, [_rain("T", 75), _rain("T", 10, days_ago=1)])["S"]
    assert today_only == 4 and with_history == 3, "75 + 0.84 × 10 = 83.4 ≥ 80"


def test_forecast_counts() -> None:
    got = _levels(_sites(("S", "T", "泥石流")), [_rain("T", 20), _rain("T", 35, kind="预报")])
    assert got["S"] == 3, "20 + 35 = 55 ≥ 50 for debris flows"


def test_site_rain_beats_township_rain() -> None:
    got = _levels(_sites(("S", "T", "滑坡")), [_rain("T", 10), _rain("S", 130, site=True)])
    assert got["S"] == 2


def test_monitoring_raises_the_level_with_no_rain() -> None:
    readings = pd.DataFrame({"site_id": ["S", "S"], "reading_kind": ["裂缝宽度"] * 2,
                             "reading_time": [AS_OF - pd.Timedelta(days=1), AS_OF],
                             "value": [10.0, 16.0]})
    out = site_levels(_sites(("S", "T", "滑坡")), pd.DataFrame([_rain("T", 0)]), readings,
                      as_of=AS_OF, settings=SETTINGS).iloc[0]
    assert out["level"] == 2 and out["reason"] == "monitoring", "6 mm/day ≥ 5"


def test_no_rain_data_is_unknown_not_level_4() -> None:
    out = site_levels(_sites(("S", "T", "滑坡")), pd.DataFrame([_rain("OTHER", 300)]),
                      NO_READINGS, as_of=AS_OF, settings=SETTINGS).iloc[0]
    assert out["state"] == "unknown" and pd.isna(out["level"])


def test_rollup_takes_the_most_severe_and_counts() -> None:
    levels = pd.DataFrame({"township_code": ["T", "T", "T", "U"],
                           "level": pd.array([4, 2, None, None], dtype="Int64"),
                           "state": ["warning", "warning", "unknown", "none"]})
    roll = township_rollup(levels)
    assert roll.loc["T", "level"] == 2 and pd.isna(roll.loc["U", "level"])
    assert (roll.loc["T", "level_2"], roll.loc["T", "level_4"], roll.loc["T", "unknown"]) == (
        1, 1, 1)


def test_level_from_a_plain_list() -> None:
    assert level_from(pd.Series([0.5, 1.0, 12.0]), [1, 2, 5, 10]).tolist() == [pd.NA, 4, 1]


def _geo_sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(_sites(("S1", "T", "泥石流"), ("S2", "T", "滑坡")).assign(
        monitor_name=["王", None], monitor_phone=["13900000000", None]),
        geometry=[Point(105.9, 26.8), Point(105.95, 26.85)], crs=4326)


TOWNS = pd.DataFrame({"township_code": ["T"], "township_name": ["甲镇"], "lead_name": ["李镇长"],
                      "lead_phone": ["13800000000"]})


def _shelters(capacity: list[int], occupants: list[int | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"facility_name": ["近", "远"], "facility_category": ["避难场所"] * 2,
                             "capacity": capacity, "occupants": occupants},
                            geometry=[Point(105.9, 26.801), Point(106.2, 27.0)], crs=4326)


def test_evacuation_list_people_total_nearest_shelter_and_lead() -> None:
    sites = _geo_sites()
    levels = site_levels(sites, pd.DataFrame([_rain("T", 100)]), NO_READINGS, as_of=AS_OF,
                         settings=SETTINGS)
    out = evacuation_list(levels, sites, _shelters([500, 900], [None, None]), TOWNS)
    assert out["site_id"].tolist() == ["S1"], "debris flow at 100 mm is orange; landslide yellow"
    assert out["threatened_people"].sum() == 10
    assert out.loc[0, "shelter"] == "近" and 100 < out.loc[0, "shelter_m"] < 120
    assert (out.loc[0, "lead_name"], out.loc[0, "lead_phone"]) == ("李镇长", "13800000000")
    assert out.loc[0, "shelter_remaining"] == 500 and not out.loc[0, "short"]


def test_the_evacuation_list_names_who_is_on_duty_in_the_township_that_day() -> None:
    sites = _geo_sites()
    levels = site_levels(sites, pd.DataFrame([_rain("T", 200)]), NO_READINGS, as_of=AS_OF,
                         settings=SETTINGS)
    day = AS_OF.normalize()
    roster = pd.DataFrame({"duty_date": [day, day, day - pd.Timedelta(days=1)],
                           "duty_unit": ["甲镇", "甲镇", "甲镇"],
                           "duty_role": ["值班员", "带班领导", "带班领导"],
                           "township_code": [None, None, None],
                           "duty_person": ["赵值班", "钱带班", "昨天的人"],
                           "duty_phone": ["13700000001", "13700000002", "13700000003"]})
    out = evacuation_list(levels, sites, _shelters([500, 900], [None, None]), TOWNS,
                          on_duty=duty_officers(roster, TOWNS, AS_OF))
    assert out["duty_officer"].tolist() == ["钱带班（13700000002）"] * 2, "the leader that day"
    gap = duty_officers(roster[roster["duty_date"] < day], TOWNS, AS_OF)
    out = evacuation_list(levels, sites, _shelters([500, 900], [None, None]), TOWNS,
                          on_duty=gap)
    sheet = evacuation_sheet(out, {"T": "甲镇"}, "en")
    assert sheet["On duty (phone)"].tolist() == ["no one on duty"] * 2
    no_roster = evacuation_sheet(evacuation_list(levels, sites, _shelters([500, 900], [0, 0]),
                                                 TOWNS), {"T": "甲镇"})
    assert no_roster["当日值班（电话）"].tolist() == ["", ""], "no roster: nothing made up"


def test_a_full_shelter_sends_people_to_the_next_one() -> None:
    sites = _geo_sites()
    levels = site_levels(sites, pd.DataFrame([_rain("T", 200)]), NO_READINGS, as_of=AS_OF,
                         settings=SETTINGS)
    out = evacuation_list(levels, sites, _shelters([500, 900], [495, 0]), TOWNS)
    assert len(out) == 2 and set(out["shelter"]) == {"远"}, "5 places left < 10 people"
    assert out["shelter_remaining"].tolist() == [900, 890], "the second site finds 10 fewer"
    nothing = evacuation_list(levels, sites, _shelters([12, 0], [0, 0]), TOWNS)
    assert nothing["shelter"].tolist() == ["近", "近"]
    assert nothing["short"].tolist() == [False, True], "12 places: the second site is short"


def test_level_changes_between_two_runs() -> None:
    sites = _sites(("A", "T", "滑坡"), ("B", "T", "滑坡"), ("C", "U", "滑坡"))
    before = site_levels(sites, pd.DataFrame([_rain("T", 60), _rain("U", 90)]), NO_READINGS,
                         as_of=AS_OF, settings=SETTINGS)
    after = site_levels(sites, pd.DataFrame([_rain("T", 130), _rain("U", 10)]), NO_READINGS,
                        as_of=AS_OF, settings=SETTINGS)
    out = level_changes(before, after).set_index("site_id")
    assert out["change"].to_dict() == {"A": "raised", "B": "raised", "C": "lowered"}
    assert (out.loc["A", "before"], out.loc["A", "after"]) == (4, 2)
    assert pd.isna(out.loc["C", "after"])
    assert level_changes(after, after).empty


def _grid(values: list[tuple[float, float, float]], *, kind: str = "实况") -> gpd.GeoDataFrame:
    end = AS_OF.normalize() + pd.Timedelta(hours=8)
    return gpd.GeoDataFrame({"site_id": None, "township_code": None, "window_end": end,
                             "window_hours": 24, "rainfall_kind": kind,
                             "rainfall_mm": [v for _, _, v in values]},
                            geometry=[Point(x, y) for x, y, _ in values], crs=4326)


def test_grid_rain_is_interpolated_to_sites_by_inverse_distance() -> None:
    sites = gpd.GeoDataFrame(_sites(("ON", "T", "滑坡"), ("MID", "T", "滑坡"),
                                    ("FAR", "T", "滑坡")),
                             geometry=[Point(106.0, 27.0), Point(106.05, 27.0),
                                       Point(107.0, 27.0)], crs=4326)
    grid = _grid([(106.0, 27.0, 100.0), (106.1, 27.0, 60.0)])
    rain = pd.concat([grid, pd.DataFrame([_rain("T", 5)])], ignore_index=True)
    out = site_levels(sites, rain, NO_READINGS, as_of=AS_OF, settings=SETTINGS)
    got = out.set_index("site_id")["last24"]
    assert got["ON"] == 100.0, "a site on a grid point takes its value"
    assert got["MID"] == pytest.approx(80.0, abs=0.1), "half-way: equal weights"
    assert got["FAR"] == 5.0, "no grid point within 15 km: the township's figure"


def test_idw_weights_by_inverse_square_distance() -> None:
    xy = np.array([[0.0, 0.0], [3.0, 0.0]])
    got = idw(xy, np.array([10.0, 40.0]), np.array([[1.0, 0.0]]), power=2, neighbours=8,
              max_distance=100)
    assert got[0] == pytest.approx((10 / 1 + 40 / 4) / (1 + 1 / 4))


def test_a_72_hour_observation_is_spread_over_its_days() -> None:
    end = AS_OF.normalize() + pd.Timedelta(hours=8)
    row = {"site_id": None, "township_code": "T", "window_end": end, "window_hours": 72,
           "rainfall_kind": "实况", "rainfall_mm": 90.0}
    got = site_levels(_sites(("S", "T", "滑坡")), pd.DataFrame([row]), NO_READINGS,
                      as_of=AS_OF, settings=SETTINGS).iloc[0]
    assert got["last24"] == 30.0
    assert got["effective"] == pytest.approx(30 * (1 + 0.84 + 0.84 ** 2))


def test_a_stale_forecast_does_not_count_and_a_scenario_replaces_the_forecast() -> None:
    stale = {**_rain("T", 300, kind="预报"), "window_end": AS_OF - pd.Timedelta(hours=2)}
    sites = _sites(("S", "T", "泥石流"))
    got = _levels(sites, [_rain("T", 10), stale])
    assert pd.isna(got["S"]), "a forecast whose window has passed is ignored"
    scenario = scenario_rows(["T"], hours=72, mm=20, as_of=AS_OF)
    rain = pd.concat([pd.DataFrame([_rain("T", 10), _rain("T", 100, kind="预报")]), scenario])
    out = site_levels(sites, rain, NO_READINGS, as_of=AS_OF, settings=SETTINGS).iloc[0]
    assert out["forecast24"] == 20.0, "the scenario, not the stored 100 mm forecast"
    assert out["level"] == 4, "10 + 20 = 30 ≥ 30 for debris flows"


def test_region_townships_split_at_the_county_centre() -> None:
    towns = gpd.GeoDataFrame({"township_code": ["N1", "N2", "S1", "S2"]},
                             geometry=[Point(106.0, 27.2).buffer(0.01),
                                       Point(106.2, 27.1).buffer(0.01),
                                       Point(106.0, 26.8).buffer(0.01),
                                       Point(106.3, 26.9).buffer(0.01)], crs=4326)
    assert region_townships(towns, "north") == ["N1", "N2"]
    assert region_townships(towns, "east") == ["N2", "S2"]
    assert len(region_townships(towns, "all")) == 4
    with pytest.raises(ValueError, match="unknown region"):
        region_townships(towns, "up")


def test_silent_sites_by_inspection_and_reporting() -> None:
    from analytics.warning import silent_sites

    sites = _sites(("A", "T", "滑坡"), ("B", "T", "滑坡"), ("C", "U", "滑坡"), ("D", "U", "滑坡"))
    sites["last_inspection_date"] = [AS_OF - pd.Timedelta(days=d) for d in (5, 40, 5, 5)]
    sites.loc[3, "last_inspection_date"] = pd.NaT
    readings = pd.DataFrame({"site_id": ["A", "C"], "reading_kind": ["降雨量"] * 2,
                             "reading_time": [AS_OF - pd.Timedelta(days=1),
                                              AS_OF - pd.Timedelta(days=20)], "value": [1, 1]})
    out = silent_sites(sites, readings, as_of=AS_OF, days=15).set_index("site_id")
    assert out["why"].to_dict() == {"B": "inspection", "C": "reading", "D": "inspection"}
    assert out.loc["C", "days_since_reading"] == 20


def test_gauge_readings_become_daily_site_rain() -> None:
    from analytics.rainfall import gauge_rows

    day = AS_OF.normalize()
    readings = pd.DataFrame({
        "site_id": ["S"] * 4 + ["S"], "reading_kind": ["降雨量"] * 4 + ["裂缝宽度"],
        "reading_time": [day - pd.Timedelta(hours=12), day + pd.Timedelta(hours=2),
                         day + pd.Timedelta(hours=8), day + pd.Timedelta(hours=9), day],
        "value": [10.0, 20.0, 5.0, 7.0, 99.0]})
    rows = gauge_rows(readings).set_index("window_end")["rainfall_mm"]
    assert rows[day + pd.Timedelta(hours=8)] == 35.0, "20:00, 02:00 and 08:00 close one day"
    assert rows[day + pd.Timedelta(days=1, hours=8)] == 7.0
    got = site_levels(_sites(("S", "T", "滑坡")),
                      pd.concat([pd.DataFrame([_rain("T", 0)]), gauge_rows(readings)]),
                      readings[readings["reading_kind"] == "降雨量"], as_of=AS_OF,
                      settings=SETTINGS).iloc[0]
    assert got["last24"] == 35.0, "the site's own gauge beats its township's figure"


def test_effective_series_decays_past_days() -> None:
    from analytics.warning import effective_series

    days = pd.to_datetime(["2026-07-01", "2026-07-03"])
    got = effective_series(pd.Series([100.0, 10.0], index=days), decay=0.5, days=3)
    assert got.tolist() == [100.0, 50.0, 35.0], "a dry day in between counts as 0"


def test_precomputed_inputs_give_the_same_warning(demo_frames: dict) -> None:
    """The stored rain and instrument levels, worked out once, serve every scenario."""
    from analytics.warning import warn_county, warning_inputs
    from geodata.demo import AS_OF

    settings = SETTINGS
    as_of = pd.Timestamp(AS_OF)
    inputs = warning_inputs(demo_frames, as_of=as_of, settings=settings)
    north = region_townships(demo_frames["townships"], "north")
    end = as_of.normalize() + pd.Timedelta(hours=8)
    observed = pd.DataFrame([{"site_id": None, "township_code": code, "window_end": end,
                              "window_hours": 24, "rainfall_kind": "实况", "rainfall_mm": 90.0}
                             for code in north])
    site = demo_frames["geohazard_sites"].geometry.iloc[0]
    grid = _grid([(site.x, site.y, 180.0)], kind="预报").assign(
        window_end=end + pd.Timedelta(days=1))
    extras = {mm: scenario_rows(north, hours=72, mm=mm, as_of=as_of) for mm in (40.0, 150.0)}
    runs = {}
    for name, extra in {**extras, "observed": observed, "grid": grid, "none": None}.items():
        fresh = warn_county(demo_frames, as_of=as_of, settings=settings, extra_rain=extra)
        runs[name] = warn_county(demo_frames, as_of=as_of, settings=settings, extra_rain=extra,
                                 inputs=inputs)
        pd.testing.assert_frame_equal(fresh.levels, runs[name].levels)
        pd.testing.assert_frame_equal(fresh.evacuation, runs[name].evacuation)
    assert runs[150.0].counts()["1"] + runs[150.0].counts()["2"] > 0, "150 mm raises sites"
    for name, column in (("observed", "last24"), ("grid", "forecast24")):
        moved = runs[name].levels[column].fillna(0) > runs["none"].levels[column].fillna(0)
        assert moved.any(), f"the {name} rain is counted"
