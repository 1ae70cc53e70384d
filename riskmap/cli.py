"""The ``riskmap`` command: create the demo database and report what a database holds."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from geodata.errors import RiskMapError
from geodata.schema import TABLES
from geodata.store import Store, default_db_path


def _cmd_demo(args: argparse.Namespace) -> int:
    from geodata.demo import DEFAULT_SEED, build_demo_database

    path = Path(args.db) if args.db else default_db_path()
    if path.exists() and args.if_missing:
        print(f"{path} 已存在 exists; 保留现有数据 keeping it.")
        return 0
    if path.exists() and not args.force:
        print(f"{path} 已存在 already exists: 用 --force 覆盖 (replaces ALL its data), "
              "或 --if-missing 保留 keep it.", file=sys.stderr)
        return 1
    counts = build_demo_database(path, seed=args.seed if args.seed is not None else DEFAULT_SEED,
                                 replace=args.force)
    print(f"演示县 demo county → {path}")
    _print_counts(counts)
    return 0


def _print_counts(counts: dict[str, int]) -> None:
    width = max(len(name) for name in counts)
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>8,}  {TABLES[name].zh}")


def _cmd_info(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else default_db_path()
    if not path.exists():
        print(f"{path} 不存在 does not exist: run `riskmap demo` first.", file=sys.stderr)
        return 1
    with Store(path, read_only=True) as store:
        meta = store.meta()
        counts = store.counts()
    print(f"{path}  schema v{meta.get('schema_version')}  {meta.get('dataset_label', '')}")
    _print_counts(counts)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``riskmap`` command."""
    parser = argparse.ArgumentParser(prog="riskmap",
                                     description="县域安全风险一张图 County Risk Map")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="create the fictional demo county 演示县")
    demo.add_argument("--db", help="database file (default: $RISKMAP_DB or data/riskmap.duckdb)")
    demo.add_argument("--seed", type=int, help="random seed (default 42)")
    group = demo.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="replace an existing database")
    group.add_argument("--if-missing", action="store_true",
                       help="do nothing when the database exists")
    demo.set_defaults(func=_cmd_demo)
    info = sub.add_parser("info", help="print the row count of every table")
    info.add_argument("--db", help="database file (default: $RISKMAP_DB or data/riskmap.duckdb)")
    info.set_defaults(func=_cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except RiskMapError as exc:
        print(f"riskmap: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
