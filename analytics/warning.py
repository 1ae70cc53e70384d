"""Rain-triggered geohazard warning levels per site, rolled up to townships.

Levels follow 地质灾害气象风险预警: 4 蓝 (一般), 3 黄 (较高), 2 橙 (高), 1 红 (很高); a lower number
is more severe. Effective rainfall ``R_eff = F24 + Σ_{k<N} decay^k · R_k`` (``R_0`` the last
24 h observed, ``R_k`` the day ``k`` days earlier, ``F24`` the forecast for the next 24 h) is
compared with the site's thresholds: the site's own, else its township's, else its hazard
type's, else the default. Monitoring growth over the last day past its thresholds raises the
level on its own. A site with no observed rain for the last 24 h is ``unknown``, not level 4.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.evacuation import evacuation_list
from analytics.rainfall import (
    daily_observed,
    day_end,
    forecast_in_force,
    gauge_rows,
    is_grid,
    per_site,
    recent,
)
from analytics.readiness import duty_officers
from domain import rules
from domain.labels import warning_label
from domain.settings.warning import WarningSettings


def thresholds_for(sites: pd.DataFrame, settings: WarningSettings) -> pd.DataFrame:
    """Return the four thresholds of each site and where they came from."""
    found = [settings.thresholds(site_id, code, kind) for site_id, code, kind in zip(
        sites["site_id"], sites["township_code"], sites["hazard_type"], strict=True)]
    out = pd.DataFrame([limits for limits, _ in found], columns=["t4", "t3", "t2", "t1"],
                       index=sites.index, dtype=float)
    out["threshold_source"] = [source for _, source in found]
    return out


def level_from(values: pd.Series, limits: pd.DataFrame | Sequence[float]) -> pd.Series:
    """Return 4..1 where ``values`` reach the thresholds (ascending), NA below the first."""
    grid = (np.tile(np.asarray(limits, dtype=float), (len(values), 1))
            if not isinstance(limits, pd.DataFrame) else limits[["t4", "t3", "t2", "t1"]]
            .to_numpy(float))
    reached = (values.to_numpy(float)[:, None] >= grid).sum(axis=1)
    level = pd.Series(5 - reached, index=values.index, dtype="Int64")
    return level.where(reached > 0)


def antecedent_rain(daily: pd.DataFrame, *, as_of: pd.Timestamp, decay: float,
                    days: int) -> pd.DataFrame:
    """Return ``last24`` and ``antecedent`` (decayed sum of the last ``days``) per key."""
    age = (as_of.normalize() - pd.to_datetime(daily["day"]).dt.normalize()).dt.days
    recent = daily[(age >= 0) & (age < days)].assign(age=age)
    weighted = recent["mm"] * decay ** recent["age"]
    return pd.DataFrame({
        "last24": recent[recent["age"] == 0].groupby("key")["mm"].sum(),
        "antecedent": weighted.groupby(recent["key"]).sum(),
    })


def with_forecast(observed: pd.DataFrame, forecast: pd.Series) -> pd.DataFrame:
    """Return ``antecedent_rain`` figures with ``forecast24`` and ``effective`` added."""
    out = observed.copy()
    out["forecast24"] = forecast.reindex(out.index).fillna(0.0)
    out["effective"] = out["antecedent"] + out["forecast24"]
    return out


def growth(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the change per day between consecutive readings of one site and kind.

    Columns ``reading_time`` (of the later reading) and ``rate`` (value units per day).
    """
    rows = rows.sort_values("reading_time")
    days = rows["reading_time"].diff().dt.total_seconds() / 86400
    rate = rows["value"].diff() / days.clip(lower=1e-9)
    return pd.DataFrame({"reading_time": rows["reading_time"], "rate": rate}).iloc[1:]


def effective_series(daily: pd.Series, *, decay: float, days: int) -> pd.Series:
    """Return effective rainfall on each day of ``daily`` (mm per day, days as index).

    ``R_eff(t) = Σ_{k<days} decay^k · R(t−k)``; days missing from ``daily`` count as dry.
    """
    if daily.empty:
        return daily.astype(float)
    full = daily.groupby(daily.index).sum().asfreq("D", fill_value=0.0)
    weights = decay ** np.arange(days)
    values = np.convolve(full.to_numpy(float), weights)[:len(full)]
    return pd.Series(values, index=full.index)


def gauge_series(readings: pd.DataFrame, settings: WarningSettings) -> pd.DataFrame:
    """Return one rain gauge's ``daily`` and ``effective`` rain per day (days end at 08:00)."""
    daily = readings.groupby(day_end(readings["reading_time"]))["value"].sum()
    eff = effective_series(daily, decay=settings.decay, days=settings.antecedent_days)
    return pd.DataFrame({"reading_time": eff.index, "effective": eff.to_numpy(),
                         "daily": daily.reindex(eff.index, fill_value=0.0).to_numpy()})


