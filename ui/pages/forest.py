"""森林防火 Forest fire — township danger level on a chosen day, forest, past fires as heat."""

import calendar
from html import escape

import geopandas as gpd
import pandas as pd
import streamlit as st

from analytics.fire_stats import SOURCES, by_month, by_township, by_year, recent_hotspots
from analytics.places import fire_season_notice
from domain.schema import FIELDS
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.detail import Detail, first_level, level_files
from maps.layers import HEAT_GRADIENT, dissolved_parts, heat_layer
from maps.style import NO_DATA_HATCH
from maps.topolayer import TopoLayer, detail_source
from ui.assets import asset_urls, publish_levels
from ui.charts import counts_spec
from ui.chrome import (
    SNAPSHOT_KEY,
    base_layers,
    caption,
    current_lang,
    display,
    need,
    risk,
    show_map,
    show_table,
    start_page,
    tiles,
    tr,
)

LEVEL_COLOURS = {1: "#1a9641", 2: "#2c7bb6", 3: "#f5d10f", 4: "#f97b1d", 5: "#d7191c"}
FOREST_COLOUR = "#1b3a1b"
HEAT_COLOUR = HEAT_GRADIENT[0.6]
"""The legend's swatch of the heat layer: the middle of its gradient."""


def _month(month: int, lang: str) -> str:
    return f"{month}月" if lang == "zh" else calendar.month_abbr[month]


def _statistics(snap: Snapshot, events: pd.DataFrame, names: dict[str, str]) -> None:
    """Fires and hotspots by year, month and township; the last seven days' hotspots."""
    lang = current_lang()
    sources = {s: FIELDS["fire_source"].choice_label(s, lang) for s in SOURCES}
    st.subheader(tr("fire.stats"))
    cols = st.columns(3)
    cols[0].caption(tr("fire.by_year"))
    cols[0].vega_lite_chart(*counts_spec(by_year(events).rename(columns=sources)),
                            width="stretch")
    cols[1].caption(tr("fire.by_month"))
    months = by_month(events).rename(columns=sources)
    cols[1].vega_lite_chart(*counts_spec(months.set_axis([_month(m, lang)
                                                          for m in months.index])),
                            width="stretch")
    cols[2].caption(tr("fire.by_township"))
    towns = by_township(events)
    with cols[2]:
        show_table(towns.rename(columns=sources).rename_axis("township_code").reset_index(),
                   names=names, hide_index=True, height=220)
    recent = recent_hotspots(events, snap.now)
    st.caption(tr("fire.recent", n=len(recent)))
    if len(recent):
        show_table(pd.DataFrame(recent[["fire_time", "township_code", "confidence"]]),
                   names=names, hide_index=True)


@st.cache_resource(show_spinner=False, max_entries=2, hash_funcs=SNAPSHOT_KEY)
def _zones(snap: Snapshot) -> tuple[gpd.GeoDataFrame, Detail]:
    """Forest zones dissolved, at level 0 and with their finer levels served.

    Once per version of the zones.
    """
    parts = dissolved_parts(snap.table("forest_zones"))
    first, detail = first_level(parts.geometry, "coverage")
    publish_levels(level_files(parts.geometry, "coverage"))
    return parts.set_geometry(gpd.array.from_shapely(first, crs=parts.crs)), detail


snapshot = start_page("forest")
if snapshot is not None:
    need(snapshot, "forest_zones", "fire_weather", "fire_events")  # shows what it has
    data = snapshot.tables()
    result = risk(snapshot)
    danger = result.danger
    days = pd.to_datetime(danger["weather_date"]) if len(danger) else pd.Series(dtype=object)
    latest = days.max().date() if len(days) else result.as_of.date()
    day = st.date_input(tr("danger_day"), value=latest,
                        min_value=days.min().date() if len(days) else None, max_value=latest)
    notice = fire_season_notice(pd.Timestamp(day), snapshot.settings.risk.section("forest_fire"))
    if notice:
        st.warning(tr(f"notice.{notice}"), icon=":material/local_fire_department:")
    towns = data["townships"]
    today = danger[days.dt.date == day].set_index("township_code")["level"] if len(danger) \
        else pd.Series(dtype=float)
    level = towns["township_code"].map(today)
    fill = level.map(LEVEL_COLOURS).fillna(NO_DATA_HATCH)  # no weather that day: 无数据
    tips = towns["township_name"].map(lambda v: escape(str(v))) + " · " + level.map(
        lambda v: tr(f"danger.{int(v)}") if pd.notna(v) else "—")
    zones, zone_detail = _zones(snapshot.only("forest_zones"))
    zone_source = detail_source(zones, zone_detail, "coverage", asset_urls(), tiles())
    # forest zones as dark dashed outlines, unfilled: a green fill could not be told from
    # the danger colour of level 1 (green, by the national standard)
    forest = TopoLayer(zone_source, name="forest", interactive=False,
                       style=f"{{color: '{FOREST_COLOUR}', weight: 1.2, dashArray: '4 3',"
                             " fillOpacity: 0}")
    fires = display(data["fire_events"])
    layers = [zone_source, forest, *([heat_layer(fires)] if len(fires) else [])]
    legend = (tr("legend.danger"), [(LEVEL_COLOURS[k], tr(f"danger.{k}"))
                                    for k in sorted(LEVEL_COLOURS, reverse=True)]
              + ([(NO_DATA_HATCH, tr("class.无数据"))] if level.isna().any() else [])
              + [(FOREST_COLOUR, tr("legend.forest_zone"))]
              + ([(HEAT_COLOUR, tr("legend.heat"))] if len(fires) else []))
    m = page_map(base_layers(snapshot), asset_urls(),
                 caption(snapshot, f"{tr('forest')} · {day:%Y-%m-%d}", tr("src.fire")),
                 legend=legend, layers=layers, fill=fill, tooltips=tips, tiles=tiles())
    show_map(m, "forest-map")
    if len(data["fire_events"]):
        _statistics(snapshot, data["fire_events"], snapshot.township_names())
