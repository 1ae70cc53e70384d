"""The meeting briefing (通报): its sections as plain content, from results already computed.

``compose`` turns the figures of one snapshot (scores, the kept scoring of the previous
meeting, the ledger, the warning, the fire danger, black spots, the budget plan, coverage)
into numbered sections of paragraphs, tables and map keys; ``geodata.briefing`` writes them
as Word and PDF, the same content in both. In Chinese, as the document is issued.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analytics import indicators as ind
from domain.briefing import DEMO_NOTICE, Briefing, BriefTable, Section
from domain.labels import interval_text, rank_text
from domain.rules import is_major
from domain.settings.briefing import BriefingSettings
from domain.settings.risk import LAYERS

LAYER_NAMES = {"composite": "综合风险", "geohazard": "地质灾害", "forest_fire": "森林火灾",
               "road": "道路交通", "ledger": "隐患台账"}


@dataclass(frozen=True)
class BriefingInputs:
    """Everything a briefing says, computed for one snapshot (``riskmap.brief`` gathers it).

    Frames may be empty where a table holds nothing; ``missing`` names those tables.
    """

    county: str
    as_of: pd.Timestamp
    kpis: Mapping[str, float]
    ranking: pd.DataFrame          # RiskResult.ranked()
    now_scores: pd.DataFrame       # RiskResult.long()
    before_scores: pd.DataFrame | None
    before_as_of: pd.Timestamp | None
    now_points: pd.DataFrame       # RiskResult.kept_points()
    before_points: pd.DataFrame | None  # … of the kept scoring (None or empty: not kept)
    cutoff: pd.Timestamp | None    # the latest date a kept scoring could be compared from
    #                                (None: no comparison wanted)
    names: Mapping[str, str]
    by_department: pd.DataFrame    # ledger_stats.rectification by lead department
    by_township: pd.DataFrame      # … by township code
    overdue_major: pd.DataFrame
    ledger_before: Mapping[str, float] | None  # ``ledger_at`` the previous scoring's date
    warning_counts: Mapping[str, int]
    evacuation: pd.DataFrame
    shelters: int
    silent: int                    # active sites not inspected (or not reporting) lately
    silent_days: int
    fire_outlook: pd.DataFrame     # per day: highest level, townships at level 4 or more
    fire_season: bool
    black_spots: pd.DataFrame
    priorities: pd.DataFrame
    effect: pd.DataFrame           # township composite score before → after the plan
    budget_wan: float
    coverage: Mapping[str, float]  # per layer: share of townships scored
    missing: tuple[str, ...]       # tables with no row, by their Chinese names
    counts: Mapping[str, int]
    method: str
    top_rows: int = 20


def class_changes(now: pd.DataFrame, before: pd.DataFrame,
                  points: tuple[pd.DataFrame, pd.DataFrame | None] | None = None
                  ) -> pd.DataFrame:
    """Return the townships whose composite class changed between two kept scorings.

    ``now`` and ``before`` are long score tables (``RiskResult.long``). One row per
    township (index: its code): ``rank_before``, ``rank_now``, ``class_before``,
    ``class_now`` and ``moved``, the reason: the indicators whose points of the composite
    moved most, as (indicator, change) pairs, when ``points`` (now, before) holds both
    scorings' ``RiskResult.kept_points``; otherwise (a scoring kept before indicators were)
    the layers whose scores moved most, as (layer, change).
    """
    by_indicator = points is not None and points[1] is not None and not points[1].empty
    reason = ((lambda c: _moved(points[0], points[1], c, "indicator", "points"))
              if by_indicator else (lambda c: _moved(_layers(now), _layers(before), c)))
    comp = {k: f[f["layer"] == "composite"].set_index("township_code")
            for k, f in (("now", now), ("before", before))}
    both = comp["now"].index.intersection(comp["before"].index)
    changed = [c for c in both
               if comp["now"].at[c, "risk_class"] != comp["before"].at[c, "risk_class"]]
    return pd.DataFrame({
        "rank_before": [comp["before"].at[c, "rank"] for c in changed],
        "rank_now": [comp["now"].at[c, "rank"] for c in changed],
        "class_before": [comp["before"].at[c, "risk_class"] for c in changed],
        "class_now": [comp["now"].at[c, "risk_class"] for c in changed],
        "moved": [reason(c) for c in changed]},
        index=pd.Index(changed, name="township_code"))


def _layers(long: pd.DataFrame) -> pd.DataFrame:
    return long[long["layer"].isin(LAYERS)]


def _moved(now: pd.DataFrame, before: pd.DataFrame, code: str, key: str = "layer",
           value: str = "score", n: int = 2) -> tuple[tuple[str, float], ...]:
    """The ``n`` ``key``s of ``code`` whose ``value`` moved most, with their change.

    One missing on either side counts as 0 (an indicator new in the configuration).
    """
    def values(frame: pd.DataFrame) -> pd.Series:
        rows = frame[frame["township_code"] == code]
        return rows.set_index(key)[value].astype(float)

    delta = values(now).sub(values(before), fill_value=0).round(6)
    top = delta.reindex(delta.abs().sort_values(ascending=False).index).head(n)
    return tuple((str(k), float(v)) for k, v in top.items() if v)


def moved_text(moved: tuple[tuple[str, float], ...], lang: str = "zh",
               layer_names: Mapping[str, str] = LAYER_NAMES) -> str:
    """Write what moved most: 未整改重大隐患 +1.20；地质灾害隐患点 +0.50 (— when none).

    Each is an indicator (named by its label in ``lang``) or a layer (by ``layer_names``).
    """
    def name(key: str) -> str:
        info = ind.INDICATORS.get(key)
        return layer_names[key] if info is None else (info.zh if lang == "zh" else info.en)

    return ("；" if lang == "zh" else "; ").join(f"{name(k)} {v:+.2f}" for k, v in moved) or "—"


def ledger_at(ledger: pd.DataFrame, when: pd.Timestamp) -> dict[str, float]:
    """Return the ledger as it stood at ``when`` (by its dates), and the majors since.

    ``rate``: closed of found by then (%); ``major_open`` then; ``majors_new`` found and
    ``majors_closed`` closed after ``when``.
    """
    found = ledger["found_date"] <= when
    closed = ledger["closed_date"].notna() & (ledger["closed_date"] <= when)
    major = is_major(ledger)
    return {"rate": float(closed[found].mean() * 100) if found.any() else 0.0,
            "major_open": int((major & found & ~closed).sum()),
            "majors_new": int((major & ~found).sum()),
            "majors_closed": int((major & ledger["closed_date"].notna()
                                  & (ledger["closed_date"] > when)).sum())}


def rank_moves(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.Series:
    """Return per township the places its composite rank rose (+) or fell (−).

    Since ``before``; NaN for a township not ranked then (or when there is no ``before``).
    """
    rank_now = now[now["layer"] == "composite"].set_index("township_code")["rank"]
    if before is None:
        return pd.Series(float("nan"), index=rank_now.index)
    rank_before = before[before["layer"] == "composite"].set_index("township_code")["rank"]
    return (rank_before.reindex(rank_now.index) - rank_now).astype(float)


def arrow(move: float, new: str = "新") -> str:
    """Write a rank move: ↑3 (up the list: riskier), ↓2, → (unchanged), ``new``."""
    if pd.isna(move):
        return new
    return "→" if move == 0 else (f"↑{int(move)}" if move > 0 else f"↓{int(-move)}")


def _overview(x: BriefingInputs) -> Section:
    k, parts = x.kpis, []
    if x.counts.get("hazard_ledger"):
        parts.append(f"全县排查各类隐患{int(k['hazards_found']):,}项，整改率"
                     f"{k['rectification_rate']:.1f}%，超期未整改{int(k['hazards_overdue']):,}项，"
                     f"未销号重大隐患{int(k['major_open'])}项（其中挂牌督办"
                     f"{int(k['major_supervised'])}项）")
    if x.counts.get("geohazard_sites"):
        parts.append(f"在册地质灾害隐患点{int(k['geohazard_sites'])}处，受威胁"
                     f"{int(k['people_threatened']):,}人")
    if x.counts.get("relocation_sites"):
        parts.append(f"易地扶贫搬迁安置点{int(k['relocation_sites'])}个，安置"
                     f"{int(k['relocation_people']):,}人")
    text = (f"截至{x.as_of:%Y年%-m月%-d日}，" + "；".join(parts) + "。" if parts else
            f"截至{x.as_of:%Y年%-m月%-d日}，尚未导入隐患台账、地质灾害隐患点和安置点数据（见“数据说明”）。")
    classes = x.ranking["composite_class"].value_counts()
    spread = "，".join(f"{c}{int(classes.get(c, 0))}个" for c in ("重大", "较大", "一般", "低"))
    unscored = int(classes.get("数据不足", 0) + classes.get("无数据", 0))
    towns = (f"{len(x.ranking)}个乡镇（街道）中，综合风险{spread}"
             + (f"，{unscored}个数据不足、未评级。" if unscored else "。"))
    return Section("总体情况", (text, towns), maps=("composite",))


def _ranking(x: BriefingInputs) -> Section:
    table = x.ranking
    moves = rank_moves(x.now_scores, x.before_scores)
    arrows = moves.map(arrow) if x.before_scores is not None else moves.map(lambda _: "")
    frame = pd.DataFrame({
        "排名": table["composite_rank"].map(rank_text).to_numpy(),
        "变化": arrows.reindex(table.index).fillna("").to_numpy(),
        "乡镇": table["township_name"].to_numpy(),
        "等级": table["composite_class"].to_numpy(),
        "分值": table["composite_score"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}")
        .to_numpy(),
        "排名区间": [interval_text(lo, hi) for lo, hi in
                 zip(table["composite_rank_low"], table["composite_rank_high"], strict=True)],
        "升级规则": table["composite_overrides"].map("；".join).to_numpy(),
    })
    note = ("排名区间为权重在合理范围内变动时各乡镇可能的名次；“变化”为与上次通报相比的名次升降"
            "（↑为风险名次上升）。" if x.before_scores is not None else
            "排名区间为权重在合理范围内变动时各乡镇可能的名次。")
    if x.before_scores is None:  # nothing to compare with: no empty column
        frame = frame.drop(columns="变化")
    return Section("乡镇风险排名", (note,), (BriefTable("乡镇综合风险排名", frame),))


def _since(x: BriefingInputs) -> Section:
    if x.cutoff is None:  # a comparison was declined (the overview's 不比较)
        return Section("与上次通报相比", ("本通报未与此前保存的评估结果比较。",))
    if x.before_scores is None or x.before_as_of is None:
        return Section("与上次通报相比", (
            f"没有{x.cutoff:%Y年%-m月%-d日}（上次会议）或更早保存的评估结果，无法比较。"
            "每个新的数据版本都会自动保存一次评估，下次通报即可与之比较。",))
    found = class_changes(x.now_scores, x.before_scores, (x.now_points, x.before_points))
    changes = pd.DataFrame({
        "乡镇": [x.names.get(c, c) for c in found.index],
        "排名（上次→本次）": [f"{rank_text(a)}→{rank_text(b)}" for a, b in
                          zip(found["rank_before"], found["rank_now"], strict=True)],
        "等级（上次→本次）": [f"{a}→{b}" for a, b in
                          zip(found["class_before"], found["class_now"], strict=True)],
        "主要变化": [moved_text(m) for m in found["moved"]]})
    k = x.kpis
    lines = [f"比较基准：{x.before_as_of:%Y年%-m月%-d日}保存的评估结果。",
             f"综合风险等级发生变化的乡镇{len(changes)}个。" if len(changes)
             else "各乡镇综合风险等级均无变化。"]
    if x.ledger_before is not None:
        b = x.ledger_before
        lines.append(f"此后新增重大隐患{int(b['majors_new'])}项，销号{int(b['majors_closed'])}项；"
                     f"未销号重大隐患由{int(b['major_open'])}项变为{int(k['major_open'])}项；"
                     f"整改率由{b['rate']:.1f}%变为{k['rectification_rate']:.1f}%。")
    if len(changes):
        lines.append("“主要变化”列出综合分变动最大的指标及其分值变化。" if _by_indicator(x)
                     else "上次评估未保存指标明细，“主要变化”列出分值变动最大的图层。")
    tables = (BriefTable("等级变化的乡镇及原因", changes),) if len(changes) else ()
    return Section("与上次通报相比", tuple(lines), tables)


def _by_indicator(x: BriefingInputs) -> bool:
    return x.before_points is not None and not x.before_points.empty


def _ledger(x: BriefingInputs) -> Section:
    from analytics.ledger_stats import red_black

    heads = {"found": "排查", "closed": "销号", "rate": "整改率%", "open": "未销号",
             "overdue": "超期", "days_to_close": "平均整改天数"}
    tables = []
    for label, frame, key in (("部门", x.by_department, "牵头部门"),
                              ("乡镇", x.by_township, "乡镇")):
        red, black = red_black(frame)
        for kind, part in (("红榜", red), ("黑榜", black)):
            if len(part):
                shown = part.rename(columns=heads).rename_axis(key).reset_index()
                if key == "乡镇":
                    shown[key] = shown[key].map(lambda c: x.names.get(c, c))
                tables.append(BriefTable(f"{label}{kind}", shown))
    majors = x.overdue_major.head(x.top_rows)
    if len(majors):
        tables.append(BriefTable("超期重大隐患", pd.DataFrame({
            "隐患编号": majors["hazard_id"], "乡镇": majors["township_code"].map(x.names),
            "牵头部门": majors["lead_department"], "督办领导": majors["supervising_leader"],
            "超期天数": majors["days_overdue"], "隐患描述": majors["hazard_description"]})))
    text = (f"超期重大隐患{len(x.overdue_major)}项" +
            (f"（列出超期最久的{x.top_rows}项）。" if len(x.overdue_major) > x.top_rows else "。"))
    if not x.counts.get("hazard_ledger"):
        text = "尚未导入隐患台账，无法通报整改情况。"
    return Section("隐患排查整治与红黑榜", (text,), tuple(tables), maps=("ledger",))


def _geohazard(x: BriefingInputs) -> Section:
    if not x.counts.get("geohazard_sites"):
        return Section("地质灾害预警与避险转移",
                       ("尚未导入地质灾害隐患点，无法通报预警和转移准备。",))
    c = x.warning_counts
    levels = "，".join(f"{n}级{int(c.get(str(k), 0))}处" for k, n in
                       ((1, "红色一"), (2, "橙色二"), (3, "黄色三"), (4, "蓝色四")))
    text = (f"在册隐患点{int(c.get('sites', 0))}处：{levels}；未达预警{int(c.get('none', 0))}处，"
            f"无雨量数据、等级未知{int(c.get('unknown', 0))}处。需转移"
            f"{len(x.evacuation)}处、{int(c.get('people', 0)):,}人；可用避险场所{x.shelters}处。"
            f"超过{x.silent_days}天未巡查或监测设备未回传的“静默”隐患点{x.silent}处，需核实。")
    return Section("地质灾害预警与避险转移", (text,), maps=("geohazard",))


def _fire(x: BriefingInputs) -> Section:
    season = "当前处于森林防火期，严禁野外用火。" if x.fire_season else "当前不在森林防火期。"
    if not x.counts.get("fire_weather"):
        return Section("森林火险形势", (season, "尚未导入火险气象数据，无法给出火险展望。"),
                       maps=("forest_fire",))
    if len(x.fire_outlook) < 2:  # the as-of day alone is no outlook
        return Section("森林火险形势", (season, f"火险气象数据只到{x.as_of:%Y年%-m月%-d日}，"
                                         "没有之后几天的预报，无法给出火险展望。"),
                       maps=("forest_fire",))
    return Section("森林火险形势", (season, "未来几天森林火险等级如下表。"),
                   (BriefTable("森林火险等级预报", x.fire_outlook),), maps=("forest_fire",))


def _roads(x: BriefingInputs) -> Section:
    spots = x.black_spots
    if not x.counts.get("road_segments"):
        return Section("道路交通", ("尚未导入道路，无法通报事故多发点段。",))
    text = f"排查出事故多发点段（黑点）{len(spots)}处。"
    if spots.empty:
        return Section("道路交通", (text,), maps=("road",))
    worst = spots.sort_values(["accidents", "deaths"], ascending=False).head(x.top_rows)
    frame = pd.DataFrame({
        "路线编号": worst["road_code"].to_numpy(),
        "乡镇": worst["township_code"].map(lambda c: x.names.get(c, c)).to_numpy(),
        "桩号（米）": [f"{a:,.0f}–{b:,.0f}" for a, b in
                    zip(worst["start_m"], worst["end_m"], strict=True)],
        "事故": worst["accidents"].to_numpy(), "死亡": worst["deaths"].to_numpy(),
        "受伤": worst["injuries"].to_numpy()})
    return Section("道路交通", (text,), (BriefTable("事故多发点段", frame),), maps=("road",))


def _priorities(x: BriefingInputs) -> Section:
    if not x.counts.get("hazard_ledger"):
        return Section("整改优先级与预算安排", ("尚未导入隐患台账，无法安排整改优先级。",))
    if x.priorities.empty:
        return Section("整改优先级与预算安排", ("没有未销号的隐患。",))
    spent = float(x.priorities["cost_used"].sum())
    text = (f"在{x.budget_wan:g}万元预算内，按“严重程度×暴露×紧迫性”排序，建议优先整改"
            f"{len(x.priorities)}项，约需{spent:.1f}万元"
            + (f"（下表列出优先级最高的{x.top_rows}项）" if len(x.priorities) > x.top_rows else "")
            + "。整改后各乡镇综合风险变化见下表。")
    chosen = x.priorities.head(x.top_rows)
    table = pd.DataFrame({"序号": range(1, len(chosen) + 1), "隐患编号": chosen["hazard_id"],
                          "乡镇": chosen["township_code"].map(x.names),
                          "牵头部门": chosen["lead_department"],
                          "优先级": chosen["priority"].map(lambda v: f"{v:.2f}"),
                          "费用（万元）": chosen["cost_used"]})
    moved = x.effect[(x.effect["composite_before"] - x.effect["composite_after"]).abs() > 1e-9
                     ].sort_values("composite_before", ascending=False)
    effect = pd.DataFrame({
        "乡镇": [x.names.get(c, c) for c in moved.index],
        "整改前": [_before_after(s, k) for s, k in
                zip(moved["composite_before"], moved["class_before"], strict=True)],
        "整改后": [_before_after(s, k) for s, k in
                zip(moved["composite_after"], moved["class_after"], strict=True)]})
    return Section("整改优先级与预算安排", (text,),
                   (BriefTable("建议优先整改的隐患", table),
                    BriefTable("乡镇综合风险 整改前→整改后", effect)))


def _before_after(score: float, klass: str) -> str:
    return f"{klass}" if pd.isna(score) else f"{score:.2f}（{klass}）"


def _data_note(x: BriefingInputs) -> Section:
    cover = "；".join(f"{LAYER_NAMES[k]}覆盖{v:.0%}的乡镇" for k, v in x.coverage.items())
    lines = [f"数据截至{x.as_of:%Y-%m-%d}；评估方法 {x.method}。", f"{cover}。"]
    if x.missing:
        lines.append("尚未导入：" + "、".join(x.missing) + "。相应内容未能通报，不代表风险低。")
    else:
        lines.append("各类数据均已导入。")
    return Section("数据说明", tuple(lines))


def compose(x: BriefingInputs, settings: BriefingSettings, *, demo: bool,
            maps: Mapping[str, bytes]) -> Briefing:
    """Return the briefing of ``x``: numbered sections in the usual order of a 通报."""
    sections = (_overview(x), _ranking(x), _since(x), _ledger(x), _geohazard(x), _fire(x),
                _roads(x), _priorities(x), _data_note(x))
    return Briefing(title=f"{x.county}{settings.title}", issuer=settings.issuer,
                    date_line=f"{x.as_of:%Y年%-m月%-d日}",
                    notice=DEMO_NOTICE if demo else None, sections=sections, maps=dict(maps))
