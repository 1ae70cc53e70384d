"""``riskmap warn``: geohazard warning levels and the evacuation list, for scheduled jobs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from analytics.evacuation import evacuation_sheet
from analytics.rainfall import region_townships, scenario_rows
from analytics.warning import WarningRun, duty_message, warn_county
from domain.errors import RiskMapError
from domain.labels import warning_label
from geodata.formulas import write_csv
from geodata.importer import read_checked
from geodata.printable import printable_xlsx
from geodata.snapshot import Snapshot


def _extra_rain(snap: Snapshot, args: argparse.Namespace) -> pd.DataFrame | None:
    """Return the rain of ``--rain`` (checked, not stored) and of ``--scenario-mm``."""
    towns, parts = snap.table("townships"), []
    if args.rain:
        parts.append(read_checked("rainfall", args.rain, towns))
    if args.scenario_mm is not None:
        codes = region_townships(towns, args.region)
        parts.append(scenario_rows(codes, hours=args.scenario_hours, mm=args.scenario_mm,
                                   as_of=snap.now))
    return pd.concat(parts, ignore_index=True) if parts else None


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _print(run: WarningRun) -> None:
    counts = run.counts()
    print(f"地质灾害气象风险预警 geohazard warning · as of {run.as_of:%Y-%m-%d %H:%M}")
    for level in (1, 2, 3, 4):
        label = f"{warning_label(level)} {warning_label(level, 'en')}"
        print(f"  {label}: {counts[str(level)]} 处 sites")
    print(f"  未达预警 below blue: {counts['none']} 处")
    print(f"  无雨量数据 unknown: {counts['unknown']} 处")
    print(f"  在册隐患点 active sites: {counts['sites']} 处")
    print(f"需转移 to evacuate: {len(run.evacuation)} 处, {counts['people']} 人")
    if len(run.evacuation):
        print(run.evacuation.to_string(index=False))


def _sites(run: WarningRun, names: dict[str, str]) -> pd.DataFrame:
    """Every active site's level and state (warning, none, unknown), with its township."""
    levels = run.levels[["site_id", "site_name", "township_code", "level", "state"]]
    return levels.assign(township_name=levels["township_code"].map(names))


def as_json(run: WarningRun, names: dict[str, str]) -> dict:
    """Return the warning as plain data: every active site is in ``sites`` and the counts."""
    townships = run.townships.reset_index()
    return {"as_of": run.as_of.isoformat(), "method_version": run.method_version,
            "counts": run.counts(), "townships": _records(townships),
            "sites": _records(_sites(run, names)), "evacuation": _records(run.evacuation)}


def write_evacuation(run: WarningRun, snap: Snapshot, path: Path) -> None:
    """Write the evacuation list, as the warning page prints it, to .xlsx or .csv."""
    sheet = evacuation_sheet(run.evacuation, snap.township_names())
    if path.suffix.lower() == ".csv":
        write_csv(sheet, path)
        return
    lines = [f"预警时间 {run.as_of:%Y-%m-%d %H:%M}", *(["演示数据（虚构）"] if snap.demo else [])]
    path.write_bytes(printable_xlsx(sheet, "地质灾害避险转移名单", lines))


def run_warn(snap: Snapshot, args: argparse.Namespace) -> int:
    """Print (or write as JSON) the levels per township and the evacuation list."""
    try:
        extra = _extra_rain(snap, args)
    except (RiskMapError, ValueError) as exc:
        print(f"错误 error: {exc}")
        return 1
    run = warn_county(snap.tables(), as_of=snap.now, settings=snap.settings.warning,
                      extra_rain=extra)
    names = snap.township_names()
    if args.evacuation:
        write_evacuation(run, snap, Path(args.evacuation))
    if args.message:
        text = duty_message(run, names, notice="演示数据" if snap.demo else None)
        Path(args.message).write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(as_json(run, names), ensure_ascii=False, indent=2))
    else:
        _print(run)
    return 0
