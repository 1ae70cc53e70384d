"""应急准备 Readiness — who is on duty, plans and drills, rescue teams, supplies short."""

import pandas as pd
import streamlit as st

from geodata.snapshot import Snapshot
from ui.chrome import need, settings, show_table, start_page, tr
from ui.readiness_views import Readiness, readiness


def _figures(snap: Snapshot, state: Readiness) -> None:
    """Four counts of what falls short; "—" for a register not loaded (never a reassuring 0)."""
    loaded = snap.counts()
    plans, teams = state.plans, state.teams
    figures = [
        ("ready.fig.nobody", "duty_roster", lambda: len(state.nobody)),
        ("ready.fig.plans", "emergency_plans",
         lambda: (plans["revision_due"] | plans["drill_due"]).sum()),
        ("ready.fig.teams", "rescue_teams", lambda: teams["training_due"].sum()),
        ("ready.fig.short", "supplies", lambda: len(state.short)),
    ]
    for col, (key, table, count) in zip(st.columns(4), figures, strict=True):
        known = loaded.get(table) and (table != "duty_roster" or state.covered)
        col.metric(tr(key), f"{int(count()):,}" if known else "—")


def _duty(snap: Snapshot, state: Readiness) -> None:
    st.subheader(tr("ready.duty", day=f"{state.day:%Y-%m-%d}"))
    if not need(snap, "duty_roster"):
        return
    if not state.covered:  # not planned yet: never "no one on duty" for every township
        first, last = state.roster_days
        st.info(tr("ready.not_covered", first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}"),
                icon=":material/event_busy:")
        return
    table = state.duty.assign(on_duty=state.duty["on_duty"].map(
        lambda v: tr("ready.on") if v else tr("ready.off")))
    table = table.sort_values("on_duty", key=lambda s: s != tr("ready.off"), kind="stable")
    show_table(table[["duty_unit", "带班领导", "值班员", "on_duty"]], hide_index=True,
               headings={"duty_unit": tr("col.duty_unit"), "带班领导": tr("col.leader_on_duty"),
                         "值班员": tr("col.officer_on_duty"), "on_duty": tr("col.on_duty")})


def _plans(snap: Snapshot, state: Readiness) -> None:
    config = settings().readiness
    st.subheader(tr("ready.plans"))
    if not need(snap, "emergency_plans"):
        return
    st.caption(tr("ready.plans_rule", years=config.revise_years, days=config.drill_days))
    plans = state.plans.sort_values(["revision_due", "drill_due"], ascending=False)
    show_table(plans[["plan_name", "plan_kind", "owner_department", "last_revised",
                      "last_drill", "expert_group", "revision_due", "drill_due"]],
               hide_index=True, headings={"revision_due": tr("col.revision_due"),
                                          "drill_due": tr("col.drill_due")})


def _teams(snap: Snapshot, state: Readiness) -> None:
    st.subheader(tr("ready.teams"))
    if not need(snap, "rescue_teams"):
        return
    st.caption(tr("ready.teams_rule", days=settings().readiness.training_days))
    teams = state.teams.sort_values("training_due", ascending=False)
    show_table(teams[["team_name", "team_kind", "members", "equipment", "last_training",
                      "contact_phone", "training_due"]], hide_index=True,
               headings={"training_due": tr("col.training_due")})


def _supplies(snap: Snapshot, state: Readiness) -> None:
    st.subheader(tr("ready.supplies"))
    if not need(snap, "supplies"):
        return
    if state.short.empty:
        st.success(tr("ready.no_short"))
        return
    short = state.short.assign(listed=state.short["listed"].map(
        lambda v: "" if v else tr("ready.not_listed")))
    show_table(short[["warehouse_name", "item_name", "quantity", "minimum", "short",
                      "item_unit", "listed"]], hide_index=True,
               headings={"minimum": tr("col.minimum"), "short": tr("col.short_by"),
                         "listed": tr("col.listed")})


snapshot = start_page("readiness")
if snapshot is not None:
    day = st.date_input(tr("ready.day"), value=snapshot.as_of.date(), key="readiness-day")
    state = readiness(snapshot, pd.Timestamp(day))
    _figures(snapshot, state)
    _duty(snapshot, state)
    _plans(snapshot, state)
    _teams(snapshot, state)
    _supplies(snapshot, state)
