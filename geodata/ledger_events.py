"""Ledger history written by imports: each imported change goes through the workflow.

A new hazard is registered (登记) with every field it brings, in the status its file gives
(a ledger arrives as it is); a changed one moves by the action its status change implies
(e.g. 待验收 → 已销号 is 销号, with that action's required fields) or is edited (修改).
Events record every changed field, old → new. When the file carries versions (an exported
ledger edited in Excel), a row changed in the database since the export is refused.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.errors import Problem
from geodata.schema import TABLES
from geodata.workflow import (
    Identity,
    Registration,
    WorkflowError,
    change,
    status_action,
    text,
)

_EVENT_COLUMNS = list(TABLES["ledger_events"].columns)


def _record(row: pd.Series) -> dict[str, Any]:
    """Return a row as a dict without empty values."""
    return {k: v for k, v in row.items() if text(v) is not None}


def _one(row: pd.Series, prev: pd.Series, *, who: Identity, when: pd.Timestamp,
         note: str, versioned: bool) -> tuple[dict[str, Any], list[dict]]:
    """Return the stored form and events of one changed row (raises WorkflowError)."""
    values = _record(row.drop(labels=["row_version"]))
    old = {**prev.to_dict(), "hazard_id": row["hazard_id"]}
    if versioned and int(row["row_version"]) != int(old["row_version"]):
        raise WorkflowError(
            f"导出后此隐患已被他人修改（版本 {int(row['row_version'])} → "
            f"{int(old['row_version'])}），请重新导出后再改 (changed in the database since "
            f"the export: re-export and edit again)")
    action = status_action(old.get("hazard_status"), row.get("hazard_status"))
    edits = {k: v for k, v in values.items() if k not in ("hazard_status", "hazard_id")
             and text(v) != text(old.get(k))}
    edits |= {k: None for k in old if k in row.index and text(row[k]) is None
              and text(old[k]) is not None and k not in ("hazard_status", "row_version")}
    reason = note if action != "退回" else f"{note}（验收未通过 verification failed）"
    return change(old, action, edits, who=who, when=when, note=reason)


def import_events(rows: pd.DataFrame, stored: pd.DataFrame, status: pd.Series, *,
                  actor: str, source: str, versioned: bool = False,
                  now: pd.Timestamp | None = None
                  ) -> tuple[dict[str, pd.DataFrame], Registration, dict[int, Problem]]:
    """Return what an import writes: changed rows with their events, new rows to register.

    New rows keep the version their file gives (1 when none): a restored or moved ledger
    keeps counting where it was; the store makes their 登记 events. Refused rows are keyed by
    their position in ``rows``; nothing of theirs is written.
    """
    when = (now or pd.Timestamp.now()).floor("s")
    who = Identity(actor)
    note = f"导入自 imported from {source}"
    old = stored.set_index("hazard_id")
    out_rows, events, refused = [], [], {}
    fresh = (status == "new").to_numpy()
    positions = np.flatnonzero(~fresh)
    for pos, (i, row) in zip(positions, rows.iloc[positions].iterrows(), strict=True):
        prev = old.loc[row["hazard_id"]]
        try:
            new, made = _one(row, prev, who=who, when=when, note=note, versioned=versioned)
        except WorkflowError as exc:
            refused[pos] = Problem("hazard_ledger", int(i), "hazard_status",
                                   row.get("hazard_status"), str(exc))
            continue
        out_rows.append(new)
        events += made
    frame = pd.DataFrame(out_rows, columns=[*rows.columns]) if out_rows else rows.iloc[:0]
    if "geometry" in rows:
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=rows.crs)
    changed = {"hazard_ledger": frame,
               "ledger_events": pd.DataFrame(events, columns=_EVENT_COLUMNS)}
    return changed, Registration(rows[fresh], who, when, note), refused