def monitoring_levels(readings: pd.DataFrame, settings: WarningSettings) -> pd.Series:
    """Return, per site, the most severe level its last day of growth reaches (NA if none).

    The growth of each site and kind is the change per day between its last two readings.
    """
    limits = settings.monitoring
    watched = readings[readings["reading_kind"].isin(list(limits))].sort_values(
        ["site_id", "reading_kind", "reading_time"])
    if watched.empty:
        return pd.Series(dtype="Int64")
    last = watched.groupby(["site_id", "reading_kind"], sort=False).tail(2)
    pairs = last.groupby(["site_id", "reading_kind"], sort=False)
    first, second = pairs.nth(0).set_index(["site_id", "reading_kind"]), \
        pairs.nth(1).set_index(["site_id", "reading_kind"])
    first = first.reindex(second.index)
    days = ((second["reading_time"] - first["reading_time"]).dt.total_seconds() / 86400)
    rate = (second["value"] - first["value"]) / days.clip(lower=1e-9)
    levels = []
    for kind, limit in limits.items():
        of_kind = rate[rate.index.get_level_values("reading_kind") == kind]
        levels.append(level_from(of_kind.droplevel("reading_kind"), limit))
    if not levels:
        return pd.Series(dtype="Int64")
    both = pd.concat(levels).dropna()
    return both.groupby(level=0).min().astype("Int64")


@dataclass(frozen=True)
class KeyedRain:
    """Rain already matched to the active sites: its rows per site, its observed figures.

    ``keyed`` is ``per_site`` of the rain that can matter; ``observed`` its
    ``antecedent_rain`` per site; ``grid`` whether any of it came from grid points.
    """

    keyed: pd.DataFrame
    observed: pd.DataFrame
    grid: bool


def covered_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """Return the sites a warning covers (the active ones), numbered from 0."""
    return rules.active_sites(sites).reset_index(drop=True)


def keyed_rain(active: pd.DataFrame, rain: pd.DataFrame, *, as_of: pd.Timestamp,
               settings: WarningSettings) -> KeyedRain:
    """Return ``rain`` matched to the ``active`` sites, with its observed figures."""
    keyed, grid = _matched(active, rain, as_of=as_of, settings=settings)
    return KeyedRain(keyed, _observed(keyed, as_of=as_of, settings=settings), grid)


def _matched(active: pd.DataFrame, rain: pd.DataFrame, *, as_of: pd.Timestamp,
             settings: WarningSettings) -> tuple[pd.DataFrame, bool]:
    """Return the rain rows that can matter, per site, and whether any is a grid point."""
    recent_rain = recent(rain, as_of, settings.antecedent_days)
    keyed = per_site(active, recent_rain, grid_settings=settings.grid)
    return keyed, bool(is_grid(recent_rain).any())


def _observed(keyed: pd.DataFrame, *, as_of: pd.Timestamp,
              settings: WarningSettings) -> pd.DataFrame:
    """Return the observed figures (``antecedent_rain``) of rain rows matched to sites."""
    return antecedent_rain(daily_observed(keyed), as_of=as_of, decay=settings.decay,
                           days=settings.antecedent_days)


def site_levels(sites: pd.DataFrame, rain: pd.DataFrame, readings: pd.DataFrame | None, *,
                as_of: pd.Timestamp, settings: WarningSettings,
                monitoring: pd.Series | None = None,
                stored: KeyedRain | None = None) -> pd.DataFrame:
    """Return each active site's warning: rain figures, level, state and reason.

    ``rain`` holds rainfall rows (``site_id``, ``township_code``, optional point
    ``geometry``, ``window_end``, ``window_hours``, ``rainfall_kind``, ``rainfall_mm``, and
    an optional ``scenario`` flag); see ``analytics.rainfall`` for which row a site takes.
    ``monitoring`` (level per ``site_id``) replaces working the instrument levels out of
    ``readings`` again (they do not depend on the rain). ``stored`` is more rain, already
    matched to these sites (``keyed_rain``), that ``rain`` adds to: what every scenario
    shares is then matched once.
    """
    active = covered_sites(sites)
    keyed, _ = _matched(active, rain, as_of=as_of, settings=settings)
    keyed, observed = _with_stored(keyed, stored, as_of=as_of, settings=settings)
    eff = with_forecast(observed, forecast_in_force(keyed, as_of))
    eff = eff.reindex(active["site_id"])
    eff.index = active.index
    limits = thresholds_for(active, settings)
    rain_level = level_from(eff["effective"].fillna(-1), limits)
    if monitoring is None:
        monitoring = monitoring_levels(readings[readings["reading_time"] <= as_of], settings)
    mon = active["site_id"].map(monitoring).astype("Int64")
    level = pd.concat([rain_level, mon], axis=1).min(axis=1).astype("Int64")
    known = eff["last24"].notna()
    state = np.where(~known & mon.isna(), "unknown", np.where(level.notna(), "warning", "none"))
    reason = np.where(mon.notna() & (mon <= rain_level.fillna(5)).fillna(False),
                      "monitoring", np.where(level.notna(), "rain", ""))
    return pd.concat([active[["site_id", "site_name", "township_code", "hazard_type",
                              "threatened_households", "threatened_people"]], eff, limits,
                      pd.DataFrame({"level": level.where(known | mon.notna()),
                                    "state": state, "reason": reason})], axis=1)


