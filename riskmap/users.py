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
from geodata.store import Store


def _password(args: argparse.Namespace) -> str:
    """The new password: from ``--password-file``, or typed twice."""
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").splitlines()[0]
    if not sys.stdin.isatty():
        raise RiskMapError("没有终端可输入口令：请用 --password-file (no terminal to type the "
                           "password on: use --password-file)")
    first = getpass.getpass("口令 password: ")
    if first != getpass.getpass("再输一次 again: "):
        raise RiskMapError("两次输入的口令不同 (the two passwords differ)")
    return first


def _scoped(args: argparse.Namespace) -> Account:
    return Account(args.name, args.role, department=args.unit or "",
                   township_code=args.township or "", display_name=args.display or "")


def _cmd_user(args: argparse.Namespace, db: Path) -> int:
    me, security = accounts.local_account(), load_settings().security
    with Store(db) as store:
        if args.verb == "list":
            print(accounts.listing(store).to_string(index=False))
            return 0
        if args.verb == "add":
            accounts.add(store, me, _scoped(args), _password(args), settings=security)
        elif args.verb == "role":
            accounts.set_role(store, me, _scoped(args))
        elif args.verb == "passwd":
            accounts.set_password(store, me, args.name, _password(args), settings=security)
        elif args.verb == "unlock":
            accounts.unlock(store, me, args.name)
        else:
            accounts.set_active(store, me, args.name, args.verb == "enable")
    print(f"账号 account {args.name}: {args.verb} ✓")
    return 0


def _cmd_audit(args: argparse.Namespace, db: Path) -> int:
    with Store(db, read_only=True) as store:
        rows = audit.search(store, user=args.user or "", action=args.action or "",
                            text=args.text or "",
                            since=pd.Timestamp(args.since) if args.since else None,
                            until=pd.Timestamp(args.until) if args.until else None)
    if args.csv:
        rows.to_csv(args.csv, index=False, encoding="utf-8-sig")
        print(f"审计日志 audit trail → {args.csv}: {len(rows):,} 行 rows")
    else:
        print(rows.head(args.show).to_string(index=False))
    return 0


def add_commands(sub: argparse._SubParsersAction,
                 add_db: Callable[[argparse.ArgumentParser], None],
                 db: Callable[[argparse.Namespace], Path]) -> None:
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
    for flag, text in (("--user", "one account"), ("--action", "one action: "
                       + ", ".join(audit.ACTIONS)), ("--text", "text in the detail or address"),
                       ("--since", "from this date"), ("--until", "to this date (inclusive)"),
                       ("--csv", "write the rows found to this CSV file")):
        trail.add_argument(flag, help=text)
    trail.add_argument("--show", type=int, default=50, help="rows printed (default 50)")
    add_db(trail)
    trail.set_defaults(func=lambda a: _cmd_audit(a, db(a)))
