"""Public data products recognised by their columns and mapped to our tables.

- NASA FIRMS active-fire CSV (MODIS or VIIRS: ``latitude, longitude, acq_date, acq_time,
  confidence, frp …``) → ``fire_events`` as satellite hotspots. Acquisition times are UTC and
  are stored as Beijing time (UTC+8), like every other time here. VIIRS gives confidence as
  ``l``/``n``/``h``; these become 30/60/90 %.
- NASA Global Landslide Catalog point CSV (``event_date, landslide_category,
  landslide_trigger, fatality_count, injury_count, latitude, longitude …``) →
  ``geohazard_events``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from domain.values import parse_datetimes

BEIJING_OFFSET = pd.Timedelta(hours=8)
VIIRS_CONFIDENCE = {"l": 30, "n": 60, "h": 90, "low": 30, "nominal": 60, "high": 90}
GLC_CATEGORY = {"landslide": "滑坡", "mudslide": "泥石流", "debris_flow": "泥石流",
                "rock_fall": "崩塌", "translational_slide": "滑坡", "rotational_slide": "滑坡",
                "complex": "滑坡", "earth_flow": "泥石流", "creep": "不稳定斜坡",
                "topple": "崩塌", "lahar": "泥石流", "snow_avalanche": "崩塌",
                "riverbank_collapse": "崩塌", "other": "滑坡", "unknown": "滑坡"}
GLC_TRIGGER = {"downpour": "降雨", "rain": "降雨", "monsoon": "降雨",
               "tropical_cyclone": "降雨", "continuous_rain": "降雨", "flooding": "降雨",
               "earthquake": "地震", "construction": "人类工程活动", "mining": "人类工程活动",
               "freeze_thaw": "冻融", "snowfall_snowmelt": "冻融", "unknown": "不明",
               "other": "其他"}


@dataclass(frozen=True)
class Profile:
    """A recognised product: the table it feeds and how its rows become our columns."""

    name: str
    table: str
    columns: frozenset[str]
    convert: Callable[[pd.DataFrame], pd.DataFrame]


def _firms(raw: pd.DataFrame) -> pd.DataFrame:
    day, _ = parse_datetimes(raw["acq_date"])
    hhmm = raw["acq_time"].astype(str).str.zfill(4)
    utc = day + pd.to_timedelta(hhmm.str[:2].astype(int), unit="h") + pd.to_timedelta(
        hhmm.str[2:].astype(int), unit="m")
    conf = raw["confidence"].astype(str).str.strip().str.lower()
    confidence = pd.to_numeric(conf, errors="coerce").fillna(conf.map(VIIRS_CONFIDENCE))
    ident = ("FIRMS-" + raw.get("satellite", pd.Series("", index=raw.index)).astype(str)
             + "-" + raw["acq_date"].astype(str) + "-" + hhmm + "-"
             + raw["latitude"].astype(str) + "-" + raw["longitude"].astype(str))
    return pd.DataFrame({
        "fire_id": ident, "fire_time": utc + BEIJING_OFFSET, "fire_source": "卫星热点",
        "fire_cause": "不明", "confidence": confidence, "lon": raw["longitude"],
        "lat": raw["latitude"],
    })


def _glc(raw: pd.DataFrame) -> pd.DataFrame:
    day, _ = parse_datetimes(raw["event_date"])
    category = raw["landslide_category"].astype(str).str.strip().str.lower()
    trigger = raw.get("landslide_trigger", pd.Series("unknown", index=raw.index))
    ident = raw["event_id"].astype(str) if "event_id" in raw else raw.index.astype(str)
    return pd.DataFrame({
        "event_id": "GLC-" + ident,
        "event_date": day.dt.normalize(),
        "hazard_type": category.map(GLC_CATEGORY).fillna("滑坡"),
        "deaths": raw.get("fatality_count"),
        "injuries": raw.get("injury_count"),
        "trigger": trigger.astype(str).str.strip().str.lower().map(GLC_TRIGGER).fillna("其他"),
        "event_description": raw.get("event_description", raw.get("event_title")),
        "data_source": "NASA Global Landslide Catalog"
        + (" / " + raw["source_name"].astype(str) if "source_name" in raw else ""),
        "lon": raw["longitude"], "lat": raw["latitude"],
    })


PROFILES: tuple[Profile, ...] = (
    Profile("NASA FIRMS", "fire_events",
            frozenset({"latitude", "longitude", "acq_date", "acq_time", "confidence"}), _firms),
    Profile("NASA Global Landslide Catalog", "geohazard_events",
            frozenset({"event_date", "landslide_category", "latitude", "longitude"}), _glc),
)


def detect(table: str, columns: list[str]) -> Profile | None:
    """Return the profile whose columns are all present, for ``table``, if any."""
    have = {str(c).strip().lower() for c in columns}
    return next((p for p in PROFILES if p.table == table and p.columns <= have), None)


def apply(profile: Profile, raw: pd.DataFrame) -> pd.DataFrame:
    """Convert a raw product table to our column names (with ``lon``/``lat``)."""
    lowered = raw.rename(columns=lambda c: str(c).strip().lower())
    return profile.convert(lowered)
