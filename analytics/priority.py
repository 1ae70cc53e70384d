"""Rectification priorities of open hazards, explained; a budget's best set, as if fixed.

``priority = severity × exposure × urgency`` (``config/ledger.toml``):

- severity: the level's weight × the domain's weight;
- exposure: 1 + people near (relocation residents and the capacity of schools, hospitals and
  crowded venues within ``distance_m``, in metres) + schools, relocation sites and hospitals
  near + the township's composite class (red or orange);
- urgency: 1 + days overdue / scale (capped) + a bonus when the deadline is close.

``choose`` picks, under a budget, the hazards that remove the most ledger risk per 万元
(greedy by the hazard's weight in the ledger layer over its cost); ``as_if_fixed`` reruns the
risk engine with them closed, giving each township's score before → after.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.engine import score_county
from analytics.indicators import open_weight
from analytics.spatial import metric_crs, to_metric
from domain.rules import CLOSED, days_overdue, is_open
from domain.schema import FIELDS
from domain.settings.ledger import LedgerSettings
from domain.settings.risk import RiskConfig

PEOPLE_CATEGORIES = ("学校", "医院", "人员密集场所")


def _near(points: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, distance: float,
          weight: pd.Series | None = None) -> pd.Series:
    """Return, per point, the count (or the sum of ``weight``) of targets within ``distance``."""
    if points.empty or targets.empty:
        return pd.Series(0.0, index=points.index)
    hits = gpd.sjoin(points[["geometry"]], targets[["geometry"]].assign(
        w=1.0 if weight is None else weight.fillna(0).to_numpy(float)),
        predicate="dwithin", distance=distance)
    return hits.groupby(level=0)["w"].sum().reindex(points.index, fill_value=0.0)


def exposure_counts(hazards: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                    relocation: gpd.GeoDataFrame, distance_m: float) -> pd.DataFrame:
    """Return per hazard the schools, hospitals, relocation sites and people within reach."""
    out = pd.DataFrame(0.0, index=hazards.index,
                       columns=["schools", "hospitals", "relocation_sites", "people"])
    located = hazards[hazards.geometry.notna() & ~hazards.geometry.is_empty]
    if located.empty:
        return out
    crs = metric_crs(located)
    pts = to_metric(located, crs)
    fac = to_metric(facilities, crs)
    rel = to_metric(relocation, crs)
    kind = fac["facility_category"]
    out.loc[pts.index, "schools"] = _near(pts, fac[kind == "学校"], distance_m)
    out.loc[pts.index, "hospitals"] = _near(pts, fac[kind == "医院"], distance_m)
    out.loc[pts.index, "relocation_sites"] = _near(pts, rel, distance_m)
    crowd = fac[kind.isin(PEOPLE_CATEGORIES)]
    out.loc[pts.index, "people"] = (_near(pts, crowd, distance_m, crowd["capacity"])
                                    + _near(pts, rel, distance_m, rel["people"]))
    return out


PRIORITY_COLUMNS = ("rank", "hazard_id", "township_code", "domain", "hazard_level",
                    "hazard_description", "lead_department", "deadline", "severity", "exposure",
                    "urgency", "days_overdue", "schools", "hospitals", "relocation_sites",
                    "people", "township_class", "priority", "why", "why_en")
"""The columns of the priority list, in order."""


def priorities(ledger: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
               relocation: gpd.GeoDataFrame, township_class: pd.Series, *,
               as_of: pd.Timestamp, settings: LedgerSettings) -> pd.DataFrame:
    """Return the open hazards ranked by priority, with each factor and a plain reason."""
    open_ = ledger[is_open(ledger).to_numpy()]
    if open_.empty:  # nothing open (or no ledger yet): nothing to rank
        return pd.DataFrame(columns=list(PRIORITY_COLUMNS))
    s = settings
    near = exposure_counts(open_, facilities, relocation, s.distance_m)
    level_w = open_["hazard_level"].map(s.level_weight).fillna(1.0)
    domain_w = open_["domain"].map(s.domain_weight).fillna(1.0)
    town = open_["township_code"].map(township_class)
    town_w = town.map(s.township_class).fillna(0.0)
    exposure = (1 + near["people"] / 1000 * s.per_1000_people + near["schools"] * s.school
                + near["relocation_sites"] * s.relocation_site
                + near["hospitals"] * s.hospital + town_w)
    late = days_overdue(open_, as_of)
    overdue, to_go = late.clip(lower=0).fillna(0), -late
    soon = (to_go >= 0) & (to_go <= s.due_within_days)
    urgency = (1 + np.minimum(overdue / s.overdue_days_scale, s.overdue_cap)
               + np.where(soon, s.due_soon, 0.0))
    out = pd.DataFrame({
        "hazard_id": open_["hazard_id"], "township_code": open_["township_code"],
        "domain": open_["domain"], "hazard_level": open_["hazard_level"],
        "hazard_description": open_["hazard_description"],
        "lead_department": open_["lead_department"], "deadline": open_["deadline"],
        "severity": level_w * domain_w, "exposure": exposure, "urgency": urgency,
        "days_overdue": overdue.astype(int), **near, "township_class": town,
    })
    out["priority"] = out["severity"] * out["exposure"] * out["urgency"]
    out["why"] = _why(out, level_w, domain_w, s.distance_m)
    out["why_en"] = _why(out, level_w, domain_w, s.distance_m, "en")
    out = out.sort_values(["priority", "hazard_id"], ascending=[False, True])
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


WHY_WORDS: dict[str, dict[str, str]] = {
    "zh": {"hazard": "隐患", "near": "{d}米内", "about": "约{n}人", "sep": "；", "list": "、",
           "comma": "，", "town": "所在乡镇综合风险{c}", "late": "已超期{n}天",
           "soon": "临近整改时限", "schools": "学校{n}", "relocation_sites": "安置点{n}",
           "hospitals": "医院{n}"},
    "en": {"hazard": " hazard", "near": "within {d} m: ", "about": "about {n} people",
           "sep": "; ", "list": ", ", "comma": ", ", "town": "township composite risk {c}",
           "late": "overdue {n} days", "soon": "deadline near", "schools": "schools {n}",
           "relocation_sites": "relocation sites {n}", "hospitals": "hospitals {n}"},
}
"""The words of a hazard's reason for its place, per language."""


