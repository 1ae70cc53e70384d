"""账号与审计 Accounts and audit — administrators only: accounts, roles, the audit trail."""

import pandas as pd
import streamlit as st

from domain.access import ROLES, Account
from domain.errors import RiskMapError
from geodata import accounts, audit
from geodata.snapshot import Snapshot
from ui.auth import client_address
from ui.chrome import account, audited, current_lang, settings, show_table, start_page, tr


def _roles() -> dict[str, str]:
    return accounts.role_names(current_lang())


def _scoped(prefix: str, towns: dict[str, str]) -> Account:
    """The account the form describes (name, role and the unit or township of the role)."""
    cols = st.columns(3)
    name = cols[0].text_input(tr("auth.name"), key=f"{prefix}_name").strip()
    roles = _roles()
    role = cols[1].selectbox(tr("acc.role"), list(ROLES), format_func=roles.get,
                             key=f"{prefix}_role")
    display = cols[2].text_input(tr("acc.display"), key=f"{prefix}_display").strip()
    unit = town = ""
    if role == "department":
        unit = st.text_input(tr("acc.unit"), key=f"{prefix}_unit").strip()
    if role == "township":
        town = st.selectbox(tr("township"), list(towns), format_func=towns.get,
                            key=f"{prefix}_town") or ""
    return Account(name, role, department=unit, township_code=town, display_name=display)


def _add(snap: Snapshot, me: Account) -> None:
    st.subheader(tr("acc.add"))
    new = _scoped("add", snap.township_names())
    first = st.text_input(tr("auth.password"), type="password", key="add_pw")
    again = st.text_input(tr("acc.again"), type="password", key="add_pw2")
    if st.button(tr("acc.add"), type="primary", key="add_go"):
        if first != again:
            st.error(tr("acc.differ"))
            return
        try:
            accounts.add(snap.store, me, new, first, settings=settings().security,
                         address=client_address())
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            st.success(tr("acc.added", name=new.user_name))


def _change(snap: Snapshot, me: Account, names: list[str]) -> None:
    st.subheader(tr("acc.change"))
    name = st.selectbox(tr("auth.name"), names, index=None, key="change_pick",
                        placeholder=tr("choose.one"))
    if name is None:
        return
    cols = st.columns(3)
    where = {"store": snap.store, "by": me}
    try:
        if cols[0].button(tr("acc.unlock"), key="unlock"):
            accounts.unlock(**where, name=name, address=client_address())
            st.success(tr("acc.done"))
        if cols[1].button(tr("acc.disable"), key="disable"):
            accounts.set_active(**where, name=name, active=False, address=client_address())
            st.success(tr("acc.done"))
        if cols[2].button(tr("acc.enable"), key="enable"):
            accounts.set_active(**where, name=name, active=True, address=client_address())
            st.success(tr("acc.done"))
    except RiskMapError as exc:
        st.error(str(exc))


def _audit(snap: Snapshot) -> None:
    st.subheader(tr("acc.audit"))
    cols = st.columns(4)
    labels = {k: (zh if current_lang() == "zh" else en) for k, (zh, en) in audit.ACTIONS.items()}
    user = cols[0].text_input(tr("auth.name"), key="audit_user").strip()
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
    st.download_button(tr("acc.export"), audited(
        lambda: rows.to_csv(index=False).encode("utf-8-sig"), f"{name} ({len(rows)} rows)"),
        file_name=name, mime="text/csv", key="audit_csv")


snapshot = start_page("accounts", guide=False)
if snapshot is not None:
    me = account()
    if me.role != "admin":  # not in the navigation either; the store refuses as well
        st.error(tr("acc.admin_only"))
    else:
        listing = accounts.listing(snapshot.store)
        show_table(listing.assign(role=listing["role"].map(_roles())), hide_index=True)
        _add(snapshot, me)
        _change(snapshot, me, listing["user_name"].tolist())
        _audit(snapshot)
