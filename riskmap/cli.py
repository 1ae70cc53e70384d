"""The ``riskmap`` command: demo, info, import, export, backup, restore, score, warn, ledger.

Every command checks the database (migrating one of an older schema), then opens it only for
each read or write it makes, so commands run while the app is open (``geodata.connection``).
The commands that report (score, warn, ledger) take one ``Snapshot`` of it, as a page does:
the same as-of rule (``domain.asof``), the same settings, the same numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime

from domain.errors import RiskMapError
from domain.loading import how_to_load, missing, next_to_load, purpose
from domain.schema import ENTITY_TABLES, TABLES
from geodata import audit
from geodata.accounts import local_account
from geodata.config import load_settings
from geodata.snapshot import Snapshot
from geodata.store import Database, Store, database
from riskmap.users import add_commands, day


def _db(args: argparse.Namespace) -> Database:
    return database(args.db)


def _stale_demo(path: Database) -> bool:
    """Return whether ``path`` holds the demo made by an older generator (never real data)."""
    from geodata.demo import GENERATOR_VERSION

    try:
        with Store(path, read_only=True) as store:
            meta = store.meta()
    except RiskMapError:
        return False
    return (meta.get("dataset") == "demo"
            and meta.get("demo_generator_version") != GENERATOR_VERSION)


def _is_empty(path: Database, *, demo: bool = False) -> bool:
    """Return whether ``path`` is a database with no entity rows (False if unreadable).

    With ``demo``, a county's own database made by ``riskmap init`` is never empty: the demo
    does not fill it.
    """
    try:
        with Store(path) as store:
            real = demo and store.meta().get("dataset") == "real"
            return not real and not any(store.counts().values())
    except RiskMapError:
        return False


def _cmd_demo(args: argparse.Namespace) -> int:
    from geodata.demo import DEFAULT_SEED, build_demo_database

    path = _db(args)
    empty = path.exists() and not args.force and _is_empty(path, demo=True)
    stale = path.exists() and args.if_missing and _stale_demo(path)
    if stale:
        print(f"{path} 是旧版演示数据库，重新生成 is an older demo: building it again.")
    if path.exists() and args.if_missing and not empty and not stale:
        print(f"{path} 已存在 exists; 保留现有数据 keeping it.")
        if _demo_without_accounts(path):  # made before accounts existed
            _demo_account(path)
        return 0
    if path.exists() and not args.force and not empty and not stale:
        print(f"{path} 已存在 already exists: 用 --force 覆盖 (replaces ALL its data), "
              "或 --if-missing 保留 keep it.", file=sys.stderr)
        return 1
    counts = build_demo_database(path, seed=args.seed if args.seed is not None else DEFAULT_SEED,
                                 replace=args.force or empty or stale, size=args.size)
    print(f"演示{'省 demo province' if args.size == 'province' else '县 demo county'} → {path}")
    _print_counts(counts)
    _demo_account(path)
    return 0


def _demo_without_accounts(path: Database) -> bool:
    from geodata import accounts

    try:
        with Store(path) as store:
            return store.is_demo() and accounts.listing(store).empty
    except RiskMapError:  # not a database: left as it is
        return False


def _demo_account(path: Database) -> None:
    """Give a new demo database an administrator with a random password, printed once.

    Random on each machine (never a default password); lost, it is set again with
    ``riskmap user passwd admin``.
    """
    import secrets

    from domain.access import Account
    from geodata import accounts

    password = secrets.token_urlsafe(12)
    with Store(path) as store:
        accounts.add(store, local_account(), Account("admin", "admin", display_name="演示管理员"),
                     password, settings=load_settings().security)
    print(f"演示库登录 sign in to the demo: 账号 account admin · 口令 password {password}\n"
          f"  （随机生成，只显示这一次；忘记了用 riskmap user passwd admin 重设 — random, shown "
          f"once; set another with riskmap user passwd admin）")


def _print_counts(counts: dict[str, int]) -> None:
    width = max(len(name) for name in counts)
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>8,}  {TABLES[name].zh}")


def _cmd_info(args: argparse.Namespace) -> int:
    path = _db(args)
    if not path.exists():
        print(f"{path} 不存在 does not exist: run `riskmap demo` first.", file=sys.stderr)
        return 1
    with Store(path) as store:
        meta = store.meta()
        counts = store.counts(results=True)
    print(f"{path}  schema v{meta.get('schema_version')}  {meta.get('dataset_label', '')}")
    _print_counts(counts)
    todo = next_to_load(counts)
    if todo:
        print("\n接下来可导入 still to load (in a useful order):")
        for table in todo:
            print(f"  {table:<20} {purpose(table)}")
        print("  导入 load: riskmap import 表 文件 (TABLE FILE); 步骤 steps: docs/REAL-COUNTY.md")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    """Create an empty database for a real county (its name and code kept as metadata)."""
    path = _db(args)
    if path.exists():
        with Store(path) as store:  # a database it cannot open is named by the store
            held = any(store.counts().values())
    if path.exists() and held:
        print(f"{path} 已有数据 already holds data: 新县请用另一个文件 use another file "
              "(--db) for a new county.", file=sys.stderr)
        return 1
    if args.code and not (args.code.isdigit() and len(args.code) in (6, 12)):
        print(f"行政区划代码应为 6 或 12 位数字 the county code must be 6 or 12 digits: "
              f"{args.code!r}", file=sys.stderr)
        return 1
    with Store(path) as store:
        store.set_meta({"dataset": "real", "dataset_label": args.county,
                        "county_code": args.code or "",
                        "created": f"{datetime.now():%Y-%m-%d}"})
    print(f"已创建 created {path}：{args.county}（空库 empty）。第一步 first: riskmap import "
          f"townships 乡镇边界文件 --db {path}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from geodata.importer import ImportOptions, import_file
    from geodata.mapping import load_mapping

    mapping = load_mapping(args.mapping) if args.mapping else {}
    options = ImportOptions(crs=args.crs or mapping.get("crs"),
                            columns=mapping.get("columns", {}), values=mapping.get("values", {}),
                            defaults=mapping.get("defaults", {}),
                            sheet=args.sheet or mapping.get("sheet"), encoding=args.encoding,
                            dry_run=args.dry_run, skip_bad_rows=args.skip_bad_rows,
                            keep_outside=args.keep_outside,
                            replace_geometry=args.replace_geometry)
    with Store(_db(args)) as store:
        report = import_file(store, args.entity, args.file, options, who=local_account(),
                             progress=lambda m: print(m, file=sys.stderr, flush=True))
    print(report.summary(limit=args.show))
    if args.report:
        report.save(args.report)
        print(f"报告 report → {args.report}")
    blocked = report.blocked and not (args.skip_bad_rows and not report.table_errors())
    return 1 if blocked else 0


def _cmd_export(args: argparse.Namespace) -> int:
    from geodata.exporter import export_table

    with Store(_db(args)) as store:
        path = export_table(store, args.entity, args.file, lang=args.lang)
        audit.record(store, local_account().user_name, "export", f"{args.entity} → {path}")
    print(f"{args.entity} → {path}")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from geodata.backup import backup

    with Store(_db(args)) as store:
        counts = backup(store, args.file, who=local_account())
    print(f"备份 backup → {args.file}: {sum(counts.values()):,} 行 rows")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from geodata.backup import restore

    with Store(_db(args)) as store:
        if any(store.counts().values()) and not args.force:
            print(f"{store.db} 中已有数据 already holds data: 用 --force 以备份替换 "
                  "(replaces ALL of it).", file=sys.stderr)
            return 1
        counts = restore(store, args.file, who=local_account())
    print(f"已恢复 restored {args.file} → {_db(args)}")
    _print_counts(counts)
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from geodata.moving import move

    with Store(_db(args), read_only=True) as source, Store(args.to) as target:
        checks = move(source, target, who=local_account())
    width = max(len(c.table) for c in checks)
    for c in checks:
        print(f"  {c.table:<{width}}  {c.source_rows:>9,} → {c.target_rows:>9,}  "
              f"{'一致 same' if c.same else '不一致 DIFFERENT'}  {c.target_hash[:12]}")
    wrong = [c.table for c in checks if not c.same]
    if wrong:
        print(f"迁移后不一致 differ after the move: {', '.join(wrong)}", file=sys.stderr)
        return 1
    print(f"已迁移 moved {_db(args)} → {database(args.to)}: {len(checks)} 张表逐表核对一致 "
          f"(every table checked: row count and content hash)")
    print(f"佐证文件目录 evidence files: {database(args.to).files_dir / 'evidence'} "
          f"(RISKMAP_FILES; docs/DEPLOY.md)")
    return 0


def _snapshot(store: Store, args: argparse.Namespace) -> Snapshot:
    """Return the command's one snapshot: settings, ``--as-of``, table versions."""
    return Snapshot.take(store, load_settings(risk=getattr(args, "config", None)),
                         given=getattr(args, "as_of", None))


