"""``riskmap brief``: the meeting briefing as Word and PDF, and the maps as images.

Gathers the figures of one snapshot with the functions every page and command uses (one
number per concept), keeps the scoring as a dated snapshot, and compares with the one kept
before the previous meeting.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analytics.briefing import BriefingInputs, compose, ledger_at
from analytics.engine import RiskResult
from analytics.firedanger import danger_levels
from analytics.kpi import county_kpis
from analytics.ledger_stats import overdue_major, rectification
from analytics.priority import budget_plan, rank_tables
from analytics.warning import warn_county
from domain.briefing import Briefing
from domain.loading import missing
from domain.schema import ENTITY_TABLES, TABLES
from domain.settings.risk import LAYERS
from geodata.briefing import docx_bytes, pdf_bytes
from geodata.results import save_scores
from geodata.snapshot import Snapshot
from maps.static import StaticText, cjk_font_file, class_map, png_bytes
from riskmap.scoring import score

CLASS_LABELS = {c: c for c in ("重大", "较大", "一般", "低", "数据不足", "无数据")}
MAP_TITLES = {"composite": "综合风险", "geohazard": "地质灾害风险", "forest_fire": "森林火灾风险",
              "road": "道路交通风险", "ledger": "隐患台账风险"}
OUTLOOK_DAYS = 7


def kept_before(snap: Snapshot, cutoff: pd.Timestamp) -> tuple[pd.DataFrame | None,
                                                               pd.Timestamp | None]:
    """Return the last scoring kept with an as-of date on or before ``cutoff``, and that date.

    (None, None) when none was kept that early.
    """
    runs = snap.store.read("risk_scores")
    if runs.empty:
        return None, None
    early = runs[pd.to_datetime(runs["as_of"]) <= cutoff]
    if early.empty:
        return None, None
    last = early.sort_values(["as_of", "computed_at"]).iloc[-1]
    return runs[runs["run_id"] == last["run_id"]].copy(), pd.Timestamp(last["as_of"])


def _cutoff(snap: Snapshot, since: str | None) -> pd.Timestamp:
    if since:
        return pd.Timestamp(since).normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return snap.as_of - pd.Timedelta(days=snap.settings.briefing.meeting_interval_days)


def _fire_outlook(snap: Snapshot) -> pd.DataFrame:
    weather = snap.table("fire_weather")
    days = weather["weather_date"]
    start = snap.as_of.normalize()
    ahead = weather[(days >= start) & (days < start + pd.Timedelta(days=OUTLOOK_DAYS))]
    if ahead.empty:
        return pd.DataFrame()
    levels = danger_levels(ahead, snap.settings.risk.section("forest_fire"))
    per_day = levels.groupby("weather_date")["level"]
    return pd.DataFrame({"日期": [f"{d:%m-%d}" for d in per_day.max().index],
                         "最高等级": per_day.max().astype(int).to_numpy(),
                         "四级以上乡镇数": per_day.apply(lambda v: int((v >= 4).sum())).to_numpy()})


def _plan(snap: Snapshot, result: RiskResult) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    tables, budget = snap.tables(), snap.settings.briefing.budget_wan
    ranked = rank_tables(tables, result.scores["composite_class"], as_of=snap.as_of,
                         settings=snap.settings.ledger)
    if ranked.empty:
        return ranked.assign(cost_used=pd.Series(dtype=float)), pd.DataFrame(), budget
    chosen, effect = budget_plan(tables, ranked, budget, snap.settings.risk, as_of=snap.as_of,
                                 settings=snap.settings.ledger)
    return chosen, effect, budget


def gather(snap: Snapshot, result: RiskResult, since: str | None = None) -> BriefingInputs:
    """Return every figure of the briefing for ``snap`` scored as ``result``."""
    tables, names, counts = snap.tables(), snap.township_names(), snap.counts()
    ledger = tables["hazard_ledger"]
    before, before_as_of = kept_before(snap, _cutoff(snap, since))
    warning = warn_county(tables, as_of=snap.now, settings=snap.settings.warning)
    facilities = tables["facilities"]
    chosen, effect, budget = _plan(snap, result)
    return BriefingInputs(
        county=snap.label("zh") or "", as_of=snap.as_of,
        kpis=county_kpis(tables, snap.as_of), ranking=result.ranked(),
        now_scores=result.long(), before_scores=before, before_as_of=before_as_of,
        names=names, by_department=rectification(ledger, "lead_department", snap.as_of),
        by_township=rectification(ledger, "township_code", snap.as_of),
        overdue_major=overdue_major(ledger, snap.as_of),
        ledger_before=ledger_at(ledger, before_as_of) if before_as_of is not None else None,
        warning_counts=warning.counts(), evacuation=warning.evacuation,
        shelters=int((facilities["facility_category"] == "避难场所").sum()),
        fire_outlook=_fire_outlook(snap) if counts.get("fire_weather") else pd.DataFrame(),
        fire_season=snap.as_of.month in snap.settings.risk.section("forest_fire").get(
            "fire_season_months", ()),
        black_spots=result.black_spots, priorities=chosen, effect=effect, budget_wan=budget,
        coverage={k: float(result.scores[f"{k}_coverage"].gt(0).mean()) for k in LAYERS},
        missing=tuple(TABLES[t].zh for t in missing(counts, ENTITY_TABLES)
                      if t != "ledger_events"),
        counts=counts, method=f"{result.method_version}（配置 {result.config_hash}）",
        top_rows=snap.settings.briefing.top_rows)


def layer_maps(snap: Snapshot, result: RiskResult, *, dpi: int) -> dict[str, bytes]:
    """Return the county map of every layer (and the composite) as PNG images."""
    lines = tuple(x for x in (snap.label("zh"), f"数据截至 {snap.as_of:%Y-%m-%d}") if x)
    notice = "演示数据（虚构）" if snap.demo else None
    towns = snap.table("townships")
    out = {}
    for layer in ("composite", *LAYERS):
        text = StaticText(MAP_TITLES[layer], lines, "风险等级", CLASS_LABELS, notice)
        figure = class_map(towns, result.scores[f"{layer}_class"].to_dict(), text)
        out[layer] = png_bytes(figure, dpi)
    return out


def briefing(snap: Snapshot, since: str | None = None) -> tuple[Briefing, RiskResult]:
    """Return the briefing of ``snap`` and its scoring (as the dashboard scores it)."""
    result = score(snap)
    settings = snap.settings.briefing
    return compose(gather(snap, result, since), title=settings.title, issuer=settings.issuer,
                   notice="演示数据（虚构）" if snap.demo else None,
                   maps=layer_maps(snap, result, dpi=settings.map_dpi)), result


def run_brief(snap: Snapshot, args: argparse.Namespace) -> int:
    """Write the briefing to ``--out`` (.docx or .pdf); ``--format png`` adds the maps."""
    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".docx", ".pdf"):
        print("riskmap: --out 须为 .docx 或 .pdf must end in .docx or .pdf")
        return 2
    brief, result = briefing(snap, args.since)
    out.write_bytes(docx_bytes(brief) if kind == ".docx" else pdf_bytes(brief, cjk_font_file()))
    print(f"通报 briefing → {out}")
    if args.format == "png":
        for key, image in brief.maps.items():
            path = out.with_name(f"{out.stem}-{key}.png")
            path.write_bytes(image)
            print(f"地图 map → {path}")
    run = save_scores(snap.store, result.long(), as_of=snap.as_of,
                      method_version=result.method_version, config_hash=result.config_hash)
    print(f"本次评估已保存 scoring kept as run {run}")
    return 0
