"""隐患台账 Hazard ledger — filter the ledger; see it as a table and on the map."""

import folium
import pandas as pd
import streamlit as st

from domain.rules import is_closed, is_major, is_overdue
from domain.schema import LEDGER_STATUSES, labels
from domain.workflow import STATUSES
from geodata.ledger_excel import ledger_workbook
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import circle_points, tooltip_rows
from ui import ledger_forms, ledger_reports
from ui.assets import asset_urls
from ui.chrome import (
    BASE_TABLES,
    base_layers,
    caption,
    current_lang,
    demo_label,
    display,
    first_rows,
    need,
    points_or_totals,
    risk,
    show_map,
    show_table,
    start_page,
    tiles,
    tr,
)

COLOURS = {"open_major": "#d7191c", "open": "#f97b1d", "closed": "#9e9e9e"}
TABLE_COLUMNS = ("hazard_id", "domain", "hazard_description", "township_code",
                 "lead_department", "responsible_unit", "hazard_level", "found_date", "deadline",
                 "hazard_status", "supervising_leader")


def _filters(ledger: pd.DataFrame, names: dict[str, str], as_of: pd.Timestamp) -> pd.Series:
    cols = st.columns(6)
    picks = {
        "domain": cols[0].multiselect(tr("filter.domain"), sorted(ledger["domain"].unique())),
        "lead_department": cols[1].multiselect(
            tr("filter.department"), sorted(ledger["lead_department"].dropna().unique())),
        "township_code": cols[2].multiselect(tr("filter.township"), list(names),
                                             format_func=names.get),
        "hazard_level": cols[3].multiselect(tr("filter.level"), ["重大", "一般"]),
        "hazard_status": cols[4].multiselect(tr("filter.status"), list(STATUSES),
                                             format_func=_status_label),
    }
    overdue_only = cols[5].toggle(tr("filter.overdue"))
    keep = pd.Series(True, index=ledger.index)
    for column, chosen in picks.items():
        if chosen:
            keep &= ledger[column].isin(chosen)
    if overdue_only:
        keep &= is_overdue(ledger, as_of)
    return keep


def _status_label(status: str) -> str:
    return LEDGER_STATUSES[status] if current_lang() == "en" else status


def _map(snap: Snapshot, points: object) -> object:
    """The ledger map: the base map (simplified once per version) and the hazards shown."""
    legend = (tr("legend.ledger"), [(COLOURS[k], tr(f"ledger.{k}")) for k in COLOURS])
    return page_map(base_layers(snap.only(*BASE_TABLES)), asset_urls(),
                    caption(snap, tr("ledger"), tr("src.ledger")), legend=legend,
                    layers=[points], tiles=tiles())


def _state(ledger: pd.DataFrame) -> pd.Series:
    closed, major = is_closed(ledger).to_numpy(), is_major(ledger).to_numpy()
    return pd.Series(["closed" if c else ("open_major" if m else "open")
                      for c, m in zip(closed, major, strict=True)], index=ledger.index)


def _circles(located: pd.DataFrame) -> folium.GeoJson:
    """The hazards as circles: red = open major, orange = open, grey = closed."""
    field = labels("hazard_ledger", current_lang())
    tips = tooltip_rows(located, {c: field[c] for c in (
        "hazard_description", "responsible_unit", "hazard_status")})
    return circle_points(display(located), colours=_state(located).map(COLOURS).tolist(),
                         tooltips=tips, radius=5, name="hazards")


def _overview(snap: Snapshot, ledger: pd.DataFrame, names: dict[str, str]) -> None:
    shown = ledger[_filters(ledger, names, snap.as_of)]
    st.caption(tr("shown", n=len(shown), total=len(ledger)))
    located = shown[shown.geometry.notna()]
    points = points_or_totals(snap, located, _circles, colour=COLOURS["open"])
    show_map(_map(snap, points), "ledger-map")
    table = pd.DataFrame(first_rows(shown)[list(TABLE_COLUMNS)])
    table["township_code"] = table["township_code"].map(names)
    heads = labels("hazard_ledger", current_lang()) | {"township_code": tr("township")}
    show_table(table.rename(columns=heads), hide_index=True)
    lines = (tr("data_as_of", date=f"{snap.as_of:%Y-%m-%d}"),
             *([demo_label(snap)] if demo_label(snap) else []))
    title = tr("ledger")
    # Built only when clicked (a province's ledger takes minutes to lay out), for the rows shown.
    st.download_button(tr("excel_ledger"),
                       lambda: ledger_workbook(shown, names, title=title, lines=list(lines)),
                       file_name=f"ledger-{snap.as_of:%Y%m%d}.xlsx", key="ledger_xlsx")


snapshot = start_page("ledger")
if snapshot is not None:
    data = snapshot.tables()
    ledger = data["hazard_ledger"]
    names = snapshot.township_names()
    tabs = st.tabs([tr(f"tab.{k}") for k in ("ledger", "handle", "new", "batch", "priority",
                                             "behind")])
    with tabs[0]:
        if need(snapshot, "hazard_ledger"):
            _overview(snapshot, ledger, names)
    with tabs[1]:
        ledger_forms.handle(snapshot.store, ledger, data["ledger_events"])
    with tabs[2]:
        ledger_forms.create(snapshot.store, names)
    with tabs[3]:
        ledger_forms.act_on_many(snapshot.store, ledger)
    with tabs[4]:
        ledger_reports.priorities(snapshot, risk(snapshot), names)
    with tabs[5]:
        ledger_reports.behind(snapshot, names)
