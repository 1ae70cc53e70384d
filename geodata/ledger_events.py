"""Ledger history written by imports: what changed, by whom, from which file."""

from __future__ import annotations

import pandas as pd

from geodata.schema import TABLES

_TRACKED = [c for c in TABLES["hazard_ledger"].columns if c not in ("hazard_id", "row_version")]
_EVENT_COLUMNS = list(TABLES["ledger_events"].columns)


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ") if value != value.normalize() else str(value.date())
    return str(value)


def import_events(rows: pd.DataFrame, stored: pd.DataFrame, status: pd.Series, *,
                  actor: str, source: str,
                  now: pd.Timestamp | None = None) -> dict[str, pd.DataFrame]:
    """Return the ledger rows (with versions) and the events an import of them appends.

    A new hazard keeps the version its file gives (1 when none) and gets one 登记 event ending
    in its status; a changed one gets a 修改 event per changed field (old → new) and its
    stored version raised by one.
    """
    when = (now or pd.Timestamp.now()).floor("s")
    rows = rows.reset_index(drop=True).copy()
    new = (status == "new").to_numpy()
    note = f"导入自 imported from {source}"
    created = pd.DataFrame({
        "event_id": rows.loc[new, "hazard_id"] + "-v" + rows.loc[new, "row_version"].astype(
            str) + "-01",
        "hazard_id": rows.loc[new, "hazard_id"], "event_time": when, "actor": actor,
        "actor_department": None, "action": "登记", "field_name": "hazard_status",
        "old_value": None, "new_value": rows.loc[new, "hazard_status"], "note": note,
    }, columns=_EVENT_COLUMNS)
    edits = _edit_events(rows, stored, ~new, when=when, actor=actor, note=note)
    events = pd.concat([created, edits], ignore_index=True) if len(edits) else created
    return {"hazard_ledger": rows, "ledger_events": events}


def _edit_events(rows: pd.DataFrame, stored: pd.DataFrame, changed: object, *,
                 when: pd.Timestamp, actor: str, note: str) -> pd.DataFrame:
    """Return a 修改 event per changed field of each changed row; raise their versions."""
    old = stored.set_index("hazard_id")
    events = []
    for i in rows.index[changed]:
        row, prev = rows.loc[i], old.loc[rows.at[i, "hazard_id"]]
        version = int(prev["row_version"]) + 1
        rows.at[i, "row_version"] = version
        fields = [c for c in _TRACKED if _text(row[c]) != _text(prev[c])]
        events += [{"event_id": f"{row['hazard_id']}-v{version}-{k + 1:02d}",
                    "hazard_id": row["hazard_id"], "event_time": when, "actor": actor,
                    "actor_department": None, "action": "修改", "field_name": c,
                    "old_value": _text(prev[c]), "new_value": _text(row[c]), "note": note}
                   for k, c in enumerate(fields)]
    return pd.DataFrame(events, columns=_EVENT_COLUMNS)
