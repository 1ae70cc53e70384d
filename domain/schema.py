"""The one declaration of every table and column County Risk Map stores.

Each column is declared once in ``FIELDS`` (type, unit, Chinese and English label, allowed
values, bounds); each table lists its columns, primary key, required columns and geometry.
DDL (``geodata.sql``), validation (``geodata.validate``) and UI labels (``label``) are
generated from here and written nowhere else.

Allowed values are stored as their Chinese form, the form county offices use; the English
label is for display only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

ColumnType = Literal["text", "integer", "real", "date", "timestamp", "boolean", "binary"]
GeometryKind = Literal["point", "line", "polygon"]
Lang = Literal["zh", "en"]

SCHEMA_VERSION = 10
"""Version of the layout below; bump it and add a step to ``geodata.migrations`` on change."""

EVIDENCE_PATH_PATTERN = r"evidence/([0-9a-f]{2})/([0-9a-f]{64})(?:\.[A-Za-z0-9]{0,9})?"
"""The only form an evidence file's stored path takes (groups: hash prefix, hash)."""

STORAGE_CRS = "EPSG:4326"
"""CRS of every stored geometry: WGS-84, equal to CGCS2000 (EPSG:4490) to centimetres."""


UNIT_LABELS: dict[str, tuple[str, str]] = {
    "人": ("人", "people"), "户": ("户", "households"), "间": ("间", ""),
    "万元": ("万元", "10,000 yuan"), "万m³": ("万m³", "10,000 m³"),
    "按监测类型": ("按监测类型", "by kind"), "d": ("天", "days"), "h": ("小时", "hours"),
}
"""Units shown differently per language (Chinese, English); the rest (mm, m, %) are shared."""


def unit_label(unit: str, lang: Lang = "zh") -> str:
    """Return a unit as shown in ``lang`` (``人`` → ``people``; ``mm`` stays ``mm``)."""
    pair = UNIT_LABELS.get(unit)
    return unit if pair is None else pair[0 if lang == "zh" else 1]


@dataclass(frozen=True)
class Field:
    """One column, declared once and shared by every table that uses it.

    Attributes:
        name: Column name (snake_case English).
        type: Logical type, mapped to a DuckDB type by ``geodata.sql``.
        zh: Chinese label.
        en: English label.
        unit: Unit of the value, empty when it has none.
        description: What the value means, Chinese or English.
        choices: Allowed values, canonical Chinese form mapped to an English label, in order.
        minimum: Smallest allowed value (numbers only).
        maximum: Largest allowed value (numbers only).
        pattern: Regular expression a text value must match in full.
        aliases: Other column headers that mean this field in files from county offices
            (matched ignoring case, width and white space).
        choice_aliases: Other spellings of allowed values, mapped to the allowed value.
    """

    name: str
    type: ColumnType
    zh: str
    en: str
    unit: str = ""
    description: str = ""
    choices: Mapping[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    aliases: tuple[str, ...] = ()
    choice_aliases: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: Lang = "zh") -> str:
        """Return the label in ``lang`` with the unit (in ``lang``) in brackets when it has one."""
        text = self.zh if lang == "zh" else self.en
        unit = unit_label(self.unit, lang)
        said = lang == "en" and unit.lower() in text.lower()  # not "People (people)"
        return f"{text} ({unit})" if unit and not said else text

    def choice_label(self, value: str, lang: Lang = "zh") -> str:
        """Return the display label of an allowed value (the value itself in Chinese)."""
        if self.choices is None or lang == "zh":
            return value
        return self.choices.get(value, value)


@dataclass(frozen=True)
class Table:
    """One table: its columns (by field name), primary key, required columns and geometry.

    Attributes:
        name: Table name.
        zh: Chinese label.
        en: English label.
        description: What one row is.
        columns: Field names in storage order, geometry excluded.
        primary_key: Columns whose values identify a row.
        required: Columns that must not be empty, besides the primary key.
        geometry: Geometry kind of the ``geometry`` column, None for tables without one.
        geometry_required: Whether every row must have a geometry.
        kind: ``entity`` for what users enter and import, ``result`` for what the engine
            computes and keeps (kept in backups, not imported), ``record`` for what the app
            keeps on users' behalf (evidence files: kept in backups, not imported),
            ``security`` for accounts and the audit trail (not in backups, never replaced by
            a restore), ``derived`` for results kept to be reused (worked out again when
            missing: not backed up, moved or exported), ``system`` for bookkeeping.
        natural_key: Columns that identify a row when a file carries no ID (an ID is then
            made from them, so re-importing an edited row updates it); empty means all.
        since: The schema version that added the table (a backup of that version or later
            must hold it).
    """

    name: str
    zh: str
    en: str
    description: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    required: tuple[str, ...] = ()
    geometry: GeometryKind | None = None
    geometry_required: bool = True
    kind: Literal["entity", "result", "record", "security", "derived", "system"] = "entity"
    natural_key: tuple[str, ...] = ()
    since: int = 1

    @property
    def fields(self) -> tuple[Field, ...]:
        """Return the declared fields of the non-geometry columns, in order."""
        return tuple(FIELDS[c] for c in self.columns)

    def is_required(self, column: str) -> bool:
        """Return whether ``column`` must hold a value in every row."""
        return column in self.primary_key or column in self.required

    def label(self, lang: Lang = "zh") -> str:
        """Return the table's label in ``lang``."""
        return self.zh if lang == "zh" else self.en


def _choices(*pairs: tuple[str, str]) -> dict[str, str]:
    return dict(pairs)


SIZE_CLASSES = _choices(
    ("特大型", "extra-large"), ("大型", "large"), ("中型", "medium"), ("小型", "small")
)
HAZARD_TYPES = _choices(
    ("滑坡", "landslide"),
    ("崩塌", "rockfall"),
    ("泥石流", "debris flow"),
    ("地面塌陷", "ground collapse"),
    ("地裂缝", "ground fissure"),
    ("地面沉降", "land subsidence"),
    ("不稳定斜坡", "unstable slope"),
)
READING_KIND_UNITS: dict[str, str] = {
    "降雨量": "mm",
    "裂缝宽度": "mm",
    "累计位移": "mm",
    "地下水位": "m",
}
"""Unit of ``monitoring_readings.value`` for each reading kind."""

