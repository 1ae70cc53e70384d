"""Tests' sign-in: page tests run as a signed-in account (an administrator unless told)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from domain.access import Account
from ui.auth import ACCOUNT_KEY

ADMIN = Account("测试管理员", "admin", display_name="测试")


def signed_in(at: AppTest, who: Account = ADMIN) -> AppTest:
    """Return ``at`` with ``who`` signed in to its session (as ``ui.auth.start_session``)."""
    now = pd.Timestamp.now()
    at.session_state[ACCOUNT_KEY] = {**asdict(who), "since": now, "seen": now}
    return at


def page_app(path: str, *, who: Account = ADMIN, **options: Any) -> AppTest:
    """``AppTest.from_file`` with ``who`` signed in."""
    return signed_in(AppTest.from_file(path, **options), who)


def function_app(function: Any, *, who: Account = ADMIN, **options: Any) -> AppTest:
    """``AppTest.from_function`` with ``who`` signed in."""
    return signed_in(AppTest.from_function(function, **options), who)
