"""The ledger page's editing: handle one hazard, register one, act on several at once.

Every save goes through ``geodata.ledger`` (the workflow, the version check, evidence files)
under the signed-in account (``ui.auth``); the workflow checks that it may change the row
(``domain.access``), and the forms are drawn only where it may. The version an editor saw
is kept in the session from the moment the hazard is shown, so a save after someone else's
is refused, not merged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from domain.access import may_edit, may_handle
from domain.errors import RiskMapError
from domain.rules import is_open
from domain.schema import FIELDS, LEDGER_DOMAINS, Lang
from domain.workflow import ACTIONS, allowed_actions
from geodata.ledger import Attachment, apply, batch, register
from geodata.store import Store
from ui.auth import client_address
from ui.chrome import account, current_lang, show_table, tr, upload_limit_caption
from ui.tables import choice_format, record

EDITABLE = ("measures", "responsible_person", "deadline", "supervising_leader", "funds_wan",
            "contingency_plan", "estimated_cost_wan", "lead_department", "responsible_unit")
TEXT_AREAS = {"measures", "evidence", "contingency_plan"}
PICK_LIMIT = 1000
"""Open hazards offered in a picker: more are picked in the ledger's table, filtered."""


def _input(field: str, key: str, current: object = None) -> object:
    """Draw the input for one ledger field and return its value (None when left empty)."""
    label = FIELDS[field].label(current_lang())
    kind = FIELDS[field].type
    if kind == "date":
        value = st.date_input(label, value=None if pd.isna(current) else pd.Timestamp(current),
                              key=key)
        return pd.Timestamp(value) if value else None
    if kind == "real":
        return st.number_input(label, min_value=0.0, value=None if pd.isna(current)
                               else float(current), key=key)
    widget = st.text_area if field in TEXT_AREAS else st.text_input
    text = widget(label, value="" if current is None or pd.isna(current) else str(current),
                  key=key)
    return text.strip() or None


def _may_edit(row: Mapping[str, object] | None = None) -> bool:
    """Whether the signed-in account may edit (``row``: this row); says why not.

    Only to spare a form that would be refused: ``geodata.ledger`` checks again on saving.
    """
    who = account()
    if not may_edit(who):
        st.info(tr("auth.read_only", role=who.role_label(current_lang())))
        return False
    if row is not None and not may_handle(who, row):
        st.info(tr("auth.not_yours", scope=who.department or who.township_code))
        return False
    return True


def _seen(hazard_id: str, version: int) -> int:
    """Return the version this session first saw of ``hazard_id`` (kept across reruns)."""
    seen = st.session_state.setdefault("ledger_seen", {})
    return int(seen.setdefault(hazard_id, version))


def _moved_since(hazard_id: str, seen: int, now: int, prefix: str) -> None:
    """Say that ``hazard_id`` changed since it was opened; offer to load the current version."""
    st.warning(tr("ledger.moved", id=hazard_id, seen=seen, now=now))
    if st.button(tr("ledger.reload"), key=f"{prefix}-{hazard_id}-reload"):
        st.session_state["ledger_seen"][hazard_id] = now
        st.rerun()


def _values(action: str, row: Mapping[str, object], key: str) -> tuple[dict, str | None,
                                                                         list[Attachment]]:
    fields = EDITABLE if action == "修改" else [f for f in ACTIONS[action].needs if f != "note"]
    values = {f: _input(f, f"{key}-{f}", row.get(f) if action == "修改" else None)
              for f in fields}
    if action == "修改":
        values = {f: v for f, v in values.items() if str(v) != str(row.get(f))}
    files = []
    if action == "申请验收":
        files = [Attachment(f.name, f.getvalue()) for f in st.file_uploader(
            tr("evidence_files"), accept_multiple_files=True, key=f"{key}-files") or []]
        upload_limit_caption()
    note = st.text_area(tr("note"), key=f"{key}-note").strip() or None
    return values, note, files


