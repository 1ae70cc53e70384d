"""Accounts: adding them, signing in with lockout, roles, passwords — each change audited.

Passwords are kept only as Argon2id hashes (``argon2-cffi``, memory-hard); a password is
never written to the database, a log or the audit trail. There is no default account: the
first administrator is made on the server with ``riskmap user add NAME --role admin``.
Every change here needs an administrator (``domain.access.require_admin``), except signing
in and changing one's own password.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import replace

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.access import ROLES, Account, require_admin
from domain.errors import RiskMapError
from domain.schema import TABLES
from domain.settings.security import SecuritySettings
from geodata import audit
from geodata.store import Store

_HASHER = PasswordHasher()  # Argon2id, the library's defaults (64 MiB, 3 passes)
_SHOWN = ["user_name", "display_name", "role", "unit", "township_code", "failed_sign_ins",
          "locked_until", "created_at", "active"]


class SignInError(RiskMapError):
    """A sign-in refused: unknown account or wrong password (not told apart), or locked."""


def local_account() -> Account:
    """The account of a command run on the server: an administrator named by the OS user.

    Whoever can run commands there can open the database file anyway (docs/SECURITY.md).
    """
    return Account(f"{getpass.getuser()}@{socket.gethostname()}（命令行 CLI）", "admin")


def _row(store: Store, name: str) -> dict | None:
    rows = store.read("accounts", {"user_name": name})
    return None if rows.empty else rows.iloc[0].to_dict()


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _account(row: dict) -> Account:
    return Account(row["user_name"], row["role"], _text(row.get("unit")),
                   _text(row.get("township_code")), _text(row.get("display_name")))


def _save(store: Store, row: dict) -> None:
    frame = pd.DataFrame([row]).reindex(columns=list(TABLES["accounts"].columns))
    store.write("accounts", frame, mode="upsert")


def check_password(password: str, settings: SecuritySettings) -> None:
    """Refuse a password shorter than the configured minimum."""
    if len(password) < settings.min_password_length:
        raise RiskMapError(f"口令至少 {settings.min_password_length} 位 (a password needs at "
                           f"least {settings.min_password_length} characters)")


def add(store: Store, by: Account, account: Account, password: str, *,
        settings: SecuritySettings, address: str = "") -> list[str]:
    """Add ``account`` with ``password`` (an administrator's change).

    Returns warnings to show (a unit no ledger row names yet).
    """
    audit.refusing(store, by.user_name, lambda: require_admin(by, ("添加账号", "add accounts")),
                   address=address)
    if not account.user_name or account.user_name != account.user_name.strip():
        raise RiskMapError(f"账号名不能为空或以空格开头、结尾 (an account name cannot be empty "
                           f"or start or end with a space): {account.user_name!r}")
    if _row(store, account.user_name) is not None:
        raise RiskMapError(f"账号 {account.user_name} 已存在 (account exists)")
    check_password(password, settings)
    account = _scoped(account)
    warnings = _check_scope(store, account)
    _save(store, {"user_name": account.user_name, "display_name": account.display_name or None,
                  "role": account.role, "unit": account.department or None,
                  "township_code": account.township_code or None,
                  "password_hash": _HASHER.hash(password), "failed_sign_ins": 0,
                  "locked_until": None, "created_at": pd.Timestamp.now().floor("s"),
                  "active": True})
    scope = " ".join(filter(None, (account.role, account.department, account.township_code)))
    audit.record(store, by.user_name, "account", f"添加 add {account.user_name} ({scope})",
                 address=address)
    return warnings


def _scoped(account: Account) -> Account:
    """``account`` with a township only if it is a township editor's.

    Its unit (单位) is kept for any role: events record it, and only a department editor's
    rights depend on it.
    """
    return replace(account, township_code=account.township_code
                   if account.role == "township" else "")


def _check_scope(store: Store, account: Account) -> list[str]:
    """Refuse a role without its scope, or an unknown township; warn of an unknown unit."""
    if account.role == "department" and not account.department:
        raise RiskMapError("部门填报账号须指定单位 (a department editor needs --unit)")
    if account.role == "township" and not account.township_code:
        raise RiskMapError("乡镇填报账号须指定乡镇代码 (a township editor needs --township)")
    if account.role == "township":
        towns = store.read("townships")["township_code"]
        if len(towns) and account.township_code not in set(towns):
            raise RiskMapError(f"没有乡镇代码 {account.township_code} (no such township)")
    if account.role == "department":
        ledger = store.read("hazard_ledger")
        units = set(ledger["lead_department"]) | set(ledger["responsible_unit"])
        if len(ledger) and account.department not in units:
            return [f"台账中还没有单位“{account.department}”的隐患：请核对名称与台账一致 "
                    f"(no ledger row names {account.department!r} yet: check the spelling)"]
    return []


def sign_in(store: Store, name: str, password: str, *, settings: SecuritySettings,
            address: str = "", now: pd.Timestamp | None = None) -> Account:
    """Return the account ``name`` if ``password`` is its own; count and lock on failures.

    Raises:
        SignInError: Unknown, inactive or locked account, or wrong password; audited.
    """
    now = now or pd.Timestamp.now()
    row = _row(store, name)
    wrong = SignInError("账号或口令不正确 (wrong account name or password)")
    if row is None or not row["active"]:
        audit.record(store, name, "sign_in_failed", "未知或停用账号 unknown or inactive",
                     address=address, now=now)
        raise wrong
    locked = row["locked_until"]
    if locked is not None and not pd.isna(locked) and pd.Timestamp(locked) > now:
        audit.record(store, name, "sign_in_failed", "账号锁定中 locked", address=address,
                     now=now)
        raise SignInError(f"账号已锁定至 {pd.Timestamp(locked):%H:%M}，请稍后再试或请管理员解锁 "
                          f"(account locked until {pd.Timestamp(locked):%H:%M})")
    try:
        _HASHER.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        _failed(store, row, settings, address, now)
        raise wrong from None
    if _HASHER.check_needs_rehash(row["password_hash"]):
        row["password_hash"] = _HASHER.hash(password)
    _save(store, {**row, "failed_sign_ins": 0, "locked_until": None})
    audit.record(store, name, "sign_in", address=address, now=now)
    return _account(row)


def _failed(store: Store, row: dict, settings: SecuritySettings, address: str,
            now: pd.Timestamp) -> None:
    count = int(row["failed_sign_ins"] or 0) + 1
    lock = count >= settings.lockout_failures
    until = now + pd.Timedelta(minutes=settings.lockout_minutes) if lock else None
    _save(store, {**row, "failed_sign_ins": 0 if lock else count, "locked_until": until})
    audit.record(store, row["user_name"], "sign_in_failed", f"口令错误 wrong password ({count})",
                 address=address, now=now)
    if lock:
        audit.record(store, row["user_name"], "locked",
                     f"连续 {count} 次失败，锁定至 locked until {until:%Y-%m-%d %H:%M}",
                     address=address, now=now)
        raise SignInError(f"口令错误次数过多，账号已锁定至 {until:%H:%M}，请稍后再试或请管理员解锁 "
                          f"(too many wrong passwords: locked until {until:%H:%M})")


def active_account(store: Store, name: str) -> Account | None:
    """Return the active account ``name`` (single sign-on: no password asked), or None."""
    row = _row(store, name)
    return _account(row) if row is not None and row["active"] else None


def _change(store: Store, by: Account, name: str, what: str, address: str,
            **values: object) -> None:
    if by.user_name != name or set(values) - {"password_hash", "failed_sign_ins",
                                               "locked_until"}:
        audit.refusing(store, by.user_name,  # one's own password: anyone
                       lambda: require_admin(by, ("修改账号", "change accounts")),
                       address=address)
    row = _row(store, name)
    if row is None:
        raise RiskMapError(f"没有账号 {name} (no account {name})")
    _save(store, {**row, **values})
    audit.record(store, by.user_name, "account", f"{what} {name}", address=address)


def _keep_an_administrator(store: Store, by: Account, name: str) -> None:
    """Refuse to take the last active administrator's rights (nobody could manage accounts)."""
    rows = store.read("accounts")
    admins = set(rows.loc[(rows["role"] == "admin") & rows["active"], "user_name"])
    if admins <= {name}:
        raise RiskMapError(f"{name} 是唯一的管理员，不能停用或改为其他角色 (the only "
                           f"administrator cannot be disabled or given another role)")
    if by.user_name == name:
        raise RiskMapError("不能停用自己或取消自己的管理员角色，请由另一位管理员操作 (ask another "
                           "administrator)")


def set_role(store: Store, by: Account, account: Account, *, address: str = "") -> list[str]:
    """Give ``account.user_name`` the role and scope of ``account``; return warnings."""
    account = _scoped(account)
    warnings = _check_scope(store, account)
    row = _row(store, account.user_name)
    if row is not None and row["role"] == "admin" and account.role != "admin":
        _keep_an_administrator(store, by, account.user_name)
    _change(store, by, account.user_name,
            f"角色 role → {account.role} {account.department or account.township_code}".strip(),
            address, role=account.role, unit=account.department or None,
            township_code=account.township_code or None)
    return warnings


def set_password(store: Store, by: Account, name: str, password: str, *,
                 settings: SecuritySettings, address: str = "") -> None:
    """Set the password of ``name``: an administrator's change, or one's own."""
    check_password(password, settings)
    _change(store, by, name, "口令 password", address, password_hash=_HASHER.hash(password),
            failed_sign_ins=0, locked_until=None)


def unlock(store: Store, by: Account, name: str, *, address: str = "") -> None:
    """Lift the lock of ``name`` (after too many wrong passwords)."""
    _change(store, by, name, "解锁 unlock", address, failed_sign_ins=0, locked_until=None)


def set_active(store: Store, by: Account, name: str, active: bool, *,
               address: str = "") -> None:
    """Enable or disable ``name`` (a disabled account cannot sign in; its history stays).

    A disabled account's open sessions end at their next step (``ui.auth.current``).
    """
    row = _row(store, name)
    if not active and row is not None and row["role"] == "admin":
        _keep_an_administrator(store, by, name)
    _change(store, by, name, "启用 enable" if active else "停用 disable", address,
            active=active)


def listing(store: Store) -> pd.DataFrame:
    """Return every account without its password hash."""
    rows = store.read("accounts")[_SHOWN].sort_values("user_name").reset_index(drop=True)
    return rows.assign(locked_until=rows["locked_until"].dt.strftime("%Y-%m-%d %H:%M")
                       .fillna(""), **{c: rows[c].fillna("") for c in (
                           "display_name", "unit", "township_code")})


def role_names(lang: str = "zh") -> dict[str, str]:
    """Role key → its label in ``lang``."""
    return {k: (zh if lang == "zh" else en) for k, (zh, en) in ROLES.items()}
