"""The ledger page's reports: rectification priorities with a budget, and who is behind."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from analytics.engine import RiskResult
from analytics.ledger_stats import GROUPS, monthly, overdue_major, rectification, red_black
from analytics.priority import budget_plan, rank_tables
from geodata.config import CONFIG_DIR, read_toml
from ui.charts import lines_spec
from ui.chrome import risk_config, tr

STAT_COLUMNS = ("found", "closed", "open", "overdue", "rate", "days_to_close")


@st.cache_resource
def ledger_settings() -> dict:
    """Return the priority configuration (``config/ledger.toml``), read once."""
    return read_toml(CONFIG_DIR / "ledger.toml")


@st.cache_data(show_spinner=False, max_entries=8)
def _plan(version: str, budget: float, _tables: Mapping[str, pd.DataFrame],
          _ranked: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    del version  # cache key only
    return budget_plan(_tables, _ranked, budget, risk_config(), as_of=as_of,
                       settings=ledger_settings())


@st.cache_data(show_spinner=False, max_entries=4)
def _ranked(version: str, _tables: Mapping[str, pd.DataFrame], _result: RiskResult
            ) -> pd.DataFrame:
    del version  # cache key only
    return rank_tables(_tables, _result.scores["composite_class"], as_of=_result.as_of,
                       settings=ledger_settings())


def priorities(tables: Mapping[str, pd.DataFrame], result: RiskResult, names: dict[str, str],
               version: str) -> None:
    """Show open hazards by priority with the reason, and the best set for a budget."""
    ranked = _ranked(version, tables, result)
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
    chosen, effect = _plan(version, float(budget), tables, ranked, result.as_of)
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


@st.cache_data(show_spinner=False, max_entries=8)
def _behind(version: str, by: str, as_of: pd.Timestamp, _ledger: pd.DataFrame
            ) -> tuple[pd.DataFrame, ...]:
    """The who-is-behind tables, once per data version: no ledger filter changes them."""
    del version  # cache key only
    best, worst = red_black(rectification(_ledger, "township_code", as_of))
    return (rectification(_ledger, by, as_of), monthly(_ledger, as_of), best, worst,
            overdue_major(_ledger, as_of))


def behind(ledger: pd.DataFrame, as_of: pd.Timestamp, names: dict[str, str],
           version: str) -> None:
    """Show rectification by group, the monthly trend, 红黑榜 and overdue major hazards."""
    by = st.radio(tr("group_by"), GROUPS, horizontal=True, key="behind_by",
                  format_func=lambda g: tr(f"group.{g}"))
    table, trend, best, worst, late = _behind(version, by, as_of, ledger)
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
    st.dataframe(late.assign(township_code=late["township_code"].map(names)), hide_index=True)
