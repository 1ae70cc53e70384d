"""Ledger history written by imports: what changed, by whom, from which file."""

from __future__ import annotations

import pandas as pd

from geodata.schema import TABLES

_TRACKED = [c for c in TABLES["hazard_ledger"].columns if c not in ("hazard_id", "row_version")]


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
    old = stored.set_index("hazard_id") if not stored.empty else stored
    rows = rows.copy()
    events: list[dict] = []
    versions = []
    for i, row in enumerate(rows.itertuples(index=False)):
        hid = row.hazard_id
        if status.iloc[i] == "new":
            version = int(row.row_version)
            events.append(_event(hid, version, 1, when, actor, "登记", "hazard_status", None,
                                 row.hazard_status, source))
        else:
            prev = old.loc[hid]
            version = int(prev["row_version"]) + 1
            changed = [c for c in _TRACKED if _text(getattr(row, c)) != _text(prev[c])]
            events += [_event(hid, version, k + 1, when, actor, "修改", c, _text(prev[c]),
                              _text(getattr(row, c)), source) for k, c in enumerate(changed)]
        versions.append(version)
    rows["row_version"] = versions
    return {"hazard_ledger": rows, "ledger_events": pd.DataFrame(
        events, columns=list(TABLES["ledger_events"].columns))}


def _event(hazard_id: str, version: int, k: int, when: pd.Timestamp, actor: str, action: str,
           field: str, old: object, new: object, source: str) -> dict:
    return {"event_id": f"{hazard_id}-v{version}-{k:02d}", "hazard_id": hazard_id,
            "event_time": when, "actor": actor, "actor_department": None, "action": action,
            "field_name": field, "old_value": old, "new_value": _text(new),
            "note": f"导入自 imported from {source}"}
