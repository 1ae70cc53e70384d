"""The demo county's registers: places the sweeps inspect, and its emergency readiness.

Places are the facilities of the map that a sweep inspects (schools, hospitals, filling
stations, small venues: same names, same points, so the ledger's 责任单位 finds them) and
the kinds the facilities do not hold (care homes, hotels, markets, mines, building sites,
enterprises resuming work). A place with a hazard found in the sweep window was inspected
that day with hazards found. The duty roster runs from 30 days before the as-of day to a
week after, with two townships and one department left without anyone on the as-of day;
plans, teams and stocks are drawn so that some are due or short.
"""

from __future__ import annotations

from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.demo import names
from geodata.demo.places import near
from geodata.demo.terrain import WORK_CRS

WINDOW_DAYS = 90
"""The sweep window the demo's inspections are drawn in (``config/readiness.toml``)."""
FROM_FACILITIES = {"学校": ("学校", "县教育局"), "医院": ("医院", "县卫生健康局"),
                   "危化品单位": ("危化品企业", "县应急管理局")}
OWN_KINDS = (  # kind, department, (per township at the seat, elsewhere), name tails, people
    ("养老机构", "县民政局", (2, 1), ("敬老院", "养老服务中心"), (20, 90)),
    ("宾馆酒店", "县文体广电旅游局", (6, 0.3), ("宾馆", "大酒店", "客栈"), (10, 60)),
    ("商场市场", "县市场监督管理局", (4, 0.5), ("农贸市场", "商贸城", "步行街"), (50, 600)),
    ("非煤矿山", "县应急管理局", (0, 0.3), ("采石场", "砂石厂"), (8, 40)),
    ("建设工地", "县住房和城乡建设局", (5, 0.4), ("安置房项目工地", "道路改造工程")
     , (20, 150)),
    ("重点项目", "县发展和改革局", (2, 0.1), ("产业园建设项目", "水厂扩建工程"), (30, 200)),
    ("复工企业", "县工业和信息化局", (6, 0.5), ("农产品加工厂", "建材厂", "茶叶加工厂"),
     (15, 120)),
)
DEPARTMENTS = ("县应急管理局", "县自然资源局", "县气象局", "县水务局", "县交通运输局",
               "县公安局", "县消防救援大队")
PLAN_TOPICS = (  # topic, owner
    ("地质灾害", "县自然资源局"), ("森林火灾", "县林业局"), ("防汛抗旱", "县水务局"),
    ("道路交通事故", "县公安局交警大队"), ("危险化学品事故", "县应急管理局"),
    ("非煤矿山事故", "县应急管理局"), ("火灾事故", "县消防救援大队"), ("地震", "县应急管理局"),
    ("气象灾害", "县气象局"), ("突发公共卫生事件", "县卫生健康局"),
    ("食品安全事故", "县市场监督管理局"), ("特种设备事故", "县市场监督管理局"),
    ("建筑施工事故", "县住房和城乡建设局"), ("校园安全事件", "县教育局"),
    ("大面积停电事件", "县发展和改革局"), ("旅游突发事件", "县文体广电旅游局"),
    ("突发环境事件", "县生态环境局"), ("烟花爆竹事故", "县应急管理局"),
    ("城市供水事故", "县水务局"), ("通信保障", "县工业和信息化局"),
)
SPECIALIST_TEAMS = (("矿山救护队", 25), ("危险化学品救援队", 20), ("水上救援队", 18),
                    ("电力抢修队", 30), ("医疗救援队", 24), ("蓝天救援队", 40))
EQUIPMENT = ("破拆工具组", "生命探测仪", "冲锋舟", "无人机", "发电照明车", "救生抛投器",
             "风力灭火机", "油锯", "担架", "通信卫星电话")
SUPPLY_UNITS = {"帐篷": "顶", "折叠床": "张", "棉被": "床", "救生衣": "件", "应急照明灯": "盏",
                "发电机": "台", "灭火器": "具", "编织袋": "条"}
COUNTY_MINIMUM = {"帐篷": 200, "折叠床": 500, "棉被": 1000, "救生衣": 300, "应急照明灯": 100,
                  "发电机": 10, "灭火器": 200, "编织袋": 20000}
TOWN_MINIMUM = {"帐篷": 20, "折叠床": 50, "棉被": 100, "救生衣": 50, "应急照明灯": 20,
                "发电机": 2, "灭火器": 30, "编织袋": 2000}
"""The stock the demo draws around (the minimums of ``config/readiness.toml``)."""


def _days_before(rng: np.random.Generator, as_of: datetime, low: int, high: int,
                 n: int) -> pd.Series:
    day = pd.Timestamp(as_of).normalize()
    return pd.Series(day - pd.to_timedelta(rng.integers(low, high, n), unit="D"))


