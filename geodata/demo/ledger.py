"""The hidden-hazard ledger (隐患台账) of the demo county and its full history.

Each hazard lives through 登记 → 开始整改 → 申请验收 → (退回 → 申请验收)* → 销号; the
timeline is drawn first and cut at the as-of date, so the row's status, version and dates are
exactly what its events say, and no closed hazard lacks its closing event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from domain.rules import township_names
from domain.schema import LEDGER_DOMAINS
from domain.workflow import Identity, change
from geodata.demo import names
from geodata.demo.places import near
from geodata.demo.terrain import WORK_CRS

N_HAZARDS = 3000
DOMAIN_SHARE = dict(zip(LEDGER_DOMAINS, [0.14, 0.22, 0.14, 0.06, 0.08, 0.08, 0.06, 0.04, 0.06,
                                         0.04, 0.08], strict=True))
DEPARTMENTS = {
    "建设": ("县住房和城乡建设局",), "消防": ("县消防救援大队",),
    "道路交通": ("县交通运输局", "县公安局交警大队"), "危化品": ("县应急管理局",),
    "校园": ("县教育局",), "企业复工": ("县工业和信息化局",), "特种设备": ("县市场监督管理局",),
    "非煤矿山": ("县应急管理局", "县自然资源局"), "食品药品": ("县市场监督管理局",),
    "烟花爆竹": ("县应急管理局",), "其他": ("县商务局", "县文体广电旅游局", "县水务局"),
}
DESCRIPTIONS = {
    "建设": ("安置点在建项目脚手架未设置剪刀撑", "基坑临边防护缺失", "施工现场塔吊未按期检测",
             "安置点房屋外墙开裂", "安置点经营门市私拉电线", "高处作业人员未系安全带"),
    "消防": ("疏散通道堵塞", "灭火器过期失效", "电动自行车楼道内充电", "三合一场所住人区域未分隔",
             "安全出口数量不足", "消防设施未保持完好有效", "电气线路私拉乱接"),
    "道路交通": ("临水临崖路段缺少防护栏", "急弯陡坡路段未设警示标志", "长下坡路段无避险车道",
                 "农村客运车辆超员", "视距不良路口未设减速带", "路侧边坡落石隐患"),
    "危化品": ("加油站卸油区静电接地失效", "液化气钢瓶超期未检", "储罐区可燃气体报警器故障",
               "危化品运输车辆未按规定路线行驶"),
    "校园": ("校舍墙体开裂", "学校食堂燃气管道老化", "校车安全设施不全", "校园周边无交通标志",
             "宿舍消防设施缺失"),
    "企业复工": ("复工前未开展安全培训", "设备长期停用后未检修即复工", "有限空间作业无审批",
                 "复工企业应急预案未更新"),
    "特种设备": ("电梯超期未检", "锅炉安全阀未校验", "起重机械无证操作", "压力容器未登记"),
    "非煤矿山": ("采石场边坡超高超陡", "爆破器材管理不规范", "排土场无截排水设施"),
    "食品药品": ("学校食堂留样不全", "农村集体聚餐未报备", "药品储存条件不达标"),
    "烟花爆竹": ("烟花爆竹零售点超量储存", "零售点与居民住宅未保持安全距离",
                 "非法储存烟花爆竹"),
    "其他": ("旅游景区游步道护栏损坏", "水库溢洪道堵塞", "农家乐消防通道堵塞", "集贸市场电线老化"),
}
LEADERS = ("县委常委、常务副县长", "副县长", "副县长（公安局局长）", "县政府党组成员")
FACILITY_DOMAINS = {"校园": "学校", "危化品": "危化品单位", "烟花爆竹": "危化品单位",
                    "消防": "人员密集场所"}


@dataclass
class Timeline:
    """The status events of one hazard, each (time, action, old status, new status)."""

    events: list[tuple[datetime, str, str | None, str]] = field(default_factory=list)

    def add(self, when: datetime, action: str, new: str) -> None:
        """Append an event moving the status to ``new``."""
        old = self.events[-1][3] if self.events else None
        self.events.append((when.replace(microsecond=0), action, old, new))

    @property
    def status(self) -> str:
        """Return the status after the last event."""
        return self.events[-1][3]


def _timeline(rng: np.random.Generator, found: datetime, deadline: datetime,
              major: bool, as_of: datetime) -> Timeline:
    """Draw a hazard's whole history, then keep the part up to ``as_of``."""
    line = Timeline()
    line.add(found, "登记", "待整改")
    when = found + timedelta(days=float(rng.exponential(3)), hours=float(rng.uniform(1, 6)))
    line.add(when, "开始整改", "整改中")
    stalled = rng.random() < (0.08 if major else 0.05)
    span = (deadline - found).days
    while not stalled:
        when += timedelta(days=float(rng.gamma(2.0, max(span, 4) * 0.3)))
        line.add(when, "申请验收", "待验收")
        when += timedelta(days=float(rng.exponential(4)) + 0.5)
        if rng.random() < 0.08:
            line.add(when, "退回", "整改中")
            continue
        line.add(when, "销号", "已销号")
        break
    line.events = [e for e in line.events if e[0] <= as_of]
    return line


