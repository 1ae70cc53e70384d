"""地质灾害 Geological hazards — sites by level and type, a site's record and readings."""

import folium
import pandas as pd
import streamlit as st

from analytics.warning import silent_sites
from domain.rules import active_sites
from domain.schema import READING_KIND_UNITS, labels
from domain.settings.warning import WarningSettings
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import SHAPES, symbol_points, tooltip_rows
from maps.style import RISK_COLOURS
from ui.assets import asset_urls
from ui.charts import growth_chart, rain_chart
from ui.chrome import (
    SNAPSHOT_KEY,
    base_layers,
    caption,
    current_lang,
    display,
    first_rows,
    need,
    points_or_totals,
    show_map,
    start_page,
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
    active = active_sites(sites)
    keep = pd.Series(True, index=active.index)
    for column, chosen in (("township_code", towns), ("hazard_type", kinds),
                           ("threat_level", levels)):
        if chosen:
            keep &= active[column].isin(chosen)
    return active[keep.to_numpy()]


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


def _readings(site: pd.Series, mine: pd.DataFrame, now: pd.Timestamp,
              settings: WarningSettings) -> None:
    names = {k: tr(f"level.{k}") for k in (1, 2, 3, 4)}
    st.subheader(tr("readings"))
    st.caption(_reading_age(mine, now))
    for kind, rows in mine.groupby("reading_kind"):
        unit = READING_KIND_UNITS.get(kind, "")
        st.caption(f"{kind} ({unit})")
        if kind in settings.monitoring:
            st.line_chart(rows.set_index("reading_time")["value"], height=160)
            st.caption(tr("rate"))
            st.altair_chart(growth_chart(rows, settings.monitoring[kind], names, unit),
                            use_container_width=True)
        elif kind == "降雨量":
            st.altair_chart(rain_chart(rows, site, settings, names, tr("col.effective")),
                            use_container_width=True)
        else:
            st.line_chart(rows.set_index("reading_time")["value"], height=160)


def _record(site: pd.Series, readings: pd.DataFrame, snap: Snapshot) -> None:
    st.subheader(f"{tr('site_record')} · {site['site_name']}")
    names = labels("geohazard_sites", current_lang())
    record = {names[k]: v for k, v in site.drop(labels="geometry").items() if pd.notna(v)}
    st.dataframe(pd.DataFrame({"": list(record), " ": [str(v) for v in record.values()]}),
                 hide_index=True)
    mine = readings[readings["site_id"] == site["site_id"]]
    if mine.empty:
        st.info(tr("no_readings"))
        return
    _readings(site, mine, snap.now, snap.settings.warning)


EXPANDERS_UP_TO = 30
"""Silent sites are listed per township in expanders up to this many townships, else in one
table with a township column."""


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=SNAPSHOT_KEY)
def _quiet(snap: Snapshot, days: int, now: pd.Timestamp) -> pd.DataFrame:
    """Sites silent for more than ``days`` days, once per version of sites and readings."""
    return silent_sites(snap.table("geohazard_sites"), snap.table("monitoring_readings"),
                        as_of=now, days=days)


def _silent(snap: Snapshot, sites: pd.DataFrame, names: dict[str, str]) -> None:
    days = st.number_input(tr("silent_days"), 1, 365, snap.settings.warning.silent_days,
                           key="silent_days")
    quiet = _quiet(snap.only("geohazard_sites", "monitoring_readings"), int(days), snap.now)
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


snapshot = start_page("geohazards")
if snapshot is not None and need(snapshot, "geohazard_sites"):
    data = snapshot.tables()
    names = snapshot.township_names()
    sites = _filter(data["geohazard_sites"], names)
    st.caption(tr("shown", n=len(sites), total=len(active_sites(data["geohazard_sites"]))))
    site_labels = labels("geohazard_sites", current_lang())
    layer = points_or_totals(snapshot, sites, lambda s: _symbols(s, site_labels),
                             colour=RISK_COLOURS["较大"])
    legend = (tr("legend.threat"), [(c, lvl) for lvl, c in LEVEL_COLOURS.items()])
    m = page_map(base_layers(snapshot), asset_urls(),
                 caption(snapshot, tr("geohazards"), tr("src.sites")), legend=legend,
                 layers=[layer], tiles=tiles())
    show_map(m, "geohazard-map")
    columns = ["site_id", "site_name", "township_code", "hazard_type", "threat_level",
               "threatened_people", "monitor_name", "last_inspection_date"]
    table = pd.DataFrame(first_rows(sites)[columns]).assign(
        township_code=lambda f: f["township_code"].map(names))
    picked = st.dataframe(table.rename(columns=site_labels), hide_index=True,
                          on_select="rerun", selection_mode="single-row", key="sites")
    rows = picked.selection.rows if picked else []
    if rows:
        _record(sites.iloc[rows[0]], data["monitoring_readings"], snapshot)
    else:
        st.info(tr("pick_site"))
    _silent(snapshot, data["geohazard_sites"], names)
