"""Sign-in in front of every page, roles on the pages, session expiry, single sign-on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from domain.access import Account
from domain.settings.security import SecuritySettings
from geodata import accounts, audit
from geodata.config import load_settings
from geodata.store import DB_ENV, Store
from tests.signin import ADMIN, page_app
from ui import auth

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-42"


@pytest.fixture(scope="module")
def served(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with an editor, a viewer and a geology account."""
    path = tmp_path_factory.mktemp("signin") / "signin.duckdb"
    shutil.copyfile(demo_db, path)
    security = load_settings().security
    with Store(path) as store:
        department = store.read("hazard_ledger")["lead_department"].iloc[0]
        for who in (Account("zj", "department", department=department),
                    Account("leader", "viewer"), Account("zr", "geology")):
            accounts.add(store, ADMIN, who, PASSWORD, settings=security)
    return path


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("title", "markdown", "caption", "info",
                                              "error", "warning", "subheader")
                    for e in getattr(at, kind))


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    return at.button[0].click().run()


def test_signed_out_the_app_shows_the_sign_in_form_and_no_data(
        served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(served))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["登录 · 县域安全风险一张图"]
    assert len(at.text_input) == 2 and not at.dataframe and not at.metric
    with Store(served, read_only=True) as store:
        names = store.read("townships")["township_name"]
    shown = _texts(at)
    assert not any(name in shown for name in names), "nothing of the data"
    assert "ComponentInstance" not in str([e.proto for e in at.main]), "no map sent"


def test_signing_in_opens_the_overview_and_is_audited(served: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(served))
    at = _sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run(),
                  "leader", PASSWORD)
    assert not at.exception
    assert at.metric, "the overview's figures"
    assert any("leader" in c.value for c in at.sidebar.caption), "who is signed in"
    with Store(served, read_only=True) as store:
        assert audit.search(store, user="leader", action="sign_in").shape[0] >= 1


