"""地质灾害 Geological hazards — sites by level and type, a site's record and readings."""

import folium
import pandas as pd
import streamlit as st

from analytics.warning import silent_sites
from domain.rules import active_sites
from domain.schema import READING_KIND_UNITS
from domain.settings.warning import WarningSettings
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import SHAPES, symbol_points
from maps.style import RISK_COLOURS
from ui.assets import asset_urls
from ui.charts import growth_chart, rain_chart, reading_chart
from ui.chrome import (
    SNAPSHOT_KEY,
    base_layers,
    caption,
    current_lang,
    display,
    filter_pick,
    first_rows,
    need_or_base_map,
    points_or_totals,
    show_map,
    show_table,
    start_page,
    tiles,
    tips,
    tr,
)
from ui.tables import choice_format, record

LEVEL_COLOURS = {"特大型": RISK_COLOURS["重大"], "大型": RISK_COLOURS["较大"],
                 "中型": RISK_COLOURS["一般"], "小型": RISK_COLOURS["低"]}
CLUSTER_ABOVE = 200
SHAPE_KEY_COLOUR = "#555555"


def _filter(sites: pd.DataFrame, names: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    cols = st.columns(3)
    towns = filter_pick(cols[0], tr("filter.township"), list(names), format_func=names.get)
    kinds = filter_pick(cols[1], tr("filter.type"), list(SHAPES),
                        format_func=choice_format("hazard_type", current_lang()))
    levels = filter_pick(cols[2], tr("filter.level"), list(LEVEL_COLOURS),
                         format_func=choice_format("threat_level", current_lang()))
    active = active_sites(sites)
    keep = pd.Series(True, index=active.index)
    for column, chosen in (("township_code", towns), ("hazard_type", kinds),
                           ("threat_level", levels)):
        if chosen:
            keep &= active[column].isin(chosen)
    return active[keep.to_numpy()], towns


def _picked(sites: pd.DataFrame) -> pd.Series | None:
    """The site picked in the table (read before the map is drawn), or linked by ``?site=``."""
    state = st.session_state.get("sites")
    rows = [r for r in (state.selection.rows if state else []) if r < len(sites)]
    if rows:
        return sites.iloc[rows[0]]
    linked = sites[sites["site_id"] == st.query_params.get("site")]
    return linked.iloc[0] if len(linked) else None


def _symbols(sites: pd.DataFrame) -> folium.FeatureGroup:
    """The sites as symbols: shape = type, colour = threat level; clustered when many."""
    shown = tips(sites, ("site_name", "hazard_type", "threat_level", "threatened_people",
                         "monitor_name"))
    return symbol_points(display(sites), colours=sites["threat_level"].map(
        LEVEL_COLOURS).fillna("#777"), symbols=sites["hazard_type"].map(SHAPES).fillna("●"),
        tooltips=shown, cluster=len(sites) > CLUSTER_ABOVE,
        ranks=sites["threat_level"].map({lvl: -i for i, lvl in enumerate(LEVEL_COLOURS)}))


def _legend() -> tuple[str, list[tuple[str, str]]]:
    """Colour = threat level, then a key of the shapes (hazard type)."""
    level = choice_format("threat_level", current_lang())
    kind = choice_format("hazard_type", current_lang())
    return tr("legend.threat"), ([(c, level(lvl)) for lvl, c in LEVEL_COLOURS.items()]
                                 + [(SHAPE_KEY_COLOUR, f"{shape} {kind(k)}")
                                    for k, shape in SHAPES.items()])


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
    lang = current_lang()
    for kind, rows in mine.groupby("reading_kind"):
        unit = READING_KIND_UNITS.get(kind, "")
        title = f"{choice_format('reading_kind', lang)(kind)} ({unit})"
        st.caption(title)
        if kind == "降雨量":
            st.altair_chart(rain_chart(rows, site, settings, names, tr("col.effective"), lang),
                            width="stretch")
            continue
        st.altair_chart(reading_chart(rows, title, lang), width="stretch")
        if kind in settings.monitoring:
            st.caption(tr("rate"))
            st.altair_chart(growth_chart(rows, settings.monitoring[kind], names,
                                         f"{unit}/{tr('unit.day')}", lang),
                            width="stretch")


def _record(site: pd.Series, readings: pd.DataFrame, snap: Snapshot) -> None:
    st.subheader(f"{tr('site_record')} · {site['site_name']}")
    st.dataframe(record(site, current_lang(), snap.township_names()), hide_index=True)
    mine = readings[readings["site_id"] == site["site_id"]]
    if mine.empty:
        st.info(tr("no_readings"))
        return
    _readings(site, mine, snap.now, snap.settings.warning)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=SNAPSHOT_KEY)