LEDGER_STATUSES = _choices(
    ("待整改", "to rectify"),
    ("整改中", "rectifying"),
    ("待验收", "awaiting verification"),
    ("已销号", "closed"),
)
LEDGER_DOMAINS = _choices(
    ("建设", "construction & relocation sites"),
    ("消防", "fire safety"),
    ("道路交通", "road traffic"),
    ("危化品", "hazardous chemicals"),
    ("校园", "campuses"),
    ("企业复工", "enterprise restart"),
    ("特种设备", "special equipment"),
    ("非煤矿山", "non-coal mines"),
    ("食品药品", "food & drugs"),
    ("烟花爆竹", "fireworks"),
    ("其他", "other industries"),
)

PLACE_KINDS = _choices(
    ("危化品企业", "hazardous-chemicals enterprise"),
    ("非煤矿山", "non-coal mine"),
    ("建设工地", "construction site"),
    ("重点项目", "major project"),
    ("学校", "school"),
    ("医院", "hospital"),
    ("养老机构", "care home"),
    ("宾馆酒店", "hotel"),
    ("商场市场", "shopping street or market"),
    ("三合一场所", "\"three-in-one\" place"),
    ("九小场所", "\"nine small\" place"),
    ("复工企业", "enterprise resuming work"),
    ("其他", "other"),
)
"""Kinds of the places and enterprises the sweeps inspect (重点场所和企业)."""
PEOPLE_PLACE_KINDS = ("学校", "医院", "养老机构")
"""Place kinds whose ``place_people`` are people who cannot leave quickly (students,
patients, residents): counted as exposed near a hazard."""

