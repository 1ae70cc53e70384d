"""Tests' sign-in: page tests run as a signed-in account (an administrator unless told)."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from domain.access import Account
from geodata import accounts
from geodata.config import load_settings
from geodata.store import DB_ENV, Store, database
from ui.auth import ACCOUNT_KEY

ADMIN = Account("测试管理员", "admin", display_name="测试")


def _stored(who: Account) -> None:
    """Give the database the app will open (``RISKMAP_DB``) the account ``who``, if missing.

    The app reads the signed-in account again on every rerun: one the database does not
    hold is signed out.
    """
    given = os.environ.get(DB_ENV)
    if not given or not database(given).exists():
        return
    with Store(given) as store:
        if accounts.active_account(store, who.user_name) is None:
            accounts.add(store, accounts.local_account(), who, "test-password-1",
                         settings=load_settings().security)


def signed_in(at: AppTest, who: Account = ADMIN) -> AppTest:
    """Return ``at`` with ``who`` signed in to its session (as ``ui.auth.start_session``)."""
    _stored(who)
    now = pd.Timestamp.now()
    at.session_state[ACCOUNT_KEY] = {**asdict(who), "since": now, "seen": now}
    return at


def page_app(path: str, *, who: Account = ADMIN, **options: Any) -> AppTest:
    """``AppTest.from_file`` with ``who`` signed in."""
    return signed_in(AppTest.from_file(path, **options), who)


def function_app(function: Any, *, who: Account = ADMIN, **options: Any) -> AppTest:
    """``AppTest.from_function`` with ``who`` signed in."""
    return signed_in(AppTest.from_function(function, **options), who)
