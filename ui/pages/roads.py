"""道路交通 Roads — segments by accident severity, black spots, accidents, black-spot table."""

import folium
import pandas as pd
import streamlit as st

from analytics.places import segment_severity
from analytics.scoring import classify
from domain.labels import RISK_CLASSES
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import circle_points, coloured_lines, lines_by_colour, merged_by_colour
from maps.style import NO_DATA_COLOUR, RISK_COLOURS
from ui.assets import asset_urls
from ui.chrome import (
    SNAPSHOT_KEY,
    base_layers,
    caption,
    display,
    need,
    need_or_base_map,
    points_or_totals,
    risk,
    show_map,
    show_table,
    start_page,
    tiles,
    tips,
    too_many,
    tr,
)

SPOT_COLOUR = "#7b00b4"
ACCIDENT_COLOUR = "#333333"


@st.cache_resource(show_spinner=False, max_entries=2, hash_funcs=SNAPSHOT_KEY)
def _classes(snap: Snapshot) -> tuple[pd.Series, pd.Series]:
    """Each segment's accident severity and its class, once per version of roads and accidents."""
    data, settings = snap.tables(), snap.settings.risk.section("road")
    severity = segment_severity(data["road_segments"], data["road_accidents"],
                                as_of=snap.as_of, settings=settings)
    return severity, classify(severity, tuple(settings["segment_breaks"]))


def _colours(classes: pd.Series) -> pd.Series:
    return classes.map(RISK_COLOURS).fillna(NO_DATA_COLOUR)  # a line cannot be hatched


@st.cache_resource(show_spinner=False, max_entries=2, hash_funcs=SNAPSHOT_KEY)
def _merged(snap: Snapshot) -> dict:
    """The segments merged by colour, once per version of roads and accidents (a province)."""
    return merged_by_colour(display(snap.table("road_segments")), _colours(_classes(snap)[1]))


def _segments(snap: Snapshot, severity: pd.Series, classes: pd.Series) -> folium.GeoJson:
    """Segments coloured by class; one feature per colour when there are too many."""
    segments = snap.table("road_segments")
    if too_many(len(segments), "map.lines_merged"):
        return lines_by_colour(_merged(snap), weight=3, name="segments")
    colours = _colours(classes)
    shown = tips(segments.assign(severity=severity.round(2)),
                 ("road_name", "road_class", "segment_id", "severity"),
                 headings={"severity": tr("legend.segments")})
    return coloured_lines(display(segments), colours=colours.tolist(), tooltips=shown,
                          weight=3, name="segments")


def _accidents(accidents: pd.DataFrame) -> folium.GeoJson:
    return circle_points(display(accidents), colours=ACCIDENT_COLOUR, radius=2,
                         name="accidents",
                         tooltips=tips(accidents, ("accident_time", "deaths", "accident_type")))


snapshot = start_page("roads")
if snapshot is not None and need_or_base_map(snapshot, "road_segments", "roads", "src.roads"):
    need(snapshot, "road_accidents")  # the roads are drawn without them
    data = snapshot.tables()
    segments = data["road_segments"]
    roads_only = snapshot.only("road_segments", "road_accidents")
    severity, classes = _classes(roads_only)
    result = risk(snapshot)
    spots = result.black_spots
    spot_tips = tips(spots, ("road_code", "accidents"))
    layers = [
        _segments(roads_only, severity, classes),
        coloured_lines(display(spots), colours=SPOT_COLOUR, tooltips=spot_tips, weight=9,
                       name="black_spots"),
        points_or_totals(snapshot, data["road_accidents"], _accidents, colour=ACCIDENT_COLOUR),
    ]
    legend_items = [(RISK_COLOURS[c], tr(f"class.{c}")) for c in reversed(RISK_CLASSES)]
    if severity.isna().any():
        legend_items.append((NO_DATA_COLOUR, tr("class.无数据")))
    legend_items.append((SPOT_COLOUR, tr("black_spot_legend")))
    if len(data["road_accidents"]):
        legend_items.append((ACCIDENT_COLOUR, tr("legend.accidents")))
    m = page_map(base_layers(snapshot), asset_urls(),
                 caption(snapshot, tr("roads"), tr("src.roads")),
                 legend=(tr("legend.segments"), legend_items), layers=layers,
                 tiles=tiles())
    show_map(m, "roads-map")
    st.subheader(tr("black_spots"))
    if spots.empty:
        st.info(tr("no_black_spots"))
    else:
        table = pd.DataFrame(spots.drop(columns="geometry"))
        show_table(table.sort_values("accidents", ascending=False), names=result.names,
                   hide_index=True)