def _why(out: pd.DataFrame, level_w: pd.Series, domain_w: pd.Series,
         distance: float, lang: str = "zh") -> pd.Series:
    """Return the plain reason for each hazard's place in ``lang`` (all rows at once)."""
    words = WHY_WORDS[lang]

    def g(weights: pd.Series) -> pd.Series:
        return weights.map(lambda w: f"{w:g}").astype(object)

    def shown(column: str, field: str) -> pd.Series:
        return out[column].astype(object).map(lambda v: FIELDS[field].choice_label(v, lang))

    why = (shown("hazard_level", "hazard_level") + words["hazard"] + "×" + g(level_w) + "·"
           + shown("domain", "domain") + "×" + g(domain_w))
    near = pd.Series("", index=out.index, dtype=object)
    for key in ("schools", "relocation_sites", "hospitals"):
        has = out[key] > 0
        item = out[key].fillna(0).astype(int).map(lambda n, k=key: words[k].format(n=n))
        near = near.where(~has, near.where(near == "", near + words["list"]) + item)
    people = out["people"] > 0
    reach = ((near != "") | people)
    about = out["people"].fillna(0).astype(int).map(
        lambda n: words["about"].format(n=f"{n:,}")).astype(object)
    why = why.where(~reach, why + words["sep"] + words["near"].format(d=int(distance)) + near
                    + np.where(near != "", words["comma"], "") + about)
    town = out["township_class"]
    serious = town.isin(["重大", "较大"])
    town_text = town.where(serious, "").astype(object).map(
        lambda c: words["town"].format(c=FIELDS["risk_class"].choice_label(c, lang)))
    why = why.where(~serious, why + words["sep"] + town_text)
    late = out["days_overdue"] > 0
    soon = ~late & (out["urgency"] > 1)
    late_text = out["days_overdue"].map(lambda n: words["late"].format(n=n)).astype(object)
    why = why.where(~late, why + words["sep"] + late_text)
    return why.where(~soon, why + words["sep"] + words["soon"]).astype("str")


def ledger_weight(ranked: pd.DataFrame, config: RiskConfig) -> pd.Series:
    """Return each open hazard's weight in the ledger layer (what fixing it removes).

    The level weight grown by overdue days (as the engine's ``open_weighted`` indicator),
    plus one for being overdue and one for a major hazard without supervision.
    """
    weight = open_weight(ranked["hazard_level"], ranked["days_overdue"],
                         config.section("ledger"))
    return weight + (ranked["days_overdue"] > 0)


