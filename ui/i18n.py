"""Every string the UI shows, in Chinese and English: one table, looked up by key."""

from __future__ import annotations

import re

from domain.labels import (
    DANGER_LEVELS,
    EVACUATION_HEADINGS,
    NO_WARNING,
    NOT_SCORED,
    RISK_CLASSES,
    SHORT_OF_ROOM,
    UNKNOWN_WARNING,
    WARNING_LEVELS,
)
from domain.schema import FIELDS

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
    "col.basis": ("依据", "Based on"),
    "no_black_spots": ("按当前规则，近几年的事故没有构成事故多发点段（或尚未导入事故）。",
                       "By the configured rule, no road section is a black spot (or no "
                       "accidents are loaded yet)."),
    "start.title": ("开始使用", "Getting started"),
    "start.empty": ("这个数据库还没有乡镇边界。先导入乡镇边界，地图和评分才能开始；"
                    "其余数据可以陆续导入，每导入一类，相应的图层和页面就会出现。建议顺序：",
                    "This database has no township borders yet. Load them first: the map and the "
                    "scores start from them; the rest can follow, each table bringing its layer "
                    "and pages. A good order:"),
    "start.partial": ("已导入 {loaded}/{total} 类数据。还缺（按建议顺序）：",
                      "{loaded} of {total} kinds of data are loaded. Still missing, in a good "
                      "order:"),
    "start.commands": ("新县从空库开始：`riskmap init --county 县名`；步骤见 docs/REAL-COUNTY.md。",
                       "A new county starts from an empty database: `riskmap init --county "
                       "NAME`; the steps are in docs/REAL-COUNTY.md."),
    "needs": ("还没有“{table}”：{purpose}。{how}。",
              "Nothing in “{table}” yet ({purpose}): {how}."),
    "why.数据不足": ("这一项只有部分数据（覆盖 {coverage}），不足以给出分值和颜色；"
                 "补齐缺少的数据后再看。",
                 "Only part of the data is there (coverage {coverage}): too little for a score "
                 "or a colour. Load what is missing."),
    "why.无数据": ("这一项还没有任何数据，不能判断风险高低（不是“低”）；请先导入相应数据。",
                "No data at all yet: the risk is unknown (not low). Load the data first."),
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
    "geohazards": ("地质灾害", "Geological hazards"),
    "forest": ("森林防火", "Forest fire"),
    "roads": ("道路交通", "Roads"),
    "ledger": ("隐患台账", "Hazard ledger"),
    "resources": ("安置点与应急资源", "Relocation sites & resources"),
    "data": ("数据管理", "Data"),
    "accounts": ("账号与审计", "Accounts and audit"),
    "filter.domain": ("行业领域", "Domain"),
    "filter.department": ("牵头单位", "Lead department"),
    "filter.township": ("乡镇", "Township"),
    "filter.level": ("等级", "Level"),
    "filter.status": ("整改状态", "Status"),
    "filter.overdue": ("只看超期", "Overdue only"),
    "filter.type": ("灾害类型", "Hazard type"),
    "shown": ("显示 {n:,} / {total:,} 条", "Showing {n:,} of {total:,}"),
    "map.totals": ("共 {n:,} 个点，超过 {limit:,}：地图按乡镇汇总（圆越大数量越多）；"
                   "按乡镇等筛选后显示单个点。",
                   "{n:,} points, more than {limit:,}: the map shows one circle per township "
                   "(bigger = more); filter, e.g. by township, to see single points."),
    "table.first": ("表中列出前 {shown:,} 条（共 {total:,} 条）；筛选后或下载可看全部。",
                    "The table lists the first {shown:,} of {total:,} rows; filter or "
                    "download to see them all."),
    "unit.points": ("个", "points"),
    "map.lines_merged": ("共 {n:,} 段，超过 {limit:,}：按等级着色，不逐段显示提示。",
                         "{n:,} segments, more than {limit:,}: coloured by class, without a "
                         "tooltip per segment."),
    "map.warned_only": ("共 {n:,} 个隐患点，超过 {limit:,}：地图只标出橙色、红色预警点，"
                        "乡镇按最高预警等级着色。", "{n:,} sites, more than {limit:,}: the map "
                        "marks only the orange and red sites; townships take their highest "
                        "level."),
    "src.ledger": ("各行业隐患排查台账", "hazard ledgers of every department"),
    "src.sites": ("自然资源局地质灾害隐患点台账", "natural-resources site register"),
    "src.fire": ("林业部门火情与卫星热点、气象站",
                 "forestry fire records, satellite hotspots, weather"),
    "src.roads": ("交通、交警部门路网与事故记录", "road network and police accident records"),
    "src.resources": ("乡村振兴、应急部门台账", "relocation and emergency-resource registers"),
    "legend.ledger": ("隐患", "Hazards"),
    "upload": ("上传文件", "Upload a file"),
    "import.nothing_changed": ("文件与库中数据相同，没有需要写入的内容。",
                               "The file matches what is stored: nothing to write."),
    "upload.limit": ("超过 {mb} MB 的文件请在服务器上用命令 `riskmap import` 导入。",
                     "Files over {mb} MB: import them on the server with `riskmap import`."),
    "entity": ("数据表", "Table"),
    "crs": ("坐标系", "Coordinates"),
    "crs.wgs84": ("WGS-84 / CGCS2000 经纬度", "WGS-84 / CGCS2000 degrees"),
    "crs.gcj02": ("GCJ-02（高德、腾讯）", "GCJ-02 (Gaode, Tencent)"),
    "crs.bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "crs.other": ("其他 EPSG（如高斯–克吕格 EPSG:4544）",
                  "Other EPSG (e.g. Gauss–Krüger EPSG:4544)"),
    "kpi.not_loaded": ("尚未导入{table}", "{table} not loaded yet"),
    "import.profile": ("识别为 {name} 格式的{table}：无需映射",
                       "Recognised as {name} data for “{table}”: no mapping needed"),
    "import.other_table": ("这个文件看起来是 {name} 格式的{table}：请在上面把数据表选为“{table}”。",
                           "This file looks like {name} data for “{table}”: choose the "
                           "table “{table}” above."),
    "blocked_table": ("文件整体有错误（见报告中没有行号的错误），跳过有错误的行也无法导入；"
                      "请修改文件或映射。",
                      "The file as a whole has errors (those without a row in the report): "
                      "skipping rows cannot get past them. Fix the file or the mapping."),
    "import.columns": ("列与字段", "Columns and fields"),
    "import.columns_help": ("每一列导入为哪个字段；改动后自动重新检查。",
                            "Which field each column fills; changing one checks again."),
    "import.not_imported": ("（未导入）", "(not imported)"),
    "import.location": ("{what}（位置）", "{what} (location)"),
    "import.defaults": ("文件缺少的必填列", "Required columns the file lacks"),
    "import.defaults_help": ("填一个值，用于所有行；留空则这些行报错。",
                             "A value for every row; left empty, the rows are refused."),
    "import.keep_outside": ("也导入位于本县之外的行", "Also import rows outside the county"),
    "import.replace_geometry": ("替换面积变化大或经修复的乡镇边界",
                                "Replace township boundaries that change much or were repaired"),
    "coverage.title": ("地图上的乡镇边界", "Township borders on the maps"),
    "coverage.clean": ("相邻乡镇共用同一条边界，地图按原样绘制。",
                       "Neighbouring townships share each border: the maps draw them as stored."),
    "coverage.snapped": ("相邻乡镇边界上相距不超过 {snap} 米的 {moved} 个顶点已合并为共用顶点"
                         "（仅用于地图显示，库中边界不变），乡镇面积最大变化 {share}"
                         "（{m2} 平方米）。",
                         "{moved} vertices of neighbouring borders within {snap} m were made one "
                         "for the maps (the stored borders are unchanged); the largest change of "
                         "a township's area is {share} ({m2} m²)."),
    "coverage.cleaned": ("相邻乡镇边界的缝隙与重叠已为地图显示消除（库中边界不变），"
                         "乡镇面积最大变化 {share}（{m2} 平方米）。",
                         "Gaps and overlaps between neighbouring townships were removed for the "
                         "maps (the stored borders are unchanged); the largest change of a "
                         "township's area is {share} ({m2} m²)."),
    "coverage.shapes": ("相邻乡镇边界不能合并为共用边界（{reason}），地图按各乡镇原样绘制，"
                        "共用边界传送两次。请在 config/map.toml 的 [coverage] 中调整，"
                        "或修正边界后重新导入。",
                        "Neighbouring borders could not be made one ({reason}): the maps draw "
                        "each township as stored, shared borders twice. Adjust [coverage] in "
                        "config/map.toml, or correct the borders and import them again."),
    "import.mapping_file": ("映射文件（可选，TOML）", "Mapping file (optional, TOML)"),
    "import.save_mapping": ("保存这些选择为映射文件", "Save these choices as a mapping file"),
    "import.changes": ("将变更的 {n} 行：原值 → 新值", "The {n} rows that would change: "
                       "stored → new"),
    "import.where_columns_went": ("文件中的列去向", "Where the file's columns went"),
    "confirm": ("确认写入", "Write it"),
    "skip_bad": ("跳过有错误的行", "Skip rows with errors"),
    "report": ("校验报告", "Validation report"),
    "summary": ("共 {rows} 行：新增 {new}，变更 {changed}，未变 {unchanged}；"
                "错误 {errors}，警告 {warnings}",
                "{rows} rows: {new} new, {changed} changed, {unchanged} unchanged; "
                "{errors} errors, {warnings} warnings"),
    "blocked": ("有错误，未写入任何数据。请修改文件后重试，或选择跳过有错误的行。",
                "Errors found: nothing was written. Fix the file, or skip the rows with errors."),
    "written": ("已写入。", "Written."),
    "import.already_written": ("这个文件已写入。要再次导入，请重新上传。",
                               "This file is written. To import it again, upload it again."),
    "download": ("下载数据", "Download"),
    "format": ("格式", "Format"),
    "prepare": ("生成文件", "Prepare the file"),
    "legend.segments": ("路段风险（近三年事故/公里）", "Segment risk (accidents/km, 3 y)"),
    "black_spots": ("事故多发点段", "Black spots"),
    "black_spot_legend": ("事故多发点段", "black spot"),
    "accidents": ("交通事故", "accidents"),
    "danger_day": ("火险日期", "Fire-danger day"),
    "legend.danger": ("森林火险等级", "Fire-danger level"),
    "notice.key_day": ("清明前后：祭祀用火高发，请加强林区巡护与卡口检查。",
                       "Around Qingming: ritual burning peaks; patrol forests and checkpoints."),
    "notice.season": ("森林防火期：严禁野外用火。", "Forest fire season: no open fires outdoors."),
    "forest_zones": ("林区", "forest"),
    "fires_heat": ("历史火情与热点（热力）", "past fires and hotspots (heat)"),
    "distance_m": ("周边距离（米）", "Distance (m)"),
    "reloc_table": ("安置点周边隐患与最近资源",
                    "Hazards near each relocation site and nearest resources"),
    "resources_legend": ("应急资源", "Emergency resources"),
    "col.hazards_near": ("周边隐患点", "hazard sites near"),
    "col.people_threatened_near": ("其威胁人数", "people they threaten"),
    "col.shelter_name": ("最近避难场所", "nearest shelter"),
    "col.rescue_name": ("最近救援队伍", "nearest rescue team"),
    "col.to_shelter_m": ("距避难场所（米）", "To shelter (m)"),
    "col.to_rescue_m": ("距救援队伍（米）", "To rescue team (m)"),
    "legend.threat": ("险情等级（形状为灾害类型）", "Threat level (shape = type)"),
    "site_record": ("隐患点档案", "Site record"),
    "readings": ("监测数据", "Monitoring readings"),
    "no_readings": ("该点无自动监测数据（群测群防）。", "No instrument readings at this site."),
    "pick_site": ("在表中选择一个隐患点查看档案与监测曲线。",
                  "Pick a site in the table to see its record and readings."),
    "ledger.open_major": ("未销号重大隐患", "open major"),
    "ledger.open": ("未销号一般隐患", "open ordinary"),
    "ledger.closed": ("已销号", "closed"),
    "database": ("数据库", "Database"),
    "db_missing": ("数据库 {path} 不存在：请先运行 `make run` 或 `riskmap demo`。",
                   "Database {path} does not exist: run `make run` or `riskmap demo`."),
    "demo_banner": ("演示数据：{label}。县名、乡镇、人员与数字均为虚构。",
                    "Demo data: {label}. Names, places, people and numbers are fictional."),
    "tables": ("数据概况", "What the database holds"),
    "table": ("数据表", "Table"),
    "rows": ("记录数", "Rows"),
    "facts": ("主要原因", "What matters most"),
    "acc.role": ("角色", "Role"),
    "acc.display": ("姓名", "Name"),
    "acc.unit": ("单位（与台账中的部门名称一致）", "Department (as the ledger names it)"),
    "acc.add": ("添加账号", "Add an account"),
    "acc.again": ("再输一次口令", "Password again"),
    "acc.differ": ("两次输入的口令不同。", "The two passwords differ."),
    "acc.added": ("已添加账号 {name}。", "Account {name} added."),
    "acc.unit_help": ("部门填报账号填写，与台账中的部门名称一致", "For a department editor: "
                      "the department as the ledger names it"),
    "acc.town_help": ("乡镇填报账号选择", "For a township editor"),
    "acc.set_role": ("改为此角色", "Give this role"),
    "acc.new_password": ("新口令", "New password"),
    "acc.set_password": ("重设口令", "Set the password"),
    "acc.user_contains": ("账号包含", "Account contains"),
    "acc.change": ("修改账号：解锁、停用、启用、角色、口令",
                   "Change an account: unlock, disable, enable, role, password"),
    "acc.unlock": ("解锁", "Unlock"),
    "acc.disable": ("停用", "Disable"),
    "acc.enable": ("启用", "Enable"),
    "acc.done": ("已完成，并记入审计日志。", "Done, and written to the audit trail."),
    "acc.audit": ("审计日志", "Audit trail"),
    "acc.action": ("操作", "Action"),
    "acc.text": ("内容包含", "Detail contains"),
    "acc.days": ("最近天数", "Last days"),
    "acc.found": ("共 {n} 条（最多显示 1000 条；导出为全部）。",
                  "{n} rows (up to 1,000 shown; the export has all)."),
    "acc.export": ("导出审计日志（CSV）", "Export the audit trail (CSV)"),
    "acc.admin_only": ("只有管理员可以管理账号和查看审计日志。",
                       "Only administrators manage accounts and read the audit trail."),
    "auth.title": ("登录 · 县域安全风险一张图", "Sign in · County Risk Map"),
    "auth.name": ("账号", "Account"),
    "auth.password": ("口令", "Password"),
    "auth.sign_in": ("登录", "Sign in"),
    "auth.oidc": ("用统一身份认证登录", "Sign in with the county's identity provider"),
    "auth.help": ("账号由管理员开设；忘记口令或账号被锁定，请联系管理员。",
                  "Accounts are made by an administrator; ask them if you forgot your "
                  "password or your account is locked."),
    "auth.help_demo": ("演示库的管理员账号是 admin，口令在生成演示库时"
                       "（`make run` 首次启动的输出中）显示；忘记了可在服务器上运行 "
                       "`riskmap user passwd admin` 重设。",
                       "The demo's administrator is admin; its password was printed when the "
                       "demo was made (the first lines of `make run`). Forgot it? Run "
                       "`riskmap user passwd admin` on the server."),
    "auth.no_accounts": ("还没有任何账号。请在服务器上运行 `riskmap user add 账号 --role admin "
                         "--db {db}` 创建第一个管理员（口令输入两次）。",
                         "There is no account yet. Make the first administrator on the server: "
                         "`riskmap user add NAME --role admin --db {db}` (the password is "
                         "asked twice)."),
    "auth.disabled": ("本账号已被停用或删除，已退出。", "This account was disabled: signed out."),
    "auth.expired": ("长时间未操作，已自动退出，请重新登录。",
                     "Your session expired; please sign in again."),
    "auth.signed_out": ("已退出。", "Signed out."),
    "auth.needed": ("请先登录。", "Please sign in first."),
    "auth.as": ("当前账号：{name} · {role}", "Signed in as {name} · {role}"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.read_only": ("当前账号（{role}）只能查看，不能修改台账。",
                       "Your account ({role}) can view but not change the ledger."),
    "auth.not_yours": ("这条隐患不属于本账号（{scope}）负责，只能查看。",
                       "This hazard is not {scope}'s: you can view it, not change it."),
    "auth.import_none": ("当前账号（{role}）不能导入数据；导入由管理员"
                         "（地质灾害数据由自然资源账号）进行。",
                         "Your account ({role}) may not import: administrators do (and "
                         "natural-resources staff for geohazard data)."),
    "tab.ledger": ("台账", "Ledger"),
    "tab.handle": ("办理", "Handle"),
    "tab.new": ("新建隐患", "New hazard"),
    "tab.batch": ("批量办理", "Batch"),
    "tab.priority": ("整改优先级", "Priorities"),
    "tab.behind": ("落后通报", "Lagging units"),
    "pick_hazard": ("隐患编号", "Hazard ID"),
    "action": ("办理动作", "Action"),
    "note": ("备注 / 退回原因", "Note / reason for return"),
    "evidence_files": ("佐证照片或文件", "Evidence photos or files"),
    "save": ("保存", "Save"),
    "saved": ("已保存：{id} 现为“{status}”（版本 {version}）。",
              "Saved: {id} is now {status} (version {version})."),
    "history": ("变更记录", "History"),
    "ledger.moved": ("{id} 在你打开之后已被他人修改（版本 {seen} → {now}）：现在保存会被拒绝。"
                     "下方“变更记录”列出谁改了什么；载入最新版本后再改。",
                     "{id} was changed by someone else since you opened it (version {seen} → "
                     "{now}): a save now is refused. The history below says who changed "
                     "what; load the current version, then edit."),
    "ledger.reload": ("载入最新版本", "Load the current version"),
    "batch_pick": ("选择要批量办理的隐患", "Hazards to handle together"),
    "batch_saved": ("已批量保存 {n} 条。", "Saved {n} hazards."),
    "registered": ("已登记：{id}", "Registered: {id}"),
    "budget": ("整改预算（万元，0 为不限）", "Budget (10,000 yuan, 0 = none)"),
    "budget_pick": ("预算内优先整改 {n} 条，预估 {cost:.1f} 万元", "{n} hazards within budget, "
                    "estimated {cost:.1f} × 10,000 yuan"),
    "as_if_fixed": ("整改后各乡镇综合风险（整改前 → 整改后）",
                    "Township composite risk before → after"),
    "group_by": ("统计口径", "Group by"),
    "group.lead_department": ("牵头单位", "Lead department"),
    "group.township_code": ("乡镇", "Township"),
    "group.domain": ("行业领域", "Domain"),
    "trend": ("月度趋势（发现、销号、月末未销号）", "Monthly: found, closed, open at month end"),
    "red_list": ("红榜（整改率最高）", "Best (highest rate)"),
    "black_list": ("黑榜（整改率最低）", "Worst (lowest rate)"),
    "overdue_major": ("超期重大隐患及督办领导", "Overdue major hazards and their supervisors"),
    "excel_ledger": ("下载筛选出的台账（标准格式 XLSX，可在 Excel 修改后从“数据管理”导入）",
                     "Download the rows shown in the standard layout (XLSX; edit, then import "
                     "on the Data page)"),
    "col.found": ("排查数", "Found"),
    "col.closed": ("销号数", "Closed"),
    "col.open": ("未销号", "Open"),
    "col.overdue": ("超期", "Overdue"),
    "col.rate": ("整改率 %", "Rate %"),
    "col.days_to_close": ("平均整改天数", "Mean days to close"),
    "col.priority": ("优先分", "Priority"),
    "col.cost_used": ("整改费用（万元）", "Cost (10,000 yuan)"),
    "col.reason": ("原因", "Reason"),
    "col.composite_before": ("整改前综合风险", "Composite before"),
    "col.composite_after": ("整改后综合风险", "Composite after"),
    "priority_list": ("全部未销号隐患（按优先分）", "All open hazards by priority"),
    "passed_over": ("以下 {n} 项排名更靠前但未选入：",
                    "{n} higher-ranked hazards were not picked:"),
    "passed_over.over_budget": ("单项费用已超过预算 {budget:g} 万元",
                                "it alone costs more than the budget ({budget:g})"),
    "passed_over.less_value": ("预算余额不足；所选各项每万元降低的风险更多",
                               "not enough budget left; the picked ones remove more risk per "
                               "10,000 yuan"),
    "class_changes": ("{n} 个乡镇的综合风险等级会变化（高亮、排在最前）。",
                      "{n} townships would change class (highlighted, listed first)."),
    "col.priority_why": ("排序原因", "Why this place"),
    "warning": ("地质灾害预警", "Geohazard warning"),
    "warn.source": ("雨量来源", "Rainfall"),
    "warn.source.stored": ("库中实况与预报", "Stored observations and forecast"),
    "warn.source.scenario": ("手工情景", "Hand-entered scenario"),
    "warn.source.file": ("上传雨量文件", "Upload a rainfall file"),
    "warn.region": ("范围", "Area"),
    "region.all": ("全县", "Whole county"),
    "region.north": ("北部乡镇", "Northern townships"),
    "region.south": ("南部乡镇", "Southern townships"),
    "region.east": ("东部乡镇", "Eastern townships"),
    "region.west": ("西部乡镇", "Western townships"),
    "warn.townships": ("情景覆盖的乡镇", "Townships the scenario covers"),
    "warn.hours": ("时段（小时）", "Window (hours)"),
    "warn.mm": ("情景雨量（毫米）", "Scenario rainfall (mm)"),
    "warn.file_help": ("CSV/XLSX/GeoJSON：按乡镇、隐患点或格点（经纬度）的实况或预报雨量；"
                       "只用于本次预警，不写入数据库。",
                       "CSV/XLSX/GeoJSON: observed or forecast rain per township, site or grid "
                       "point (lon/lat); used for this warning only, not stored."),
    "warn.as_of": ("预警时间 {time}", "Warning as of {time}"),
    "warn.scenario_line": ("情景：未来 {hours} 小时 {mm:g} 毫米，{n} 个乡镇",
                           "Scenario: {mm:g} mm over the next {hours} h in {n} townships"),
    "legend.warning": ("预警等级", "Warning level"),
    "kpi.evacuate": ("需转移人数", "People to move"),
    "evac.title": ("地质灾害避险转移名单", "Geohazard evacuation list"),
    "evac.none": ("当前没有橙色及以上预警的隐患点，无需转移。",
                  "No site is at orange or red: nobody needs to move."),
    "evac.xlsx": ("下载转移名单（XLSX，可打印）", "Download the list (XLSX, print-ready)"),
    "evac.html": ("打印版（HTML）", "Printable page (HTML)"),
    "rollup": ("乡镇预警汇总", "Warning by township"),
    "changes": ("与对比基准相比", "Compared with a baseline"),
    "changes.none": ("与“{prev}”相比没有变化。", "No change since “{prev}”."),
    "compare.with": ("对比基准", "Compare with"),
    "compare.none": ("不对比", "No comparison"),
    "compare.save": ("存为对比基准", "Keep as baseline"),
    "compare.save_help": ("记住当前的预警，之后改变情景时与它对比。",
                          "Remember this warning; compare later scenarios with it."),
    "compare.how": ("先“存为对比基准”，再改变情景或雨量来源，这里列出升级和降级的隐患点。",
                    "Keep a baseline first, then change the scenario or the rain source: the "
                    "sites raised and lowered are listed here."),
    "scenario.mark": ("模拟情景", "SIMULATED SCENARIO"),
    "scenario.suffix": ("（模拟情景）", " (SIMULATED SCENARIO)"),
    "src.scenario": ("手工输入的情景雨量；隐患点台账、监测数据",
                     "hand-entered scenario rain; site register, monitoring"),
    "scenario.banner": ("模拟情景（非实况）：{line}。地图、名单和下载均按此情景计算，"
                        "并标注“模拟情景”。",
                        "Simulated scenario, not observations: {line}. The map, the list and "
                        "the downloads follow it and are marked as simulated."),
    "evac.total": ("共 **{sites}** 处隐患点、**{households}** 户、**{people}** 人需转移"
                   "（红色 {red} 处，橙色 {orange} 处）。",
                   "**{sites}** sites, **{households}** households, **{people}** people to "
                   "move (red {red}, orange {orange})."),
    "changes.summary": ("升级 {up} 处，降级 {down} 处（对比基准：{prev}）",
                        "{up} sites raised, {down} lowered (baseline: {prev})"),
    "change.raised": ("升级", "raised"),
    "change.lowered": ("降级", "lowered"),
    "col.before": ("原等级", "Before"),
    "col.after": ("现等级", "After"),
    "col.change": ("变化", "Change"),
    "col.effective": ("有效雨量（毫米）", "Effective rain (mm)"),
    "src.warning": ("气象雨量实况与预报、隐患点台账、监测数据",
                    "rain observations and forecasts, site register, monitoring"),
    "silent": ("超过 {days} 天未巡查或未回传数据的隐患点：共 {n} 处",
               "Sites not inspected or not reporting for over {days} days: {n} in all"),
    "silent.none": ("没有这样的隐患点。", "No site is silent that long."),
    "col.site_name": ("隐患点", "Site"),
    "silent_days": ("超过多少天未巡查或未回传即列出", "List sites silent for more than (days)"),
    "silent.why.inspection": ("未巡查", "not inspected"),
    "silent.why.reading": ("未回传", "not reporting"),
    "silent.why.both": ("未巡查且未回传", "neither"),
    "unit.day": ("天", "day"),
    "record.field": ("项目", "Field"),
    "record.value": ("内容", "Value"),
    "table.empty": ("（没有符合条件的行）", "(no rows)"),
    "loading.read": ("正在读取数据…", "Reading the data…"),
    "loading.score": ("正在计算风险…", "Computing the risk…"),
    "meeting.top": ("综合风险最高的乡镇", "Highest composite risk"),
    "meeting.top_none": ("尚无乡镇评出综合风险（数据不足）。",
                         "No township has a composite score yet (too little data)."),
    "meeting.leave": ("退出会议模式", "Leave the meeting screen"),
    "meeting.now": ("现在 {time}", "now {time}"),
    "legend.accidents": ("交通事故", "Road accident"),
    "choose.one": ("请选择", "Choose one"),
    "pick.limit": ("这里列出前 {n:,} 条未销号隐患（共 {total:,} 条）；"
                   "其余请在“台账”表中筛选后点选。",
                   "The first {n:,} of {total:,} open hazards are listed here; pick any other in "
                   "the ledger's table, filtered."),
    "legend.forest_zone": ("林区（虚线轮廓）", "Forest zones (dashed outline)"),
    "legend.heat": ("历史火情与热点（热力）", "Past fires and hotspots (heat)"),
    "fire.stats": ("火情与热点统计", "Fires and hotspots"),
    "fire.by_year": ("按年份", "By year"),
    "fire.by_month": ("按月份（各年合计）", "By month (all years)"),
    "fire.by_township": ("按乡镇", "By township"),
    "fire.recent": ("最近 7 天的卫星热点：{n} 个", "Satellite hotspots of the last 7 days: {n}"),
    "upload.button": ("选择文件", "Upload"),
    "no_data_yet": ("尚无数据", "No data yet"),
    "kept.with": ("与此前保存的评估比较", "Compare with a kept scoring"),
    "kept.none": ("不比较", "No comparison"),
    "kept.run": ("{as_of} 的评估（{saved} 保存）", "Scoring as of {as_of} (kept {saved})"),
    "kept.changed": ("与 {date} 相比，综合风险等级变化的乡镇 {n} 个",
                        "Townships whose composite class changed since {date}: {n}"),
    "kept.same": ("与 {date} 相比，各乡镇综合风险等级均无变化。",
                     "No township's composite class changed since {date}."),
    "kept.new": ("新", "new"),
    "list.sep": ("；", "; "),
    "kept.ledger": ("{date} 以来新增重大隐患 {new} 项、销号 {closed} 项；整改率 {before} → {now}",
                    "Since {date}: {new} new major hazards, {closed} closed; rectification "
                    "rate {before} → {now}"),
    "col.rank_move": ("名次变化", "Rank change"),
    "col.class_change": ("等级变化", "Class change"),
    "col.rank_change": ("名次", "Rank"),
    "col.moved": ("主要变化（综合分）", "What moved most (composite points)"),
    "col.moved_layers": ("主要变化的图层", "Layers that moved most"),
    "trend.title": ("历次评估趋势", "Trend over kept scorings"),
    "trend.few": ("保存两次以上评估后可看趋势"
                  "（每个新的数据版本自动保存一次；也可用 `riskmap score --save`）。",
                  "Two or more kept scorings show a trend (each new data version is kept "
                  "once; `riskmap score --save` keeps one too)."),
    "trend.department": ("牵头部门", "Lead department"),
    "behind.empty": ("还没有隐患台账：导入后这里按部门和乡镇列出整改进度、月度趋势和红黑榜。",
                     "No hazard ledger yet: once it is loaded, rectification by department "
                     "and township, the monthly trend and the red and black lists show here."),
    "brief.title": ("会议通报", "Meeting briefing"),
    "brief.note": ("安委会会议用的通报（中文文件）：四色图与各图层风险图、排名、"
                   "与上次通报相比的变化、红黑榜、预警、火险、黑点、预算内整改优先级和"
                   "数据说明；与命令 `riskmap brief` 生成的相同。生成需要几秒钟。",
                   "The committee meeting's briefing (a Chinese document): the four-colour map "
                   "and one per layer, the ranking, changes since the last briefing, red-black "
                   "lists, warning, fire danger, black spots, priorities within the budget and "
                   "a data note; the same as the command `riskmap brief`. It takes a few "
                   "seconds to build."),
    "brief.docx": ("下载通报（Word，可编辑）", "Download the briefing (Word, editable)"),
    "brief.pdf": ("下载通报（PDF）", "Download the briefing (PDF)"),
    "skip_link": ("跳到正文", "Skip to main content"),
    "upload.each": ("每个文件不超过 {mb} MB", "{mb} MB per file"),
    "filter.all": ("全部", "All"),
    "choose.many": ("可多选", "Choose any"),
    "handling": ("办理", "Handling"),
    "pick_to_handle": ("在表中选择一行，或在地图上点一个隐患，就在这里办理。",
                       "Pick a row in the table, or a hazard on the map, to handle it here."),
    "col.days_overdue": ("超期天数", "Days overdue"),
    "col.accidents": ("事故起数", "Accidents"),
    "col.start_m": ("起点 (m)", "From (m)"),
    "col.end_m": ("终点 (m)", "To (m)"),
    "col.days_since_inspection": ("距上次巡查（天）", "Days since inspection"),
    "col.days_since_reading": ("距上次回传（天）", "Days since last reading"),
    "col.why": ("问题", "Issue"),
    "last_reading": ("最近一次监测：{time}（{age}前）", "Last reading: {time} ({age} ago)"),
    "age.days": ("{n} 天", "{n} days"),
    "age.hours": ("{n} 小时", "{n} hours"),
    "rate": ("日变化量（毫米/天），虚线为预警阈值（远高于读数的不画）",
             "Change per day (mm/day); dashed: warning thresholds (those far above the "
             "readings are left out)"),
}


