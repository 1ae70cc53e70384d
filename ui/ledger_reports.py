"""The ledger page's reports: rectification priorities with a budget, and who is behind."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.engine import RiskResult
from analytics.ledger_stats import GROUPS, monthly, overdue_major, rectification, red_black
from analytics.priority import budget_plan, passed_over, rank_tables
from geodata.snapshot import Snapshot
from ui.charts import lines_spec
from ui.chrome import SNAPSHOT_KEY, current_lang, show_table, text_of, tr
from ui.tables import choice_format, localise

CHANGED_STYLE = "background-color: #fff3b0; font-weight: 600"
"""Rows whose class would change: highlighted."""
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
    """Show the budget's picks first, then every open hazard by priority with the reason."""
    ranked = _ranked(snap, result)
    why = "why_en" if current_lang() == "en" else "why"
    budget = st.number_input(tr("budget"), 0.0, 1e6, 0.0, step=10.0, key="budget")
    if budget > 0:
        _budget(snap, ranked, float(budget), names, why)
    st.subheader(tr("priority_list"))
    show_table(ranked.head(100)[["rank", "hazard_id", "priority", "township_code", "domain",
                                 "hazard_level", "lead_department", why]].round({"priority": 2}),
               names=names, headings={why: tr("col.priority_why")}, hide_index=True)


def _budget(snap: Snapshot, ranked: pd.DataFrame, budget: float, names: dict[str, str],
            why: str) -> None:
    chosen, effect = _plan(snap, budget, ranked)
    st.write(tr("budget_pick", n=len(chosen), cost=chosen["cost_used"].sum()))
    show_table(chosen[["rank", "hazard_id", "township_code", "cost_used", why]], names=names,
               headings={why: tr("col.priority_why")}, hide_index=True)
    skipped = passed_over(ranked, chosen, budget, snap.settings.ledger)
    if not skipped.empty:
        st.caption(tr("passed_over", n=len(skipped)))
        show_table(skipped[["rank", "hazard_id", "cost", "reason"]].assign(
            reason=skipped["reason"].map(lambda r: tr(f"passed_over.{r}", budget=budget))),
            hide_index=True, headings={"cost": tr("col.cost_used")})
    st.subheader(tr("as_if_fixed"))
    moved = effect["class_before"] != effect["class_after"]
    table = pd.DataFrame({
        "township_code": effect.index, "composite_before": effect["composite_before"].round(3),
        "composite_after": effect["composite_after"].round(3),
        "class": [f"{tr(f'class.{a}')} → {tr(f'class.{b}')}" if a != b else tr(f"class.{a}")
                  for a, b in zip(effect["class_before"], effect["class_after"], strict=True)],
    }).assign(order=~moved.to_numpy()).sort_values(["order", "composite_before"],
                                                    ascending=[True, False])
    st.caption(tr("class_changes", n=int(moved.sum())))
    shown = localise(table.drop(columns="order"), current_lang(), names=names,
                     headings={"class": tr("class")}).reset_index(drop=True)
    marked = ~table["order"].to_numpy()
    st.dataframe(shown.style.apply(lambda row: [CHANGED_STYLE if marked[row.name] else ""]
                                   * len(row), axis=1).format(precision=3), hide_index=True)


def _stats(table: pd.DataFrame, by: str, names: dict[str, str]) -> pd.DataFrame:
    out = table[list(STAT_COLUMNS)].rename(columns={c: tr(f"col.{c}") for c in STAT_COLUMNS})
    index = (table.index.map(names) if by == "township_code" else
             table.index.map(choice_format(by, current_lang())) if by == "domain" else
             table.index)
    out.insert(0, tr(f"group.{by}"), index)
    return out


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=SNAPSHOT_KEY)
def _behind(snap: Snapshot, by: str) -> tuple[pd.DataFrame, ...]:
    """The who-is-behind tables, once per version of the ledger: no filter changes them."""
    ledger, as_of = snap.table("hazard_ledger"), snap.as_of
    best, worst = red_black(rectification(ledger, "township_code", as_of))
    return (rectification(ledger, by, as_of), monthly(ledger, as_of), best, worst,
            overdue_major(ledger, as_of))


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=SNAPSHOT_KEY)
def _department_trend(snap: Snapshot, department: str) -> pd.DataFrame:
    """One lead department's monthly found, closed and open, once per ledger version."""
    ledger = snap.table("hazard_ledger")
    return monthly(ledger[(ledger["lead_department"] == department).to_numpy()], snap.as_of)


def _trend(snap: Snapshot, trend: pd.DataFrame) -> None:
    """The monthly trend of the whole ledger, or of one lead department."""
    st.subheader(tr("trend"))
    departments = sorted(snap.table("hazard_ledger")["lead_department"].dropna().unique())
    every = tr("filter.all")  # the language fixed when drawn, not when Streamlit formats
    pick = st.selectbox(tr("trend.department"), ["", *departments], key="trend_department",
                        format_func=lambda d: d or every)
    if pick:
        trend = _department_trend(snap, pick)
    st.vega_lite_chart(*lines_spec(trend.rename(columns={
        "found": tr("col.found"), "closed": tr("col.closed"), "open": tr("col.open")}),
        current_lang(), months=True), width="stretch")


def behind(snap: Snapshot, names: dict[str, str]) -> None:
    """Show rectification by group, the monthly trend, 红黑榜 and overdue major hazards."""
    if not snap.counts().get("hazard_ledger"):  # no ledger: no trend of zeros, no empty lists
        st.info(tr("behind.empty"))
        return
    by = st.radio(tr("group_by"), GROUPS, horizontal=True, key="behind_by",
                  format_func=text_of("group."))
    ledger_only = snap.only("hazard_ledger")
    table, trend, best, worst, late = _behind(ledger_only, by)
    st.dataframe(_stats(table, by, names), hide_index=True)
    _trend(ledger_only, trend)
    cols = st.columns(2)
    for col, title, part in ((cols[0], "red_list", best), (cols[1], "black_list", worst)):
        col.subheader(tr(title))
        if part.empty:  # fewer townships than the lists need: say so, not Streamlit's "empty"
            col.caption(tr("table.empty"))
        else:
            col.dataframe(_stats(part, "township_code", names), hide_index=True)
    st.subheader(tr("overdue_major"))
    show_table(late, names=names, hide_index=True)