def _locations(rng: np.random.Generator, domains: np.ndarray, towns: gpd.GeoDataFrame,
               facilities: gpd.GeoDataFrame, roads: gpd.GeoDataFrame,
               relocation: gpd.GeoDataFrame) -> tuple[list[shapely.Point], list[str]]:
    """Return a location and responsible unit per hazard, chosen by its domain."""
    points, units = [], []
    danger = roads[roads[["along_water_cliff", "sharp_curve_steep"]].any(axis=1)]
    for domain in domains:
        category = FACILITY_DOMAINS.get(domain)
        if category is not None:
            pool = facilities[facilities["facility_category"] == category]
            row = pool.iloc[rng.integers(len(pool))]
            points.append(row.geometry)
            units.append(row["facility_name"])
        elif domain == "道路交通":
            row = danger.iloc[rng.integers(len(danger))]
            points.append(row.geometry.interpolate(rng.random(), normalized=True))
            units.append(f"{row['road_name']}{row['segment_id']}路段")
        elif domain == "建设" and rng.random() < 0.5:
            row = relocation.iloc[rng.integers(len(relocation))]
            points.append(row.geometry)
            units.append(row["reloc_name"])
        else:
            town = towns.iloc[rng.integers(len(towns))]
            points.append(near(rng, town["seat"], town.geometry, 700))
            units.append(f"{town['township_name']}{names.place(rng)}{_unit_kind(domain)}")
    return points, units


def _unit_kind(domain: str) -> str:
    return {"企业复工": "有限公司", "特种设备": "有限公司", "非煤矿山": "采石场",
            "食品药品": "餐饮店", "建设": "建设项目部"}.get(domain, "管理单位")


def make_ledger(rng: np.random.Generator, towns: gpd.GeoDataFrame,
                facilities: gpd.GeoDataFrame, roads: gpd.GeoDataFrame,
                relocation: gpd.GeoDataFrame, *, as_of: datetime) -> gpd.GeoDataFrame:
    """Return the ledger rows (work CRS) before timelines: what, where, who, when found."""
    domains = rng.choice(list(DOMAIN_SHARE), size=N_HAZARDS,
                         p=np.array(list(DOMAIN_SHARE.values())) / sum(DOMAIN_SHARE.values()))
    points, units = _locations(rng, domains, towns, facilities, roads, relocation)
    found = _found_times(rng, N_HAZARDS, as_of)
    major = rng.random(N_HAZARDS) < 0.03
    limit = np.where(major, rng.integers(60, 181, N_HAZARDS), rng.integers(7, 61, N_HAZARDS))
    ledger = gpd.GeoDataFrame({
        "domain": domains,
        "hazard_description": [str(rng.choice(DESCRIPTIONS[d])) for d in domains],
        "lead_department": [str(rng.choice(DEPARTMENTS[d])) for d in domains],
        "responsible_unit": units,
        "hazard_level": np.where(major, "重大", "一般"),
        "found_time": found,
        "deadline": [(f + timedelta(days=int(k))).replace(hour=0, minute=0)
                     for f, k in zip(found, limit, strict=True)],
    }, geometry=points, crs=WORK_CRS)
    return ledger.sort_values("found_time", ignore_index=True, kind="stable")


