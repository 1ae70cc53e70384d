"""Start the real app as `make run` does (`python -m ui.serve`); wait for its health check."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_get(url: str) -> tuple[int, str]:
    """Return (status, body) of a GET to a local URL."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8", "replace")


@contextmanager
def running_app(db: Path, *, timeout_s: float = 90) -> Iterator[str]:
    """Run the app on ``db``; yield its URL once /_stcore/health answers ok."""
    port = free_port()
    env = {**os.environ, "RISKMAP_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port),
         "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if http_get(url + "/_stcore/health") == (200, "ok"):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # poll interval while the server starts
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a server that ignores SIGTERM is not left behind
            proc.kill()
            proc.wait(timeout=30)


TEST_ACCOUNT = ("tester", "tester-password-1")
"""The administrator the served test app is signed in as (made by ``add_test_account``)."""


def add_test_account(db: Path) -> None:
    """Give ``db`` the test administrator (``TEST_ACCOUNT``), as ``riskmap user add`` would."""
    from domain.access import Account
    from geodata import accounts
    from geodata.config import load_settings
    from geodata.store import Store

    with Store(db) as store:
        if accounts.active_account(store, TEST_ACCOUNT[0]) is None:
            accounts.add(store, accounts.local_account(), Account(TEST_ACCOUNT[0], "admin"),
                         TEST_ACCOUNT[1], settings=load_settings().security)


def open_signed_in(tab, url: str, account: tuple[str, str] = TEST_ACCOUNT) -> None:
    """Open ``url`` in the Playwright page ``tab`` and sign in there (a new session each load).

    Waits until the sidebar's sign-out button is in the page (hidden on the meeting screen):
    the page behind the form has started.
    """
    tab.goto(url, wait_until="domcontentloaded")
    form = tab.locator("[data-testid='stForm']")
    form.locator("input[type='text']").fill(account[0])
    form.locator("input[type='password']").fill(account[1])
    form.locator("[data-testid='stBaseButton-primaryFormSubmit']").click()
    tab.locator("[data-testid='stSidebar'] button").filter(
        has_text=re.compile("退出登录|Sign out")).wait_for(state="attached", timeout=60_000)
