"""What a county loads, in the order that makes the map useful, and how to load it.

A real county starts with its township layer and adds the rest over weeks. ``LOAD_ORDER``
says what each table brings; the 开始使用 guide on the pages, ``riskmap info`` and every
"this needs …" notice take their words from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.schema import TABLES, Lang

LOAD_ORDER: tuple[tuple[str, str, str], ...] = (
    ("townships", "乡镇边界：一切的底图，每个乡镇的风险都落在这里",
     "township borders: the base map, where every township's risk is shown"),
    ("hazard_ledger", "隐患台账：隐患台账图层、超期与重大隐患、整改优先级",
     "the hazard ledger: the ledger layer, overdue and major hazards, priorities"),
    ("geohazard_sites", "地质灾害隐患点：地质灾害图层、雨前预警与转移名单",
     "geohazard sites: the geohazard layer, the rain warning and who must move"),
    ("road_segments", "公路路段：道路图层与底图上的道路",
     "road segments: the road layer, and roads on the base map"),
    ("road_accidents", "道路交通事故：事故多发点段", "road accidents: black spots"),
    ("facilities", "设施与应急资源：学校、医院、避难场所、救援队伍",
     "facilities: schools, hospitals, shelters, rescue teams"),
    ("relocation_sites", "易地扶贫搬迁安置点：安置群众的暴露", "relocation sites: who lives there"),
    ("forest_zones", "林区：森林火灾图层", "forest zones: the forest-fire layer"),
    ("fire_weather", "森林火险气象：火险等级", "fire weather: the fire-danger level"),
    ("fire_events", "火情与热点：历史火情", "fires and hotspots: past fires"),
    ("geohazard_events", "地质灾害灾情：历史灾情", "past geohazard disasters"),
    ("rainfall", "雨量：地质灾害气象风险预警", "rainfall: the geohazard warning"),
    ("monitoring_readings", "监测数据：隐患点的位移、裂缝与雨量计",
     "monitoring readings: displacement, cracks, rain gauges at sites"),
    ("places", "重点场所和企业：专项排查进度、场所图层、暴露与未检查的高等级场所",
     "places and enterprises: the sweeps' progress, the places layer, exposure, uninspected "
     "high-grade places"),
    ("duty_roster", "值班表：今晚谁值班，转移名单上的值班人员",
     "the duty roster: who is on duty tonight, named on the evacuation list"),
    ("emergency_plans", "应急预案：修订与演练是否到期、专家组",
     "emergency plans: revisions and drills due, expert groups"),
    ("rescue_teams", "救援队伍：人员、装备与训练", "rescue teams: members, equipment, training"),
    ("supplies", "应急物资：各储备库对照最低储备的缺口",
     "emergency supplies: each warehouse against its minimum stock"),
    ("rivers", "河流：底图", "rivers: the base map"),
)
"""Every entity table but the ledger's history, in the order a county best loads it."""


def purpose(table: str, lang: Lang = "zh") -> str:
    """Return what loading ``table`` brings, in ``lang``."""
    for name, zh, en in LOAD_ORDER:
        if name == table:
            return zh if lang == "zh" else en
    return TABLES[table].label(lang)


def how_to_load(table: str, lang: Lang = "zh") -> str:
    """Return how to load ``table``: the command, or the data page."""
    label = TABLES[table].label(lang)
    if lang == "zh":
        return (f"用命令 `riskmap import {table} 文件` 导入，或在“数据管理”页上传"
                f"（表：{label}）")
    return f"run `riskmap import {table} FILE`, or upload it on the Data page ({label})"


def missing(counts: Mapping[str, int], tables: tuple[str, ...]) -> list[str]:
    """Return the tables of ``tables`` that hold no row, in load order."""
    order = [name for name, _, _ in LOAD_ORDER]
    empty = [t for t in tables if counts.get(t, 0) == 0]
    return sorted(empty, key=lambda t: order.index(t) if t in order else len(order))


def next_to_load(counts: Mapping[str, int]) -> list[str]:
    """Return every empty table, in the order a county best loads them."""
    return missing(counts, tuple(name for name, _, _ in LOAD_ORDER))
