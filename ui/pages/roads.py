"""道路交通 Roads — segments by accident severity, black spots, accidents, black-spot table."""

import folium
import pandas as pd
import streamlit as st

from analytics.places import classes_from_breaks, segment_severity
from geodata.schema import labels
from maps.compose import page_map
from maps.layers import circle_points, coloured_lines, lines_by_colour, tooltip_rows
from maps.style import RISK_COLOURS
from ui.assets import asset_urls
from ui.chrome import (
    as_of,
    base_layers,
    caption,
    current_lang,
    display,
    points_or_totals,
    risk,
    risk_config,
    show_map,
    start_page,
    table_version,
    tables,
    tiles,
    too_many,
    tr,
)

SPOT_COLOUR = "#7b00b4"


@st.cache_resource(show_spinner=False, max_entries=2)
def _classes(version: str, _store) -> tuple[pd.Series, pd.Series]:
    """Each segment's accident severity and its class, once per data version."""
    del version  # cache key only
    data, settings = tables(_store), risk_config().section("road")
    severity = segment_severity(data["road_segments"], data["road_accidents"],
                                as_of=as_of(_store), settings=settings)
    return severity, classes_from_breaks(severity, settings["segment_breaks"])


def _segments(segments: pd.DataFrame, severity: pd.Series, classes: pd.Series,
              seg_labels: dict[str, str]) -> folium.GeoJson:
    """Segments coloured by class; one feature per colour when there are too many."""
    colours = classes.map(RISK_COLOURS)
    if too_many(len(segments), "map.lines_merged"):
        return lines_by_colour(display(segments), colours, weight=3, name="segments")
    tips = tooltip_rows(segments.assign(severity=severity.round(2)), {
        "road_name": seg_labels["road_name"], "segment_id": seg_labels["segment_id"],
        "severity": tr("legend.segments")})
    return coloured_lines(display(segments), colours=colours.tolist(), tooltips=tips,
                          weight=3, name="segments")


def _accidents(accidents: pd.DataFrame) -> folium.GeoJson:
    return circle_points(display(accidents), colours="#333333", radius=2, name="accidents",
                         tooltips=tooltip_rows(accidents, {
                             c: labels("road_accidents", current_lang())[c]
                             for c in ("accident_time", "deaths", "accident_type")}))


store = start_page("roads")
if store is not None:
    data = tables(store)
    segments = data["road_segments"]
    severity, classes = _classes(table_version(store, "road_segments", "road_accidents"), store)
    seg_labels = labels("road_segments", current_lang())
    spots = risk(store).black_spots
    spot_tips = tooltip_rows(spots, {"road_code": seg_labels["road_code"],
                                     "accidents": tr("accidents")})
    layers = [
        _segments(segments, severity, classes, seg_labels),
        coloured_lines(display(spots), colours=SPOT_COLOUR, tooltips=spot_tips, weight=9,
                       name="black_spots"),
        points_or_totals(store, data["road_accidents"], _accidents, colour="#333333"),
    ]
    legend_items = [(RISK_COLOURS[c], tr(f"class.{c}")) for c in ("重大", "较大", "一般", "低")]
    legend_items.append((SPOT_COLOUR, tr("black_spot_legend")))
    m = page_map(base_layers(store), asset_urls(),
                 caption(store, tr("roads"), tr("src.roads")),
                 legend=(tr("legend.segments"), legend_items), layers=layers,
                 tiles=tiles())
    show_map(m, "roads-map")
    st.subheader(tr("black_spots"))
    names = risk(store).names
    table = pd.DataFrame(spots.drop(columns="geometry")).assign(
        township_code=lambda f: f["township_code"].map(names))
    st.dataframe(table.sort_values("accidents", ascending=False), hide_index=True)