def _needs(snap: Snapshot, *tables: str) -> bool:
    """Say on standard error which of ``tables`` are empty and how to load them.

    Returns whether all of them hold data.
    """
    absent = missing(snap.counts(), tables)
    for table in absent:
        print(f"riskmap: 还没有“{TABLES[table].zh}” ({table})：{purpose(table)}。"
              f"{how_to_load(table)}。No {table} yet: {how_to_load(table, 'en')}.",
              file=sys.stderr)
    return not absent


def _cmd_score(args: argparse.Namespace) -> int:
    from riskmap.scoring import run_score

    with Store(_db(args)) as store:
        snap = _snapshot(store, args)
        return run_score(snap, args) if _needs(snap, "townships") else 1


def _add_score(sub: argparse._SubParsersAction) -> None:
    score = sub.add_parser("score", help="score every township; print the ranked table")
    score.add_argument("--config", help="risk configuration (default config/risk.toml)")
    _add_as_of(score)
    score.add_argument("--json", help="write the results with explanations as JSON")
    score.add_argument("--csv", help="write the ranked table as CSV (UTF-8 with BOM)")
    score.add_argument("--save", action="store_true", help="keep the results in the database")
    score.add_argument("--no-robustness", action="store_true",
                       help="skip the Monte-Carlo rank intervals")
    _add_db(score)
    score.set_defaults(func=_cmd_score)


