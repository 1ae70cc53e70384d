"""``riskmap user`` (accounts) and ``riskmap audit`` (the audit trail), run on the server.

A command acts as the server's administrator (``geodata.accounts.local_account``): whoever
can run it can open the database file anyway. Passwords are asked twice without echo, or
read from the first line of ``--password-file`` (for scripts); never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from domain.access import ROLES, Account
from domain.errors import RiskMapError
from geodata import accounts, audit
from geodata.config import load_settings
from geodata.store import Database, Store


def _password(args: argparse.Namespace) -> str:
    """The new password: from ``--password-file``, or typed twice."""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise RiskMapError(f"无法读取口令文件 cannot read the password file: {exc}") from exc
        if not lines or not lines[0]:
            raise RiskMapError(f"口令文件的第一行是空的 (the first line of "
                               f"{args.password_file} is empty)")
        return lines[0]
    if not sys.stdin.isatty():
        raise RiskMapError("没有终端可输入口令：请用 --password-file (no terminal to type the "
                           "password on: use --password-file)")
    first = getpass.getpass("口令 password: ")
    if first != getpass.getpass("再输一次 again: "):
        raise RiskMapError("两次输入的口令不同 (the two passwords differ)")
    return first


def day(text: str) -> str:
    """An argparse type: a date or time pandas reads, kept as typed; else a clear refusal."""
    try:
        pd.Timestamp(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"不是有效的日期 not a valid date: {text!r} (YYYY-MM-DD or YYYY-MM-DD HH:MM)"
        ) from None
    return text


def _scoped(args: argparse.Namespace) -> Account:
    return Account(args.name, args.role, department=args.unit or "",
                   township_code=args.township or "", display_name=args.display or "")


def _cmd_user(args: argparse.Namespace, db: Database) -> int:
    me, security = accounts.local_account(), load_settings().security
    with Store(db) as store:
        if args.verb == "list":
            listing = accounts.listing(store)
            print(listing.to_string(index=False) if len(listing) else "还没有账号 (no accounts)")
            return 0
        warnings: list[str] = []
        if args.verb == "add":
            warnings = accounts.add(store, me, _scoped(args), _password(args),
                                    settings=security)
        elif args.verb == "role":
            warnings = accounts.set_role(store, me, _scoped(args))
        elif args.verb == "passwd":
            accounts.set_password(store, me, args.name, _password(args), settings=security)
        elif args.verb == "unlock":
            accounts.unlock(store, me, args.name)
        else:
            accounts.set_active(store, me, args.name, args.verb == "enable")
    for warning in warnings:
        print(f"注意 note: {warning}")
    print(f"账号 account {args.name}: {args.verb} ✓")
    return 0


def _cmd_audit(args: argparse.Namespace, db: Database) -> int:
    with Store(db, read_only=True) as store:
        rows = audit.search(store, user=args.user or "", action=args.action or "",
                            text=args.text or "",
                            since=pd.Timestamp(args.since) if args.since else None,
                            until=pd.Timestamp(args.until) if args.until else None)
    if args.csv:
        rows.to_csv(args.csv, index=False, encoding="utf-8-sig")
        print(f"审计日志 audit trail → {args.csv}: {len(rows):,} 行 rows")
    elif rows.empty:
        print("没有符合条件的记录 (no rows match)")
    else:
        print(rows.head(args.show).fillna("").to_string(index=False))
    return 0


def add_commands(sub: argparse._SubParsersAction,
                 add_db: Callable[[argparse.ArgumentParser], None],
                 db: Callable[[argparse.Namespace], Database]) -> None:
    """Add ``user`` and ``audit`` to the ``riskmap`` parser.

    ``add_db`` adds the ``--db`` option, ``db`` returns the database path it names.
    """
    user = sub.add_parser("user", help="accounts: add, list, role, passwd, unlock, "
                                       "disable, enable")
    verbs = user.add_subparsers(dest="verb", required=True)
    add_db(verbs.add_parser("list", help="every account (no password hashes)"))
    for verb, text in (("add", "add an account (password asked twice, or --password-file)"),
                       ("role", "give an account another role or unit")):
        part = verbs.add_parser(verb, help=text)
        part.add_argument("name")
        part.add_argument("--role", required=True, choices=list(ROLES))
        part.add_argument("--unit", help="a department editor's department (as the ledger "
                                         "names it)")
        part.add_argument("--township", help="a township editor's 12-digit township code")
        part.add_argument("--display", help="the person's name, for the screen")
        if verb == "add":
            part.add_argument("--password-file", help="read the password from this file")
        add_db(part)
    for verb, text in (("passwd", "set an account's password"),
                       ("unlock", "lift a lock after wrong passwords"),
                       ("disable", "stop an account signing in (its history stays)"),
                       ("enable", "let a disabled account sign in again")):
        part = verbs.add_parser(verb, help=text)
        part.add_argument("name")
        if verb == "passwd":
            part.add_argument("--password-file", help="read the password from this file")
        add_db(part)
    user.set_defaults(func=lambda a: _cmd_user(a, db(a)))
    trail = sub.add_parser("audit", help="search the audit trail; --csv exports it")
    for flag, text in (("--user", "accounts whose name holds this text"),
                       ("--text", "text in the detail or address"),
                       ("--csv", "write the rows found to this CSV file")):
        trail.add_argument(flag, help=text)
    trail.add_argument("--action", choices=list(audit.ACTIONS), help="one kind of action")
    trail.add_argument("--since", type=day, help="from this date")
    trail.add_argument("--until", type=day, help="to this date (inclusive)")
    trail.add_argument("--show", type=int, default=50, help="rows printed (default 50)")
    add_db(trail)
    trail.set_defaults(func=lambda a: _cmd_audit(a, db(a)))
