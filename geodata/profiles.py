"""Public data products recognised by their columns and mapped to our tables.

- NASA FIRMS active-fire CSV (MODIS or VIIRS: ``latitude, longitude, acq_date, acq_time,
  confidence, frp …``) → ``fire_events`` as satellite hotspots. Acquisition times are UTC and
  are stored as Beijing time (UTC+8), like every other time here. VIIRS gives confidence as
  ``l``/``n``/``h``; these become 30/60/90 %.
- NASA Global Landslide Catalog point CSV (``event_date, landslide_category,
  landslide_trigger, fatality_count, injury_count, latitude, longitude …``), dates as NASA
  writes them (``8/1/2008 0:00``) → ``geohazard_events``.
- OpenStreetMap roads (a GeoJSON, Shapefile or GeoPackage export with a ``highway`` column:
  Overpass, Geofabrik, ogr2ogr of a ``.pbf``) → ``road_segments``. The administrative class
  comes from the ``ref`` prefix (G 国道, S 省道, X 县道, Y 乡道, C 村道; several refs
  ``G210;S205``: the first), motorways are 高速公路, and without a ``ref`` the ``highway``
  tag decides (``ROAD_CLASS_BY_HIGHWAY``). Rows that are no road for vehicles (footways,
  paths, cycleways, steps, railways: no ``highway`` value) are skipped and counted. The
  importer then works out each segment's township and length from its geometry.

A profile may skip rows (``skip``); the importer leaves them out before anything else and
says how many, by kind.
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


REF_CLASS = {"G": "国道", "S": "省道", "X": "县道", "Y": "乡道", "C": "村道", "Z": "村道"}
"""Administrative road class by the first letter of a Chinese route number."""
ROAD_CLASS_BY_HIGHWAY = {
    "motorway": "高速公路", "motorway_link": "高速公路", "trunk": "国道", "trunk_link": "国道",
    "primary": "省道", "primary_link": "省道", "secondary": "县道", "secondary_link": "县道",
    "tertiary": "乡道", "tertiary_link": "乡道", "unclassified": "村道", "residential": "村道",
    "living_street": "村道", "service": "村道", "track": "村道", "road": "村道",
}
"""Class by OSM ``highway`` tag when a road has no route number; other tags are no road."""


@dataclass(frozen=True)
class Profile:
    """A recognised product: the table it feeds and how its rows become our columns.

    Attributes:
        name: Said to the user ("识别为 …").
        table: The table it feeds.
        columns: Headers (lower case) that all appear in the product.
        convert: Rows (lower-case headers) to our columns (``lon``/``lat`` for points).
        skip: Which rows are not for this table, as a label per row (None: kept).
    """

    name: str
    table: str
    columns: frozenset[str]
    convert: Callable[[pd.DataFrame], pd.DataFrame]
    skip: Callable[[pd.DataFrame], pd.Series] | None = None


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


def _first_ref(raw: pd.DataFrame) -> pd.Series:
    ref = raw["ref"] if "ref" in raw else pd.Series(None, index=raw.index, dtype=object)
    return ref.astype("string").str.split(";").str[0].str.strip().str.upper().str.replace(
        " ", "", regex=False)


def _osm_skip(raw: pd.DataFrame) -> pd.Series:
    """Label rows that are no road for vehicles with what they are (None for roads)."""
    tag = raw["highway"].astype("string").str.strip().str.lower()
    road = tag.isin(list(ROAD_CLASS_BY_HIGHWAY)).fillna(False).astype(bool)
    other = raw["railway"].astype("string") if "railway" in raw else tag.where(False)
    label = tag.fillna("railway " + other.fillna("")).fillna("—").str.strip()
    return label.where(~road, None).astype(object)


def _osm_roads(raw: pd.DataFrame) -> pd.DataFrame:
    ref = _first_ref(raw)
    by_ref = ref.str[0].map(REF_CLASS)
    tag = raw["highway"].astype("string").str.strip().str.lower()
    by_tag = tag.map(ROAD_CLASS_BY_HIGHWAY)
    klass = by_ref.where(by_tag != "高速公路", by_tag).fillna(by_tag)
    ident = next((raw[c] for c in ("osm_id", "@id", "id", "full_id") if c in raw),
                 pd.Series(raw.index, index=raw.index))
    return pd.DataFrame({
        "segment_id": "OSM-" + ident.astype(str).str.replace("way/", "", regex=False),
        "road_code": ref, "road_name": raw.get("name"), "road_class": klass,
    }, index=raw.index)


PROFILES: tuple[Profile, ...] = (
    Profile("NASA FIRMS", "fire_events",
            frozenset({"latitude", "longitude", "acq_date", "acq_time", "confidence"}), _firms),
    Profile("NASA Global Landslide Catalog", "geohazard_events",
            frozenset({"event_date", "landslide_category", "latitude", "longitude"}), _glc),
    Profile("OpenStreetMap", "road_segments", frozenset({"highway"}), _osm_roads,
            skip=_osm_skip),
)


def detect(table: str, columns: list[str]) -> Profile | None:
    """Return the profile whose columns are all present, for ``table``, if any."""
    have = {str(c).strip().lower() for c in columns}
    return next((p for p in PROFILES if p.table == table and p.columns <= have), None)


def detect_any(columns: list[str]) -> Profile | None:
    """Return the profile whose columns are all present, whichever table it feeds."""
    have = {str(c).strip().lower() for c in columns}
    return next((p for p in PROFILES if p.columns <= have), None)


def _lowered(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.rename(columns=lambda c: str(c).strip().lower())


def apply(profile: Profile, raw: pd.DataFrame) -> pd.DataFrame:
    """Convert a raw product table to our column names (with ``lon``/``lat``)."""
    return profile.convert(_lowered(raw))


def skipped(profile: Profile | None, raw: pd.DataFrame) -> pd.Series:
    """Return, per row, what it is when the profile skips it (None for a row it keeps)."""
    if profile is None or profile.skip is None:
        return pd.Series(None, index=raw.index, dtype=object)
    return profile.skip(_lowered(raw))
