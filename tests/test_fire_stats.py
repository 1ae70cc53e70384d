"""Forest statistics: fires and hotspots counted apart, by year, month and township."""

from __future__ import annotations

import pandas as pd

from analytics.fire_stats import by_month, by_township, by_year, recent_hotspots

EVENTS = pd.DataFrame({
    "fire_time": pd.to_datetime(["2024-02-01", "2024-02-20", "2025-03-05", "2026-10-28",
                                 "2026-10-20", "2026-10-30 12:00"], format="ISO8601"),
    "township_code": ["A", "B", "A", None, "A", "B"],
    "fire_source": ["上报火情", "卫星热点", "上报火情", "卫星热点", "卫星热点", "卫星热点"],
})


def test_fires_and_hotspots_are_counted_apart_by_year_month_and_township() -> None:
    years = by_year(EVENTS)
    assert years.loc[2024].tolist() == [1, 1] and years.loc[2026].tolist() == [0, 3]
    months = by_month(EVENTS)
    assert list(months.index) == list(range(1, 13)), "every month, in order"
    assert months.loc[2].tolist() == [1, 1] and months.loc[10].tolist() == [0, 3]
    towns = by_township(EVENTS)
    assert towns.loc["A"].tolist() == [2, 1] and towns.index[0] == "A", "most first"
    assert towns.to_numpy().sum() == 5, "the event without a township is left out"


def test_recent_hotspots_are_the_last_seven_days_latest_first() -> None:
    recent = recent_hotspots(EVENTS, pd.Timestamp("2026-10-31"))
    assert recent["fire_time"].tolist() == [pd.Timestamp("2026-10-30 12:00"),
                                            pd.Timestamp("2026-10-28")]
    assert by_year(EVENTS.head(0)).empty and by_township(EVENTS.head(0)).empty
