"""The ledger page's reports: rectification priorities with a budget, and who is behind."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.engine import RiskResult
from analytics.ledger_stats import GROUPS, monthly, overdue_major, rectification, red_black
from analytics.priority import budget_plan, rank_tables
from geodata.snapshot import Snapshot
from ui.charts import lines_spec
from ui.chrome import SNAPSHOT_KEY, show_table, tr

STAT_COLUMNS = ("found", "closed", "open", "overdue", "rate", "days_to_close")


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=SNAPSHOT_KEY)
def _plan(snap: Snapshot, budget: float, _ranked: pd.DataFrame
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    return budget_plan(snap.tables(), _ranked, budget, snap.settings.risk, as_of=snap.as_of,
                       settings=snap.settings.ledger)


@st.cache_data(show_spinner=False, max_entries=4, hash_funcs=SNAPSHOT_KEY)
def _ranked(snap: Snapshot, _result: RiskResult) -> pd.DataFrame:
    return rank_tables(snap.tables(), _result.scores["composite_class"], as_of=snap.as_of,
                       settings=snap.settings.ledger)


def priorities(snap: Snapshot, result: RiskResult, names: dict[str, str]) -> None:
    """Show open hazards by priority with the reason, and the best set for a budget."""
    ranked = _ranked(snap, result)
    table = pd.DataFrame({
        tr("rank"): ranked["rank"], tr("pick_hazard"): ranked["hazard_id"],
        tr("col.priority"): ranked["priority"].round(2),
        tr("township"): ranked["township_code"].map(names),
        tr("filter.domain"): ranked["domain"], tr("filter.level"): ranked["hazard_level"],
        tr("filter.department"): ranked["lead_department"],
        tr("col.priority_why"): ranked["why"]})
    st.dataframe(table.head(100), hide_index=True)
    budget = st.number_input(tr("budget"), 0.0, 1e6, 0.0, step=10.0, key="budget")
    if budget <= 0:
        return
    chosen, effect = _plan(snap, float(budget), ranked)
    st.write(tr("budget_pick", n=len(chosen), cost=chosen["cost_used"].sum()))
    st.dataframe(chosen[["rank", "hazard_id", "cost_used", "why"]].rename(columns={
        "rank": tr("rank"), "hazard_id": tr("pick_hazard"), "why": tr("col.priority_why")}),
        hide_index=True)
    st.subheader(tr("as_if_fixed"))
    st.dataframe(pd.DataFrame({
        tr("township"): effect.index.map(names),
        tr("col.composite_before"): effect["composite_before"].round(3),
        tr("col.composite_after"): effect["composite_after"].round(3),
        tr("class"): effect["class_before"] + " → " + effect["class_after"]}),
        hide_index=True)


def _stats(table: pd.DataFrame, by: str, names: dict[str, str]) -> pd.DataFrame:
    out = table[list(STAT_COLUMNS)].rename(columns={c: tr(f"col.{c}") for c in STAT_COLUMNS})
    index = table.index.map(names) if by == "township_code" else table.index
    out.insert(0, tr(f"group.{by}"), index)
    return out


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=SNAPSHOT_KEY)
def _behind(snap: Snapshot, by: str) -> tuple[pd.DataFrame, ...]:
    """The who-is-behind tables, once per version of the ledger: no filter changes them."""
    ledger, as_of = snap.table("hazard_ledger"), snap.as_of
    best, worst = red_black(rectification(ledger, "township_code", as_of))
    return (rectification(ledger, by, as_of), monthly(ledger, as_of), best, worst,
            overdue_major(ledger, as_of))


def behind(snap: Snapshot, names: dict[str, str]) -> None:
    """Show rectification by group, the monthly trend, 红黑榜 and overdue major hazards."""
    by = st.radio(tr("group_by"), GROUPS, horizontal=True, key="behind_by",
                  format_func=lambda g: tr(f"group.{g}"))
    table, trend, best, worst, late = _behind(snap.only("hazard_ledger"), by)
    st.dataframe(_stats(table, by, names), hide_index=True)
    st.subheader(tr("trend"))
    st.vega_lite_chart(*lines_spec(trend.rename(columns={
        "found": tr("col.found"), "closed": tr("col.closed"), "open": tr("col.open")})),
        width="stretch")
    cols = st.columns(2)
    cols[0].subheader(tr("red_list"))
    cols[0].dataframe(_stats(best, "township_code", names), hide_index=True)
    cols[1].subheader(tr("black_list"))
    cols[1].dataframe(_stats(worst, "township_code", names), hide_index=True)
    st.subheader(tr("overdue_major"))
    show_table(late.assign(township_code=late["township_code"].map(names)), hide_index=True)
