"""地质灾害 Geological hazards — sites by level and type, a site's record and readings."""

import pandas as pd
import streamlit as st

from geodata.schema import READING_KIND_UNITS, labels
from maps.compose import page_map
from maps.layers import SHAPES, symbol_points, tooltip_rows
from maps.style import RISK_COLOURS
from ui.assets import asset_urls
from ui.chrome import (
    base_layers,
    caption,
    current_lang,
    display,
    show_map,
    start_page,
    tables,
    tiles,
    tr,
)

LEVEL_COLOURS = {"特大型": RISK_COLOURS["重大"], "大型": RISK_COLOURS["较大"],
                 "中型": RISK_COLOURS["一般"], "小型": RISK_COLOURS["低"]}
CLUSTER_ABOVE = 200


def _filter(sites: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    cols = st.columns(3)
    towns = cols[0].multiselect(tr("filter.township"), list(names), format_func=names.get)
    kinds = cols[1].multiselect(tr("filter.type"), list(SHAPES))
    levels = cols[2].multiselect(tr("filter.level"), list(LEVEL_COLOURS))
    keep = sites["site_status"] == "在册"
    for column, chosen in (("township_code", towns), ("hazard_type", kinds),
                           ("threat_level", levels)):
        if chosen:
            keep &= sites[column].isin(chosen)
    return sites[keep]


def _record(site: pd.Series, readings: pd.DataFrame) -> None:
    st.subheader(f"{tr('site_record')} · {site['site_name']}")
    names = labels("geohazard_sites", current_lang())
    record = {names[k]: v for k, v in site.drop(labels="geometry").items() if pd.notna(v)}
    st.dataframe(pd.DataFrame({"": list(record), " ": [str(v) for v in record.values()]}),
                 hide_index=True)
    mine = readings[readings["site_id"] == site["site_id"]]
    if mine.empty:
        st.info(tr("no_readings"))
        return
    st.subheader(tr("readings"))
    for kind, rows in mine.groupby("reading_kind"):
        st.caption(f"{kind} ({READING_KIND_UNITS.get(kind, '')})")
        st.line_chart(rows.set_index("reading_time")["value"], height=180)


store = start_page("geohazards")
if store is not None:
    data = tables(store)
    names = dict(zip(data["townships"]["township_code"], data["townships"]["township_name"],
                     strict=True))
    sites = _filter(data["geohazard_sites"], names)
    st.caption(tr("shown", n=len(sites), total=len(data["geohazard_sites"])))
    site_labels = labels("geohazard_sites", current_lang())
    tips = tooltip_rows(sites, {c: site_labels[c] for c in (
        "site_name", "hazard_type", "threat_level", "threatened_people", "monitor_name")})
    layer = symbol_points(display(sites), colours=sites["threat_level"].map(LEVEL_COLOURS).fillna(
        "#777"), symbols=sites["hazard_type"].map(SHAPES).fillna("●"), tooltips=tips,
        cluster=len(sites) > CLUSTER_ABOVE)
    legend = (tr("legend.threat"), [(c, lvl) for lvl, c in LEVEL_COLOURS.items()])
    m = page_map(base_layers(store), asset_urls(),
                 caption(store, tr("geohazards"), tr("src.sites")), legend=legend,
                 layers=[layer], tiles=tiles())
    show_map(m, "geohazard-map")
    columns = ["site_id", "site_name", "township_code", "hazard_type", "threat_level",
               "threatened_people", "monitor_name", "last_inspection_date"]
    table = pd.DataFrame(sites[columns]).assign(
        township_code=lambda f: f["township_code"].map(names))
    picked = st.dataframe(table.rename(columns=site_labels), hide_index=True,
                          on_select="rerun", selection_mode="single-row", key="sites")
    rows = picked.selection.rows if picked else []
    if rows:
        _record(sites.iloc[rows[0]], data["monitoring_readings"])
    else:
        st.info(tr("pick_site"))
