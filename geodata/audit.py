"""The audit trail: who did what, when, from where — appended, never changed.

Every sign-in (and failed one), import, export and download, ledger change, backup and
restore, and account change writes one row of ``audit_log`` through ``record``. The store
refuses to replace, upsert or delete that table (``domain.schema.APPEND_ONLY``), a restore
leaves it as it is, and nothing in the application offers to edit it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pandas as pd

from domain.access import AccessDenied
from domain.schema import TABLES
from geodata.store import Store

ACTIONS: dict[str, tuple[str, str]] = {
    "sign_in": ("登录", "signed in"),
    "sign_in_failed": ("登录失败", "failed sign-in"),
    "locked": ("账号锁定", "account locked"),
    "sign_out": ("退出", "signed out"),
    "import": ("导入", "import"),
    "export": ("导出", "export"),
    "download": ("下载", "download"),
    "ledger_change": ("台账修改", "ledger change"),
    "ledger_register": ("隐患登记", "hazard registered"),
    "backup": ("备份", "backup"),
    "restore": ("恢复", "restore"),
    "migrate": ("迁移", "moved to another database"),
    "account": ("账号变更", "account change"),
    "refused": ("越权被拒", "refused"),
}
"""Audit action → (Chinese, English) label."""


def record(store: Store, user: str, action: str, detail: str = "", *, address: str = "",
           now: pd.Timestamp | None = None) -> None:
    """Append one row to the audit trail (``action`` one of ``ACTIONS``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    when = now or pd.Timestamp.now()
    row = {"event_id": f"{when:%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:8]}", "audit_time": when,
           "user_name": user or None, "audit_action": action, "audit_detail": detail or None,
           "client_address": address or None}
    store.write("audit_log", pd.DataFrame([row], columns=list(TABLES["audit_log"].columns)))


def search(store: Store, *, user: str = "", action: str = "", text: str = "",
           since: pd.Timestamp | None = None, until: pd.Timestamp | None = None
           ) -> pd.DataFrame:
    """Return the audit rows matching every filter given, latest first.

    ``user`` and ``text`` are looked for in the account name, and in the detail and the
    address (plain text, any case); ``until`` includes its whole day.
    """
    rows = store.read("audit_log", {"audit_action": action} if action else None)
    if user:
        rows = rows[rows["user_name"].fillna("").str.contains(user, case=False, regex=False)]
    if since is not None:
        rows = rows[rows["audit_time"] >= since]
    if until is not None:
        rows = rows[rows["audit_time"] < until.normalize() + pd.Timedelta(days=1)]
    if text:
        hay = rows["audit_detail"].fillna("") + " " + rows["client_address"].fillna("")
        rows = rows[hay.str.contains(text, case=False, regex=False)]
    return rows.sort_values("audit_time", ascending=False).reset_index(drop=True)


def refusing(store: Store, user: str, check: Callable[[], None], *, address: str = "") -> None:
    """Run ``check`` (a ``domain.access`` rule); a refusal is audited, then raised on."""
    try:
        check()
    except AccessDenied as exc:
        record(store, user, "refused", str(exc).split(" (")[0], address=address)
        raise
