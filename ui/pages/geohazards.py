"""地质灾害 Geological hazards — sites by level and type, a site's record and readings."""

import folium
import pandas as pd
import streamlit as st

from analytics.warning import silent_sites
from geodata.results import reference_time
from geodata.schema import READING_KIND_UNITS, labels
from maps.compose import page_map
from maps.layers import SHAPES, symbol_points, tooltip_rows
from maps.style import RISK_COLOURS
from ui.assets import asset_urls
from ui.charts import growth_chart, rain_chart
from ui.chrome import (
    base_layers,
    caption,
    current_lang,
    display,
    first_rows,
    points_or_totals,
    show_map,
    start_page,
    table_version,
    tables,
    tiles,
    tr,
    warning_settings,
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


def _symbols(sites: pd.DataFrame, site_labels: dict[str, str]) -> folium.FeatureGroup:
    """The sites as symbols: shape = type, colour = threat level; clustered when many."""
    tips = tooltip_rows(sites, {c: site_labels[c] for c in (
        "site_name", "hazard_type", "threat_level", "threatened_people", "monitor_name")})
    return symbol_points(display(sites), colours=sites["threat_level"].map(
        LEVEL_COLOURS).fillna("#777"), symbols=sites["hazard_type"].map(SHAPES).fillna("●"),
        tooltips=tips, cluster=len(sites) > CLUSTER_ABOVE)


def _reading_age(rows: pd.DataFrame, now: pd.Timestamp) -> str:
    last = rows["reading_time"].max()
    hours = max(int((now - last).total_seconds() // 3600), 0)
    age = tr("age.days", n=hours // 24) if hours >= 48 else tr("age.hours", n=hours)
    return tr("last_reading", time=f"{last:%Y-%m-%d %H:%M}", age=age)


def _readings(site: pd.Series, mine: pd.DataFrame, now: pd.Timestamp) -> None:
    settings = warning_settings()
    names = {k: tr(f"level.{k}") for k in (1, 2, 3, 4)}
    st.subheader(tr("readings"))
    st.caption(_reading_age(mine, now))
    for kind, rows in mine.groupby("reading_kind"):
        unit = READING_KIND_UNITS.get(kind, "")
        st.caption(f"{kind} ({unit})")
        if kind in settings["monitoring"]:
            st.line_chart(rows.set_index("reading_time")["value"], height=160)
            st.caption(tr("rate"))
            st.altair_chart(growth_chart(rows, settings["monitoring"][kind], names, unit),
                            use_container_width=True)
        elif kind == "降雨量":
            st.altair_chart(rain_chart(rows, site, settings, names, tr("col.effective")),
                            use_container_width=True)
        else:
            st.line_chart(rows.set_index("reading_time")["value"], height=160)


def _record(site: pd.Series, readings: pd.DataFrame, now: pd.Timestamp) -> None:
    st.subheader(f"{tr('site_record')} · {site['site_name']}")
    names = labels("geohazard_sites", current_lang())
    record = {names[k]: v for k, v in site.drop(labels="geometry").items() if pd.notna(v)}
    st.dataframe(pd.DataFrame({"": list(record), " ": [str(v) for v in record.values()]}),
                 hide_index=True)
    mine = readings[readings["site_id"] == site["site_id"]]
    if mine.empty:
        st.info(tr("no_readings"))
        return
    _readings(site, mine, now)


EXPANDERS_UP_TO = 30
"""Silent sites are listed per township in expanders up to this many townships, else in one
table with a township column."""


@st.cache_data(show_spinner=False, max_entries=8)
def _quiet(version: str, days: int, now: pd.Timestamp, _store) -> pd.DataFrame:
    """Sites silent for more than ``days`` days, computed once per data version."""
    del version  # cache key only
    data = tables(_store)
    return silent_sites(data["geohazard_sites"], data["monitoring_readings"], as_of=now,
                        days=days)


def _silent(store, sites: pd.DataFrame, names: dict[str, str], now: pd.Timestamp) -> None:
    days = st.number_input(tr("silent_days"), 1, 365,
                           int(warning_settings()["silent_days"]), key="silent_days")
    watched = table_version(store, "geohazard_sites", "monitoring_readings")
    quiet = _quiet(watched, int(days), now, store)
    st.subheader(tr("silent", days=int(days)))
    site_names = sites.set_index("site_id")["site_name"]

    def listed(rows: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            tr("site_record"): rows["site_id"].map(site_names),
            tr("col.days_since_inspection"): rows["days_since_inspection"],
            tr("col.days_since_reading"): rows["days_since_reading"],
            tr("col.why"): rows["why"].map(lambda w: tr(f"silent.why.{w}"))})

    if quiet["township_code"].nunique() > EXPANDERS_UP_TO:
        table = listed(quiet)
        table.insert(0, tr("township"), quiet["township_code"].map(names))
        st.dataframe(first_rows(table), hide_index=True)
        return
    for code, rows in quiet.groupby("township_code", sort=False):
        with st.expander(f"{names.get(code, code)} · {tr('silent.count', n=len(rows))}"):
            st.dataframe(listed(rows), hide_index=True)


store = start_page("geohazards")
if store is not None:
    data = tables(store)
    names = dict(zip(data["townships"]["township_code"], data["townships"]["township_name"],
                     strict=True))
    sites = _filter(data["geohazard_sites"], names)
    st.caption(tr("shown", n=len(sites), total=len(data["geohazard_sites"])))
    site_labels = labels("geohazard_sites", current_lang())
    layer = points_or_totals(store, sites, lambda s: _symbols(s, site_labels),
                             colour=RISK_COLOURS["较大"])
    legend = (tr("legend.threat"), [(c, lvl) for lvl, c in LEVEL_COLOURS.items()])
    m = page_map(base_layers(store), asset_urls(),
                 caption(store, tr("geohazards"), tr("src.sites")), legend=legend,
                 layers=[layer], tiles=tiles())
    show_map(m, "geohazard-map")
    columns = ["site_id", "site_name", "township_code", "hazard_type", "threat_level",
               "threatened_people", "monitor_name", "last_inspection_date"]
    table = pd.DataFrame(first_rows(sites)[columns]).assign(
        township_code=lambda f: f["township_code"].map(names))
    picked = st.dataframe(table.rename(columns=site_labels), hide_index=True,
                          on_select="rerun", selection_mode="single-row", key="sites")
    rows = picked.selection.rows if picked else []
    now = reference_time(store)
    if rows:
        _record(sites.iloc[rows[0]], data["monitoring_readings"], now)
    else:
        st.info(tr("pick_site"))
    _silent(store, data["geohazard_sites"], names, now)
