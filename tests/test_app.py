"""The app: the page renders on the demo, and `streamlit run` serves a healthy server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geodata.store import DB_ENV

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo: the app keeps its store open for the whole test process."""
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def test_overview_renders_demo_label_and_counts(app_db: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(app_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "县域安全风险一张图"
    assert any("演示数据" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert len(table) == 15 and (table.iloc[:, 1] > 0).all()


def test_overview_in_english(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(app_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.radio[0].set_value("English").run()
    assert at.title[0].value == "County Risk Map"
    assert any("Demo data" in w.value for w in at.warning)


def test_missing_database_says_what_to_run(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("make run" in e.value for e in at.error)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8", "replace")


@pytest.fixture
def server(tmp_path: Path, demo_db: Path) -> Iterator[str]:
    """Start `streamlit run app.py` on a free port; yield its URL once /_stcore/health is ok."""
    port = _free_port()
    shutil.copyfile(demo_db, tmp_path / "server.duckdb")
    env = {**os.environ, DB_ENV: str(tmp_path / "server.duckdb")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if _get(url + "/_stcore/health") == (200, "ok"):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # poll interval while the server starts
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_server_answers_health_and_serves_the_page(server: str) -> None:
    assert _get(server + "/_stcore/health") == (200, "ok")
    status, html = _get(server + "/")
    assert status == 200 and "<div id=\"root\">" in html
