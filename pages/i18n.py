"""Every string the UI shows, in Chinese and English: one table, looked up by key."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("县域安全风险一张图", "County Risk Map"),
    "overview": ("总览", "Overview"),
    "layer": ("图层", "Layer"),
    "layer.composite": ("综合风险", "Composite risk"),
    "layer.geohazard": ("地质灾害", "Geological hazards"),
    "layer.forest_fire": ("森林火灾", "Forest fire"),
    "layer.road": ("道路交通", "Road traffic"),
    "layer.ledger": ("隐患台账", "Hazard ledger"),
    "legend": ("风险等级", "Risk class"),
    "score": ("风险分值", "Risk score"),
    "no_data": ("数据不足", "not enough data"),
    "data_as_of": ("数据截至 {date}", "Data as of {date}"),
    "source": ("来源：{source}", "Source: {source}"),
    "method": ("评估方法 v{version}（配置 {hash}）", "Method v{version} (config {hash})"),
    "demo": ("演示数据（虚构）", "DEMO DATA (fictional)"),
    "kpi.hazards_found": ("排查隐患", "Hazards found"),
    "kpi.hazards_closed": ("已销号", "Closed"),
    "kpi.rectification_rate": ("整改率", "Rectification rate"),
    "kpi.hazards_overdue": ("超期未整改", "Overdue"),
    "kpi.major_open": ("未销号重大隐患", "Open major hazards"),
    "kpi.major_supervised": ("其中挂牌督办", "under supervision"),
    "kpi.geohazard_sites": ("地灾隐患点", "Geohazard sites"),
    "kpi.people_threatened": ("受威胁人数", "People threatened"),
    "kpi.relocation_sites": ("安置点", "Relocation sites"),
    "kpi.relocation_people": ("安置人数", "Residents"),
    "ranking": ("乡镇风险排名（红黑榜）", "Township ranking"),
    "rank": ("排名", "Rank"),
    "rank_interval": ("排名区间", "Rank interval"),
    "township": ("乡镇", "Township"),
    "class": ("等级", "Class"),
    "overrides": ("升级规则", "Overrides"),
    "why": ("为什么是这个等级？", "Why this class?"),
    "pick_township": ("在地图或排名表中点选一个乡镇查看原因。",
                      "Click a township on the map or in the table to see why."),
    "indicator": ("指标", "Indicator"),
    "raw": ("原始值", "Raw value"),
    "normalised": ("标准化值", "Normalised"),
    "weight": ("权重", "Weight"),
    "contribution": ("贡献", "Contribution"),
    "coverage": ("数据覆盖", "Data coverage"),
    "meeting_mode": ("会议模式", "Meeting mode"),
    "language": ("语言 Language", "语言 Language"),
    "database": ("数据库", "Database"),
    "db_missing": ("数据库 {path} 不存在：请先运行 `make run` 或 `riskmap demo`。",
                   "Database {path} does not exist: run `make run` or `riskmap demo`."),
    "demo_banner": ("演示数据：{label}。县名、乡镇、人员与数字均为虚构。",
                    "Demo data: {label}. Names, places, people and numbers are fictional."),
    "tables": ("数据概况", "What the database holds"),
    "table": ("数据表", "Table"),
    "rows": ("记录数", "Rows"),
    "facts": ("主要原因", "What matters most"),
}


def t(key: str, lang: str, **values: object) -> str:
    """Return the text for ``key`` in ``lang`` (zh or en), with ``values`` filled in."""
    zh, en = TEXT[key]
    return (en if lang == "en" else zh).format(**values)