def choose(ranked: pd.DataFrame, cost: pd.Series, budget: float, weight: pd.Series
           ) -> pd.Series:
    """Return which hazards to fix within ``budget`` (万元): greedy by weight per 万元.

    The single best-weighted hazard that fits is kept when it beats the greedy set (the
    usual guard of the greedy knapsack). Never exceeds the budget.
    """
    ratio = weight / cost.clip(lower=1e-6)
    picked = pd.Series(False, index=ranked.index)
    left = float(budget)
    for i in ratio.sort_values(ascending=False, kind="stable").index:
        if cost[i] <= left:
            picked[i] = True
            left -= cost[i]
    fits = cost <= budget
    if fits.any():
        best = weight[fits].idxmax()
        if weight[best] > weight[picked].sum():
            picked[:] = False
            picked[best] = True
    return picked


def frozen_goalposts(config: RiskConfig, indicators: pd.DataFrame) -> RiskConfig:
    """Return ``config`` with every ``max`` goalpost fixed at its value in ``indicators``.

    A what-if run then measures scores on the same yardstick as the run it is compared
    with: fixing the worst township's hazards cannot raise another township's score.
    """
    layers = copy.deepcopy(dict(config.raw["indicators"]))
    peaks = indicators.groupby(["layer", "indicator"])["raw"].max()
    for layer, specs in layers.items():
        for key, spec in specs.items():
            peak = peaks.get((layer, key), np.nan)
            if spec.get("goalpost") == "max" and np.isfinite(peak) and peak > 0:
                spec["goalpost"] = float(peak)
    return config.with_changes({"indicators": layers})


def as_if_fixed(tables: Mapping[str, pd.DataFrame], hazard_ids: list[str],
                config: RiskConfig, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """Return each township's composite and ledger scores before and after fixing hazards.

    The after run keeps the before run's goalposts (``frozen_goalposts``).
    """
    first = score_county(dict(tables), config, as_of=as_of, robustness=False)
    before = first.scores
    ledger = tables["hazard_ledger"].copy()
    ledger.loc[ledger["hazard_id"].isin(hazard_ids), "hazard_status"] = CLOSED
    after = score_county({**tables, "hazard_ledger": ledger},
                         frozen_goalposts(config, first.indicators), as_of=as_of,
                         robustness=False).scores
    return pd.DataFrame({
        "composite_before": before["composite_score"], "composite_after":
            after["composite_score"], "ledger_before": before["ledger_score"],
        "ledger_after": after["ledger_score"], "class_before": before["composite_class"],
        "class_after": after["composite_class"]})


def rank_tables(tables: Mapping[str, pd.DataFrame], township_class: pd.Series, *,
                as_of: pd.Timestamp, settings: LedgerSettings) -> pd.DataFrame:
    """Return ``priorities`` for the stored tables, with each hazard's estimated cost."""
    ledger = tables["hazard_ledger"]
    ranked = priorities(ledger, tables["facilities"], tables["relocation_sites"],
                        township_class, as_of=as_of, settings=settings)
    ranked["estimated_cost_wan"] = ranked["hazard_id"].map(
        ledger.set_index("hazard_id")["estimated_cost_wan"])
    return ranked


def budget_plan(tables: Mapping[str, pd.DataFrame], ranked: pd.DataFrame, budget: float,
                config: RiskConfig, *, as_of: pd.Timestamp, settings: LedgerSettings
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the hazards chosen within ``budget`` and each township's scores before → after.

    A hazard without an estimated cost is assumed to cost ``[budget] default_cost_wan``.
    """
    cost = ranked["estimated_cost_wan"].fillna(settings.default_cost_wan)
    picked = choose(ranked, cost, budget, ledger_weight(ranked, config))
    chosen = ranked[picked].assign(cost_used=cost[picked])
    return chosen, as_if_fixed(tables, chosen["hazard_id"].tolist(), config, as_of=as_of)


def passed_over(ranked: pd.DataFrame, chosen: pd.DataFrame, budget: float,
                settings: LedgerSettings) -> pd.DataFrame:
    """Return the hazards ranked above the last chosen one but not chosen, and why.

    ``reason`` is ``over_budget`` (it alone costs more than the budget) or ``less_value``
    (it fits, but the chosen ones remove more risk per 万元 in what was left).
    """
    if chosen.empty:
        return ranked.head(0).assign(cost=pd.Series(dtype=float), reason=pd.Series(dtype=str))
    above = ranked[(ranked["rank"] < chosen["rank"].max())
                   & ~ranked["hazard_id"].isin(chosen["hazard_id"])]
    cost = above["estimated_cost_wan"].fillna(settings.default_cost_wan)
    return above.assign(cost=cost, reason=np.where(cost > budget, "over_budget", "less_value"))
