"""The briefing's figures for one set of tables, by the rules every page and command uses.

Pure: the front ends (``riskmap brief``, the overview's download) pass the tables, the
scoring and the kept scoring to compare with; ``analytics.briefing.compose`` writes them up.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analytics.briefing import BriefingInputs, ledger_at
from analytics.engine import RiskResult
from analytics.firedanger import danger_levels
from analytics.kpi import county_kpis
from analytics.ledger_stats import overdue_major, rectification
from analytics.priority import budget_plan, rank_tables
from analytics.warning import silent_sites, warn_county
from domain.asof import end_of_day
from domain.loading import missing
from domain.schema import ENTITY_TABLES, TABLES
from domain.settings import Settings
from domain.settings.risk import LAYERS

OUTLOOK_DAYS = 7
"""Days of fire-weather forecast the briefing's outlook covers (from the as-of day)."""


def comparison_cutoff(as_of: pd.Timestamp, since: str | None, interval_days: int
                      ) -> pd.Timestamp:
    """Return the latest as-of date a kept scoring may have to be compared with.

    ``since`` (a day) when given; else ``interval_days`` before ``as_of`` (the previous
    meeting, ``config/brief.toml``).
    """
    if since:
        return end_of_day(pd.Timestamp(since))
    return as_of - pd.Timedelta(days=interval_days)


def fire_outlook(weather: pd.DataFrame, as_of: pd.Timestamp,
                 settings: Mapping[str, object]) -> pd.DataFrame:
    """Return per forecast day: the highest fire-danger level and townships at 4 or more."""
    days, start = weather["weather_date"], as_of.normalize()
    ahead = weather[(days >= start) & (days < start + pd.Timedelta(days=OUTLOOK_DAYS))]
    if ahead.empty:
        return pd.DataFrame()
    per_day = danger_levels(ahead, settings).groupby("weather_date")["level"]
    return pd.DataFrame({"日期": [f"{d:%m-%d}" for d in per_day.max().index],
                         "最高等级": per_day.max().astype(int).to_numpy(),
                         "四级以上乡镇数": per_day.apply(lambda v: int((v >= 4).sum())).to_numpy()})


def _plan(tables: Mapping[str, pd.DataFrame], result: RiskResult, settings: Settings,
          as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    ranked = rank_tables(tables, result.scores["composite_class"], as_of=as_of,
                         settings=settings.ledger)
    if ranked.empty:
        return ranked.assign(cost_used=pd.Series(dtype=float)), pd.DataFrame()
    return budget_plan(tables, ranked, settings.briefing.budget_wan, settings.risk,
                       as_of=as_of, settings=settings.ledger)


def gather(tables: Mapping[str, pd.DataFrame], result: RiskResult, settings: Settings, *,
           as_of: pd.Timestamp, now: pd.Timestamp, county: str, counts: Mapping[str, int],
           names: Mapping[str, str], cutoff: pd.Timestamp | None,
           before: pd.DataFrame | None = None,
           before_as_of: pd.Timestamp | None = None,
           before_points: pd.DataFrame | None = None) -> BriefingInputs:
    """Return every figure of the briefing for ``tables`` scored as ``result``.

    ``before``: the kept scoring to compare with (long form, ``RiskResult.long``), if any;
    ``before_points``: its indicator points (``RiskResult.kept_points``), if kept.
    """
    ledger, facilities = tables["hazard_ledger"], tables["facilities"]
    warning = warn_county(tables, as_of=now, settings=settings.warning)
    chosen, effect = _plan(tables, result, settings, as_of)
    fire = settings.risk.section("forest_fire")
    return BriefingInputs(
        county=county, as_of=as_of, kpis=county_kpis(tables, as_of), ranking=result.ranked(),
        now_scores=result.long(), before_scores=before, before_as_of=before_as_of,
        now_points=result.kept_points(), before_points=before_points,
        cutoff=cutoff,
        names=names, by_department=rectification(ledger, "lead_department", as_of),
        by_township=rectification(ledger, "township_code", as_of),
        overdue_major=overdue_major(ledger, as_of),
        ledger_before=ledger_at(ledger, before_as_of) if before_as_of is not None else None,
        warning_counts=warning.counts(), evacuation=warning.evacuation,
        silent=len(silent_sites(tables["geohazard_sites"], tables["monitoring_readings"],
                                as_of=now, days=settings.warning.silent_days)),
        silent_days=settings.warning.silent_days,
        shelters=int((facilities["facility_category"] == "避难场所").sum()),
        fire_outlook=(fire_outlook(tables["fire_weather"], as_of, fire)
                      if counts.get("fire_weather") else pd.DataFrame()),
        fire_season=as_of.month in fire.get("fire_season_months", ()),
        black_spots=result.black_spots, priorities=chosen, effect=effect,
        budget_wan=settings.briefing.budget_wan,
        coverage={k: float(result.scores[f"{k}_coverage"].gt(0).mean()) for k in LAYERS},
        missing=tuple(TABLES[t].zh for t in missing(counts, ENTITY_TABLES)
                      if t != "ledger_events"),
        counts=counts, method=f"{result.method_version}（配置 {result.config_hash}）",
        top_rows=settings.briefing.top_rows)
