"""The ledger in the conventional Excel layout (序号, 隐患名称, 所在乡镇 …), for editing in Excel.

The workbook carries a title row, the data date, the hazard ID and the row version, so the
edited file re-imports through ``geodata.importer.import_file`` as updates by ID: each change
goes through the workflow and is recorded as events, and a row changed in the database since
the export is refused rather than overwritten.
"""

from __future__ import annotations

import pandas as pd

from domain.schema import FIELDS
from geodata.exporter import LAT_HEADER, LON_HEADER
from geodata.printable import printable_xlsx

LAYOUT: tuple[tuple[str, str], ...] = (
    ("hazard_id", "隐患编号"), ("hazard_description", "隐患名称"), ("township", "所在乡镇"),
    ("domain", "行业领域"), ("lead_department", "牵头单位"),
    ("responsible_unit", "责任单位"), ("hazard_level", "隐患等级"),
    ("found_date", "发现时间"), ("deadline", "整改时限"), ("measures", "整改措施"),
    ("responsible_person", "整改责任人"), ("hazard_status", "整改状态"),
    ("closed_date", "销号时间"), ("verifier", "验收人"), ("evidence", "销号佐证"),
    ("supervising_leader", "挂牌督办领导"), ("funds_wan", FIELDS["funds_wan"].label()),
    ("contingency_plan", "应急预案"),
    ("estimated_cost_wan", FIELDS["estimated_cost_wan"].label()),
    ("lon", LON_HEADER), ("lat", LAT_HEADER), ("row_version", "版本号"),
)
"""(field, header) in the order county ledgers use; ``township`` is the township's name."""


def ledger_sheet(ledger: pd.DataFrame, township_names: dict[str, str]) -> pd.DataFrame:
    """Return the ledger as the conventional table: 序号 first, Chinese headers, dates."""
    flat = pd.DataFrame(ledger.drop(columns="geometry", errors="ignore"))
    flat["township"] = ledger["township_code"].map(township_names)
    geom = ledger.geometry
    flat["lon"] = geom.x.where(geom.notna())
    flat["lat"] = geom.y.where(geom.notna())
    for column in ("found_date", "deadline", "closed_date"):
        flat[column] = pd.to_datetime(flat[column]).dt.date
    out = flat[[f for f, _ in LAYOUT]].rename(columns=dict(LAYOUT)).reset_index(drop=True)
    out.insert(0, "序号", range(1, len(out) + 1))
    return out


def ledger_workbook(ledger: pd.DataFrame, township_names: dict[str, str], *, title: str,
                    lines: list[str]) -> bytes:
    """Return the XLSX workbook of the ledger in the conventional layout, ready to print."""
    return printable_xlsx(ledger_sheet(ledger, township_names), title, lines, sheet="隐患台账")