def make_places(rng: np.random.Generator, towns: gpd.GeoDataFrame,
                facilities: gpd.GeoDataFrame, ledger: pd.DataFrame, *,
                as_of: datetime) -> gpd.GeoDataFrame:
    """Return the places and enterprises of the sweeps, inspected as the ledger says."""
    rows = _facility_places(facilities) + _own_places(rng, towns)
    frame = gpd.GeoDataFrame(rows, crs=WORK_CRS)
    frame.insert(0, "place_id", [f"CS{k + 1:04d}" for k in range(len(frame))])
    frame["place_grade"] = _grades(rng, frame)
    _inspect(rng, frame, ledger, as_of)
    return frame


def _facility_places(facilities: gpd.GeoDataFrame) -> list[dict]:
    rows = []
    for _, f in facilities.iterrows():
        category = f["facility_category"]
        if category == "人员密集场所":
            kind = "三合一场所" if "三合一" in f["facility_name"] else "九小场所"
            department = "县应急管理局"
        elif category in FROM_FACILITIES:
            kind, department = FROM_FACILITIES[category]
        else:
            continue
        people = f["capacity"] if kind in ("学校", "医院", "三合一场所", "九小场所") else None
        rows.append({"place_name": f["facility_name"], "place_kind": kind,
                     "township_code": f["township_code"], "supervising_department": department,
                     "place_people": people, "contact_phone": f["contact_phone"],
                     "geometry": f.geometry})
    return rows


def _own_places(rng: np.random.Generator, towns: gpd.GeoDataFrame) -> list[dict]:
    rows = []
    for i in range(len(towns)):
        town = towns.iloc[i]
        for kind, department, (at_seat, elsewhere), tails, (low, high) in OWN_KINDS:
            count = at_seat if i == 0 else (int(elsewhere) if elsewhere >= 1
                                            else int(rng.random() < elsewhere))
            for _ in range(count):
                name = f"{town['township_name']}{names.place(rng)}{rng.choice(tails)}"
                rows.append({"place_name": name, "place_kind": kind,
                             "township_code": town["township_code"],
                             "supervising_department": department,
                             "place_people": int(rng.integers(low, high)),
                             "contact_phone": names.phone(rng),
                             "geometry": near(rng, town["seat"], town.geometry,
                                              2500 if kind == "非煤矿山" else 600)})
    return rows


def _grades(rng: np.random.Generator, frame: pd.DataFrame) -> pd.Series:
    """Grades where an industry gives one: mines and filling depots, big hotels and markets."""
    grade = pd.Series(pd.NA, index=frame.index, dtype="object")
    graded = frame["place_kind"].isin(["危化品企业", "非煤矿山", "宾馆酒店", "商场市场"])
    draw = rng.choice(["二级", "三级", "四级", "一级"], size=len(frame), p=[0.3, 0.4, 0.25, 0.05])
    grade[graded] = draw[graded.to_numpy()]
    return grade


def _inspect(rng: np.random.Generator, frame: gpd.GeoDataFrame, ledger: pd.DataFrame,
             as_of: datetime) -> None:
    """Set last inspection and result: the day of a hazard found, else drawn (some never)."""
    n = len(frame)
    when = _days_before(rng, as_of, 0, WINDOW_DAYS * 2, n)
    when[rng.random(n) < 0.12] = pd.NaT
    result = pd.Series(rng.choice(["未发现隐患", "发现隐患", "停业整改"], size=n,
                                  p=[0.8, 0.17, 0.03]), dtype="object")
    first = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=WINDOW_DAYS - 1)
    found = ledger[pd.to_datetime(ledger["found_date"]) >= first]
    last_found = found.groupby("responsible_unit")["found_date"].max()
    hit = frame["place_name"].map(last_found)
    when = when.where(hit.isna(), pd.to_datetime(hit))
    result = result.where(hit.isna(), "发现隐患")
    result[when.isna()] = pd.NA
    frame["last_inspection_date"] = when.to_numpy()
    frame["inspection_result"] = result.to_numpy()


