"""Forest-fire statistics for the forest page: fires and hotspots by year, month, township.

Pure functions on the ``fire_events`` table; counts by ``fire_source`` (reported fires,
satellite hotspots), so a hotspot is never counted as a fire.
"""

from __future__ import annotations

import pandas as pd

SOURCES = ("上报火情", "卫星热点")
"""The two kinds of fire event, as the schema spells them."""


def _counts(events: pd.DataFrame, by: pd.Series | pd.Index) -> pd.DataFrame:
    table = pd.crosstab(by, events["fire_source"]).reindex(columns=list(SOURCES), fill_value=0)
    table.columns.name = None
    return table.astype(int)


def by_year(events: pd.DataFrame) -> pd.DataFrame:
    """Return fires and hotspots per calendar year (index: year; a column per source)."""
    if events.empty:
        return pd.DataFrame(columns=list(SOURCES), dtype=int)
    return _counts(events, events["fire_time"].dt.year.rename("year"))


def by_month(events: pd.DataFrame) -> pd.DataFrame:
    """Return fires and hotspots per month of the year, all years together (index 1 … 12)."""
    if events.empty:
        return pd.DataFrame(columns=list(SOURCES), dtype=int)
    table = _counts(events, events["fire_time"].dt.month.rename("month"))
    return table.reindex(range(1, 13), fill_value=0)


def by_township(events: pd.DataFrame) -> pd.DataFrame:
    """Return fires and hotspots per township, most first (events without one left out)."""
    located = events[events["township_code"].notna()]
    if located.empty:
        return pd.DataFrame(columns=list(SOURCES), dtype=int)
    table = _counts(located, located["township_code"].rename("township_code"))
    return table.sort_values(list(SOURCES), ascending=False)


def recent_hotspots(events: pd.DataFrame, as_of: pd.Timestamp, days: int = 7) -> pd.DataFrame:
    """Return the satellite hotspots of the ``days`` days up to ``as_of``, latest first."""
    since = as_of - pd.Timedelta(days=days)
    hit = events[(events["fire_source"] == SOURCES[1]) & (events["fire_time"] > since)
                 & (events["fire_time"] <= as_of)]
    return hit.sort_values("fire_time", ascending=False)
