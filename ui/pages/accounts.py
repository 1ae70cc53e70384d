"""账号与审计 Accounts and audit — administrators only: accounts, roles, the audit trail."""

import pandas as pd
import streamlit as st

from domain.access import ROLES, Account
from domain.errors import RiskMapError
from geodata import accounts, audit
from geodata.snapshot import Snapshot
from ui.auth import client_address
from ui.chrome import account, audited, current_lang, settings, show_table, start_page, tr
from ui.tables import localise


def _roles() -> dict[str, str]:
    return accounts.role_names(current_lang())


def _scope(prefix: str, towns: dict[str, str], now: Account | None = None
           ) -> tuple[str, str, str]:
    """Role, unit and township fields (a form's: all shown; the role says which counts).

    ``now``: the account as it is, whose role, unit and township the fields start from.
    """
    roles = _roles()
    cols = st.columns(3)
    role = cols[0].selectbox(tr("acc.role"), list(ROLES), format_func=roles.get,
                             index=list(ROLES).index(now.role) if now else 0,
                             key=f"{prefix}_role")
    unit = cols[1].text_input(tr("acc.unit"), value=now.department if now else "",
                              key=f"{prefix}_unit", help=tr("acc.unit_help"))
    codes = list(towns)
    town = cols[2].selectbox(tr("township"), codes, format_func=towns.get,
                             index=codes.index(now.township_code)
                             if now and now.township_code in codes else None,
                             key=f"{prefix}_town", help=tr("acc.town_help"),
                             placeholder=tr("choose.one"))
    return role, unit.strip(), town or ""


def _flash() -> None:
    for kind, text in st.session_state.pop("acc_flash", []):
        (st.success if kind == "ok" else st.warning)(text)


def _done(text: str, warnings: list[str]) -> None:
    """Say it after the rerun that shows the accounts as they now are."""
    st.session_state["acc_flash"] = [("ok", text), *(("warn", w) for w in warnings)]
    st.rerun()


def _add(snap: Snapshot, me: Account) -> None:
    st.subheader(tr("acc.add"))
    with st.form("acc_add", clear_on_submit=True):
        cols = st.columns(2)
        name = cols[0].text_input(tr("auth.name"), key="add_name").strip()
        display = cols[1].text_input(tr("acc.display"), key="add_display").strip()
        role, unit, town = _scope("add", snap.township_names())
        first = st.text_input(tr("auth.password"), type="password", key="add_pw")
        again = st.text_input(tr("acc.again"), type="password", key="add_pw2")
        pressed = st.form_submit_button(tr("acc.add"), type="primary")
    if not pressed:
        return
    if first != again:
        st.error(tr("acc.differ"))
        return
    try:
        warnings = accounts.add(snap.store, me, Account(name, role, unit, town, display), first,
                                settings=settings().security, address=client_address())
    except RiskMapError as exc:
        st.error(str(exc))
    else:
        _done(tr("acc.added", name=name), warnings)


def _change(snap: Snapshot, me: Account, names: list[str]) -> None:
    st.subheader(tr("acc.change"))
    name = st.selectbox(tr("auth.name"), names, index=None, key="change_pick",
                        placeholder=tr("choose.one"))
    if name is None:
        return
    cols = st.columns(3)
    where = {"store": snap.store, "by": me, "name": name, "address": client_address()}
    try:
        if cols[0].button(tr("acc.unlock"), key="unlock"):
            accounts.unlock(**where)
            _done(tr("acc.done"), [])
        if cols[1].button(tr("acc.disable"), key="disable"):
            accounts.set_active(**where, active=False)
            _done(tr("acc.done"), [])
        if cols[2].button(tr("acc.enable"), key="enable"):
            accounts.set_active(**where, active=True)
            _done(tr("acc.done"), [])
    except RiskMapError as exc:
        st.error(str(exc))
    _role_and_password(snap, me, name)


def _role_and_password(snap: Snapshot, me: Account, name: str) -> None:
    """Another role (and unit or township), or a new password, for ``name``."""
    left, right = st.columns(2)
    with left.form("acc_role"):  # keyed by the account: starts from its role and unit
        role, unit, town = _scope(f"role_{name}", snap.township_names(),
                                  accounts.active_account(snap.store, name))
        pressed = st.form_submit_button(tr("acc.set_role"))
    if pressed:
        try:
            warnings = accounts.set_role(snap.store, me, Account(name, role, unit, town),
                                         address=client_address())
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            _done(tr("acc.done"), warnings)
    with right.form("acc_password", clear_on_submit=True):
        first = st.text_input(tr("acc.new_password"), type="password", key="reset_pw")
        again = st.text_input(tr("acc.again"), type="password", key="reset_pw2")
        pressed = st.form_submit_button(tr("acc.set_password"))
    if pressed:
        if first != again:
            st.error(tr("acc.differ"))
            return
        try:
            accounts.set_password(snap.store, me, name, first, settings=settings().security,
                                  address=client_address())
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            _done(tr("acc.done"), [])


def _audit(snap: Snapshot) -> None:
    st.subheader(tr("acc.audit"))
    cols = st.columns(4)
    labels = {k: (zh if current_lang() == "zh" else en) for k, (zh, en) in audit.ACTIONS.items()}
    user = cols[0].text_input(tr("acc.user_contains"), key="audit_user").strip()
    action = cols[1].selectbox(tr("acc.action"), ["", *audit.ACTIONS], key="audit_action",
                               format_func=lambda k: labels.get(k, tr("filter.all")))
    text = cols[2].text_input(tr("acc.text"), key="audit_text").strip()
    days = cols[3].number_input(tr("acc.days"), min_value=1, value=30, key="audit_days")
    rows = audit.search(snap.store, user=user, action=action, text=text,
                        since=pd.Timestamp.now().normalize() - pd.Timedelta(days=int(days)))
    st.caption(tr("acc.found", n=len(rows)))
    shown = rows.drop(columns="event_id").assign(
        audit_action=rows["audit_action"].map(labels))
    show_table(shown.head(1000), hide_index=True)
    name = f"audit-{pd.Timestamp.now():%Y%m%d%H%M}.csv"
    sheet = localise(rows.assign(audit_action=rows["audit_action"].map(labels)),
                     current_lang())  # the page's headings and action names, as Excel opens
    st.download_button(tr("acc.export"), audited(
        lambda: sheet.to_csv(index=False).encode("utf-8-sig"), f"{name} ({len(rows)} rows)"),
        file_name=name, mime="text/csv", key="audit_csv")


snapshot = start_page("accounts", guide=False)
if snapshot is not None:
    me = account()
    if me.role != "admin":  # not in the navigation either; the store refuses as well
        st.error(tr("acc.admin_only"))
    else:
        _flash()
        listing = accounts.listing(snapshot.store)
        show_table(listing.assign(role=listing["role"].map(_roles())), hide_index=True)
        _add(snapshot, me)
        _change(snapshot, me, listing["user_name"].tolist())
        _audit(snapshot)