def action_names() -> Callable[[str], str]:
    """Return a ``format_func`` naming workflow actions in the page's language."""
    lang = current_lang()
    return lambda action: _action(action, lang)


def _action(action: str, lang: Lang) -> str:
    """A workflow action's name in ``lang`` (an unknown one as stored)."""
    return ACTIONS[action].en if lang == "en" and action in ACTIONS else action


def handle(store: Store, ledger: pd.DataFrame, events: pd.DataFrame,
           names: Mapping[str, str]) -> None:
    """Pick one open hazard by its number, then handle it (``handle_one``)."""
    ids = ledger["hazard_id"].to_numpy()[is_open(ledger).to_numpy()]
    if len(ids) > PICK_LIMIT:  # a province's options would weigh megabytes in the browser
        st.caption(tr("pick.limit", n=PICK_LIMIT, total=len(ids)))
    hazard_id = st.selectbox(tr("pick_hazard"), ids[:PICK_LIMIT].tolist(), index=None,
                             key="handle_pick", placeholder=tr("choose.one"))
    if hazard_id is not None:
        handle_one(store, ledger, events, hazard_id, names, prefix="tab")


def handle_one(store: Store, ledger: pd.DataFrame, events: pd.DataFrame, hazard_id: str,
               names: Mapping[str, str], *, prefix: str) -> None:
    """Show one hazard's record and history; apply an allowed action to it.

    After a save the page reruns: the record, the allowed actions and the history show the
    new version, and the form starts empty (its keys carry the version). When someone else
    saved the hazard since this editor opened it, the form stays as the editor filled it: a
    save is refused naming who changed what, and a button loads the current version.
    """
    flash = st.session_state.pop(f"{prefix}-saved", None)
    if flash:
        st.success(flash)
    row = ledger.set_index("hazard_id").loc[hazard_id].to_dict() | {"hazard_id": hazard_id}
    version = _seen(hazard_id, int(row["row_version"]))
    st.subheader(f"{tr('handling')} · {hazard_id}")
    st.dataframe(record(pd.Series(row).drop(labels=["hazard_id", "row_version"]),
                        current_lang(), names), hide_index=True)
    if int(row["row_version"]) != version:
        _moved_since(hazard_id, version, int(row["row_version"]), prefix)
    actions = [a for a in allowed_actions(row["hazard_status"]) if a != "登记"]
    key = f"{prefix}-{hazard_id}-{version}"  # the version this editor opened: a save by
    # someone else meanwhile keeps this form (and its Save) until the editor reloads it
    action = st.radio(tr("action"), actions, horizontal=True, key=f"{key}-action",
                      format_func=action_names())
    if _may_edit(row):
        values, note, files = _values(action, row, f"{key}-{action}")
        if st.button(tr("save"), key=f"{key}-save", type="primary"):
            try:
                new = apply(store, hazard_id, action, values, version=version, who=account(),
                            note=note, files=files, address=client_address())
            except RiskMapError as exc:
                st.error(str(exc))
            else:
                st.session_state["ledger_seen"][hazard_id] = int(new["row_version"])
                status = FIELDS["hazard_status"].choice_label(new["hazard_status"],
                                                              current_lang())
                st.session_state[f"{prefix}-saved"] = tr(
                    "saved", id=hazard_id, status=status, version=new["row_version"])
                st.rerun()
    st.subheader(tr("history"))
    mine = events[events["hazard_id"] == hazard_id].sort_values(["row_version", "event_id"])
    show_table(history(mine, current_lang(), names), hide_index=True)


