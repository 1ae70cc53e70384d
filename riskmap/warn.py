"""``riskmap warn``: geohazard warning levels and the evacuation list, for scheduled jobs."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from analytics.rainfall import region_townships, scenario_rows
from analytics.warning import LEVEL_NAMES, WarningRun, warn_county
from geodata.config import CONFIG_DIR, read_toml
from geodata.errors import RiskMapError
from geodata.importer import read_checked
from geodata.results import load_tables, reference_time
from geodata.store import Store


def _extra_rain(tables: dict[str, pd.DataFrame], args: argparse.Namespace,
                as_of: pd.Timestamp) -> pd.DataFrame | None:
    """Return the rain of ``--rain`` (checked, not stored) and of ``--scenario-mm``."""
    parts = []
    if args.rain:
        parts.append(read_checked("rainfall", args.rain, tables["townships"]))
    if args.scenario_mm is not None:
        codes = region_townships(tables["townships"], args.region)
        parts.append(scenario_rows(codes, hours=args.scenario_hours, mm=args.scenario_mm,
                                   as_of=as_of))
    return pd.concat(parts, ignore_index=True) if parts else None


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _print(run: WarningRun) -> None:
    counts = run.counts()
    print(f"地质灾害气象风险预警 geohazard warning · as of {run.as_of:%Y-%m-%d %H:%M}")
    for level in (1, 2, 3, 4):
        print(f"  {LEVEL_NAMES[level]}: {counts[str(level)]} 处 sites")
    print(f"  无雨量数据 unknown: {counts['unknown']} 处")
    print(f"需转移 to evacuate: {len(run.evacuation)} 处, {counts['people']} 人")
    if len(run.evacuation):
        print(run.evacuation.to_string(index=False))


def run_warn(store: Store, args: argparse.Namespace) -> int:
    """Print (or write as JSON) the levels per township and the evacuation list."""
    settings = read_toml(CONFIG_DIR / "warning.toml")
    as_of = pd.Timestamp(args.as_of) if args.as_of else reference_time(store)
    tables = load_tables(store)
    try:
        extra = _extra_rain(tables, args, as_of)
    except (RiskMapError, ValueError) as exc:
        print(f"错误 error: {exc}")
        return 1
    run = warn_county(tables, as_of=as_of, settings=settings, extra_rain=extra)
    if not args.json:
        _print(run)
        return 0
    print(json.dumps({"as_of": as_of.isoformat(), "method_version": run.method_version,
                      "counts": run.counts(),
                      "townships": _records(run.townships.reset_index()),
                      "evacuation": _records(run.evacuation)}, ensure_ascii=False, indent=2))
    return 0