def _cmd_warn(args: argparse.Namespace) -> int:
    from riskmap.warn import run_warn

    with Store(_db(args)) as store:
        snap = _snapshot(store, args)
        if not _needs(snap, "townships", "geohazard_sites"):
            return 1 if not snap.counts().get("townships") else 0  # no site: nothing to warn
        return run_warn(snap, args)


def _add_warn(sub: argparse._SubParsersAction) -> None:
    warn = sub.add_parser("warn", help="geohazard warning levels and the evacuation list")
    warn.add_argument("--rain", help="rainfall file (CSV/XLSX/GeoJSON; per township, site or "
                                     "grid point) used with the stored rainfall, not stored")
    warn.add_argument("--scenario-mm", type=float,
                      help="hand-entered scenario: this much rain (mm) over the next hours")
    warn.add_argument("--scenario-hours", type=int, default=24, choices=(24, 48, 72),
                      help="the scenario's window (default 24)")
    warn.add_argument("--region", default="all",
                      choices=("all", "north", "south", "east", "west"),
                      help="townships the scenario covers (default: all)")
    _add_as_of(warn)
    warn.add_argument("--json", action="store_true", help="print JSON instead of a table")
    warn.add_argument("--evacuation", help="also write the evacuation list (.xlsx, print-ready, "
                                           "or .csv)")
    warn.add_argument("--message", help="also write a short text for the duty officer: "
                                        "levels, and who moves per township (.txt)")
    _add_db(warn)
    warn.set_defaults(func=_cmd_warn)


def _cmd_brief(args: argparse.Namespace) -> int:
    from riskmap.brief import run_brief

    with Store(_db(args)) as store:
        snap = _snapshot(store, args)
        return run_brief(snap, args) if _needs(snap, "townships") else 1


def _add_brief(sub: argparse._SubParsersAction) -> None:
    brief = sub.add_parser("brief", help="the meeting briefing (通报) as Word or PDF, with maps")
    brief.add_argument("--out", required=True, help="the file to write: .docx or .pdf")
    brief.add_argument("--since", type=day,
                       help="compare with the scoring kept on or before this day "
                            "(default: config/brief.toml meeting_interval_days)")
    brief.add_argument("--format", choices=("png",),
                       help="png: also write each map as an image beside --out, for slides")
    _add_as_of(brief)
    _add_db(brief)
    brief.set_defaults(func=_cmd_brief)


def _cmd_readiness(args: argparse.Namespace) -> int:
    from riskmap.readiness import run_readiness

    with Store(_db(args)) as store:
        snap = _snapshot(store, args)
        return run_readiness(snap, args) if _needs(snap, "townships") else 1


def _add_readiness(sub: argparse._SubParsersAction) -> None:
    ready = sub.add_parser("readiness", help="who is on duty, plans and teams due, supplies "
                                             "short, the sweeps' progress")
    ready.add_argument("--day", type=day, help="the duty day (default: the as-of day)")
    _add_as_of(ready)
    ready.add_argument("--json", action="store_true", help="print JSON instead of tables")
    _add_db(ready)
    ready.set_defaults(func=_cmd_readiness)


def _cmd_ledger(args: argparse.Namespace) -> int:
    from riskmap import ledger

    run = {"overdue": ledger.run_overdue, "priorities": ledger.run_priorities,
           "export": ledger.run_export}[args.ledger_command]
    with Store(_db(args)) as store:
        snap = _snapshot(store, args)
        if not _needs(snap, "townships", "hazard_ledger") and not snap.counts().get(
                "townships"):
            return 1
        return run(snap, args)  # an empty ledger still lists (nothing)


