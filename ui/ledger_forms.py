"""The ledger page's editing: handle one hazard, register one, act on several at once.

Every save goes through ``geodata.ledger`` (the workflow, the version check, evidence files)
under the identity chosen in the sidebar. The version an editor saw is kept in the session
from the moment the hazard is shown, so a save after someone else's is refused, not merged.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from domain.errors import RiskMapError
from domain.rules import is_open
from domain.schema import FIELDS, LEDGER_DOMAINS, labels
from domain.workflow import ACTIONS, allowed_actions
from geodata.ledger import Attachment, apply, batch, register
from geodata.store import Store
from ui.chrome import current_lang, identity, tr, upload_limit_caption

EDITABLE = ("measures", "responsible_person", "deadline", "supervising_leader", "funds_wan",
            "contingency_plan", "estimated_cost_wan", "lead_department", "responsible_unit")
TEXT_AREAS = {"measures", "evidence", "contingency_plan"}


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


def _who_or_stop() -> bool:
    if identity().name and identity().department:
        return True
    st.warning(tr("identity.missing"))
    return False


def _seen(hazard_id: str, version: int) -> int:
    """Return the version this session first saw of ``hazard_id`` (kept across reruns)."""
    seen = st.session_state.setdefault("ledger_seen", {})
    return int(seen.setdefault(hazard_id, version))


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


def handle(store: Store, ledger: pd.DataFrame, events: pd.DataFrame) -> None:
    """Pick one hazard; show its record and history; apply an allowed action to it."""
    ids = ledger["hazard_id"].tolist()
    hazard_id = st.selectbox(tr("pick_hazard"), ids, index=None, key="handle_pick")
    if hazard_id is None:
        return
    row = ledger.set_index("hazard_id").loc[hazard_id].to_dict() | {"hazard_id": hazard_id}
    version = _seen(hazard_id, int(row["row_version"]))
    names = labels("hazard_ledger", current_lang())
    shown = {names[k]: v for k, v in row.items() if k in names and pd.notna(v) and k != "hazard_id"}
    st.dataframe(pd.DataFrame({"": list(shown), " ": [str(v) for v in shown.values()]}),
                 hide_index=True)
    actions = [a for a in allowed_actions(row["hazard_status"]) if a != "登记"]
    action = st.radio(tr("action"), actions, horizontal=True, key="handle_action")
    if _who_or_stop():
        values, note, files = _values(action, row, f"handle-{hazard_id}-{action}")
        if st.button(tr("save"), key="handle_save", type="primary"):
            try:
                new = apply(store, hazard_id, action, values, version=version, who=identity(),
                            note=note, files=files)
            except RiskMapError as exc:
                st.error(str(exc))
            else:
                st.session_state["ledger_seen"][hazard_id] = int(new["row_version"])
                st.success(tr("saved", id=hazard_id, status=new["hazard_status"],
                              version=new["row_version"]))
    st.subheader(tr("history"))
    mine = events[events["hazard_id"] == hazard_id].sort_values(["row_version", "event_id"])
    st.dataframe(mine.drop(columns=["hazard_id"]).rename(
        columns=labels("ledger_events", current_lang())), hide_index=True)


def create(store: Store, towns: Mapping[str, str]) -> None:
    """Register a new hazard (登记) from a form."""
    if not _who_or_stop():
        return
    cols = st.columns(3)
    label = {f: FIELDS[f].label(current_lang()) for f in ("domain", "township_code",
                                                            "hazard_level")}
    domain = cols[0].selectbox(label["domain"], list(LEDGER_DOMAINS), key="new-domain")
    town = cols[1].selectbox(label["township_code"], list(towns), format_func=towns.get,
                             key="new-town")
    level = cols[2].selectbox(label["hazard_level"], ["一般", "重大"], key="new-level")
    values = {"domain": domain, "township_code": town, "hazard_level": level}
    for field in ("hazard_description", "lead_department", "responsible_unit", "found_date",
                  "deadline", "measures", "supervising_leader", "funds_wan",
                  "contingency_plan", "estimated_cost_wan"):
        values[field] = _input(field, f"new-{field}")
    if st.button(tr("save"), key="new_save", type="primary"):
        try:
            row = register(store, {k: v for k, v in values.items() if v is not None},
                           who=identity())
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            st.success(tr("registered", id=row["hazard_id"]))


def act_on_many(store: Store, ledger: pd.DataFrame) -> None:
    """Apply one action to several hazards at once (all or nothing)."""
    open_ = ledger[is_open(ledger).to_numpy()]
    picked = st.multiselect(tr("batch_pick"), open_["hazard_id"].tolist(), key="batch_pick")
    choices = [a for a in ACTIONS if a not in ("登记", "修改")]
    action = st.radio(tr("action"), choices, horizontal=True, key="batch_action")
    if not picked or not _who_or_stop():
        return
    versions = open_.set_index("hazard_id")["row_version"]
    values, note, files = _values(action, {}, f"batch-{action}")
    if st.button(tr("save"), key="batch_save", type="primary"):
        try:
            done = batch(store, [(h, _seen(h, int(versions[h]))) for h in picked], action,
                         values, who=identity(), note=note, files=files)
        except RiskMapError as exc:
            st.error(str(exc))
        else:
            for row in done:
                st.session_state["ledger_seen"][row["hazard_id"]] = int(row["row_version"])
            st.success(tr("batch_saved", n=len(done)))