_FIELD_LIST: tuple[Field, ...] = (
    # --- shared identifiers -------------------------------------------------------------
    Field("township_code", "text", "乡镇代码", "Township code",
          description="12-digit statistical division code (统计用区划代码) of the township",
          pattern=r"\d{12}"),
    Field("site_id", "text", "隐患点编号", "Geohazard site ID"),
    Field("segment_id", "text", "路段编号", "Road segment ID"),
    Field("hazard_id", "text", "隐患编号", "Hazard ID"),
    Field("households", "integer", "户数", "Households", unit="户", minimum=0),
    # --- townships ----------------------------------------------------------------------
    Field("township_name", "text", "乡镇名称", "Township"),
    Field("population", "integer", "户籍人口", "Population", unit="人", minimum=0),
    Field("area_km2", "real", "面积", "Area", unit="km²", minimum=0),
    Field("forest_cover_pct", "real", "森林覆盖率", "Forest cover", unit="%",
          minimum=0, maximum=100),
    Field("is_county_seat", "boolean", "县城所在地", "County seat"),
    Field("lead_name", "text", "乡镇责任领导", "Township lead",
          description="The township leader answerable for geohazard prevention and "
                      "evacuation (地质灾害防治责任领导)"),
    Field("lead_phone", "text", "责任领导电话", "Township lead phone", pattern=r"1\d{10}"),
    # --- rivers (base map) --------------------------------------------------------------
    Field("river_id", "text", "河流编号", "River ID"),
    Field("river_name", "text", "河流名称", "River"),
    Field("river_class", "text", "河流等级", "River class",
          choices=_choices(("干流", "main stem"), ("支流", "tributary"))),
    # --- geological hazard sites --------------------------------------------------------
    Field("site_name", "text", "隐患点名称", "Site name"),
    Field("hazard_type", "text", "灾害类型", "Hazard type", choices=HAZARD_TYPES),
    Field("volume_10k_m3", "real", "体积", "Volume", unit="万m³", minimum=0),
    Field("hazard_scale", "text", "规模等级", "Scale", choices=SIZE_CLASSES),
    Field("threat_level", "text", "险情等级", "Threat level", choices=SIZE_CLASSES,
          description="By people threatened or potential loss (国家突发地质灾害应急预案)"),
    Field("threatened_households", "integer", "威胁户数", "Households threatened",
          unit="户", minimum=0),
    Field("threatened_people", "integer", "威胁人数", "People threatened", unit="人", minimum=0),
    Field("threatened_property_wan", "real", "威胁财产", "Property threatened",
          unit="万元", minimum=0),
    Field("monitor_name", "text", "群测群防员", "Monitor"),
    Field("monitor_phone", "text", "监测员电话", "Monitor phone", pattern=r"1\d{10}"),
    Field("monitoring_method", "text", "监测方式", "Monitoring method",
          choices=_choices(("群测群防", "community monitoring"),
                           ("专业监测", "professional monitoring"),
                           ("普适型监测", "low-cost automatic monitoring"),
                           ("未监测", "not monitored"))),
    Field("site_status", "text", "状态", "Status",
          choices=_choices(("在册", "active"), ("已核销", "written off"))),
    Field("last_inspection_date", "date", "最近巡查日期", "Last inspection"),
    # --- geohazard events ---------------------------------------------------------------
    Field("event_id", "text", "事件编号", "Event ID"),
    Field("event_date", "date", "发生日期", "Date"),
    Field("deaths", "integer", "死亡人数", "Deaths", unit="人", minimum=0),
    Field("injuries", "integer", "受伤人数", "Injuries", unit="人", minimum=0),
    Field("direct_loss_wan", "real", "直接经济损失", "Direct loss", unit="万元", minimum=0),
    Field("trigger", "text", "诱发因素", "Trigger",
          choices=_choices(("降雨", "rainfall"), ("地震", "earthquake"),
                           ("人类工程活动", "human activity"), ("冻融", "freeze-thaw"),
                           ("其他", "other"), ("不明", "unknown"))),
    Field("event_description", "text", "灾情描述", "Description"),
    Field("data_source", "text", "数据来源", "Source"),
    # --- monitoring readings ------------------------------------------------------------
    Field("reading_time", "timestamp", "监测时间", "Reading time"),
    Field("reading_kind", "text", "监测类型", "Reading kind",
          description="Unit follows the kind: see READING_KIND_UNITS",
          choices=_choices(("降雨量", "rainfall"), ("裂缝宽度", "crack width"),
                           ("累计位移", "cumulative displacement"),
                           ("地下水位", "groundwater level"))),
    Field("value", "real", "监测值", "Value", unit="按监测类型"),
    # --- rainfall -----------------------------------------------------------------------
    Field("rainfall_id", "text", "雨量记录编号", "Rainfall record ID"),
    Field("window_end", "timestamp", "时段结束时间", "Window end"),
    Field("window_hours", "integer", "时段长度", "Window length", unit="h", minimum=1,
          maximum=720),
    Field("rainfall_kind", "text", "实况/预报", "Observed/forecast",
          choices=_choices(("实况", "observed"), ("预报", "forecast"))),
    Field("rainfall_mm", "real", "雨量", "Rainfall", unit="mm", minimum=0),
    # --- forest zones -------------------------------------------------------------------
    Field("zone_id", "text", "林区编号", "Forest zone ID"),
    Field("zone_name", "text", "林区名称", "Forest zone"),
    Field("forest_type", "text", "林分类型", "Forest type",
          choices=_choices(("针叶林", "coniferous"), ("阔叶林", "broadleaf"),
                           ("针阔混交林", "mixed"), ("竹林", "bamboo"),
                           ("灌木林", "shrubland"), ("经济林", "orchard"))),
    Field("fire_risk_class", "text", "火险区划等级", "Fire-risk class",
          description="森林火险区划等级: Ⅰ级 high, Ⅱ级 medium, Ⅲ级 low",
          choices=_choices(("Ⅰ级", "class I (high)"), ("Ⅱ级", "class II (medium)"),
                           ("Ⅲ级", "class III (low)"))),
    Field("key_fire_area", "boolean", "重点防火区", "Key fire-prevention area"),
    Field("area_ha", "real", "面积", "Area", unit="ha", minimum=0),
    # --- fire events --------------------------------------------------------------------
    Field("fire_id", "text", "火情编号", "Fire ID"),
    Field("fire_time", "timestamp", "发生时间", "Time"),
    Field("fire_source", "text", "来源", "Source",
          choices=_choices(("上报火情", "reported fire"), ("卫星热点", "satellite hotspot"))),
    Field("fire_cause", "text", "起火原因", "Cause",
          choices=_choices(("祭祀用火", "ritual burning"), ("农事用火", "farm burning"),
                           ("野外吸烟", "smoking"), ("生活用火", "domestic fire"),
                           ("电力线路", "power line"), ("雷击", "lightning"),
                           ("小孩玩火", "children"), ("其他", "other"), ("不明", "unknown"))),
    Field("burned_area_ha", "real", "过火面积", "Burned area", unit="ha", minimum=0),
    Field("confidence", "integer", "置信度", "Confidence", unit="%", minimum=0, maximum=100,
          description="Satellite hotspot detection confidence"),
    # --- fire weather -------------------------------------------------------------------
    Field("weather_date", "date", "日期", "Date"),
    Field("max_temp_c", "real", "最高气温", "Max temperature", unit="°C",
          minimum=-40, maximum=50),
    Field("min_rh_pct", "real", "最小相对湿度", "Min relative humidity", unit="%",
          minimum=0, maximum=100),
    Field("max_wind_ms", "real", "最大风速", "Max wind", unit="m/s", minimum=0, maximum=60),
    Field("precip_mm", "real", "降水量", "Precipitation", unit="mm", minimum=0),
    Field("days_without_rain", "integer", "连续无降水日数", "Days without rain", unit="d",
          minimum=0),
    # --- roads --------------------------------------------------------------------------
    Field("road_code", "text", "路线编号", "Road code"),
    Field("road_name", "text", "路线名称", "Road name"),
    Field("road_class", "text", "公路等级", "Road class",
          choices=_choices(("高速公路", "expressway"), ("国道", "national"),
                           ("省道", "provincial"), ("县道", "county"), ("乡道", "township"),
                           ("村道", "village"))),
    Field("length_m", "real", "长度", "Length", unit="m", minimum=0),
    Field("along_water_cliff", "boolean", "临水临崖", "Along water or cliff"),
    Field("sharp_curve_steep", "boolean", "急弯陡坡", "Sharp curve / steep grade"),
    Field("long_downhill", "boolean", "长下坡", "Long downhill"),
    Field("passenger_route", "boolean", "农村客运线路", "Rural passenger route"),
    Field("accident_id", "text", "事故编号", "Accident ID"),
    Field("accident_time", "timestamp", "事故时间", "Time"),
    Field("accident_type", "text", "事故形态", "Accident type",
          choices=_choices(("碰撞", "collision"), ("刮擦", "scrape"), ("碾压", "run-over"),
                           ("翻车", "rollover"), ("坠车", "fall off road"),
                           ("失火", "vehicle fire"), ("撞固定物", "hit fixed object"),
                           ("其他", "other"))),
    # --- relocation sites ---------------------------------------------------------------
    Field("reloc_id", "text", "安置点编号", "Relocation site ID"),
    Field("reloc_name", "text", "安置点名称", "Relocation site"),
    Field("people", "integer", "人数", "People", unit="人", minimum=0),
    Field("shops", "integer", "经营门市数", "Shops", unit="间", minimum=0),
    Field("built_year", "integer", "建成年份", "Year built", minimum=1949, maximum=2100),
    # --- facilities ---------------------------------------------------------------------
    Field("facility_id", "text", "设施编号", "Facility ID"),
    Field("facility_name", "text", "设施名称", "Facility"),
    Field("facility_category", "text", "设施类别", "Category",
          choices=_choices(("学校", "school"), ("医院", "hospital"),
                           ("避难场所", "emergency shelter"), ("救援队伍", "rescue team"),
                           ("森林消防队", "forest fire team"),
                           ("物资储备库", "material warehouse"), ("消防站", "fire station"),
                           ("取水点", "water source"),
                           ("危化品单位", "hazardous-chemical unit"),
                           ("人员密集场所", "crowded small venue"))),
    Field("capacity", "integer", "容量", "Capacity", unit="人", minimum=0,
          description="Students, beds, shelter places or team members, by category"),
    Field("contact_phone", "text", "联系电话", "Phone"),
    Field("occupants", "integer", "已安置人数", "Current occupants", unit="人", minimum=0,
          description="People a shelter already holds; remaining capacity = capacity − this"),
    # --- places and enterprises (重点场所和企业) ----------------------------------------
    Field("place_id", "text", "场所编号", "Place ID"),
    Field("place_name", "text", "场所（企业）名称", "Place or enterprise"),
    Field("place_kind", "text", "场所类别", "Kind", choices=PLACE_KINDS),
    Field("supervising_department", "text", "行业主管部门", "Supervising department",
          description="The department that inspects the place in the sweeps"),
    Field("place_grade", "text", "分级", "Grade",
          description="The grade the place's industry gives it, where one exists: 重大危险源 "
                      "一级 (highest) to 四级 for hazardous chemicals, 消防安全重点单位 as 一级 …",
          choices=_choices(("一级", "grade 1"), ("二级", "grade 2"), ("三级", "grade 3"),
                           ("四级", "grade 4"))),
    Field("place_people", "integer", "人员数", "People", unit="人", minimum=0,
          description="Students, patients or residents, or workers: who is there on a day"),
    Field("inspection_result", "text", "检查结果", "Inspection result",
          choices=_choices(("未发现隐患", "no hazard found"), ("发现隐患", "hazards found"),
                           ("停业整改", "closed to rectify"))),
    # --- readiness (应急准备) -----------------------------------------------------------
    Field("duty_date", "date", "值班日期", "Duty date"),
    Field("duty_unit", "text", "值班单位", "On duty for",
          description="A township's name or a department's"),
    Field("duty_role", "text", "值班岗位", "Duty role",
          choices=_choices(("带班领导", "leader on duty"), ("值班员", "duty officer"))),
    Field("duty_person", "text", "值班人员", "On duty"),
    Field("duty_phone", "text", "值班电话", "Duty phone"),
    Field("plan_id", "text", "预案编号", "Plan ID"),
    Field("plan_name", "text", "预案名称", "Plan"),
    Field("plan_kind", "text", "预案类别", "Plan kind",
          choices=_choices(("总体预案", "master plan"), ("专项预案", "special plan"),
                           ("部门预案", "department plan"), ("乡镇预案", "township plan"),
                           ("现场处置方案", "on-site procedure"))),
    Field("owner_department", "text", "编制单位", "Owner"),
    Field("last_revised", "date", "最近修订日期", "Last revised"),
    Field("last_drill", "date", "最近演练日期", "Last drill"),
    Field("expert_group", "text", "专家组", "Expert group",
          description="The experts who advise on the plan and in the field (names)"),
    Field("team_id", "text", "队伍编号", "Team ID"),
    Field("team_name", "text", "队伍名称", "Rescue team"),
    Field("team_kind", "text", "队伍类别", "Team kind",
          choices=_choices(("综合救援", "general rescue"), ("专业救援", "specialist rescue"),
                           ("森林消防", "forest firefighting"), ("乡镇应急", "township team"),
                           ("社会救援", "volunteer team"))),
    Field("members", "integer", "队员人数", "Members", unit="人", minimum=0),
    Field("equipment", "text", "主要装备", "Equipment"),
    Field("last_training", "date", "最近训练日期", "Last training"),
    Field("warehouse_name", "text", "储备库（点）", "Warehouse"),
    Field("item_name", "text", "物资名称", "Item"),
    Field("quantity", "real", "数量", "Quantity", minimum=0),
    Field("item_unit", "text", "计量单位", "Unit of count"),
    # --- hazard ledger ------------------------------------------------------------------
    Field("domain", "text", "行业领域", "Domain", choices=LEDGER_DOMAINS),
    Field("hazard_description", "text", "隐患描述", "Description"),
    Field("lead_department", "text", "牵头单位", "Lead department"),
    Field("responsible_unit", "text", "责任单位", "Responsible unit"),
    Field("hazard_level", "text", "隐患等级", "Level",
          choices=_choices(("一般", "ordinary"), ("重大", "major"))),
    Field("found_date", "date", "排查日期", "Found"),
    Field("deadline", "date", "整改时限", "Deadline"),
    Field("hazard_status", "text", "整改状态", "Status", choices=LEDGER_STATUSES),
    Field("measures", "text", "整改措施", "Measures"),
    Field("responsible_person", "text", "整改责任人", "Responsible person"),
    Field("evidence", "text", "销号佐证", "Evidence"),
    Field("closed_date", "date", "销号日期", "Closed"),
    Field("verifier", "text", "验收人", "Verifier"),
    Field("supervising_leader", "text", "挂牌督办领导", "Supervising leader"),
    Field("funds_wan", "real", "整改资金", "Funds", unit="万元", minimum=0),
    Field("contingency_plan", "text", "应急预案", "Contingency plan",
          description="What is done if the hazard turns into an accident before it is fixed "
                      "(part of the 挂牌督办 record of a major hazard)"),
    Field("estimated_cost_wan", "real", "预估整改费用", "Estimated cost", unit="万元",
          minimum=0, description="Used by the budget selection of rectification priorities"),
    Field("row_version", "integer", "版本号", "Row version", minimum=1,
          description="Incremented on every change; guards against lost updates"),
    # --- evidence files -----------------------------------------------------------------
    Field("file_sha256", "text", "文件SHA-256", "File SHA-256", pattern=r"[0-9a-f]{64}"),
    Field("file_name", "text", "文件名", "File name"),
    Field("size_bytes", "integer", "大小", "Size", unit="B", minimum=0),
    Field("stored_path", "text", "存放位置", "Stored at",
          description="Path under the data folder: evidence/<first two hex digits of the "
                      "hash>/<sha256>.<ext>, nothing else (geodata.files)",
          pattern=EVIDENCE_PATH_PATTERN),
    # --- ledger events ------------------------------------------------------------------
    Field("event_time", "timestamp", "时间", "Time"),
    Field("actor", "text", "操作人", "By"),
    Field("actor_department", "text", "操作人单位", "Department"),
    Field("action", "text", "操作", "Action",
          choices=_choices(("登记", "register"), ("开始整改", "start rectification"),
                           ("申请验收", "request verification"), ("退回", "return"),
                           ("销号", "close"), ("修改", "edit"))),
    Field("field_name", "text", "字段", "Field"),
    Field("old_value", "text", "原值", "Old value"),
    Field("new_value", "text", "新值", "New value"),
    Field("note", "text", "备注", "Note"),
    # --- risk results -------------------------------------------------------------------
    Field("run_id", "text", "评估批次", "Run ID"),
    Field("computed_at", "timestamp", "计算时间", "Computed at"),
    Field("as_of", "timestamp", "评估基准时间", "As of"),
    Field("layer", "text", "图层", "Layer",
          choices=_choices(("geohazard", "geological hazard"), ("forest_fire", "forest fire"),
                           ("road", "road"), ("ledger", "hazard ledger"),
                           ("composite", "composite"))),
    Field("score", "real", "风险分值", "Score", minimum=0, maximum=10),
    Field("risk_class", "text", "风险等级", "Risk class",
          description="One of the four colours; 数据不足 where the data covers less than the "
                      "minimum share of the indicators' weight, 无数据 where there is none",
          choices=_choices(("低", "low"), ("一般", "moderate"), ("较大", "high"),
                           ("重大", "very high"), ("数据不足", "insufficient data"),
                           ("无数据", "no data"))),
    Field("coverage", "real", "数据覆盖", "Data coverage", minimum=0, maximum=1),
    Field("overrides", "text", "升级规则", "Overrides applied"),
    Field("rank", "real", "排名", "Rank", minimum=1),
    Field("rank_low", "real", "排名区间下限", "Rank interval low", minimum=1),
    Field("rank_high", "real", "排名区间上限", "Rank interval high", minimum=1),
    # --- derived results (kept to be reused, not data) -----------------------------------
    Field("derived_key", "text", "结果键", "Result key",
          description="A digest of what the result was worked out from: the tables' versions, "
                      "the as-of day, the settings and the program (geodata.derived)"),
    Field("derived_kind", "text", "结果类别", "Result kind",
          choices=_choices(("risk", "risk engine result"), ("base", "simplified base map"),
                           ("figures", "headline figures"))),
    Field("derived_part", "text", "结果部分", "Result part"),
    Field("payload", "binary", "内容", "Content",
          description="One table of the result as a Parquet file"),
    # --- accounts and the audit trail ----------------------------------------------------
    Field("user_name", "text", "账号", "Account"),
    Field("display_name", "text", "姓名", "Name"),
    Field("role", "text", "角色", "Role",
          choices=_choices(("viewer", "viewer"), ("department", "department editor"),
                           ("township", "township editor"), ("geology", "natural resources"),
                           ("admin", "administrator"))),
    Field("unit", "text", "单位", "Unit",
          description="A department editor's department, as the ledger names it"),
    Field("password_hash", "text", "口令摘要", "Password hash",
          description="Argon2id hash; the password itself is never stored"),
    Field("failed_sign_ins", "integer", "连续失败次数", "Failed sign-ins in a row", minimum=0),
    Field("locked_until", "timestamp", "锁定至", "Locked until"),
    Field("created_at", "timestamp", "创建时间", "Created at"),
    Field("active", "boolean", "启用", "Active"),
    Field("audit_time", "timestamp", "时间", "Time"),
    Field("audit_action", "text", "操作", "Action"),
    Field("audit_detail", "text", "内容", "Detail"),
    Field("client_address", "text", "来源地址", "From address"),
    Field("indicator", "text", "指标", "Indicator"),
    Field("raw_value", "real", "指标原值", "Indicator value"),
    Field("points", "real", "综合分贡献", "Points of the composite",
          description="What the indicator adds to the township's composite score"),
    Field("method_version", "text", "方法版本", "Method version"),
    Field("config_hash", "text", "配置指纹", "Configuration hash"),
    Field("data_version", "text", "数据版本", "Data version",
          description="Fingerprint of the row counts and versions of every table scored"),
    # --- bookkeeping --------------------------------------------------------------------
    Field("meta_key", "text", "键", "Key"),
    Field("meta_value", "text", "值", "Value"),
)

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "township_code": ("乡镇", "所属乡镇", "所在乡镇", "乡镇街道", "乡（镇）", "乡镇名称",
                      "区划代码", "行政区划代码", "乡镇编码", "township"),
    "township_name": ("名称", "乡镇名称", "乡镇", "name"),
    "population": ("人口", "总人口", "常住人口"),
    "lead_name": ("责任领导", "分管领导", "地灾防治责任领导", "乡镇负责人"),
    "lead_phone": ("领导电话", "责任领导电话", "分管领导电话"),
    "site_id": ("统一编号", "编号", "隐患点编号", "灾害点编号", "野外编号", "id"),
    "site_name": ("名称", "隐患点名称", "灾害点名称", "name"),
    "hazard_type": ("灾害类型", "灾种", "类型", "type"),
    "volume_10k_m3": ("体积", "规模（万m³）", "方量"),
    "hazard_scale": ("规模", "规模等级", "scale"),
    "threat_level": ("险情", "险情等级"),
    "threatened_households": ("威胁户数", "受威胁户数"),
    "threatened_people": ("威胁人口", "威胁人数", "受威胁人数", "受威胁人口"),
    "threatened_property_wan": ("威胁财产", "潜在经济损失", "威胁资产"),
    "monitor_name": ("监测人", "监测员", "监测责任人", "群测群防员"),
    "monitor_phone": ("监测人电话", "监测员电话", "监测人联系电话"),
    "site_status": ("状态", "核销状态"),
    "last_inspection_date": ("巡查日期", "最近巡查", "最后巡查日期", "检查日期", "最近检查日期",
                             "最近检查"),
    "event_date": ("日期", "发生日期", "灾害发生时间", "date"),
    "deaths": ("死亡", "死亡人数", "死亡（人）"),
    "injuries": ("受伤", "受伤人数"),
    "direct_loss_wan": ("直接损失", "直接经济损失", "经济损失"),
    "trigger": ("诱因", "诱发因素", "引发因素"),
    "reading_time": ("时间", "监测时间", "采集时间", "time"),
    "reading_kind": ("监测类型", "监测项目", "类型"),
    "value": ("监测值", "数值", "读数"),
    "window_end": ("时间", "截止时间", "时段结束"),
    "window_hours": ("时段", "时段长度", "时段（小时）"),
    "rainfall_mm": ("雨量", "降雨量", "累计雨量", "降水量"),
    "forest_type": ("林分类型", "森林类型", "林种"),
    "fire_risk_class": ("火险等级", "火险区划等级", "火险"),
    "area_ha": ("面积", "面积（公顷）"),
    "fire_time": ("时间", "发生时间", "起火时间"),
    "fire_cause": ("原因", "起火原因", "火因"),
    "burned_area_ha": ("过火面积", "受害面积"),
    "weather_date": ("日期", "date"),
    "road_code": ("路线编号", "路线代码", "路线"),
    "road_name": ("路线名称", "道路名称", "路名"),
    "road_class": ("公路等级", "道路等级", "技术等级", "行政等级"),
    "length_m": ("长度", "里程", "路段长度"),
    "accident_time": ("时间", "事故时间", "发生时间"),
    "accident_type": ("事故形态", "事故类型"),
    "reloc_name": ("名称", "安置点名称", "安置点", "name"),
    "people": ("人数", "安置人数", "搬迁人数"),
    "households": ("户数", "安置户数", "搬迁户数"),
    "shops": ("门市", "经营门市", "商铺数"),
    "facility_name": ("名称", "单位名称", "设施名称", "name"),
    "facility_category": ("类别", "类型", "设施类型"),
    "contact_phone": ("电话", "联系电话", "联系方式"),
    "occupants": ("已安置人数", "在用人数", "已安置"),
    "hazard_id": ("编号", "隐患编号", "台账编号"),
    "domain": ("行业", "领域", "行业领域", "行业类别", "所属行业"),
    "hazard_description": ("隐患描述", "隐患内容", "存在问题", "隐患问题", "问题描述", "隐患名称"),
    "lead_department": ("牵头单位", "牵头部门", "主管部门", "行业主管部门"),
    "responsible_unit": ("责任单位", "企业名称", "单位名称", "被检查单位"),
    "hazard_level": ("隐患等级", "隐患级别", "等级", "级别"),
    "found_date": ("排查日期", "发现日期", "检查日期", "排查时间", "发现时间"),
    "deadline": ("整改时限", "整改期限", "完成时限", "整改期限（时限）"),
    "hazard_status": ("整改状态", "状态", "整改情况", "是否整改"),
    "measures": ("整改措施", "措施"),
    "responsible_person": ("整改责任人", "责任人"),
    "evidence": ("佐证", "销号佐证", "佐证材料"),
    "closed_date": ("销号日期", "销号时间", "完成日期"),
    "contingency_plan": ("应急预案", "应急措施", "应急处置预案"),
    "estimated_cost_wan": ("预估费用", "预估整改费用", "估算费用", "预算"),
    "supervising_leader": ("督办领导", "挂牌督办领导", "包保领导"),
    "place_id": ("编号", "场所编号", "企业编号", "单位编号", "id"),
    "place_name": ("名称", "单位名称", "企业名称", "场所名称", "学校名称", "name"),
    "place_kind": ("类别", "类型", "场所类别", "场所类型", "行业类别"),
    "supervising_department": ("主管部门", "行业主管部门", "监管部门", "牵头部门"),
    "place_grade": ("分级", "等级", "级别", "重大危险源等级", "风险等级"),
    "place_people": ("人数", "人员数", "在校人数", "在校学生数", "床位数", "入住人数",
                     "从业人员", "职工人数"),
    "inspection_result": ("检查结果", "排查结果", "检查情况"),
    "duty_date": ("日期", "值班日期", "date"),
    "duty_unit": ("单位", "值班单位", "乡镇（部门）", "部门"),
    "duty_role": ("岗位", "值班岗位", "职务"),
    "duty_person": ("姓名", "值班人员", "值班人"),
    "duty_phone": ("电话", "值班电话", "联系电话", "手机"),
    "plan_id": ("编号", "预案编号"),
    "plan_name": ("名称", "预案名称"),
    "plan_kind": ("类别", "预案类别", "预案类型"),
    "owner_department": ("编制单位", "牵头单位", "责任单位"),
    "last_revised": ("修订日期", "最近修订", "修订时间", "发布日期"),
    "last_drill": ("演练日期", "最近演练", "演练时间"),
    "expert_group": ("专家组", "专家组成员", "专家"),
    "team_id": ("编号", "队伍编号"),
    "team_name": ("名称", "队伍名称"),
    "team_kind": ("类别", "队伍类别", "队伍类型"),
    "members": ("人数", "队员人数", "队伍人数"),
    "equipment": ("装备", "主要装备", "装备情况"),
    "last_training": ("训练日期", "最近训练", "最近培训日期", "培训日期"),
    "warehouse_name": ("储备库", "储备点", "仓库", "存放地点", "储备库（点）"),
    "item_name": ("物资", "物资名称", "品名", "名称"),
    "quantity": ("数量", "库存", "库存数量", "现有数量"),
    "item_unit": ("单位", "计量单位"),
}
"""Headers county offices use for each field, beyond its name and labels."""

_CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "hazard_level": {"一般隐患": "一般", "重大隐患": "重大", "较大": "重大"},
    "fire_risk_class": {"1级": "Ⅰ级", "一级": "Ⅰ级", "2级": "Ⅱ级", "二级": "Ⅱ级",
                        "3级": "Ⅲ级", "三级": "Ⅲ级"},
    "hazard_status": {"未整改": "待整改", "正在整改": "整改中", "已整改": "待验收",
                      "已销号": "已销号", "销号": "已销号", "已完成": "已销号"},
    "hazard_type": {"不稳定斜坡（潜在滑坡）": "不稳定斜坡", "塌陷": "地面塌陷",
                    "mudslide": "泥石流", "rock fall": "崩塌", "rock_fall": "崩塌"},
    "site_status": {"正常": "在册", "核销": "已核销"},
    "place_grade": {"1级": "一级", "2级": "二级", "3级": "三级", "4级": "四级",
                    "一级重大危险源": "一级", "二级重大危险源": "二级",
                    "三级重大危险源": "三级", "四级重大危险源": "四级"},
    "place_kind": {"危险化学品企业": "危化品企业", "危化企业": "危化品企业",
                   "加油站": "危化品企业", "矿山": "非煤矿山", "在建工地": "建设工地",
                   "建筑工地": "建设工地", "幼儿园": "学校", "中小学": "学校",
                   "卫生院": "医院", "敬老院": "养老机构", "养老院": "养老机构",
                   "福利院": "养老机构", "宾馆": "宾馆酒店", "酒店": "宾馆酒店",
                   "旅馆": "宾馆酒店", "商场": "商场市场", "农贸市场": "商场市场",
                   "商业街": "商场市场", "三合一": "三合一场所", "九小": "九小场所",
                   "复工复产企业": "复工企业"},
    "inspection_result": {"合格": "未发现隐患", "无隐患": "未发现隐患", "正常": "未发现隐患",
                          "有隐患": "发现隐患", "存在隐患": "发现隐患",
                          "责令停业整改": "停业整改", "停产整改": "停业整改"},
    "duty_role": {"带班": "带班领导", "领导带班": "带班领导", "值班": "值班员",
                  "值班人员": "值班员"},
}
"""Other spellings of allowed values (an English label is always accepted as well)."""

