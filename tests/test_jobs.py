"""The app and scheduled jobs on one machine at the same time, on one database file.

A real served app with a page open in Chromium; the jobs run as the county runs them, as
``riskmap`` processes, at the same time. Waits are on conditions (a process's exit, a line it
prints, text on the page), never a fixed sleep.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from domain.errors import StoreError
from domain.settings.storage import LockWait
from domain.workflow import replay, text
from geodata.exporter import export_frame
from geodata.store import Store
from tests.server import ROOT, add_test_account, open_signed_in, running_app

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def riskmap(*args: str) -> subprocess.Popen:
    """Start a ``riskmap`` command in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "riskmap.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                     args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def served(demo_db: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "county.duckdb"
    shutil.copyfile(demo_db, db)
    add_test_account(db)
    with running_app(db) as url:
        yield url, db


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _rain_file(db: Path, folder: Path) -> Path:
    """A rainfall file as the weather office sends it: 400 mm in the last day, everywhere."""
    with Store(db) as store:
        towns = store.read("townships")["township_code"]
        now = pd.Timestamp(store.meta()["demo_as_of"])
    rows = gpd.GeoDataFrame({"township_code": towns, "window_end": now, "window_hours": 24,
                             "rainfall_kind": "实况", "rainfall_mm": 400.0},
                            geometry=[None] * len(towns), crs="EPSG:4326")
    rows["rainfall_id"] = [f"RAIN-{code}" for code in towns]
    return export_frame("rainfall", rows, folder / "rain.csv")


def _stored_rain_levels(page: Page) -> dict[str, int]:
    """The warning page's level tiles (its default source: the stored rain)."""
    tiles = page.locator("[data-testid='stMetric']")
    tiles.nth(5).wait_for(timeout=60_000)
    found = {}
    for k in range(tiles.count()):
        label = tiles.nth(k).locator("[data-testid='stMetricLabel']").inner_text()
        found[label] = int(tiles.nth(k).locator("[data-testid='stMetricValue']")
                           .inner_text().replace(",", ""))
    return found


def test_jobs_and_scripts_run_while_a_page_is_open_and_the_page_sees_their_rain(
        served: tuple[str, Path], page: Page, tmp_path: Path) -> None:
    url, db = served
    open_signed_in(page, f"{url}/warning")
    before = _stored_rain_levels(page)
    rain = _rain_file(db, tmp_path)
    jobs = {"import": riskmap("import", "rainfall", str(rain), "--db", str(db)),
            "warn": riskmap("warn", "--json", "--db", str(db)),
            "backup": riskmap("backup", str(tmp_path / "night.zip"), "--db", str(db)),
            "ledger": riskmap("ledger", "export", str(tmp_path / "台账.xlsx"), "--db", str(db))}
    results = {name: finished(job) for name, job in jobs.items()}
    for name, (code, _, err) in results.items():
        assert code == 0, f"{name}: {err}"
    assert zip_members(tmp_path / "night.zip") and (tmp_path / "台账.xlsx").stat().st_size
    after_cli = json.loads(finished(riskmap("warn", "--json", "--db", str(db)))[1])["counts"]
    open_signed_in(page, page.url)  # a reload is a new session: signed in again
    after = _stored_rain_levels(page)
    assert after["红色（很高）"] == after_cli["1"] > before["红色（很高）"]
    assert after["无雨量数据"] == after_cli["unknown"]
    _the_scripts_run_beside_the_app(db, tmp_path / "cron")