def history(events: pd.DataFrame, lang: Lang,
            names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return a hazard's events as read: labels and values in ``lang``, never ``None``."""
    return pd.DataFrame({
        "event_time": events["event_time"], "actor": events["actor"],
        "actor_department": events["actor_department"],
        "action": events["action"].map(lambda a: _action(a, lang)),
        "field_name": events["field_name"].map(lambda f: _field_label(f, lang)),
        "old_value": [_value(f, v, lang, names) for f, v in zip(
            events["field_name"], events["old_value"], strict=True)],
        "new_value": [_value(f, v, lang, names) for f, v in zip(
            events["field_name"], events["new_value"], strict=True)],
        "note": events["note"].fillna(""), "row_version": events["row_version"]})


def _field_label(name: object, lang: Lang) -> str:
    if not isinstance(name, str) or not name:
        return ""
    if name == "*":
        return "全部字段" if lang == "zh" else "all fields"
    return FIELDS[name].label(lang) if name in FIELDS else name


def _value(name: object, value: object, lang: Lang,
           names: Mapping[str, str] | None = None) -> str:
    """One old or new value as read (a registration's JSON as ``label：value`` lines)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if name == "*" and isinstance(value, str) and value.startswith("{"):
        try:
            fields = json.loads(value)
        except ValueError:
            return value
        return "；".join(f"{_field_label(k, lang)}：{_value(k, v, lang, names)}"
                        for k, v in fields.items() if v not in (None, "") and k in FIELDS)
    if name == "township_code" and names:
        return names.get(str(value), str(value))
    if isinstance(name, str) and name in FIELDS:
        return FIELDS[name].choice_label(str(value), lang)
    return str(value)


def create(store: Store, towns: Mapping[str, str]) -> None:
    """Register a new hazard (登记) from a form."""
    if not _may_edit():
        return
    cols = st.columns(3)
    label = {f: FIELDS[f].label(current_lang()) for f in ("domain", "township_code",
                                                            "hazard_level")}
    domain = cols[0].selectbox(label["domain"], list(LEDGER_DOMAINS), key="new-domain",
                               format_func=choice_format("domain", current_lang()))
    who = account()
    mine = [who.township_code] if who.role == "township" else list(towns)
    town = cols[1].selectbox(label["township_code"], mine, format_func=towns.get,
                             key="new-town")
    level = cols[2].selectbox(label["hazard_level"], ["一般", "重大"], key="new-level",
                              format_func=choice_format("hazard_level", current_lang()))
    values = {"domain": domain, "township_code": town, "hazard_level": level}
    for field in ("hazard_description", "lead_department", "responsible_unit", "found_date",
                  "deadline", "measures", "supervising_leader", "funds_wan",
                  "contingency_plan", "estimated_cost_wan"):
        own = who.department if field == "lead_department" else None  # theirs to register
        values[field] = _input(field, f"new-{field}", own)
    if st.button(tr("save"), key="new_save", type="primary"):
        try:
            row = register(store, {k: v for k, v in values.items() if v is not None},
                           who=account(), address=client_address())
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            st.success(tr("registered", id=row["hazard_id"]))


def act_on_many(store: Store, ledger: pd.DataFrame) -> None:
    """Apply one action to several hazards at once (all or nothing)."""
    if not _may_edit():
        return
    open_ = ledger[is_open(ledger).to_numpy()]
    if len(open_) > PICK_LIMIT:
        st.caption(tr("pick.limit", n=PICK_LIMIT, total=len(open_)))
    picked = st.multiselect(tr("batch_pick"), open_["hazard_id"].head(PICK_LIMIT).tolist(),
                            key="batch_pick", placeholder=tr("choose.many"),
                            select_all=False)
    choices = [a for a in ACTIONS if a not in ("登记", "修改")]
    action = st.radio(tr("action"), choices, horizontal=True, key="batch_action",
                      format_func=action_names())
    if not picked:
        return
    versions = open_.set_index("hazard_id")["row_version"]
    values, note, files = _values(action, {}, f"batch-{action}")
    if st.button(tr("save"), key="batch_save", type="primary"):
        try:
            done = batch(store, [(h, _seen(h, int(versions[h]))) for h in picked], action,
                         values, who=account(), note=note, files=files,
                         address=client_address())
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            for row in done:
                st.session_state["ledger_seen"][row["hazard_id"]] = int(row["row_version"])
            st.success(tr("batch_saved", n=len(done)))
