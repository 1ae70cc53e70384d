"""隐患台账 Hazard ledger — filter the ledger; see it as a table and on the map."""

import folium
import numpy as np
import pandas as pd
import streamlit as st

from domain.rules import is_closed, is_major, is_overdue
from domain.workflow import STATUSES
from geodata.ledger_excel import ledger_workbook
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import circle_points
from ui import ledger_forms, ledger_reports
from ui.assets import asset_urls
from ui.chrome import (
    BASE_TABLES,
    audited,
    base_layers,
    caption,
    current_lang,
    demo_label,
    display,
    filter_pick,
    last_pick,
    need_or_base_map,
    points_or_totals,
    risk,
    settings,
    show_map,
    show_table,
    start_page,
    tiles,
    tips,
    tr,
)
from ui.tables import choice_format

COLOURS = {"open_major": "#d7191c", "open": "#f97b1d", "closed": "#9e9e9e"}
DRAW_ORDER = {"closed": 0, "open": 1, "open_major": 2}
"""Drawn in this order: later ones lie on top."""
TABLE_COLUMNS = ("hazard_id", "domain", "hazard_description", "township_code",
                 "lead_department", "responsible_unit", "hazard_level", "found_date", "deadline",
                 "hazard_status", "supervising_leader")


def _filters(ledger: pd.DataFrame, names: dict[str, str], as_of: pd.Timestamp
             ) -> tuple[pd.Series, list[str]]:
    # the township filter wider: its picks are names, drawn as chips beside the input
    # (six equal columns left a 1366 px laptop no room to read one)
    cols = st.columns([1, 1, 1.7, 0.8, 1, 0.8])
    lang = current_lang()
    departments = sorted(ledger["lead_department"].dropna().unique())
    picks = {
        "domain": filter_pick(cols[0], tr("filter.domain"), sorted(ledger["domain"].unique()),
                              format_func=choice_format("domain", lang)),
        "lead_department": filter_pick(cols[1], tr("filter.department"), departments),
        "township_code": filter_pick(cols[2], tr("filter.township"), list(names),
                                     format_func=names.get),
        "hazard_level": filter_pick(cols[3], tr("filter.level"), ["重大", "一般"],
                                    format_func=choice_format("hazard_level", lang)),
        "hazard_status": filter_pick(cols[4], tr("filter.status"), list(STATUSES),
                                     format_func=choice_format("hazard_status", lang)),
    }
    overdue_only = cols[5].toggle(tr("filter.overdue"))
    keep = pd.Series(True, index=ledger.index)
    for column, chosen in picks.items():
        if chosen:
            keep &= ledger[column].isin(chosen)
    if overdue_only:
        keep &= is_overdue(ledger, as_of)
    return keep, picks["township_code"]


def _map(snap: Snapshot, points: object, towns: list[str],
         mark: tuple[float, float] | None) -> object:
    """The ledger map: base map and hazards, fitted to the townships filtered, the pick ringed."""
    legend = (tr("legend.ledger"), [(COLOURS[k], tr(f"ledger.{k}")) for k in COLOURS])
    return page_map(base_layers(snap.only(*BASE_TABLES)), asset_urls(),
                    caption(snap, tr("ledger"), tr("src.ledger")), legend=legend,
                    layers=[points], tiles=tiles(), focus=towns, mark=mark)


def _state(ledger: pd.DataFrame) -> pd.Series:
    """Each hazard's state on the map: ``open_major``, ``open`` or ``closed``."""
    closed, major = is_closed(ledger).to_numpy(), is_major(ledger).to_numpy()
    return pd.Series(["closed" if c else ("open_major" if m else "open")
                      for c, m in zip(closed, major, strict=True)], index=ledger.index)


def _circles(located: pd.DataFrame) -> folium.GeoJson:
    """The hazards as circles: red = open major, orange = open, grey = closed (under)."""
    state = _state(located)
    order = state.map(DRAW_ORDER).sort_values(kind="stable").index
    located, state = located.loc[order], state.loc[order]
    shown = tips(located, ("hazard_id", "hazard_description", "responsible_unit",
                           "hazard_status"))
    return circle_points(display(located), colours=state.map(COLOURS).tolist(),
                         tooltips=shown, radius=5, name="hazards")