def _found_times(rng: np.random.Generator, n: int, as_of: datetime) -> list[datetime]:
    """Return sweep dates over two years, busier before festivals and the flood season."""
    days = rng.uniform(0, 730, n)
    campaign = rng.random(n) < 0.35
    peaks = np.array([60, 180, 300, 425, 545, 665])
    days = np.where(campaign, rng.choice(peaks, n) + rng.normal(0, 10, n), days)
    days = np.clip(days, 1, 730)
    return [(as_of - timedelta(days=float(d))).replace(hour=int(h), minute=0, second=0,
                                                        microsecond=0)
            for d, h in zip(days, rng.integers(9, 18, n), strict=True)]


@dataclass(frozen=True)
class Step:
    """One workflow action in a demo hazard's history."""

    when: datetime
    action: str
    values: dict
    who: Identity
    note: str | None = None


def add_history(rng: np.random.Generator, ledger: gpd.GeoDataFrame, towns: gpd.GeoDataFrame,
                *, as_of: datetime) -> dict[str, list[Step]]:
    """Give each row its ID, registration fields and history; return its workflow steps.

    The row keeps what it is registered with (and, for a major hazard, its supervision
    record); everything after registration happens through the steps, which
    ``run_history`` plays through the workflow.
    """
    town_name = township_names(towns)
    ledger["hazard_id"] = [f"YH{t:%Y%m}{i + 1:05d}" for i, t in enumerate(ledger["found_time"])]
    major = (ledger["hazard_level"] == "重大").to_numpy()
    ledger["supervising_leader"] = [f"{rng.choice(LEADERS)}{names.person(rng)}" if m else None
                                    for m in major]
    ledger["funds_wan"] = [round(float(rng.uniform(20, 400)), 1) if m else None for m in major]
    ledger["estimated_cost_wan"] = np.where(major, ledger["funds_wan"],
                                            np.round(rng.lognormal(1.0, 0.9, len(ledger)), 1))
    ledger["measures"] = [f"针对“{d}”制定整改方案并落实" if m else None
                          for d, m in zip(ledger["hazard_description"], major, strict=True)]
    ledger["contingency_plan"] = ["设置警示标志、落实专人值守，险情时立即停用并疏散人员（演示）"
                                  if m else None for m in major]
    steps: dict[str, list[Step]] = {}
    for row in ledger.itertuples():
        line = _timeline(rng, row.found_time, row.deadline, row.hazard_level == "重大", as_of)
        staff = names.people(rng, 3)
        town = Identity(staff[0], f"{town_name[row.township_code]}人民政府")
        unit = Identity(staff[1], row.responsible_unit)
        lead = Identity(staff[2], row.lead_department)
        todo = [Step(line.events[0][0], "登记", {}, town)]
        for when, action, _old, _new in line.events[1:]:
            todo.append(_step(when, action, row, unit, lead))
        steps[row.hazard_id] = todo
    ledger["found_date"] = pd.to_datetime(ledger.pop("found_time")).dt.normalize()
    return steps


def _step(when: datetime, action: str, row: object, unit: Identity, lead: Identity) -> Step:
    """Return the demo step of ``action``: who does it and what it fills in."""
    if action == "开始整改":
        return Step(when, action, {"measures": f"针对“{row.hazard_description}”制定整改方案并落实",
                                   "responsible_person": unit.name}, unit)
    if action == "申请验收":
        return Step(when, action, {"evidence": "整改前后对比照片、整改报告（演示）"}, unit)
    if action == "退回":
        return Step(when, action, {}, lead, note="佐证不足，退回继续整改（演示）")
    return Step(when, action, {"verifier": lead.name,
                               "closed_date": pd.Timestamp(when).normalize()}, lead)


def run_history(ledger: gpd.GeoDataFrame, steps: dict[str, list[Step]]
                ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Play every hazard's steps through the workflow; return the rows and their events.

    ``ledger`` holds the registration fields in storage form, so replaying the events gives
    back exactly the rows returned here.
    """
    rows, events = [], []
    columns = [c for c in ledger.columns if c != "row_version"]
    for record in ledger[columns].to_dict("records"):
        first, *rest = steps[record["hazard_id"]]
        row, made = change(None, "登记", {k: v for k, v in record.items() if v is not None
                                         and not (isinstance(v, float) and np.isnan(v))},
                           who=first.who, when=pd.Timestamp(first.when))
        events += made
        for step in rest:
            row, made = change(row, step.action, step.values, who=step.who,
                               when=pd.Timestamp(step.when), note=step.note)
            events += made
        rows.append(row)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=ledger.crs)
    return frame, pd.DataFrame(events)
