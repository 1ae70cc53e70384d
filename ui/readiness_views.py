"""What the places, readiness and meeting pages show of the sweeps and readiness registers.

The figures come from ``analytics.sweeps`` and ``analytics.readiness`` (one rule each); this
module only lays them out, in the page's language, with user text escaped where it goes into
HTML.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from analytics.readiness import Readiness, readiness_on
from analytics.sweeps import inspected, sweep_progress, window_days
from geodata.snapshot import Snapshot
from ui.chrome import settings, show_table, tr
from ui.tables import counts_or_dash

GROUPS = ("county", "township_code", "department")
NAMED_GAPS = 4
"""The meeting screen names this many units with no one on duty (all are counted): its two
lines must keep room for the other figures."""


def sweep_table(snap: Snapshot, places: pd.DataFrame, ledger: pd.DataFrame, *,
                key: str) -> None:
    """The sweep's progress per ledger domain, for the county, per township or department."""
    config = settings().readiness
    by = st.segmented_control(tr("sweep.by"), GROUPS, default="county",
                              format_func=lambda g: tr(f"sweep.by.{g}"), key=key) or "county"
    days = window_days(snap.settings.risk)
    table = sweep_progress(places, ledger, as_of=snap.as_of, window_days=days,
                           domains=config.domains, by=None if by == "county" else by)
    if by == "township_code":
        table["township_code"] = table["township_code"].map(snap.township_names()).fillna(
            table["township_code"])
    st.caption(tr("sweep.rule", days=days))
    if places.empty and ledger.empty:
        st.caption(tr("sweep.nothing"))
        return
    for share in ("inspected_share", "rectified_share"):
        table[share] = table[share].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}")
    for count in ("places", "inspected", "found", "major_found", "rectified"):
        table[count] = counts_or_dash(table[count])
    show_table(table, hide_index=True, height=min(36 * (len(table) + 1) + 3, 600),
               headings={
        "township_code": tr("township"), "department": tr("col.department"),
        **{c: tr(f"col.sweep_{c}") for c in ("places", "inspected", "inspected_share",
                                              "found", "major_found", "rectified",
                                              "rectified_share")}})


READINESS_TABLES = ("townships", "duty_roster", "emergency_plans", "rescue_teams", "supplies")


def readiness(snap: Snapshot, day: pd.Timestamp | None = None) -> Readiness:
    """Return the readiness registers of ``snap`` on ``day`` (default: the as-of day)."""
    return readiness_on(snap.tables(READINESS_TABLES), as_of=snap.as_of,
                        settings=settings().readiness, day=day)


def meeting_strip(snap: Snapshot) -> None:
    """The meeting screen's readiness lines under the map.

    Gaps on duty first, then plans, teams, stocks and sweeps, in one paragraph of at most two
    lines (``ui.chrome.MEETING_CSS``): the screen holds it without scrolling.
    """
    state = readiness(snap)
    day = f"{state.day:%m-%d}"
    lines = []
    if state.duty.empty:
        lines.append(tr("ready.no_roster"))
    elif not state.covered:
        lines.append(tr("ready.not_planned", day=day))
    else:
        gaps = state.nobody
        named = tr("list.names").join(gaps[:NAMED_GAPS]) + (tr("list.more")
                                                          if len(gaps) > NAMED_GAPS else "")
        lines.append(tr("ready.nobody", day=day, n=len(gaps), units=named) if gaps
                     else tr("ready.all_on_duty", day=day))
    if len(state.plans):
        lines.append(tr("ready.plans_due", revise=int(state.plans["revision_due"].sum()),
                        drill=int(state.plans["drill_due"].sum())))
    if len(state.teams):
        lines.append(tr("ready.teams_due", n=int(state.teams["training_due"].sum()),
                        total=len(state.teams)))
    if len(snap.table("supplies")):
        lines.append(tr("ready.short", n=len(state.short),
                        warehouses=state.short["warehouse_name"].nunique()))
    places = snap.table("places")
    if len(places):
        done = inspected(places, as_of=snap.as_of, window_days=window_days(snap.settings.risk))
        lines.append(tr("ready.swept", done=int(done.sum()), total=len(places)))
    body = " · ".join(escape(line) for line in lines)
    st.markdown(f'<div class="rm-ready"><b>{escape(tr("readiness"))}</b>{tr("list.colon")}'
                f'{body}</div>', unsafe_allow_html=True)