def test_wrong_passwords_lock_the_account_in_the_page(demo_db: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "lock.duckdb"
    shutil.copyfile(demo_db, db)
    security = load_settings().security
    with Store(db) as store:
        accounts.add(store, ADMIN, Account("zj", "viewer"), PASSWORD, settings=security)
    monkeypatch.setenv(DB_ENV, str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for _ in range(security.lockout_failures - 1):
        at = _sign_in(at, "zj", "wrong-password")
        assert "账号或口令不正确" in at.error[0].value
    at = _sign_in(at, "zj", "wrong-password")
    assert "锁定" in at.error[0].value, "the locking try says so"
    at = _sign_in(at, "zj", PASSWORD)
    assert "锁定" in at.error[0].value and not at.metric, "locked: the right password too"


def test_a_viewer_sees_the_ledger_but_no_form_to_change_it(
        served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(served))
    at = page_app(str(ROOT / "ui" / "pages" / "ledger.py"), who=Account("leader", "viewer"),
                  default_timeout=120).run()
    assert not at.exception
    assert at.dataframe, "the ledger is shown"
    assert not [b for b in at.button if b.label == "保存"], "no save button"
    assert any("只能查看" in i.value for i in at.info)


def test_a_viewer_gets_no_import_form(served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(served))
    at = page_app(str(ROOT / "ui" / "pages" / "data.py"), who=Account("leader", "viewer"),
                  default_timeout=120).run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert any("不能导入" in i.value for i in at.info)
    geology = page_app(str(ROOT / "ui" / "pages" / "data.py"), who=Account("zr", "geology"),
                       default_timeout=120).run()
    tables = geology.selectbox[0].options
    assert len(tables) == 4 and "隐患台账" not in tables, "geohazard tables only"


def test_the_accounts_page_is_the_administrators(served: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(served))
    page = str(ROOT / "ui" / "pages" / "accounts.py")
    viewer = page_app(page, who=Account("leader", "viewer"), default_timeout=120).run()
    assert any("只有管理员" in e.value for e in viewer.error) and not viewer.dataframe
    admin = page_app(page, default_timeout=120).run()
    assert not admin.exception
    shown = admin.dataframe[0].value
    assert set(shown["账号"]) >= {"zj", "leader", "zr"}
    assert "口令摘要" not in shown.columns and "password_hash" not in shown.columns
    trail = admin.dataframe[1].value
    assert len(trail) >= 3, "the account changes are in the audit trail"
    admin.selectbox(key="change_pick").set_value("zj").run()
    assert admin.selectbox(key="role_zj_role").value == "department", \
        "the role form starts from the account's role, not 领导"
    assert admin.text_input(key="role_zj_unit").value


def test_a_session_expires_when_idle_or_old() -> None:
    settings = SecuritySettings(session_idle_minutes=30, session_max_hours=8)

    def session(now: pd.Timestamp, since: str, seen: str) -> Account | None:
        at = AppTest.from_string("")
        at.session_state[auth.ACCOUNT_KEY] = {
            "user_name": "a", "role": "viewer", "department": "", "township_code": "",
            "display_name": "", "since": pd.Timestamp(since), "seen": pd.Timestamp(seen)}
        state = {auth.ACCOUNT_KEY: at.session_state[auth.ACCOUNT_KEY]}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(auth.st, "session_state", state)
            return auth.current(settings, now)

    now = pd.Timestamp("2026-12-01 12:00")
    assert session(now, "2026-12-01 09:00", "2026-12-01 11:45") is not None
    assert session(now, "2026-12-01 09:00", "2026-12-01 11:00") is None, "idle 60 min"
    assert session(now, "2026-12-01 03:00", "2026-12-01 11:59") is None, "9 hours old"


def test_the_trusted_header_counts_only_from_the_proxy(served: Path) -> None:
    on = SecuritySettings(header_enabled=True, header="X-Remote-User", proxies=("10.0.0.1",))
    with Store(served, read_only=True) as store:
        headers = {"X-Remote-User": "leader"}
        assert auth.from_header(store, on, headers, "10.0.0.1").user_name == "leader"
        assert auth.from_header(store, on, headers, "10.0.0.66") is None, "not the proxy"
        assert auth.from_header(store, SecuritySettings(), headers, "127.0.0.1") is None, \
            "off by default"
        assert auth.from_header(store, on, {"X-Remote-User": "nobody"}, "10.0.0.1") is None
        oidc = SecuritySettings(oidc_enabled=True, oidc_claim="email")
        assert auth.from_oidc(store, oidc, {"is_logged_in": True, "email": "zr"}).role \
            == "geology"
        assert auth.from_oidc(store, oidc, {"is_logged_in": False, "email": "zr"}) is None


def test_a_disabled_account_is_signed_out_at_its_next_step(
        served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(served))
    security = load_settings().security
    with Store(served) as store:
        accounts.add(store, ADMIN, Account("soon-gone", "viewer"), PASSWORD, settings=security)
    at = _sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run(),
                  "soon-gone", PASSWORD)
    assert at.metric, "signed in"
    with Store(served) as store:
        accounts.set_active(store, ADMIN, "soon-gone", False)
    at.run()
    assert not at.metric and any("停用" in i.value for i in at.info), "signed out at once"


def test_a_download_is_audited_when_clicked_outside_the_session(
        served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit runs a download's callable after the script run, with no session."""
    from ui import chrome

    monkeypatch.setenv(DB_ENV, str(served))
    now = pd.Timestamp.now()
    with pytest.MonkeyPatch.context() as patch:  # drawn while "leader" is signed in
        patch.setattr(auth.st, "session_state", {auth.ACCOUNT_KEY: {
            "user_name": "leader", "role": "viewer", "department": "", "township_code": "",
            "display_name": "", "since": now, "seen": now}})
        wrapped = chrome.audited(lambda: b"file", "x.xlsx")
    with Store(served, read_only=True) as store:
        before = len(audit.search(store, action="download"))
    assert wrapped() == b"file"  # clicked: no session any more
    with Store(served, read_only=True) as store:
        after = audit.search(store, action="download")
    assert len(after) == before + 1
    assert (after["user_name"].iloc[0], after["audit_detail"].iloc[0]) == ("leader", "x.xlsx")


def test_a_proxys_utf8_header_and_a_local_connection() -> None:
    assert auth._utf8("大屏".encode().decode("latin-1")) == "大屏"
    assert auth._utf8("tester") == "tester"
