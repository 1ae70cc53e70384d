"""道路交通 Roads — segments by accident severity, black spots, accidents, black-spot table."""

import pandas as pd
import streamlit as st

from analytics.places import classes_from_breaks, segment_severity
from geodata.schema import labels
from maps.compose import page_map
from maps.layers import circle_points, coloured_lines, tooltip_rows
from maps.style import RISK_COLOURS
from ui.assets import asset_urls
from ui.chrome import (
    as_of,
    base_layers,
    caption,
    current_lang,
    display,
    risk,
    risk_config,
    show_map,
    start_page,
    tables,
    tiles,
    tr,
)

SPOT_COLOUR = "#7b00b4"

store = start_page("roads")
if store is not None:
    data = tables(store)
    settings = risk_config().section("road")
    segments = data["road_segments"]
    severity = segment_severity(segments, data["road_accidents"], as_of=as_of(store),
                                settings=settings)
    classes = classes_from_breaks(severity, settings["segment_breaks"])
    seg_labels = labels("road_segments", current_lang())
    tips = tooltip_rows(segments.assign(severity=severity.round(2)), {
        "road_name": seg_labels["road_name"], "segment_id": seg_labels["segment_id"],
        "severity": tr("legend.segments")})
    spots = risk(store).black_spots
    spot_tips = tooltip_rows(spots, {"road_code": seg_labels["road_code"],
                                     "accidents": tr("accidents")})
    accidents = data["road_accidents"]
    layers = [
        coloured_lines(display(segments), colours=classes.map(RISK_COLOURS).tolist(), tooltips=tips,
                       weight=3, name="segments"),
        coloured_lines(display(spots), colours=SPOT_COLOUR, tooltips=spot_tips, weight=9,
                       name="black_spots"),
        circle_points(display(accidents), colours="#333333", radius=2, name="accidents",
                      tooltips=tooltip_rows(accidents, {
                          c: labels("road_accidents", current_lang())[c]
                          for c in ("accident_time", "deaths", "accident_type")})),
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