TABLE_HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "townships": {
        "township_code": ("code", "xzqdm", "adcode", "区划码", "乡镇代码", "统计用区划代码"),
        "township_name": ("xzqmc", "行政区名称", "乡镇（街道）名称"),
    },
}
"""Headers that mean a field only in one table: an official township layer's ``code`` is the
township's code, while ``code`` in another file could be anything."""

FIELDS: dict[str, Field] = {
    f.name: replace(f, aliases=_HEADER_ALIASES.get(f.name, ()),
                    choice_aliases=_CHOICE_ALIASES.get(f.name, {}))
    for f in _FIELD_LIST
}

_TABLE_LIST: tuple[Table, ...] = (
    Table("townships", "乡镇（街道）", "Townships", "One township or sub-district",
          ("township_code", "township_name", "population", "households", "area_km2",
           "forest_cover_pct", "is_county_seat", "lead_name", "lead_phone"),
          primary_key=("township_code",), required=("township_name",), geometry="polygon"),
    Table("rivers", "河流", "Rivers", "A river reach drawn on the base map",
          ("river_id", "river_name", "river_class"),
          primary_key=("river_id",), required=("river_name",), geometry="line"),
    Table("geohazard_sites", "地质灾害隐患点", "Geohazard sites",
          "One registered geological hazard site (地质灾害隐患点)",
          ("site_id", "site_name", "township_code", "hazard_type", "volume_10k_m3",
           "hazard_scale", "threat_level", "threatened_households", "threatened_people",
           "threatened_property_wan", "monitor_name", "monitor_phone", "monitoring_method",
           "site_status", "last_inspection_date"),
          primary_key=("site_id",),
          required=("site_name", "township_code", "hazard_type", "site_status"),
          geometry="point", natural_key=("site_name", "township_code", "hazard_type")),
    Table("geohazard_events", "地质灾害灾情", "Geohazard events",
          "One past geological disaster (灾情) with its toll",
          ("event_id", "event_date", "hazard_type", "township_code", "site_id", "deaths",
           "injuries", "direct_loss_wan", "trigger", "event_description", "data_source"),
          primary_key=("event_id",), required=("event_date", "hazard_type"),
          geometry="point", natural_key=("event_date", "hazard_type", "township_code",
                                         "site_id", "event_description")),
    Table("monitoring_readings", "监测数据", "Monitoring readings",
          "One reading of one instrument or observer at one site",
          ("site_id", "reading_time", "reading_kind", "value"),
          primary_key=("site_id", "reading_time", "reading_kind"), required=("value",)),
    Table("rainfall", "雨量", "Rainfall",
          "Observed or forecast rainfall over a time window, for a township, a site or a "
          "grid point (geometry)",
          ("rainfall_id", "township_code", "site_id", "window_end", "window_hours",
           "rainfall_kind", "rainfall_mm"),
          primary_key=("rainfall_id",),
          required=("window_end", "window_hours", "rainfall_kind", "rainfall_mm"),
          geometry="point", geometry_required=False),
    Table("forest_zones", "林区", "Forest zones", "A forest patch of one type in one township",
          ("zone_id", "zone_name", "township_code", "forest_type", "fire_risk_class",
           "key_fire_area", "area_ha"),
          primary_key=("zone_id",), required=("township_code", "forest_type"),
          geometry="polygon"),
    Table("fire_events", "火情与热点", "Fire events", "A reported fire or a satellite hotspot",
          ("fire_id", "fire_time", "township_code", "fire_source", "fire_cause",
           "burned_area_ha", "confidence"),
          primary_key=("fire_id",), required=("fire_time", "fire_source"), geometry="point"),
    Table("fire_weather", "森林火险气象", "Fire weather", "Daily fire weather of a township",
          ("township_code", "weather_date", "max_temp_c", "min_rh_pct", "max_wind_ms",
           "precip_mm", "days_without_rain"),
          primary_key=("township_code", "weather_date")),
    Table("road_segments", "公路路段", "Road segments", "A segment of a road in one township",
          ("segment_id", "road_code", "road_name", "road_class", "township_code", "length_m",
           "along_water_cliff", "sharp_curve_steep", "long_downhill", "passenger_route"),
          primary_key=("segment_id",), required=("road_class",), geometry="line"),
    Table("road_accidents", "道路交通事故", "Road accidents", "One road traffic accident",
          ("accident_id", "accident_time", "township_code", "segment_id", "deaths",
           "injuries", "accident_type"),
          primary_key=("accident_id",), required=("accident_time",), geometry="point"),
    Table("relocation_sites", "易地扶贫搬迁安置点", "Relocation sites",
          "A poverty-alleviation relocation settlement",
          ("reloc_id", "reloc_name", "township_code", "households", "people", "shops",
           "built_year", "last_inspection_date"),
          primary_key=("reloc_id",), required=("reloc_name", "people"), geometry="point"),
    Table("facilities", "设施与应急资源", "Facilities",
          "A school, hospital, shelter, rescue resource or hazardous place",
          ("facility_id", "facility_name", "facility_category", "township_code", "capacity",
           "contact_phone", "occupants"),
          primary_key=("facility_id",), required=("facility_name", "facility_category"),
          geometry="point"),
    Table("places", "重点场所和企业", "Places and enterprises",
          "One place or enterprise the sweeps inspect (a department's register row)",
          ("place_id", "place_name", "place_kind", "township_code", "supervising_department",
           "place_grade", "place_people", "last_inspection_date", "inspection_result",
           "contact_phone"),
          primary_key=("place_id",), required=("place_name", "place_kind"),
          geometry="point", geometry_required=False,
          natural_key=("place_name", "place_kind", "township_code"), since=10),
    Table("duty_roster", "值班表", "Duty roster",
          "Who is on duty for a township or a department on one day",
          ("duty_date", "duty_unit", "duty_role", "township_code", "duty_person",
           "duty_phone"),
          primary_key=("duty_date", "duty_unit", "duty_role"), required=("duty_person",),
          since=10),
    Table("emergency_plans", "应急预案", "Emergency plans",
          "One emergency plan: its owner, revisions, drills and expert group",
          ("plan_id", "plan_name", "plan_kind", "owner_department", "township_code",
           "last_revised", "last_drill", "expert_group"),
          primary_key=("plan_id",), required=("plan_name", "plan_kind"),
          natural_key=("plan_name", "owner_department"), since=10),
    Table("rescue_teams", "救援队伍", "Rescue teams",
          "One rescue team: members, equipment, last training",
          ("team_id", "team_name", "team_kind", "township_code", "members", "equipment",
           "last_training", "contact_phone"),
          primary_key=("team_id",), required=("team_name",),
          geometry="point", geometry_required=False,
          natural_key=("team_name", "township_code"), since=10),
    Table("supplies", "应急物资", "Emergency supplies",
          "The stock of one item in one warehouse",
          ("warehouse_name", "item_name", "township_code", "quantity", "item_unit"),
          primary_key=("warehouse_name", "item_name"), required=("quantity",), since=10),
    Table("hazard_ledger", "隐患台账", "Hazard ledger", "One hidden hazard found in a sweep",
          ("hazard_id", "domain", "hazard_description", "township_code", "lead_department",
           "responsible_unit", "hazard_level", "found_date", "deadline", "hazard_status",
           "measures", "responsible_person", "evidence", "closed_date", "verifier",
           "supervising_leader", "funds_wan", "contingency_plan", "estimated_cost_wan",
           "row_version"),
          primary_key=("hazard_id",),
          required=("domain", "hazard_description", "hazard_level", "found_date",
                    "hazard_status", "row_version"),
          geometry="point", geometry_required=False,
          natural_key=("domain", "hazard_description", "township_code", "responsible_unit",
                       "found_date")),
    Table("ledger_events", "台账变更记录", "Ledger events",
          "One change of the hazard ledger, appended and never edited",
          ("event_id", "hazard_id", "event_time", "actor", "actor_department", "action",
           "field_name", "old_value", "new_value", "note", "row_version"),
          primary_key=("event_id",), required=("hazard_id", "event_time", "actor", "action")),
    Table("evidence_files", "销号佐证文件", "Evidence files",
          "A photo or document attached to a ledger change, kept on disk by its hash",
          ("file_sha256", "hazard_id", "event_id", "file_name", "size_bytes", "stored_path",
           "event_time", "actor"),
          primary_key=("file_sha256", "event_id"), required=("hazard_id", "file_name",
                                                             "stored_path"), kind="record",
          since=4),
    Table("risk_scores", "风险评估结果", "Risk scores",
          "One township's score on one layer (or the composite) in one engine run",
          ("run_id", "computed_at", "as_of", "township_code", "layer", "score", "risk_class",
           "coverage", "overrides", "rank", "rank_low", "rank_high", "method_version",
           "config_hash", "data_version"),
          primary_key=("run_id", "township_code", "layer"),
          required=("computed_at", "as_of", "method_version", "config_hash"), kind="result",
          since=2),
    Table("risk_indicators", "风险指标贡献", "Risk indicator points",
          "One township's indicator in one kept engine run: its value and what it adds to the "
          "composite (the reason a class changed)",
          ("run_id", "township_code", "layer", "indicator", "raw_value", "points"),
          primary_key=("run_id", "township_code", "indicator"), kind="result", since=7),
    Table("derived_results", "复用的计算结果", "Derived results",
          "One table of a result worked out from the data (the risk engine's, the simplified "
          "base map, the headline figures), kept so that another app server, or one just "
          "restarted, reuses it instead of working it out again. Worked out again whenever "
          "lost: not backed up, not moved, not exported",
          ("derived_key", "derived_part", "derived_kind", "computed_at", "payload"),
          primary_key=("derived_key", "derived_part"),
          required=("derived_kind", "computed_at", "payload"), kind="derived", since=9),
    Table("accounts", "账号", "Accounts",
          "A user who may sign in: role, unit, password hash and lockout state",
          ("user_name", "display_name", "role", "unit", "township_code", "password_hash",
           "failed_sign_ins", "locked_until", "created_at", "active"),
          primary_key=("user_name",), required=("role", "created_at", "active"),
          kind="security", since=8),
    Table("audit_log", "审计日志", "Audit trail",
          "One sign-in, import, export, edit, backup, restore or account change: who, when, "
          "what, from where. Append-only: the application never changes or deletes a row",
          ("event_id", "audit_time", "user_name", "audit_action", "audit_detail",
           "client_address"),
          primary_key=("event_id",), required=("audit_time", "audit_action"),
          kind="security", since=8),
    Table("riskmap_meta", "元数据", "Metadata",
          "Bookkeeping: schema version, data set label, creation time",
          ("meta_key", "meta_value"), primary_key=("meta_key",), kind="system"),
)

TABLES: dict[str, Table] = {t.name: t for t in _TABLE_LIST}
ENTITY_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if t.kind == "entity")
RESULT_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if t.kind == "result")
RECORD_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if t.kind == "record")
APPEND_ONLY = ("audit_log",)
"""Tables the store only ever appends to (no replace, no upsert, no delete)."""
META_TABLE = "riskmap_meta"


def get_table(name: str) -> Table:
    """Return the declared table ``name`` or raise KeyError naming the known tables."""
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(ENTITY_TABLES)
        raise KeyError(f"unknown table {name!r}; known tables: {known}") from None


def label(table: str, column: str, lang: Lang = "zh") -> str:
    """Return the display label of ``column`` of ``table`` (geometry included)."""
    get_table(table)
    if column == "geometry":
        return "位置" if lang == "zh" else "Location"
    return FIELDS[column].label(lang)


def labels(table: str, lang: Lang = "zh") -> dict[str, str]:
    """Return {column: label} for every column of ``table``, for renaming frames in the UI."""
    spec = get_table(table)
    out = {c: FIELDS[c].label(lang) for c in spec.columns}
    if spec.geometry:
        out["geometry"] = label(table, "geometry", lang)
    return out
