"""Rain-triggered warning levels where the answer is known by hand."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from analytics.warning import level_from, site_levels, township_rollup
from geodata.config import CONFIG_DIR, read_toml

AS_OF = pd.Timestamp("2026-07-10 09:00")
SETTINGS = read_toml(CONFIG_DIR / "warning.toml")


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
    settings = copy.deepcopy(SETTINGS)
    settings["thresholds"]["township"] = {"T": [20, 30, 40, 50]}
    settings["thresholds"]["site"] = {"S1": [100, 200, 300, 400]}
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


def test_evacuation_list_people_total_and_nearest_shelter() -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from analytics.warning import evacuation_list

    sites = gpd.GeoDataFrame(_sites(("S1", "T", "泥石流"), ("S2", "T", "滑坡")).assign(
        monitor_name=["王", None], monitor_phone=["13900000000", None]),
        geometry=[Point(105.9, 26.8), Point(105.95, 26.85)], crs=4326)
    shelters = gpd.GeoDataFrame({"facility_name": ["近", "远"],
                                 "facility_category": ["避难场所"] * 2, "capacity": [500, 900]},
                                geometry=[Point(105.9, 26.801), Point(106.2, 27.0)], crs=4326)
    levels = site_levels(sites, pd.DataFrame([_rain("T", 100)]), NO_READINGS, as_of=AS_OF,
                         settings=SETTINGS)
    out = evacuation_list(levels, sites, shelters)
    assert out["site_id"].tolist() == ["S1"], "debris flow at 100 mm is orange; landslide yellow"
    assert out["threatened_people"].sum() == 10
    assert out.loc[0, "shelter"] == "近" and 100 < out.loc[0, "shelter_m"] < 120


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
