"""Every class and level boundary the committee sees, at, just below and just above it.

Values are the thresholds of the shipped configuration (``config/*.toml``) and the national
rules; a test fails if a boundary moves by one step or changes side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.firedanger import to_levels
from analytics.priority import priorities
from analytics.scoring import classify
from domain.rules import days_overdue, hazard_scale, is_overdue, threat_level
from geodata.config import load_settings

SETTINGS = load_settings()
EPS = 1e-9

# --- 四色: the composite and every layer (breaks 4, 5, 6) ---------------------------------

FOUR_COLOURS = [
    (0.0, "低"), (4.0 - EPS, "低"), (4.0, "一般"), (4.0 + EPS, "一般"), (5.0 - EPS, "一般"),
    (5.0, "较大"), (5.0 + EPS, "较大"), (6.0 - EPS, "较大"), (6.0, "重大"), (6.0 + EPS, "重大"),
    (10.0, "重大"), (float("nan"), "无数据"),
]


def test_shipped_breaks_are_the_ones_tested() -> None:
    assert SETTINGS.risk.breaks == (4.0, 5.0, 6.0)


@pytest.mark.parametrize(("score", "expected"), FOUR_COLOURS)
def test_four_colour_class_at_each_break(score: float, expected: str | None) -> None:
    got = classify(pd.Series([score]), SETTINGS.risk.breaks).iloc[0]
    assert got == expected


# --- road segments on the road map (breaks 2, 5, 10 per km) ------------------------------

SEGMENTS = [(0.0, "低"), (2.0 - EPS, "低"), (2.0, "一般"), (5.0 - EPS, "一般"), (5.0, "较大"),
            (10.0 - EPS, "较大"), (10.0, "重大"), (40.0, "重大")]


@pytest.mark.parametrize(("severity", "expected"), SEGMENTS)
def test_road_segment_class_at_each_break(severity: float, expected: str) -> None:
    breaks = tuple(SETTINGS.risk.section("road")["segment_breaks"])
    assert breaks == (2.0, 5.0, 10.0)
    assert classify(pd.Series([severity]), breaks).iloc[0] == expected


# --- 森林火险 levels (QX/T 77 index: breaks 15, 30, 45, 60; FWI: 5, 10, 20, 30) ----------

QXT77 = [(0.0, 1), (15 - EPS, 1), (15.0, 2), (30 - EPS, 2), (30.0, 3), (45 - EPS, 3),
         (45.0, 4), (60 - EPS, 4), (60.0, 5), (78.0, 5)]
FWI = [(0.0, 1), (5 - EPS, 1), (5.0, 2), (10.0, 3), (20 - EPS, 3), (20.0, 4), (30.0, 5)]


@pytest.mark.parametrize(("index", "level"), QXT77)
def test_fire_danger_level_qxt77(index: float, level: int) -> None:
    breaks = SETTINGS.risk.section("forest_fire")["qxt77"]["level_breaks"]
    assert to_levels(np.array([index]), breaks)[0] == level


@pytest.mark.parametrize(("index", "level"), FWI)
def test_fire_danger_level_fwi(index: float, level: int) -> None:
    breaks = SETTINGS.risk.section("forest_fire")["fwi"]["level_breaks"]
    assert to_levels(np.array([index]), breaks)[0] == level


def test_fire_danger_without_an_index_has_no_level() -> None:
    assert np.isnan(to_levels(np.array([np.nan]), [15, 30, 45, 60])[0])


# --- 险情等级 (people threatened; potential loss in 万元) ----------------------------------

THREAT = [
    ((0, 0), "小型"), ((99, 0), "小型"), ((100, 0), "中型"), ((499, 0), "中型"),
    ((500, 0), "大型"), ((999, 0), "大型"), ((1000, 0), "特大型"),
    ((0, 499.99), "小型"), ((0, 500), "中型"), ((0, 4999.99), "中型"), ((0, 5000), "大型"),
    ((0, 9999.99), "大型"), ((0, 10000), "特大型"),
    ((99, 5000), "大型"), ((1000, 1), "特大型"), ((np.nan, np.nan), "小型"),
    ((np.nan, 500), "中型"),
]


@pytest.mark.parametrize(("given", "expected"), THREAT)
def test_threat_level_by_people_and_property(given: tuple[float, float],
                                             expected: str) -> None:
    assert threat_level([given[0]], [given[1]])[0] == expected


@pytest.mark.parametrize(("kind", "volume", "expected"), [
    ("滑坡", 9.99, "小型"), ("滑坡", 10.0, "中型"), ("滑坡", 99.9, "中型"),
    ("滑坡", 100.0, "大型"), ("滑坡", 1000.0, "特大型"), ("崩塌", 0.99, "小型"),
    ("崩塌", 1.0, "中型"), ("崩塌", 100.0, "特大型"),
    ("泥石流", 2.0, "中型"), ("泥石流", 50.0, "特大型"), ("地裂缝", 500.0, None),
    ("滑坡", float("nan"), None),
])
def test_hazard_scale_by_volume(kind: str, volume: float, expected: str | None) -> None:
    assert hazard_scale(kind, volume) == expected


# --- overdue: a deadline before the as-of day, the hazard still open ----------------------

AS_OF = pd.Timestamp("2026-10-31 23:59:59")


@pytest.mark.parametrize(("deadline", "status", "overdue", "days"), [
    ("2026-10-30", "整改中", True, 1),
    ("2026-10-31", "整改中", False, 0),
    ("2026-11-01", "整改中", False, -1),
    ("2026-10-01", "已销号", False, 30),
    (None, "待整改", False, None),
    ("2026-10-30", "待验收", True, 1),
])
def test_overdue_on_the_day_before_on_and_after(deadline: str | None, status: str,
                                                overdue: bool, days: int | None) -> None:
    ledger = pd.DataFrame({"deadline": pd.to_datetime([deadline]), "hazard_status": [status]})
    assert bool(is_overdue(ledger, AS_OF).iloc[0]) is overdue
    got = days_overdue(ledger, AS_OF).iloc[0]
    assert (pd.isna(got) and days is None) or got == days
    assert bool(is_overdue(ledger, AS_OF.normalize()).iloc[0]) is overdue, "any time that day"


# --- priority urgency: overdue days, due soon (7 days) -----------------------------------

URGENCY = [(-1, 1 + 1 / 30), (0, 1.5), (7, 1.5), (8, 1.0), (-90, 1 + 3.0), (-300, 1 + 3.0)]
"""Days until the deadline → urgency: +1 per 30 days overdue (at most 3), +0.5 when due
within 7 days (the deadline day itself included)."""


@pytest.mark.parametrize(("to_go", "urgency"), URGENCY)
def test_priority_urgency_bands(to_go: int, urgency: float) -> None:
    import geopandas as gpd
    import shapely

    ledger = gpd.GeoDataFrame({
        "hazard_id": ["H"], "township_code": ["T"], "domain": ["其他"], "hazard_level": ["一般"],
        "hazard_description": ["x"], "lead_department": ["d"], "hazard_status": ["整改中"],
        "deadline": [AS_OF.normalize() + pd.Timedelta(days=to_go)]},
        geometry=[shapely.Point(106, 26.8)], crs="EPSG:4326")
    nothing = gpd.GeoDataFrame({"facility_category": [], "capacity": [], "people": []},
                               geometry=[], crs="EPSG:4326")
    out = priorities(ledger, nothing, nothing, pd.Series(dtype=object), as_of=AS_OF,
                     settings=SETTINGS.ledger)
    assert out["urgency"].iloc[0] == pytest.approx(urgency)
    assert out["days_overdue"].iloc[0] == max(-to_go, 0)
