"""安置点与应急资源 Relocation sites & resources — hazards near each site, nearest help."""

import folium
import pandas as pd
import streamlit as st

from analytics.places import relocation_surroundings
from domain.schema import TABLES, labels
from maps.compose import page_map
from maps.layers import circle_points, symbol_points, tooltip_rows
from ui.assets import asset_urls
from ui.chrome import (
    base_layers,
    caption,
    current_lang,
    display,
    need,
    points_or_totals,
    show_map,
    start_page,
    tiles,
    tr,
)

RESOURCE_STYLE = {"避难场所": ("#1a9641", "⌂"), "救援队伍": ("#d7191c", "✚"),
                  "物资储备库": ("#7b3294", "▣"), "消防站": ("#f97b1d", "▲"),
                  "森林消防队": ("#2e7d32", "▲"), "医院": ("#2c7bb6", "✚")}
RELOC_COLOUR = "#000000"


def _symbols(resources: pd.DataFrame, fac_labels: dict[str, str]) -> folium.GeoJson:
    """Emergency resources as symbols: colour and shape by category."""
    style = resources["facility_category"].map(RESOURCE_STYLE)
    tips = tooltip_rows(resources, {"facility_name": fac_labels["facility_name"],
                                    "facility_category": fac_labels["facility_category"],
                                    "capacity": fac_labels["capacity"]})
    return symbol_points(display(resources), colours=style.str[0], symbols=style.str[1],
                         tooltips=tips, cluster=False)


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
    fac_labels = labels("facilities", current_lang())
    rel_labels = labels("relocation_sites", current_lang())
    rel_tips = tooltip_rows(reloc.join(around), {
        "reloc_name": rel_labels["reloc_name"], "people": rel_labels["people"],
        "hazards_near": tr("col.hazards_near")})
    layers = [
        points_or_totals(snapshot, resources, lambda r: _symbols(r, fac_labels),
                         colour="#2c7bb6"),
        circle_points(display(reloc), colours=RELOC_COLOUR, tooltips=rel_tips, radius=8,
                      name="relocation"),
    ]
    legend = (tr("resources_legend"), [(c, f"{s} {k}") for k, (c, s) in RESOURCE_STYLE.items()]
              + [(RELOC_COLOUR, TABLES["relocation_sites"].label(current_lang()))])
    m = page_map(base_layers(snapshot), asset_urls(),
                 caption(snapshot, tr("resources"), tr("src.resources")), legend=legend,
                 layers=layers, tiles=tiles())
    show_map(m, "resources-map")
    st.subheader(tr("reloc_table"))
    table = pd.DataFrame(reloc[["reloc_name", "households", "people"]]).join(around)
    columns = {**{k: rel_labels[k] for k in ("reloc_name", "households", "people")},
               **{k: tr(f"col.{k}") for k in around.columns}}
    st.dataframe(table.rename(columns=columns).sort_values(tr("col.hazards_near"),
                                                           ascending=False), hide_index=True)