def _the_scripts_run_beside_the_app(db: Path, folder: Path) -> None:
    """scripts/hourly-warning.sh and nightly-backup.sh, as cron runs them, a page open."""
    inbox, out, backups = folder / "inbox", folder / "out", folder / "backups"
    inbox.mkdir(parents=True)
    shutil.move(_rain_file(db, folder), inbox / "rain-0800.csv")
    (inbox / "rain-0900.csv").write_text("乡镇,雨量\n城关镇,很多\n", encoding="utf-8")
    env = {**os.environ, "RISKMAP_DB": str(db), "RISKMAP_INBOX": str(inbox),
           "RISKMAP_OUT": str(out), "RISKMAP_BACKUPS": str(backups),
           "RISKMAP": str(Path(sys.executable).parent / "riskmap")}
    for script in ("hourly-warning.sh", "nightly-backup.sh"):
        done = subprocess.run([str(ROOT / "scripts" / script)], env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{script}: {done.stderr}"
    assert (inbox / "done" / "rain-0800.csv").exists()
    assert (inbox / "refused" / "rain-0900.csv").exists()
    assert (inbox / "refused" / "rain-0900.csv.report.csv").stat().st_size > 0
    warning = json.loads((out / "warning-latest.json").read_text(encoding="utf-8"))
    assert warning["counts"]["1"] > 0, "the imported rain is in the warning"
    message = (out / "message-latest.txt").read_text(encoding="utf-8")
    assert message.startswith("【地质灾害气象风险预警】") and "需转移" in message
    assert list(out.glob("evacuation-*.xlsx"))
    assert [p.name[:8] for p in backups.iterdir()] == ["riskmap-"]


def zip_members(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _edit_in_the_browser(page: Page, url: str, hazard: str, measures: str) -> None:
    """Sign in, open 办理 for ``hazard``, edit its measures, press 保存."""
    open_signed_in(page, f"{url}/ledger")
    page.get_by_role("tab", name="办理", exact=True).click()
    page.get_by_label("隐患编号").first.click()
    page.keyboard.type(hazard)
    page.keyboard.press("Enter")
    page.get_by_text("修改", exact=True).first.click()
    box = page.get_by_label("整改措施").first
    box.wait_for(timeout=60_000)
    box.fill(measures)
    box.press("Tab")


def _edited_workbook(db: Path, folder: Path, hazard: str, measures: str) -> Path:
    """The ledger workbook, exported by the command line, with one row's measures edited."""
    path = folder / "ledger.xlsx"
    assert finished(riskmap("ledger", "export", str(path), "--db", str(db)))[0] == 0
    book = openpyxl.load_workbook(path)
    sheet = book.active
    rows = list(sheet.iter_rows())
    header = next(r for r in rows if any(c.value == "整改措施" for c in r))
    column = next(c.column for c in header if c.value == "整改措施")
    row = next(r for r in rows if any(c.value == hazard for c in r))
    sheet.cell(row=row[0].row, column=column, value=measures)
    book.save(path)
    return path


def test_a_browser_edit_and_an_import_of_the_same_row_lose_nothing(
        served: tuple[str, Path], page: Page, tmp_path: Path) -> None:
    url, db = served
    with Store(db) as store:
        ledger = store.read("hazard_ledger")
    hazard = ledger[(ledger["hazard_status"] == "整改中")
                    & (ledger["hazard_level"] == "一般")]["hazard_id"].iloc[0]
    workbook = _edited_workbook(db, tmp_path, hazard, "由导入改的措施")
    _edit_in_the_browser(page, url, hazard, "由浏览器改的措施")
    importing = riskmap("import", "hazard_ledger", str(workbook), "--db", str(db))
    page.get_by_role("button", name="保存").first.click()
    outcome = page.get_by_text("已保存").or_(page.get_by_text("已被他人修改")).first
    outcome.wait_for(timeout=120_000)
    code, out, err = finished(importing)
    saved_in_browser = "已保存" in outcome.inner_text()
    imported = code == 0 and "已写入 written" in out
    refused = "被他人修改" in out + err or "changed since" in out + err
    assert saved_in_browser or imported, "at least one of the two landed"
    assert imported or refused, f"the import either lands or says why: {out}{err}"
    with Store(db) as store:
        stored = store.read("hazard_ledger").set_index("hazard_id")
        events = store.read("ledger_events")
    row = stored.loc[hazard]
    assert row["measures"] in {"由导入改的措施", "由浏览器改的措施"}
    mine = events[events["hazard_id"] == hazard]
    assert int(row["row_version"]) == int(mine["row_version"].max())
    rebuilt = replay(events).set_index("hazard_id")
    for column in ("measures", "hazard_status", "row_version", "deadline"):
        assert text(rebuilt.loc[hazard, column]) == text(row[column]), column
    assert len(rebuilt) == len(stored), "every row replays from its history"


def test_a_job_killed_holding_the_write_lock_changes_nothing(
        served: tuple[str, Path], page: Page) -> None:
    url, db = served
    with Store(db) as store:
        before = store.count("hazard_ledger"), store.versions()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_HANG, str(db)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    open_signed_in(page, url)
    page.get_by_text("排查隐患").first.wait_for(timeout=120_000)
    with Store(db) as store:
        assert (store.count("hazard_ledger"), store.versions()) == before


HOLD_AND_HANG = """
import sys, threading
from geodata.store import Store
store = Store(sys.argv[1])
with store.transaction() as con:
    con.execute("DELETE FROM hazard_ledger")
    print("holding", flush=True)
    threading.Event().wait()
"""
"""A job that deletes the whole ledger inside its transaction, then hangs until killed."""


HOLD_BRIEFLY = """
import sys
from geodata.store import Store
with Store(sys.argv[1]).locked():
    print("holding", flush=True)
    sys.stdin.readline()
"""
"""A job holding the write lock until told (a line on its standard input) to let go."""


def test_a_locked_database_is_waited_for_then_the_holder_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geodata import connection

    locked = connection._locked
    db = tmp_path / "x.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_BRIEFLY, str(db)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    with pytest.raises(StoreError, match=rf"PID {holder.pid}") as busy:
        Store(db, wait=LockWait(seconds=0.3, every=0.05)).count("townships")
    assert "python" in str(busy.value) and "\n" not in str(busy.value)
    met, counted = threading.Event(), []

    def noticing(exc: Exception) -> bool:
        met.set()  # the lock was met: now the holder may let go
        return locked(exc)

    monkeypatch.setattr(connection, "_locked", noticing)
    waiting = threading.Thread(target=lambda: counted.append(
        Store(db, wait=LockWait(seconds=60, every=0.05)).count("townships")))
    waiting.start()
    assert met.wait(timeout=60), "the reader met the lock"
    assert holder.stdin is not None
    holder.stdin.write("done\n")
    holder.stdin.flush()
    assert holder.wait(timeout=30) == 0
    waiting.join(timeout=60)
    assert counted == [0], "it waited for the lock, then read"
