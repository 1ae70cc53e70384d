"""Who may see and change what: accounts, roles and the rules every write checks.

Five roles (``ROLES``). Everyone signed in sees everything; what each may change:

- ``viewer`` (领导): nothing (the meeting screen runs as such an account);
- ``department`` (部门): ledger rows whose lead (牵头) or responsible (责任) unit is theirs,
  and new rows registered for it;
- ``township`` (乡镇): ledger rows in their township, and new rows registered there;
- ``geology`` (自然资源): imports of geohazard sites, events, monitoring and rainfall;
- ``admin`` (管理员): accounts, every import, backup and restore, configuration, and any
  ledger row.

The rules are pure functions of an ``Account`` and the row or table; ``geodata`` calls them
inside every write (``geodata.ledger``, ``geodata.importer``, ``geodata.backup``,
``geodata.accounts``), so a refused change is refused whichever page or command asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import RiskMapError
from domain.workflow import Identity

ROLES: dict[str, tuple[str, str]] = {
    "viewer": ("领导（只读）", "Viewer (read only)"),
    "department": ("部门填报", "Department editor"),
    "township": ("乡镇填报", "Township editor"),
    "geology": ("自然资源", "Natural resources staff"),
    "admin": ("管理员", "Administrator"),
}
"""Role key → (Chinese, English) label."""

GEOLOGY_TABLES = ("geohazard_sites", "geohazard_events", "monitoring_readings", "rainfall")
"""The tables natural-resources staff import (sites, monitoring, rainfall and warnings)."""


class AccessDenied(RiskMapError):
    """The signed-in account may not make this change; nothing was written."""


@dataclass(frozen=True)
class Account:
    """A signed-in user: account name, role and the unit the role is scoped to.

    Attributes:
        user_name: The account's name (unique; recorded on every change).
        role: One of ``ROLES``.
        department: A department editor's unit (as the ledger names it).
        township_code: A township editor's township.
        display_name: The person's name, for the screen.
    """

    user_name: str
    role: str
    department: str = ""
    township_code: str = ""
    display_name: str = ""

    def __post_init__(self) -> None:
        """Refuse an unknown role."""
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles: {', '.join(ROLES)}")

    @property
    def identity(self) -> Identity:
        """Who the ledger's events record: the account name and its unit."""
        return Identity(self.user_name, self.department)

    def role_label(self, lang: str = "zh") -> str:
        """The role's name in ``lang``."""
        zh, en = ROLES[self.role]
        return zh if lang == "zh" else en


def _denied(account: Account, what: str) -> AccessDenied:
    return AccessDenied(f"账号 {account.user_name}（{account.role_label()}）无权{what[0]}；"
                        f"未保存任何内容 (account {account.user_name}, {account.role_label('en')}, "
                        f"may not {what[1]}; nothing was saved)")


def may_handle(account: Account, row: Mapping[str, Any]) -> bool:
    """Return whether ``account`` may change (or register) the ledger row ``row``."""
    if account.role == "admin":
        return True
    if account.role == "department":
        return bool(account.department) and account.department in (
            row.get("lead_department"), row.get("responsible_unit"))
    if account.role == "township":
        return bool(account.township_code) and row.get("township_code") == account.township_code
    return False


def require_handle(account: Account, rows: list[Mapping[str, Any]]) -> None:
    """Refuse unless ``account`` may change every row of ``rows``, naming those it may not."""
    refused = [r for r in rows if not may_handle(account, r)]
    if not refused:
        return
    scope = account.department or account.township_code or "本账号"
    rule = ("牵头单位或责任单位须为" if account.role == "department" else "须在")
    if any(not r.get("hazard_id") for r in refused):  # a registration
        raise _denied(account, (f"以此登记隐患（{rule}{scope}）",
                                f"register this hazard (it must be {scope}'s)"))
    ids = [str(r["hazard_id"]) for r in refused]
    raise _denied(account, (f"修改隐患 {'、'.join(ids)}（{rule}{scope}）",
                            f"change hazard {', '.join(ids)} (not {scope}'s)"))


def may_import(account: Account, table: str) -> bool:
    """Return whether ``account`` may import into ``table``."""
    return account.role == "admin" or (account.role == "geology" and table in GEOLOGY_TABLES)


def require_import(account: Account, table: str) -> None:
    """Refuse unless ``account`` may import into ``table``."""
    if not may_import(account, table):
        raise _denied(account, (f"导入“{table}”", f"import into {table}"))


def require_admin(account: Account, what: tuple[str, str]) -> None:
    """Refuse unless ``account`` is an administrator; ``what`` (Chinese, English) is named."""
    if account.role != "admin":
        raise _denied(account, what)


def may_edit(account: Account) -> bool:
    """Return whether ``account`` may change anything in the ledger at all."""
    return account.role in ("admin", "department", "township")
