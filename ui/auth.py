"""Sign-in in front of every page, the session's account, its expiry and sign-out.

Nothing of the data is read before an account is signed in: ``app.py`` draws only the
sign-in form until then, and every page's ``chrome.start_page`` asks again. An account
signs in with its password (``geodata.accounts.sign_in``: Argon2 hashes, lockout), or —
when ``config/security.toml`` enables them — through the county's reverse proxy (a trusted
header, honoured only from the listed proxy addresses) or Streamlit's OpenID Connect login.
A session ends on sign-out, after ``session_idle_minutes`` untouched or
``session_max_hours`` in all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict

import pandas as pd
import streamlit as st

from domain.access import Account
from domain.errors import RiskMapError
from domain.settings.security import SecuritySettings
from geodata import accounts, audit
from geodata.store import Store

ACCOUNT_KEY = "signed_in"


def client_address() -> str:
    """The address the browser's connection comes from (a proxy's, behind one).

    Streamlit gives none for a connection from this machine (a reverse proxy on it): that
    is 127.0.0.1.
    """
    try:
        address = st.context.ip_address
    except (AttributeError, RuntimeError):
        return ""
    return str(address) if address else "127.0.0.1"


def start_session(account: Account, now: pd.Timestamp | None = None) -> None:
    """Keep ``account`` as this browser session's, from ``now``."""
    now = now or pd.Timestamp.now()
    st.session_state[ACCOUNT_KEY] = {**asdict(account), "since": now, "seen": now}


def _end(why: str) -> None:
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state["signed_out_why"] = why


def current(settings: SecuritySettings, now: pd.Timestamp | None = None,
            store: Store | None = None) -> Account | None:
    """Return the session's account, or None when signed out or expired (then forgotten).

    With ``store``, the account is read again: one disabled since signing in is signed out
    at once, and a changed role or unit applies from this rerun.
    """
    kept = st.session_state.get(ACCOUNT_KEY)
    if not kept:
        return None
    now = now or pd.Timestamp.now()
    idle = now - kept["seen"] > pd.Timedelta(minutes=settings.session_idle_minutes)
    old = now - kept["since"] > pd.Timedelta(hours=settings.session_max_hours)
    if idle or old:
        _end("auth.expired")
        return None
    kept["seen"] = now
    if store is not None:
        fresh = accounts.active_account(store, kept["user_name"])
        if fresh is None:
            _end("auth.disabled")
            return None
        kept.update(asdict(fresh))
    return Account(**{k: v for k, v in kept.items() if k not in ("since", "seen")})


def session(store: Store, settings: SecuritySettings) -> Account | None:
    """Return the session's account, or one single sign-on brings; None: not signed in."""
    account = current(settings, store=store)
    if account is None:
        account = _single_sign_on(store, settings)
        if account is not None:
            start_session(account)
    return account


def from_header(store: Store, settings: SecuritySettings, headers: Mapping[str, str],
                address: str) -> Account | None:
    """The account a trusted reverse proxy names, if enabled and the connection is from it."""
    if not settings.header_enabled or address not in settings.proxies:
        return None
    name = _utf8(headers.get(settings.header) or "").strip()
    return accounts.active_account(store, name) if name else None


def _utf8(value: str) -> str:
    """A header value as sent: HTTP hands UTF-8 (a Chinese account name) over as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def from_oidc(store: Store, settings: SecuritySettings, user: Mapping[str, object]
              ) -> Account | None:
    """The account named by the identity provider's ``oidc_claim``, if enabled and known."""
    if not settings.oidc_enabled or not user.get("is_logged_in"):
        return None
    name = str(user.get(settings.oidc_claim) or "").strip()
    return accounts.active_account(store, name) if name else None


def _single_sign_on(store: Store, settings: SecuritySettings) -> Account | None:
    found = from_header(store, settings, dict(st.context.headers), client_address())
    if found is None and settings.oidc_enabled:
        found = from_oidc(store, settings, st.user.to_dict())
    if found is not None:
        audit.record(store, found.user_name, "sign_in", "单点登录 single sign-on",
                     address=client_address())
    return found


def gate(store: Store, settings: SecuritySettings, tr: Callable[..., str]) -> Account | None:
    """Return the signed-in account; or draw the sign-in form and return None."""
    account = session(store, settings)
    if account is None:
        _form(store, settings, tr)
    return account


def _form(store: Store, settings: SecuritySettings, tr: Callable[..., str]) -> None:
    st.title(tr("auth.title"))
    with st.columns([2, 3])[0]:  # a form as wide as a name and a password need
        _fields(store, settings, tr)


def _fields(store: Store, settings: SecuritySettings, tr: Callable[..., str]) -> None:
    why = st.session_state.pop("signed_out_why", None)
    if why:
        st.info(tr(why))
    with st.form("sign_in"):
        name = st.text_input(tr("auth.name"), key="auth_name")
        password = st.text_input(tr("auth.password"), type="password", key="auth_password")
        pressed = st.form_submit_button(tr("auth.sign_in"), type="primary")
    if settings.oidc_enabled:
        st.button(tr("auth.oidc"), on_click=st.login)
    if accounts.listing(store).empty:  # a new county: how its first account is made
        st.warning(tr("auth.no_accounts", db=store.db))
    st.caption(tr("auth.help_demo" if store.is_demo() else "auth.help"))
    if pressed:
        try:
            account = accounts.sign_in(store, name.strip(), password, settings=settings,
                                       address=client_address())
        except RiskMapError as exc:
            st.error(str(exc))
            return
        start_session(account)
        st.rerun()


def sign_out(store: Store) -> None:
    """End the session (a button's callback), audited."""
    kept = st.session_state.pop(ACCOUNT_KEY, None)
    if kept:
        audit.record(store, kept["user_name"], "sign_out", address=client_address())
    st.session_state["signed_out_why"] = "auth.signed_out"
