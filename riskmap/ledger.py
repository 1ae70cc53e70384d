"""``riskmap ledger``: overdue hazards, rectification priorities, the Excel ledger."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from analytics.ledger_stats import overdue_major, rectification
from analytics.priority import budget_plan, rank_tables
from domain.rules import is_overdue
from geodata import audit
from geodata.accounts import local_account
from geodata.ledger_excel import ledger_workbook
from geodata.snapshot import Snapshot
from riskmap.scoring import score

PRIORITY_COLUMNS = ["rank", "hazard_id", "priority", "severity", "exposure", "urgency",
                    "township_code", "township_name", "domain", "hazard_level",
                    "lead_department", "why"]


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _named(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Return ``frame`` with ``township_name`` beside its ``township_code``."""
    at = frame.columns.get_loc("township_code") + 1
    out = frame.copy()
    out.insert(at, "township_name", frame["township_code"].map(names))
    return out


def overdue_report(snap: Snapshot) -> dict:
    """Return the overdue count, the overdue by lead department and the overdue majors."""
    ledger = snap.table("hazard_ledger")
    by_dept = rectification(ledger, "lead_department", snap.as_of)
    late = by_dept[by_dept["overdue"] > 0].sort_values("overdue", ascending=False)
    return {"as_of": snap.as_of.isoformat(), "overdue": int(is_overdue(ledger, snap.as_of).sum()),
            "by_department": late, "overdue_major": _named(overdue_major(ledger, snap.as_of),
                                                           snap.township_names())}


def run_overdue(snap: Snapshot, args: argparse.Namespace) -> int:
    """Print the overdue hazards by department, and every overdue major hazard."""
    report = overdue_report(snap)
    majors, by_dept = report["overdue_major"], report["by_department"]
    if args.json:
        print(json.dumps({**report, "by_department": _records(by_dept.reset_index()),
                          "overdue_major": _records(majors)}, ensure_ascii=False, indent=2))
        return 0
    print(f"超期未整改 overdue · as of {snap.as_of:%Y-%m-%d}: {report['overdue']} 条")
    print(by_dept.to_string())
    print(f"\n超期重大隐患 overdue major hazards: {len(majors)}")
    if len(majors):
        print(majors.to_string(index=False))
    return 0


def run_priorities(snap: Snapshot, args: argparse.Namespace) -> int:
    """Print open hazards by priority; with ``--budget``, the set to fix and its effect."""
    tables, names = snap.tables(), snap.township_names()
    classes = score(snap, robustness=False).scores["composite_class"]
    ranked = _named(rank_tables(tables, classes, as_of=snap.as_of,
                                settings=snap.settings.ledger), names)
    if args.budget is None:
        shown = ranked[PRIORITY_COLUMNS].head(args.top)
        print(json.dumps(_records(shown), ensure_ascii=False, indent=2) if args.json
              else shown.to_string(index=False))
        return 0
    chosen, effect = budget_plan(tables, ranked, args.budget, snap.settings.risk,
                                 as_of=snap.as_of, settings=snap.settings.ledger)
    effect.insert(0, "township_name", effect.index.map(names))
    effect.index.name = "township_code"
    if args.json:
        print(json.dumps({"budget_wan": args.budget,
                          "spent_wan": float(chosen["cost_used"].sum()),
                          "hazards": _records(chosen[[*PRIORITY_COLUMNS, "cost_used"]]),
                          "townships": _records(effect.reset_index())},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"预算 budget {args.budget:g} 万元: 选 {len(chosen)} 条, 用 "
          f"{chosen['cost_used'].sum():.1f} 万元")
    print(chosen[[*PRIORITY_COLUMNS, "cost_used"]].to_string(index=False))
    print("\n乡镇综合风险 整改前 → 整改后 township composite score before → after")
    print(effect.round(3).to_string())
    return 0


def run_export(snap: Snapshot, args: argparse.Namespace) -> int:
    """Write the ledger as the conventional Excel workbook."""
    ledger = snap.table("hazard_ledger")
    lines = [f"数据截至 {snap.as_of:%Y-%m-%d}"]
    if snap.demo:
        lines.append("演示数据（虚构）")
    Path(args.file).write_bytes(ledger_workbook(ledger, snap.township_names(),
                                                title="隐患排查整治台账", lines=lines))
    print(f"{len(ledger):,} 条 → {args.file}")
    audit.record(snap.store, local_account().user_name, "export",
                 f"hazard_ledger → {Path(args.file).name} ({len(ledger):,} rows)")
    return 0