def _quiet(snap: Snapshot, days: int, now: pd.Timestamp) -> pd.DataFrame:
    """Sites silent for more than ``days`` days, once per version of sites and readings."""
    return silent_sites(snap.table("geohazard_sites"), snap.table("monitoring_readings"),
                        as_of=now, days=days)


def _silent(snap: Snapshot, sites: pd.DataFrame, names: dict[str, str],
            towns: list[str]) -> None:
    """Silent sites in one table (sortable), the total in its heading; filtered townships only."""
    days = st.number_input(tr("silent_days"), 1, 365, snap.settings.warning.silent_days,
                           key="silent_days")
    quiet = _quiet(snap.only("geohazard_sites", "monitoring_readings"), int(days), snap.now)
    if towns:
        quiet = quiet[quiet["township_code"].isin(towns)]
    st.subheader(tr("silent", days=int(days), n=len(quiet)))
    if quiet.empty:
        st.success(tr("silent.none"))
        return
    table = pd.DataFrame({
        "township_code": quiet["township_code"],
        "site_name": quiet["site_id"].map(sites.set_index("site_id")["site_name"]),
        # numbers, a missing one empty (a None in a column of objects read "None")
        "days_since_inspection": pd.to_numeric(quiet["days_since_inspection"], errors="coerce"),
        "days_since_reading": pd.to_numeric(quiet["days_since_reading"], errors="coerce"),
        "why": quiet["why"].map(lambda w: tr(f"silent.why.{w}"))})
    show_table(first_rows(table.sort_values(["township_code", "days_since_inspection"],
                                            ascending=[True, False])),
               names=names, hide_index=True, key="silent_table")


snapshot = start_page("geohazards")
if snapshot is not None and need_or_base_map(snapshot, "geohazard_sites", "geohazards",
                                             "src.sites"):
    data = snapshot.tables()
    names = snapshot.township_names()
    sites, towns = _filter(data["geohazard_sites"], names)
    st.caption(tr("shown", n=len(sites), total=len(active_sites(data["geohazard_sites"]))))
    site = _picked(sites)
    layer = points_or_totals(snapshot, sites, _symbols, colour=RISK_COLOURS["较大"])
    m = page_map(base_layers(snapshot), asset_urls(),
                 caption(snapshot, tr("geohazards"), tr("src.sites")), legend=_legend(),
                 layers=[layer], tiles=tiles(), focus=towns,
                 mark=None if site is None or site.geometry is None
                 else (site.geometry.x, site.geometry.y))
    show_map(m, "geohazard-map")
    columns = ["site_id", "site_name", "township_code", "hazard_type", "threat_level",
               "threatened_people", "monitor_name", "last_inspection_date"]
    show_table(pd.DataFrame(first_rows(sites)[columns]), names=names, hide_index=True,
               on_select="rerun", selection_mode="single-row", key="sites")
    if site is not None:
        _record(site, data["monitoring_readings"], snapshot)
    else:
        st.info(tr("pick_site"))
    _silent(snapshot, data["geohazard_sites"], names, towns)