def _with_stored(keyed: pd.DataFrame, stored: KeyedRain | None, *, as_of: pd.Timestamp,
                 settings: WarningSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``keyed`` rain rows with the ``stored`` ones, and their observed figures.

    The stored observed figures stand when the new rows observe nothing.
    """
    if stored is None or not len(stored.keyed):
        return keyed, _observed(keyed, as_of=as_of, settings=settings)
    observes = bool((keyed["rainfall_kind"] == "实况").any())
    both = pd.concat([stored.keyed, keyed], ignore_index=True) if len(keyed) else stored.keyed
    return both, (_observed(both, as_of=as_of, settings=settings) if observes
                  else stored.observed)


def township_rollup(levels: pd.DataFrame) -> pd.DataFrame:
    """Return per township: the most severe site level and the count of sites per level."""
    counts = pd.crosstab(levels["township_code"], levels["level"].fillna(0).astype(int))
    counts = counts.reindex(columns=[1, 2, 3, 4], fill_value=0)
    counts.columns = [f"level_{c}" for c in counts.columns]
    counts["level"] = levels.groupby("township_code")["level"].min().astype("Int64")
    counts["unknown"] = (levels["state"] == "unknown").groupby(
        levels["township_code"]).sum().astype(int)
    return counts


def level_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Return the sites whose level differs between two runs, most severe change first.

    Columns ``site_id``, ``site_name``, ``township_code``, ``before``, ``after`` (levels,
    NA = no warning) and ``change``: ``raised`` or ``lowered``.
    """
    keys = ["site_id", "site_name", "township_code"]
    both = before[[*keys, "level"]].merge(after[[*keys, "level"]], on=keys, how="outer",
                                          suffixes=("_before", "_after"))
    old = both["level_before"].fillna(5).astype(int)
    new = both["level_after"].fillna(5).astype(int)
    out = both[(old != new).to_numpy()].rename(columns={"level_before": "before",
                                                        "level_after": "after"})
    out["change"] = np.where(new[old != new] < old[old != new], "raised", "lowered")
    out["_order"] = new[old != new]
    return out.sort_values(["_order", "site_id"]).drop(columns="_order").reset_index(drop=True)


@dataclass(frozen=True)
class WarningRun:
    """One warning run: per-site levels, the township roll-up and the evacuation list."""

    as_of: pd.Timestamp
    levels: pd.DataFrame
    townships: pd.DataFrame
    evacuation: pd.DataFrame
    method_version: str

    def counts(self) -> dict[str, int]:
        """Return the active sites per level (``1``..``4``), below blue and unknown, and more.

        ``none``: rain known, no level reached; ``unknown``: no rain data (and no
        instrument level). The levels, ``none`` and ``unknown`` add up to ``sites``, every
        active site; ``people``: threatened people on the evacuation list.
        """
        by_level = self.levels["level"].value_counts()
        out = {str(k): int(by_level.get(k, 0)) for k in (1, 2, 3, 4)}
        out["none"] = int((self.levels["state"] == "none").sum())
        out["unknown"] = int((self.levels["state"] == "unknown").sum())
        out["sites"] = len(self.levels)
        out["people"] = int(self.evacuation["threatened_people"].fillna(0).sum())
        return out


@dataclass(frozen=True)
class WarningInputs:
    """What a warning reads that no rain scenario changes.

    The stored rain (observations, forecasts and rain gauges' daily sums), the same matched
    to the active sites, and the instruments' level per site.
    """

    rain: pd.DataFrame
    monitoring: pd.Series
    stored: KeyedRain


def warning_inputs(tables: Mapping[str, pd.DataFrame], *, as_of: pd.Timestamp,
                   settings: WarningSettings) -> WarningInputs:
    """Return the stored rain and instrument levels a warning at ``as_of`` starts from."""
    readings = tables["monitoring_readings"]
    since = as_of - pd.Timedelta(days=settings.antecedent_days + 1)
    gauges = gauge_rows(readings[(readings["reading_time"] > since)
                                 & (readings["reading_time"] <= as_of)])
    parts = [p for p in (tables["rainfall"], gauges) if len(p)]
    rain = pd.concat(parts, ignore_index=True) if parts else tables["rainfall"]
    active = covered_sites(tables["geohazard_sites"])
    return WarningInputs(rain, monitoring_levels(readings[readings["reading_time"] <= as_of],
                                                 settings),
                         keyed_rain(active, rain, as_of=as_of, settings=settings))


def warn_county(tables: Mapping[str, pd.DataFrame], *, as_of: pd.Timestamp,
                settings: WarningSettings, extra_rain: pd.DataFrame | None = None,
                inputs: WarningInputs | None = None) -> WarningRun:
    """Return the warning for the stored rain plus ``extra_rain`` (a file or a scenario).

    ``inputs`` (``warning_inputs`` for the same tables, time and settings) saves reworking
    what no scenario changes, when several scenarios are tried on the same data.
    """
    inputs = inputs or warning_inputs(tables, as_of=as_of, settings=settings)
    extra = extra_rain if extra_rain is not None else inputs.rain.iloc[:0]
    sites = tables["geohazard_sites"]
    if inputs.stored.grid and is_grid(extra).any():  # two grids interpolate together
        rain = pd.concat([p for p in (inputs.rain, extra) if len(p)], ignore_index=True)
        levels = site_levels(sites, rain, None, as_of=as_of, settings=settings,
                             monitoring=inputs.monitoring)
    else:
        levels = site_levels(sites, extra, None, as_of=as_of, settings=settings,
                             monitoring=inputs.monitoring, stored=inputs.stored)
    towns = tables["townships"].set_index("township_code")
    roll = township_rollup(levels).reindex(towns.index)
    roll = roll.fillna({c: 0 for c in roll.columns if c != "level"})
    roll.insert(0, "township_name", towns["township_name"])
    roster = tables.get("duty_roster")
    on_duty = (duty_officers(roster, tables["townships"], as_of)
               if roster is not None and len(roster) else None)
    evacuation = evacuation_list(levels, gpd.GeoDataFrame(sites), tables["facilities"],
                                 tables["townships"], worst=settings.evacuate_at,
                                 on_duty=on_duty)
    return WarningRun(as_of, levels, roll, evacuation, settings.method_version)


def silent_sites(sites: pd.DataFrame, readings: pd.DataFrame, *, as_of: pd.Timestamp,
                 days: int) -> pd.DataFrame:
    """Return active sites not inspected, or (if instrumented) not reporting, for ``days``.

    Columns: ``site_id``, ``township_code``, ``days_since_inspection``,
    ``days_since_reading`` (NA for sites without instruments), ``why``.
    """
    active = rules.active_sites(sites)
    last_reading = readings.groupby("site_id")["reading_time"].max()
    since_inspection = (as_of - active["last_inspection_date"]).dt.days
    # reindex, not map: pandas maps through an empty Series as floats (no readings at all)
    since_reading = (as_of - pd.Series(last_reading.reindex(active["site_id"]).to_numpy(),
                                       index=active.index)).dt.days
    quiet_inspection = since_inspection.isna() | (since_inspection > days)
    quiet_reading = since_reading.notna() & (since_reading > days)
    out = pd.DataFrame({"site_id": active["site_id"], "township_code": active["township_code"],
                        "days_since_inspection": since_inspection.astype("Int64"),
                        "days_since_reading": since_reading.astype("Int64")})
    out["why"] = np.where(quiet_inspection & quiet_reading, "both",
                          np.where(quiet_inspection, "inspection", "reading"))
    return out[(quiet_inspection | quiet_reading).to_numpy()].reset_index(drop=True)


def duty_message(run: WarningRun, names: Mapping[str, str], *,
                 notice: str | None = None) -> str:
    """Return a short text for the duty officer: the levels, and who moves per township.

    A line for the county, then one per township with sites at orange or red (the
    evacuation list), most severe first; the sites below blue and without rain data closing.
    """
    counts = run.counts()
    levels = "、".join(f"{warning_label(k)[:2]} {counts[str(k)]} 处" for k in (1, 2, 3, 4))
    lines = [f"【地质灾害气象风险预警】{run.as_of:%Y-%m-%d %H:%M}"
             + (f"（{notice}）" if notice else ""),
             f"全县在册隐患点 {counts['sites']} 处：{levels}；需转移 {len(run.evacuation)} 处 "
             f"{counts['people']:,} 人。"]
    moving = run.evacuation.groupby("township_code").agg(
        level=("level", "min"), sites=("site_id", "size"), people=("threatened_people", "sum"))
    for code, row in moving.sort_values(["level", "people"], ascending=[True, False]).iterrows():
        lines.append(f"{names.get(code, code)}：{warning_label(int(row['level']))[:2]}，转移 "
                     f"{int(row['sites'])} 处 {int(row['people']):,} 人。")
    lines.append(f"未达预警 {counts['none']} 处，无雨量数据 {counts['unknown']} 处。")
    return "\n".join(lines)
