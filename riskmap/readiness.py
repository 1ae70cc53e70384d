"""``riskmap readiness``: who is on duty, what is due or short, and the sweeps' progress.

The same computations as the readiness and places pages (``analytics.readiness``,
``analytics.sweeps``), so the screen and this command give the same numbers.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from analytics.readiness import readiness_on
from analytics.sweeps import sweep_progress, window_days
from geodata.snapshot import Snapshot

TABLES = ("townships", "duty_roster", "emergency_plans", "rescue_teams", "supplies", "places",
          "hazard_ledger")


def readiness_report(snap: Snapshot, day: pd.Timestamp | None = None) -> dict:
    """Return the report: no one on duty, plans and teams due, shortfalls, sweep progress."""
    tables = snap.tables(TABLES)
    config = snap.settings.readiness
    state = readiness_on(tables, as_of=snap.as_of, settings=config, day=day)
    counts = snap.counts()
    progress = sweep_progress(tables["places"], tables["hazard_ledger"], as_of=snap.as_of,
                              window_days=window_days(snap.settings.risk),
                              domains=config.domains)
    plans, teams = state.plans, state.teams
    return {
        "as_of": snap.as_of.isoformat(), "day": f"{state.day:%Y-%m-%d}",
        "no_one_on_duty": state.nobody if counts.get("duty_roster") and state.covered
        else None,
        "plans_due_revision": plans.loc[plans["revision_due"], "plan_name"].tolist()
        if counts.get("emergency_plans") else None,
        "plans_due_drill": plans.loc[plans["drill_due"], "plan_name"].tolist()
        if counts.get("emergency_plans") else None,
        "teams_due_training": teams.loc[teams["training_due"], "team_name"].tolist()
        if counts.get("rescue_teams") else None,
        "supplies_short": state.short if counts.get("supplies") else None,
        "sweep_progress": progress,
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _line(label: str, items: list[str] | None) -> str:
    if items is None:
        return f"{label}: 未导入或未排到 not loaded or not planned"
    return f"{label}: {len(items)}" + (f" — {'、'.join(items)}" if items else "")


def run_readiness(snap: Snapshot, args: argparse.Namespace) -> int:
    """Print the readiness report (``--json``: as JSON)."""
    report = readiness_report(snap, pd.Timestamp(args.day) if args.day else None)
    short, progress = report["supplies_short"], report["sweep_progress"]
    if args.json:
        print(json.dumps({**report, "supplies_short": None if short is None
                          else _records(short), "sweep_progress": _records(progress)},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"应急准备 readiness · {report['day']} (as of {snap.as_of:%Y-%m-%d})")
    print(_line("无人值班 no one on duty", report["no_one_on_duty"]))
    print(_line("预案应修订 plans due for revision", report["plans_due_revision"]))
    print(_line("预案应演练 plans due for a drill", report["plans_due_drill"]))
    print(_line("队伍应训练 teams due for training", report["teams_due_training"]))
    if short is None:
        print("物资缺口 supplies short: 未导入 not loaded")
    else:
        print(f"物资缺口 supplies short: {len(short)}")
        if len(short):
            print(short.drop(columns="township_code").fillna("—").to_string(index=False))
    print("\n专项排查整治进度 sweep progress")
    shown = progress.copy()
    for share in ("inspected_share", "rectified_share"):
        shown[share] = shown[share].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}")
    print(shown.fillna("—").to_string(index=False) if len(shown) else "（无 none）")
    return 0