def make_roster(rng: np.random.Generator, towns: pd.DataFrame, *, as_of: datetime
                ) -> pd.DataFrame:
    """Return the duty roster: each township and department, a leader and an officer a day."""
    day = pd.Timestamp(as_of).normalize()
    days = pd.date_range(day - pd.Timedelta(days=30), day + pd.Timedelta(days=7))
    units = [(t, c) for t, c in zip(towns["township_name"], towns["township_code"],
                                    strict=True)] + [(d, None) for d in DEPARTMENTS]
    gap_towns = set(rng.choice(np.arange(1, len(towns)), size=2, replace=False))
    gap_department = DEPARTMENTS[int(rng.integers(1, len(DEPARTMENTS)))]
    staff = {unit: names.people(rng, 6) for unit, _ in units}
    phones = {person: names.phone(rng) for crew in staff.values() for person in crew}
    rows = []
    for d in days:
        for k, (unit, code) in enumerate(units):
            if d == day and (k in gap_towns or unit == gap_department):
                continue  # no one on duty tonight: what the page must show
            if d != day and rng.random() < 0.01:
                continue
            leader, officer = staff[unit][int(rng.integers(0, 2))], staff[unit][
                int(rng.integers(2, 6))]
            for role, person in (("带班领导", leader), ("值班员", officer)):
                rows.append({"duty_date": d, "duty_unit": unit, "duty_role": role,
                             "township_code": code, "duty_person": person,
                             "duty_phone": phones[person]})
    return pd.DataFrame(rows)


def make_plans(rng: np.random.Generator, towns: pd.DataFrame, *, as_of: datetime
               ) -> pd.DataFrame:
    """Return the county's master plan, its special plans and each township's plan."""
    rows = [{"plan_name": "演示县突发事件总体应急预案", "plan_kind": "总体预案",
             "owner_department": "县人民政府办公室", "township_code": None}]
    rows += [{"plan_name": f"演示县{topic}应急预案", "plan_kind": "专项预案",
              "owner_department": owner, "township_code": None} for topic, owner in PLAN_TOPICS]
    rows += [{"plan_name": f"{t}突发事件总体应急预案", "plan_kind": "乡镇预案",
              "owner_department": f"{t}人民政府", "township_code": c}
             for t, c in zip(towns["township_name"], towns["township_code"], strict=True)]
    frame = pd.DataFrame(rows)
    n = len(frame)
    frame.insert(0, "plan_id", [f"YA{k + 1:03d}" for k in range(n)])
    frame["last_revised"] = _days_before(rng, as_of, 30, 365 * 4, n).to_numpy()
    drill = _days_before(rng, as_of, 10, 480, n)
    drill[rng.random(n) < 0.1] = pd.NaT
    frame["last_drill"] = drill.to_numpy()
    missing = rng.random(n) < np.where(frame["plan_kind"] == "乡镇预案", 0.3, 0.1)
    frame["expert_group"] = [None if missing[k] else
                             "、".join(names.people(rng, int(rng.integers(3, 6))))
                             for k in range(n)]
    return frame


def make_teams(rng: np.random.Generator, facilities: gpd.GeoDataFrame, *,
               as_of: datetime) -> gpd.GeoDataFrame:
    """Return the rescue teams: the map's teams and forest crews, and specialist teams."""
    crews = facilities[facilities["facility_category"].isin(["救援队伍", "森林消防队"])]
    seat = crews.iloc[0]
    rows = [{"team_name": f["facility_name"],
             "team_kind": ("森林消防" if f["facility_category"] == "森林消防队" else
                           "综合救援" if "大队" in f["facility_name"] else "乡镇应急"),
             "township_code": f["township_code"], "members": f["capacity"],
             "contact_phone": f["contact_phone"], "geometry": f.geometry}
            for _, f in crews.iterrows()]
    rows += [{"team_name": f"演示县{name}", "team_kind": "社会救援" if "蓝天" in name
              else "专业救援", "township_code": seat["township_code"], "members": members,
              "contact_phone": names.phone(rng), "geometry": seat.geometry}
             for name, members in SPECIALIST_TEAMS]
    frame = gpd.GeoDataFrame(rows, crs=facilities.crs)
    n = len(frame)
    frame.insert(0, "team_id", [f"DW{k + 1:03d}" for k in range(n)])
    frame["equipment"] = ["、".join(rng.choice(EQUIPMENT, size=int(rng.integers(2, 5)),
                                              replace=False)) for _ in range(n)]
    frame["last_training"] = _days_before(rng, as_of, 3, 120, n).to_numpy()
    return frame


def make_supplies(rng: np.random.Generator, facilities: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the stock of every warehouse, drawn around its minimum (some short)."""
    depots = facilities[facilities["facility_category"] == "物资储备库"]
    rows = []
    for _, depot in depots.iterrows():
        county = depot["facility_name"].startswith("演示县")
        for item, least in (COUNTY_MINIMUM if county else TOWN_MINIMUM).items():
            if rng.random() < 0.05:
                continue  # an item the warehouse does not hold
            rows.append({"warehouse_name": depot["facility_name"], "item_name": item,
                         "township_code": depot["township_code"],
                         "quantity": float(round(least * rng.uniform(0.85, 2.2))),
                         "item_unit": SUPPLY_UNITS[item]})
    return pd.DataFrame(rows)