TEXT |= {f"level.{k}": v for k, v in WARNING_LEVELS.items()}
TEXT |= {"level.none": NO_WARNING, "level.unknown": UNKNOWN_WARNING, "evac.short": SHORT_OF_ROOM}
TEXT |= {f"col.{k}": v for k, v in EVACUATION_HEADINGS.items()}
TEXT |= {f"danger.{k}": v for k, v in DANGER_LEVELS.items()}
TEXT |= {f"class.{c}": (c, FIELDS["risk_class"].choice_label(c, "en"))
         for c in (*RISK_CLASSES, *NOT_SCORED)}
"""Class and level names come from ``domain.labels``: one source for the screen, the command
line and the printed lists."""


PLURALS = ("rows", "errors", "warnings", "days", "hours", "sites", "hazards", "townships",
           "points", "segments", "households", "kinds", "hotspots", "fires")
"""Nouns the English texts count: written in the singular after a count of one."""
_ONE = re.compile(rf"(?<![\d.,])1 ({'|'.join(PLURALS)})\b")


def t(key: str, lang: str, **values: object) -> str:
    """Return the text for ``key`` in ``lang`` (zh or en), with ``values`` filled in.

    In English "1 rows" is written "1 row" (``PLURALS``).
    """
    zh, en = TEXT[key]
    if lang != "en":
        return zh.format(**values)
    return _ONE.sub(lambda m: f"1 {m.group(1)[:-1]}", en.format(**values))