def _add_ledger(sub: argparse._SubParsersAction) -> None:
    ledger = sub.add_parser("ledger", help="hazard ledger: overdue, priorities, Excel ledger")
    verbs = ledger.add_subparsers(dest="ledger_command", required=True)
    overdue = verbs.add_parser("overdue", help="overdue hazards by department; overdue majors")
    overdue.add_argument("--json", action="store_true",
                         help="the count, by department and the overdue majors as JSON")
    prio = verbs.add_parser("priorities", help="open hazards by rectification priority")
    prio.add_argument("--budget", type=float, help="万元: choose what to fix within it")
    prio.add_argument("--top", type=int, default=30, help="rows to print (default 30)")
    prio.add_argument("--json", action="store_true", help="print JSON")
    export = verbs.add_parser("export", help="the ledger as the conventional Excel workbook")
    export.add_argument("file", help="FILE.xlsx")
    for verb in (overdue, prio, export):
        _add_db(verb)
        _add_as_of(verb)
    ledger.set_defaults(func=_cmd_ledger)


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=day,
                        help="the day (YYYY-MM-DD) or time (YYYY-MM-DD HH:MM) to report for; "
                             "default: the data's reference day, as on the pages (the demo's "
                             "own date, else today). The ledger's statuses are those stored "
                             "now: a past day's are not rebuilt from the history")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file or postgresql:// URL (default: $RISKMAP_DB or "
                        "data/riskmap.duckdb)")


def _add_transfer(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="import a file into a table (all or nothing)")
    imp.add_argument("entity", choices=ENTITY_TABLES, metavar="ENTITY")
    imp.add_argument("file")
    imp.add_argument("--crs", help="coordinates in: EPSG:xxxx (e.g. Gauss–Krüger), gcj02, bd09")
    imp.add_argument("--mapping", help="TOML file: [columns], [values.FIELD], crs, sheet")
    imp.add_argument("--sheet", help="only this sheet of a workbook")
    imp.add_argument("--encoding", help="text encoding, when detection should be skipped")
    imp.add_argument("--dry-run", action="store_true", help="report changes, write nothing")
    imp.add_argument("--skip-bad-rows", action="store_true",
                     help="write the good rows, report the bad ones")
    imp.add_argument("--keep-outside", action="store_true",
                     help="also store rows located outside the county (left out by default)")
    imp.add_argument("--replace-geometry", action="store_true",
                     help="replace stored township boundaries even when their area changes "
                          "much or the new shape had to be repaired")
    imp.add_argument("--report", help="save the problem list as .xlsx or .csv")
    imp.add_argument("--show", type=int, default=30, help="problems to print (default 30)")
    _add_db(imp)
    imp.set_defaults(func=_cmd_import)
    exp = sub.add_parser("export", help="export a table: .gpkg .geojson .shp .xlsx .csv")
    exp.add_argument("entity", choices=ENTITY_TABLES, metavar="ENTITY")
    exp.add_argument("file")
    exp.add_argument("--lang", choices=["zh", "en"], default="zh", help="header language")
    _add_db(exp)
    exp.set_defaults(func=_cmd_export)
    bak = sub.add_parser("backup", help="write the whole database to one file")
    bak.add_argument("file")
    _add_db(bak)
    bak.set_defaults(func=_cmd_backup)
    res = sub.add_parser("restore", help="replace the database content with a backup")
    res.add_argument("file")
    res.add_argument("--force", action="store_true", help="replace existing data")
    _add_db(res)
    res.set_defaults(func=_cmd_restore)
    mig = sub.add_parser("migrate", help="copy everything (history, accounts, audit, evidence "
                         "files) into another, empty database and check each table")
    mig.add_argument("--to", required=True, metavar="DATABASE",
                     help="the target: postgresql://user@host:port/dbname, or a new file")
    _add_db(mig)
    mig.set_defaults(func=_cmd_migrate)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``riskmap`` command."""
    parser = argparse.ArgumentParser(prog="riskmap",
                                     description="县域安全风险一张图 County Risk Map")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create an empty database for a real county")
    init.add_argument("--county", required=True, help="the county's name, e.g. 某某县")
    init.add_argument("--code", help="its administrative code (6 or 12 digits), optional")
    _add_db(init)
    init.set_defaults(func=_cmd_init)
    demo = sub.add_parser("demo", help="create the fictional demo county 演示县")
    _add_db(demo)
    demo.add_argument("--seed", type=int, help="random seed (default 42)")
    demo.add_argument("--size", choices=("county", "province"), default="county",
                      help="county (default) or province: 75 demo counties side by side, "
                           "1,500 townships, 12,000 sites, 300,000 ledger rows")
    group = demo.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="replace an existing database")
    group.add_argument("--if-missing", action="store_true",
                       help="do nothing when the database exists")
    demo.set_defaults(func=_cmd_demo)
    info = sub.add_parser("info", help="print the row count of every table")
    _add_db(info)
    info.set_defaults(func=_cmd_info)
    _add_transfer(sub)
    _add_score(sub)
    _add_warn(sub)
    _add_brief(sub)
    _add_ledger(sub)
    _add_readiness(sub)
    add_commands(sub, _add_db, _db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except RiskMapError as exc:
        print(f"riskmap: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped (`riskmap … | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
