"""隐患台账 Hazard ledger — filter the ledger; see it as a table and on the map."""

import folium
import pandas as pd
import streamlit as st

from geodata.ledger_excel import ledger_workbook
from geodata.schema import labels
from maps.compose import page_map
from maps.layers import circle_points, tooltip_rows
from ui import ledger_forms, ledger_reports
from ui.assets import asset_urls
from ui.chrome import (
    BASE_TABLES,
    as_of,
    base_layers,
    caption,
    current_lang,
    data_version,
    demo_label,
    display,
    first_rows,
    points_or_totals,
    risk,
    show_map,
    start_page,
    table_version,
    tables,
    tiles,
    tr,
)

COLOURS = {"open_major": "#d7191c", "open": "#f97b1d", "closed": "#9e9e9e"}
TABLE_COLUMNS = ("hazard_id", "domain", "hazard_description", "township_code",
                 "lead_department", "responsible_unit", "hazard_level", "found_date", "deadline",
                 "hazard_status", "supervising_leader")


def _filters(ledger: pd.DataFrame, names: dict[str, str], today: pd.Timestamp) -> pd.Series:
    cols = st.columns(6)
    picks = {
        "domain": cols[0].multiselect(tr("filter.domain"), sorted(ledger["domain"].unique())),
        "lead_department": cols[1].multiselect(
            tr("filter.department"), sorted(ledger["lead_department"].dropna().unique())),
        "township_code": cols[2].multiselect(tr("filter.township"), list(names),
                                             format_func=names.get),
        "hazard_level": cols[3].multiselect(tr("filter.level"), ["重大", "一般"]),
        "hazard_status": cols[4].multiselect(tr("filter.status"),
                                             ["待整改", "整改中", "待验收", "已销号"]),
    }
    overdue_only = cols[5].toggle(tr("filter.overdue"))
    keep = pd.Series(True, index=ledger.index)
    for column, chosen in picks.items():
        if chosen:
            keep &= ledger[column].isin(chosen)
    if overdue_only:
        keep &= (ledger["hazard_status"] != "已销号") & (ledger["deadline"] < today)
    return keep


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_base(version: str, lang: str, day: pd.Timestamp, _store: object) -> object:
    """The ledger map without its points: once per base-map version, language and date."""
    del version, lang, day  # cache keys only (a ledger edit leaves the base map as it is)
    legend = (tr("legend.ledger"), [(COLOURS[k], tr(f"ledger.{k}")) for k in COLOURS])
    return page_map(base_layers(_store), asset_urls(),
                    caption(_store, tr("ledger"), tr("src.ledger")), legend=legend,
                    tiles=tiles())


def _base_map(store) -> object:
    return _cached_base(table_version(store, *BASE_TABLES), current_lang(), as_of(store),
                        store)


def _state(ledger: pd.DataFrame) -> pd.Series:
    closed = ledger["hazard_status"] == "已销号"
    major = ledger["hazard_level"] == "重大"
    return pd.Series(["closed" if c else ("open_major" if m else "open")
                      for c, m in zip(closed, major, strict=True)], index=ledger.index)


def _circles(located: pd.DataFrame) -> folium.GeoJson:
    """The hazards as circles: red = open major, orange = open, grey = closed."""
    field = labels("hazard_ledger", current_lang())
    tips = tooltip_rows(located, {c: field[c] for c in (
        "hazard_description", "responsible_unit", "hazard_status")})
    return circle_points(display(located), colours=_state(located).map(COLOURS).tolist(),
                         tooltips=tips, radius=5, name="hazards")


def _overview(store, ledger: pd.DataFrame, names: dict[str, str]) -> None:
    shown = ledger[_filters(ledger, names, as_of(store))]
    st.caption(tr("shown", n=len(shown), total=len(ledger)))
    located = shown[shown.geometry.notna()]
    points = folium.FeatureGroup(name="hazards")
    points_or_totals(store, located, _circles, colour=COLOURS["open"]).add_to(points)
    show_map(_base_map(store), "ledger-map", changing=points)
    table = pd.DataFrame(first_rows(shown)[list(TABLE_COLUMNS)])
    table["township_code"] = table["township_code"].map(names)
    st.dataframe(table.rename(columns=labels("hazard_ledger", current_lang())),
                 hide_index=True)
    lines = (tr("data_as_of", date=f"{as_of(store):%Y-%m-%d}"),
             *([demo_label(store)] if demo_label(store) else []))
    title = tr("ledger")
    # Built only when clicked (a province's ledger takes minutes to lay out), for the rows shown.
    st.download_button(tr("excel_ledger"),
                       lambda: ledger_workbook(shown, names, title=title, lines=list(lines)),
                       file_name=f"ledger-{as_of(store):%Y%m%d}.xlsx", key="ledger_xlsx")


store = start_page("ledger")
if store is not None:
    data = tables(store)
    ledger = data["hazard_ledger"]
    names = dict(zip(data["townships"]["township_code"], data["townships"]["township_name"],
                     strict=True))
    tabs = st.tabs([tr(f"tab.{k}") for k in ("ledger", "handle", "new", "batch", "priority",
                                             "behind")])
    with tabs[0]:
        _overview(store, ledger, names)
    with tabs[1]:
        ledger_forms.handle(store, ledger, data["ledger_events"])
    with tabs[2]:
        ledger_forms.create(store, names)
    with tabs[3]:
        ledger_forms.act_on_many(store, ledger)
    with tabs[4]:
        ledger_reports.priorities(data, risk(store), names, data_version(store))
    with tabs[5]:
        ledger_reports.behind(ledger, as_of(store), names, data_version(store))