def _first(ledger: pd.DataFrame, as_of: pd.Timestamp, limit: int) -> pd.DataFrame:
    """Return the first ``limit`` rows in working order (only those: not all 300,000).

    Overdue, open major, open (each by deadline), then closed, latest deadline first.
    """
    group = np.select([is_overdue(ledger, as_of).to_numpy(), is_closed(ledger).to_numpy(),
                       is_major(ledger).to_numpy()], [0, 3, 1], default=2)
    by_deadline = ledger["deadline"].rank(method="first", na_option="bottom").to_numpy()
    key = np.where(group == 3, -by_deadline, by_deadline)
    return ledger.iloc[np.lexsort((key, group))[:limit]]


def _clicked(located: pd.DataFrame, clicked: dict | None) -> str | None:
    """The hazard at the point clicked on the map (its coordinates), if any."""
    if not clicked or clicked.get("lat") is None or located.empty:
        return None
    dist = (located.geometry.x - clicked["lng"]).abs() + (located.geometry.y - clicked["lat"]).abs()
    return str(located.loc[dist.idxmin(), "hazard_id"]) if dist.min() < 1e-6 else None


def _picked(rows: pd.DataFrame, located: pd.DataFrame) -> str | None:
    """Return the hazard last picked, in the table or on the map (read before the map)."""
    state = st.session_state.get("ledger_table")
    chosen = [r for r in (state.selection.rows if state else []) if r < len(rows)]
    drawn = st.session_state.get("ledger-map") or {}
    return last_pick("ledger_pick", chosen, lambda r: str(rows["hazard_id"].iloc[r]),
                     _clicked(located, drawn.get("last_object_clicked")))


def _overview(snap: Snapshot, ledger: pd.DataFrame, events: pd.DataFrame,
              names: dict[str, str]) -> None:
    keep, towns = _filters(ledger, names, snap.as_of)
    shown = ledger[keep.to_numpy()]
    st.caption(tr("shown", n=len(shown), total=len(ledger)))
    located = shown[shown.geometry.notna()]
    rows = _first(shown, snap.as_of, settings().maps.table_rows)
    hazard_id = _picked(rows, located)
    spot = located[located["hazard_id"] == hazard_id]
    points = points_or_totals(snap, located, _circles, colour=COLOURS["open"])
    show_map(_map(snap, points, towns, (spot.geometry.x.iloc[0], spot.geometry.y.iloc[0])
                  if len(spot) else None), "ledger-map", returned=["last_object_clicked"])
    if len(rows) < len(shown):
        st.caption(tr("table.first", shown=len(rows), total=len(shown)))
    show_table(pd.DataFrame(rows[list(TABLE_COLUMNS)]), names=names, hide_index=True,
               on_select="rerun", selection_mode="single-row", key="ledger_table")
    lines = (tr("data_as_of", date=f"{snap.as_of:%Y-%m-%d}"),
             *([demo_label(snap)] if demo_label(snap) else []))
    title = tr("ledger")
    # Built only when clicked (a province's ledger takes minutes to lay out), for the rows shown.
    name = f"ledger-{snap.as_of:%Y%m%d}.xlsx"
    st.download_button(tr("excel_ledger"), audited(
        lambda: ledger_workbook(shown, names, title=title, lines=list(lines)),
        f"{name} ({len(shown):,} rows)"), file_name=name, key="ledger_xlsx")
    if hazard_id is None or hazard_id not in set(ledger["hazard_id"]):
        st.info(tr("pick_to_handle"))
        return
    ledger_forms.handle_one(snap.store, ledger, events, hazard_id, names, prefix="picked")


snapshot = start_page("ledger")
if snapshot is not None:
    data = snapshot.tables()
    ledger = data["hazard_ledger"]
    names = snapshot.township_names()
    tabs = st.tabs([tr(f"tab.{k}") for k in ("ledger", "handle", "new", "batch", "priority",
                                             "behind")])
    with tabs[0]:
        if need_or_base_map(snapshot, "hazard_ledger", "ledger", "src.ledger"):
            _overview(snapshot, ledger, data["ledger_events"], names)
    with tabs[1]:
        ledger_forms.handle(snapshot.store, ledger, data["ledger_events"], names)
    with tabs[2]:
        ledger_forms.create(snapshot.store, names)
    with tabs[3]:
        ledger_forms.act_on_many(snapshot.store, ledger)
    with tabs[4]:
        ledger_reports.priorities(snapshot, risk(snapshot), names)
    with tabs[5]:
        ledger_reports.behind(snapshot, names)
