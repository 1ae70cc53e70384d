"""Accounts, roles and the audit trail: the store and workflow refuse what a role may not do."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from domain.access import AccessDenied, Account, may_handle
from domain.errors import RiskMapError, StoreError
from domain.settings.security import SecuritySettings
from geodata import accounts, audit
from geodata.backup import backup, restore
from geodata.exporter import export_table
from geodata.importer import import_file
from geodata.ledger import apply, register
from geodata.store import Store
from riskmap.cli import main
from tests.signin import ADMIN

SECURITY = SecuritySettings(lockout_failures=3, lockout_minutes=15, min_password_length=10)
PASSWORD = "correct-horse-42"
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture
def county(demo_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "county.duckdb"
    shutil.copyfile(demo_db, db)
    return db


def _row(store: Store, department: str, *, other: bool) -> dict:
    """An open ledger row whose lead and responsible units are (not) ``department``."""
    ledger = store.read("hazard_ledger")
    ours = (ledger["lead_department"] == department) | (ledger["responsible_unit"] == department)
    pick = ledger[~ours if other else ours & (ledger["hazard_status"] == "待整改")]
    return pick.iloc[0].to_dict()


def test_the_rules_of_each_role() -> None:
    row = {"lead_department": "县住建局", "responsible_unit": "某公司",
           "township_code": "520000000001"}
    assert may_handle(Account("a", "department", department="县住建局"), row)
    assert may_handle(Account("a", "department", department="某公司"), row), "responsible unit"
    assert not may_handle(Account("a", "department", department="县应急局"), row)
    assert may_handle(Account("a", "township", township_code="520000000001"), row)
    assert not may_handle(Account("a", "township", township_code="520000000002"), row)
    assert not may_handle(Account("a", "viewer"), row)
    assert not may_handle(Account("a", "geology"), row)
    assert may_handle(Account("a", "admin"), row)
    with pytest.raises(ValueError, match="unknown role"):
        Account("a", "root")


def test_a_department_editor_is_refused_another_departments_row(county: Path) -> None:
    with Store(county) as store:
        department = store.read("hazard_ledger")["lead_department"].iloc[0]
        editor = Account("zj", "department", department=department)
        theirs = _row(store, department, other=True)
        events = store.count("ledger_events")
        with pytest.raises(AccessDenied, match=theirs["hazard_id"]):
            apply(store, theirs["hazard_id"], "修改", {"measures": "越权"},
                  version=int(theirs["row_version"]), who=editor)
        after = store.read("hazard_ledger", {"hazard_id": theirs["hazard_id"]}).iloc[0]
        assert after["row_version"] == theirs["row_version"], "nothing written"
        assert store.count("ledger_events") == events
        refused = audit.search(store, user="zj", action="refused")
        assert len(refused) == 1 and theirs["hazard_id"] in refused["audit_detail"].iloc[0]
        with pytest.raises(AccessDenied):
            register(store, {"domain": "消防", "township_code": theirs["township_code"],
                             "hazard_level": "一般", "hazard_description": "x",
                             "lead_department": "别的部门",
                             "found_date": pd.Timestamp("2026-10-01"),
                             "deadline": pd.Timestamp("2026-12-01")}, who=editor)
        assert store.count("ledger_events") == events


def test_every_workflow_write_leaves_one_audit_row_with_the_account(county: Path) -> None:
    with Store(county) as store:
        ledger = store.read("hazard_ledger")
        department = ledger.loc[ledger["hazard_status"] == "待整改", "lead_department"].iloc[0]
        editor = Account("zj", "department", department=department)
        ours = _row(store, department, other=False)
        before = len(audit.search(store))
        new = apply(store, ours["hazard_id"], "修改", {"measures": "加固"},
                    version=int(ours["row_version"]), who=editor, address="10.0.0.8")
        trail = audit.search(store)
        assert len(trail) == before + 1
        last = trail.iloc[0]
        assert (last["user_name"], last["audit_action"], last["client_address"]) == (
            "zj", "ledger_change", "10.0.0.8")
        assert ours["hazard_id"] in last["audit_detail"]
        events = store.read("ledger_events", {"hazard_id": ours["hazard_id"]})
        assert events.sort_values("row_version")["actor"].iloc[-1] == "zj"
        assert int(new["row_version"]) == int(ours["row_version"]) + 1


def test_a_viewer_cannot_import_back_up_or_restore(county: Path, tmp_path: Path) -> None:
    viewer = Account("leader", "viewer")
    with Store(county) as store:
        counts = store.counts()
        with pytest.raises(AccessDenied, match="leader"):
            import_file(store, "geohazard_sites", SAMPLES / "sites_no_status.xlsx", who=viewer)
        with pytest.raises(AccessDenied):
            backup(store, tmp_path / "b.zip", who=viewer)
        assert not (tmp_path / "b.zip").exists()
        backup(store, tmp_path / "ok.zip", who=ADMIN)
        with pytest.raises(AccessDenied):
            restore(store, tmp_path / "ok.zip", who=viewer)
        assert store.counts() == counts, "nothing written"
        assert len(audit.search(store, user="leader", action="refused")) == 3, \
            "each refusal audited"
        geology = Account("zr", "geology")
        with pytest.raises(AccessDenied):
            import_file(store, "hazard_ledger", SAMPLES / "sites_no_status.xlsx", who=geology)
        sites = tmp_path / "sites.csv"  # the county's own sites, one renamed
        export_table(store, "geohazard_sites", sites)
        table = pd.read_csv(sites, dtype=str)
        table.iloc[0, 1] = "改名的隐患点"
        table.to_csv(sites, index=False)
        report = import_file(store, "geohazard_sites", sites, who=geology, address="10.0.0.9")
        assert report.written and report.changed == 1
        done = audit.search(store, user="zr", action="import").iloc[0]
        assert "sites.csv sha256" in done["audit_detail"]
        assert f"新增 new {report.new}" in done["audit_detail"]
        assert len(audit.search(store, action="backup")) == 1


def test_restore_keeps_the_accounts_and_the_audit_trail(county: Path, tmp_path: Path) -> None:
    with Store(county) as store:
        backup(store, tmp_path / "b.zip", who=ADMIN)
        accounts.add(store, ADMIN, Account("later", "viewer"), PASSWORD, settings=SECURITY)
        trail = len(audit.search(store))
        restore(store, tmp_path / "b.zip", who=ADMIN)
        assert accounts.active_account(store, "later") is not None, "not rolled back"
        assert len(audit.search(store)) == trail + 1, "the restore added, nothing lost"


def test_the_audit_trail_cannot_be_changed_through_the_store(store: Store) -> None:
    audit.record(store, "a", "sign_in")
    row = store.read("audit_log")
    for mode in ("replace", "upsert"):
        with pytest.raises(StoreError, match="append-only"):
            store.write("audit_log", row.assign(audit_detail="edited"), mode=mode)
    assert store.read("audit_log")["audit_detail"].isna().all()


def test_wrong_passwords_lock_the_account_and_say_nothing_of_which_was_wrong(
        store: Store) -> None:
    accounts.add(store, ADMIN, Account("zj", "department", department="县住建局"), PASSWORD,
                 settings=SECURITY)
    now = pd.Timestamp("2026-12-01 09:00")
    with pytest.raises(accounts.SignInError) as unknown:
        accounts.sign_in(store, "nobody", PASSWORD, settings=SECURITY, now=now)
    said = []
    for _ in range(SECURITY.lockout_failures):
        with pytest.raises(accounts.SignInError) as wrong:
            accounts.sign_in(store, "zj", "not-the-password", settings=SECURITY, now=now)
        said.append(str(wrong.value))
    assert said[0] == str(unknown.value), "an unknown name reads as a wrong password"
    assert "锁定" in said[-1] and "锁定" not in said[-2], "the locking try says so"
    with pytest.raises(accounts.SignInError, match="锁定"):
        accounts.sign_in(store, "zj", PASSWORD, settings=SECURITY, now=now)
    later = now + pd.Timedelta(minutes=SECURITY.lockout_minutes + 1)
    assert accounts.sign_in(store, "zj", PASSWORD, settings=SECURITY, now=later).department \
        == "县住建局"
    trail = audit.search(store, user="zj")
    assert (trail["audit_action"] == "sign_in_failed").sum() == SECURITY.lockout_failures + 1
    assert (trail["audit_action"] == "locked").sum() == 1
    assert (trail["audit_action"] == "sign_in").sum() == 1


def test_an_administrator_unlocks_and_disables(store: Store) -> None:
    accounts.add(store, ADMIN, Account("zj", "viewer"), PASSWORD, settings=SECURITY)
    for _ in range(SECURITY.lockout_failures):
        with pytest.raises(accounts.SignInError):
            accounts.sign_in(store, "zj", "wrong-password", settings=SECURITY)
    with pytest.raises(AccessDenied):
        accounts.unlock(store, Account("v", "viewer"), "zj")
    accounts.unlock(store, ADMIN, "zj")
    assert accounts.sign_in(store, "zj", PASSWORD, settings=SECURITY).role == "viewer"
    accounts.set_active(store, ADMIN, "zj", False)
    with pytest.raises(accounts.SignInError):
        accounts.sign_in(store, "zj", PASSWORD, settings=SECURITY)
    with pytest.raises(AccessDenied):
        accounts.add(store, Account("zj", "viewer"), Account("x", "admin"), PASSWORD,
                     settings=SECURITY)
    with pytest.raises(RiskMapError, match="至少 10 位"):
        accounts.add(store, ADMIN, Account("short", "viewer"), "short", settings=SECURITY)


def test_passwords_are_never_stored_or_logged_in_clear(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "a.duckdb"
    secret = "Very-Secret-Passphrase-77"
    caplog.set_level(logging.DEBUG)
    with Store(db) as store:
        accounts.add(store, ADMIN, Account("zj", "admin"), secret, settings=SECURITY)
        accounts.sign_in(store, "zj", secret, settings=SECURITY)
        with pytest.raises(accounts.SignInError):
            accounts.sign_in(store, "zj", secret + "x", settings=SECURITY)
        stored = store.read("accounts")["password_hash"].iloc[0]
        trail = audit.search(store).to_csv()
    assert stored.startswith("$argon2id$")
    assert secret not in trail and secret not in caplog.text
    assert secret.encode() not in db.read_bytes()
    assert secret.encode() not in next(tmp_path.glob("*.wal"), db).read_bytes()


def test_the_first_administrator_is_made_on_the_command_line(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture
                                                             ) -> None:
    db = tmp_path / "new.duckdb"
    assert main(["init", "--db", str(db), "--county", "测试县"]) == 0
    assert main(["user", "add", "boss", "--role", "admin", "--db", str(db)]) == 2, \
        "no terminal, no --password-file: refused, not a default password"
    assert "--password-file" in capsys.readouterr().err
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["user", "add", "boss", "--role", "admin", "--password-file", str(secret),
                 "--db", str(db)]) == 0
    assert main(["user", "add", "zj", "--role", "department", "--password-file",
                 str(secret), "--db", str(db)]) == 2, "a department editor needs --unit"
    with Store(db) as store:
        assert accounts.sign_in(store, "boss", PASSWORD, settings=SECURITY).role == "admin"
    out = tmp_path / "audit.csv"
    assert main(["audit", "--csv", str(out), "--db", str(db)]) == 0
    trail = pd.read_csv(out)
    assert list(trail["audit_action"]) == ["sign_in", "account"]
    assert PASSWORD not in out.read_text(encoding="utf-8-sig")


def test_the_demo_gets_an_administrator_with_a_random_password_shown_once(
        county: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["demo", "--if-missing", "--db", str(county)]) == 0
    first = re.search(r"账号 account admin · 口令 password (\S+)", capsys.readouterr().out)
    assert first, "the password is printed"
    with Store(county) as store:
        assert accounts.sign_in(store, "admin", first.group(1), settings=SECURITY).role \
            == "admin"
    assert main(["demo", "--if-missing", "--db", str(county)]) == 0
    assert "口令 password" not in capsys.readouterr().out, "shown once"


def test_the_last_administrator_stays_and_names_are_checked(county: Path) -> None:
    with Store(county) as store:
        accounts.add(store, ADMIN, Account("boss", "admin"), PASSWORD, settings=SECURITY)
        boss = Account("boss", "admin")
        with pytest.raises(RiskMapError, match="唯一的管理员"):
            accounts.set_active(store, boss, "boss", False)
        accounts.add(store, boss, Account("deputy", "admin"), PASSWORD, settings=SECURITY)
        with pytest.raises(RiskMapError, match="不能停用自己"):
            accounts.set_active(store, boss, "boss", False)
        accounts.set_role(store, Account("deputy", "admin"), Account("boss", "viewer"))
        with pytest.raises(RiskMapError, match="唯一的管理员"):
            accounts.set_role(store, boss, Account("deputy", "viewer"))
        for name in ("", " zj"):
            with pytest.raises(RiskMapError, match="账号名不能为空"):
                accounts.add(store, ADMIN, Account(name, "viewer"), PASSWORD, settings=SECURITY)
        with pytest.raises(RiskMapError, match="没有乡镇代码"):
            accounts.add(store, ADMIN, Account("t", "township", township_code="529901999999"),
                         PASSWORD, settings=SECURITY)
        warned = accounts.add(store, ADMIN, Account("d", "department", department="不存在局"),
                              PASSWORD, settings=SECURITY)
        assert warned and "不存在局" in warned[0], "an unknown unit is said, not refused"
        town = store.read("townships")["township_code"].iloc[0]
        accounts.add(store, ADMIN, Account("v", "viewer", township_code=town), PASSWORD,
                     settings=SECURITY)
        assert accounts.active_account(store, "v").township_code == "", "not a township's"
