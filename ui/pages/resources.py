"""安置点与应急资源 Relocation sites & resources — hazards near each site, nearest help."""

import folium
import pandas as pd
import streamlit as st

from analytics.places import relocation_surroundings
from domain.schema import TABLES
from maps.compose import page_map
from maps.layers import circle_points, symbol_points
from ui.assets import asset_urls
from ui.chrome import (
    base_layers,
    caption,
    current_lang,
    display,
    need,
    points_or_totals,
    show_map,
    show_table,
    start_page,
    tiles,
    tips,
    tr,
)
from ui.tables import choice_format

RESOURCE_STYLE = {"避难场所": ("#1a9641", "⌂"), "救援队伍": ("#d7191c", "✚"),
                  "物资储备库": ("#7b3294", "▣"), "消防站": ("#f97b1d", "▲"),
                  "森林消防队": ("#2e7d32", "▲"), "医院": ("#2c7bb6", "✚")}
RELOC_COLOUR = "#000000"
CLUSTER_ABOVE = 300
"""More resources than this are clustered (a province's thousands of symbols, each a page
element, took seconds to draw)."""


def _symbols(resources: pd.DataFrame) -> folium.GeoJson:
    """Emergency resources as symbols: colour and shape by category."""
    style = resources["facility_category"].map(RESOURCE_STYLE)
    shown = tips(resources, ("facility_name", "facility_category", "capacity"))
    return symbol_points(display(resources), colours=style.str[0], symbols=style.str[1],
                         tooltips=shown, cluster=len(resources) > CLUSTER_ABOVE)


snapshot = start_page("resources")
if snapshot is not None:
    need(snapshot, "relocation_sites", "facilities")  # shows what it has
    data = snapshot.tables()
    distance = st.slider(tr("distance_m"), 100, 3000, 500, step=100)
    reloc = data["relocation_sites"]
    around = relocation_surroundings(reloc, data["geohazard_sites"], data["facilities"],
                                     distance_m=float(distance))
    facilities = data["facilities"]
    resources = facilities[facilities["facility_category"].isin(RESOURCE_STYLE)]
    rel_tips = tips(reloc.join(around), ("reloc_name", "people", "hazards_near"))
    layers = [
        points_or_totals(snapshot, resources, _symbols, colour="#2c7bb6"),
        circle_points(display(reloc), colours=RELOC_COLOUR, tooltips=rel_tips, radius=8,
                      name="relocation"),
    ]
    kind = choice_format("facility_category", current_lang())
    legend = (tr("resources_legend"), [(c, f"{s} {kind(k)}")
                                       for k, (c, s) in RESOURCE_STYLE.items()]
              + [(RELOC_COLOUR, TABLES["relocation_sites"].label(current_lang()))])
    m = page_map(base_layers(snapshot), asset_urls(),
                 caption(snapshot, tr("resources"), tr("src.resources")), legend=legend,
                 layers=layers, tiles=tiles())
    show_map(m, "resources-map")
    st.subheader(tr("reloc_table"))
    table = pd.DataFrame(reloc[["reloc_name", "households", "people"]]).join(around)
    show_table(table.sort_values("hazards_near", ascending=False), hide_index=True,
               headings={"shelter_m": tr("col.to_shelter_m"), "rescue_m": tr("col.to_rescue_m")})
