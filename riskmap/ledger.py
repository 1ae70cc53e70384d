"""``riskmap ledger``: overdue hazards, rectification priorities, the Excel ledger."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from analytics.config import parse_config
from analytics.engine import score_county
from analytics.ledger_stats import overdue_major, rectification
from analytics.priority import budget_plan, rank_tables
from geodata.config import CONFIG_DIR, read_toml
from geodata.ledger_excel import ledger_workbook
from geodata.results import load_tables, reference_time
from geodata.store import Store

PRIORITY_COLUMNS = ["rank", "hazard_id", "priority", "severity", "exposure", "urgency",
                    "township_code", "domain", "hazard_level", "lead_department", "why"]


def _names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    towns = tables["townships"]
    return dict(zip(towns["township_code"], towns["township_name"], strict=True))


def _print(frame: pd.DataFrame, as_json: bool) -> None:
    if as_json:
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2))
    else:
        print(frame.to_string(index=False))


def run_overdue(store: Store, args: argparse.Namespace) -> int:
    """Print the overdue hazards by department, and every overdue major hazard."""
    tables, as_of = load_tables(store), reference_time(store)
    ledger = tables["hazard_ledger"]
    majors = overdue_major(ledger, as_of)
    majors["township_code"] = majors["township_code"].map(_names(tables))
    if args.json:
        _print(majors, True)
        return 0
    by_dept = rectification(ledger, "lead_department", as_of)
    print(f"超期未整改 overdue · as of {as_of:%Y-%m-%d}: {int(by_dept['overdue'].sum())} 条")
    print(by_dept[by_dept["overdue"] > 0].sort_values("overdue", ascending=False).to_string())
    print(f"\n超期重大隐患 overdue major hazards: {len(majors)}")
    if len(majors):
        print(majors.to_string(index=False))
    return 0


def run_priorities(store: Store, args: argparse.Namespace) -> int:
    """Print open hazards by priority; with ``--budget``, the set to fix and its effect."""
    tables, as_of = load_tables(store), reference_time(store)
    config, settings = parse_config(read_toml()), read_toml(CONFIG_DIR / "ledger.toml")
    classes = score_county(tables, config, as_of=as_of, robustness=False).scores[
        "composite_class"]
    ranked = rank_tables(tables, classes, as_of=as_of, settings=settings)
    if args.budget is None:
        _print(ranked[PRIORITY_COLUMNS].head(args.top), args.json)
        return 0
    chosen, effect = budget_plan(tables, ranked, args.budget, config, as_of=as_of,
                                 settings=settings)
    effect.insert(0, "township", effect.index.map(_names(tables)))
    if args.json:
        print(json.dumps({"budget_wan": args.budget,
                          "spent_wan": float(chosen["cost_used"].sum()),
                          "hazards": json.loads(chosen[[*PRIORITY_COLUMNS, "cost_used"]].to_json(
                              orient="records", force_ascii=False)),
                          "townships": json.loads(effect.reset_index().to_json(
                              orient="records", force_ascii=False))},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"预算 budget {args.budget:g} 万元: 选 {len(chosen)} 条, 用 "
          f"{chosen['cost_used'].sum():.1f} 万元")
    print(chosen[[*PRIORITY_COLUMNS, "cost_used"]].to_string(index=False))
    print("\n乡镇综合风险 整改前 → 整改后 township composite score before → after")
    print(effect.round(3).to_string())
    return 0


def run_export(store: Store, args: argparse.Namespace) -> int:
    """Write the ledger as the conventional Excel workbook."""
    tables, as_of = load_tables(store), reference_time(store)
    lines = [f"数据截至 {as_of:%Y-%m-%d}"]
    if store.is_demo():
        lines.append("演示数据（虚构）")
    Path(args.file).write_bytes(ledger_workbook(tables["hazard_ledger"], _names(tables),
                                                title="隐患排查整治台账", lines=lines))
    print(f"{len(tables['hazard_ledger']):,} 条 → {args.file}")
    return 0
