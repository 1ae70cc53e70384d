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
import shapely

from domain.errors import Problem
from domain.schema import TABLES
from domain.workflow import (
    ACTIONS,
    SUPERVISION,
    TRACKED,
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
    return change(old, action, edits, who=who, when=when, note=_reason(note, action))


def _reason(note: str, action: str) -> str:
    """Return an imported change's note: a return (退回) says verification failed."""
    return note if action != "退回" else f"{note}（验收未通过 verification failed）"


def import_events(rows: pd.DataFrame, stored: pd.DataFrame, status: pd.Series, *,
                  actor: str, source: str, versioned: bool = False,
                  now: pd.Timestamp | None = None
                  ) -> tuple[dict[str, pd.DataFrame], Registration, dict[int, Problem]]:
    """Return what an import writes: changed rows with their events, new rows to register.

    New rows keep the version their file gives (1 when none): a restored or moved ledger
    keeps counting where it was; the store makes their 登记 events. Changed rows are worked
    out all at once (``_Batch``), as ``_one`` would row by row; the rows it would refuse go
    through ``_one`` for its message. Refused rows are keyed by their position in ``rows``;
    nothing of theirs is written.
    """
    when = (now or pd.Timestamp.now()).floor("s")
    who = Identity(actor)
    note = f"导入自 imported from {source}"
    fresh = (status == "new").to_numpy()
    positions = np.flatnonzero(~fresh)
    changed = rows.iloc[positions]
    prev = stored.set_index("hazard_id").reindex(changed["hazard_id"])
    batch = _Batch(changed, prev, versioned=versioned)
    done = batch.clear()
    out = [(positions[done], batch.rows(done))]
    events = [(positions[batch.event_row[done[batch.event_row]]],
               batch.events(done, who=who, when=when, note=note))]
    refused: dict[int, Problem] = {}
    for k in np.flatnonzero(~done):  # the rest row by row, for the workflow's own messages
        pos, row = positions[k], changed.iloc[k]
        try:
            new, made = _one(row, prev.iloc[k], who=who, when=when, note=note,
                             versioned=versioned)
        except WorkflowError as exc:
            refused[pos] = Problem("hazard_ledger", int(changed.index[k]), "hazard_status",
                                   row.get("hazard_status"), str(exc))
            continue
        out.append(([pos], pd.DataFrame([new], columns=[*rows.columns])))
        events.append(([pos] * len(made), pd.DataFrame(made, columns=_EVENT_COLUMNS)))
    frame = _in_order(out, [*rows.columns])
    frame = rows.iloc[:0] if frame is None else frame
    if "geometry" in rows:
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=rows.crs)
    made = _in_order(events, _EVENT_COLUMNS)
    written = {"hazard_ledger": frame,
               "ledger_events": pd.DataFrame(columns=_EVENT_COLUMNS) if made is None else made}
    return written, Registration(rows[fresh], who, when, note), refused


def _in_order(parts: list[tuple[Any, pd.DataFrame]], columns: list[str]
              ) -> pd.DataFrame | None:
    """Concatenate frames of rows tagged by position, in the order of the positions."""
    parts = [(np.asarray(tags), f) for tags, f in parts if len(f)]
    if not parts:
        return None
    tags = np.concatenate([t for t, _ in parts])
    frame = pd.concat([f.astype(object) for _, f in parts], ignore_index=True)[columns]
    return frame.iloc[np.argsort(tags, kind="stable")].reset_index(drop=True)


def texts(values: pd.Series) -> np.ndarray:
    """Return ``workflow.text`` of every value of a column at once.

    Text as it is, geometry as full-precision WKT, other types once per distinct value.
    """
    if isinstance(values.dtype, gpd.array.GeometryDtype):
        shapes = np.asarray(values.values, dtype=object)
        wkt = np.asarray(shapely.to_wkt(shapes, rounding_precision=-1), dtype=object)
        wkt[shapely.is_empty(shapes)] = None
        return wkt
    if values.dtype == object:
        return np.array([text(v) for v in values], dtype=object)
    if pd.api.types.is_string_dtype(values.dtype):
        return values.to_numpy(dtype=object, na_value=None)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.array([*(text(u) for u in uniques), None], dtype=object)[codes]


class _Batch:
    """Changed rows worked out at once, as ``_one`` would one by one.

    ``clear()`` marks the rows ``_one`` would take without complaint; the others (a version
    conflict, a move no action makes, a required field left empty, nothing changed) go
    through ``_one`` for the workflow's own refusal.
    """

    def __init__(self, rows: pd.DataFrame, prev: pd.DataFrame, *, versioned: bool):
        self.source = rows
        self.prev = prev
        self.versioned = versioned
        # prev is indexed by hazard_id: the columns both carry are the ones that can change
        columns = [c for c in rows.columns if c in prev.columns and c != "row_version"]
        self.new = {c: texts(rows[c]) for c in columns}
        self.old = {c: texts(prev[c]) for c in columns}
        self.take = {c: self.new[c] != self.old[c] for c in columns}
        self.action = np.array([_action(a, b) for a, b in zip(
            self.old.get("hazard_status"), self.new.get("hazard_status"), strict=True)],
            dtype=object)
        self.old_version = pd.to_numeric(prev["row_version"]).to_numpy(dtype=float)
        self.tracked = [f for f in TRACKED if f in self.take]
        changes = np.column_stack([self.take[f] for f in self.tracked]) if self.tracked \
            else np.zeros((len(rows), 0), dtype=bool)
        self.event_row, self.event_field = np.nonzero(changes)
        self.any_change = changes.any(axis=1)

    def merged_text(self, field: str) -> np.ndarray:
        """Return the text each row's field has after the change."""
        if field not in self.take:
            return texts(self.prev[field]) if field in self.prev else np.full(
                len(self.source), None, dtype=object)
        return np.where(self.take[field], self.new[field], self.old[field])

    def _empty(self, field: str) -> np.ndarray:
        merged = self.merged_text(field)
        return np.array([v is None or v == "" for v in merged], dtype=bool)

    def clear(self) -> np.ndarray:
        """Return which rows pass every check ``_one`` and ``workflow.change`` make."""
        ok = (self.action != None) & self.any_change  # noqa: E711 (elementwise)
        ok &= ~np.isnan(self.old_version)
        if self.versioned:
            given = pd.to_numeric(self.source["row_version"]).to_numpy(dtype=float)
            ok &= given == self.old_version
        # a major hazard moves only with its supervision record (挂牌督办)
        unsupervised = (self.merged_text("hazard_level") == "重大") & np.logical_or.reduce(
            [self._empty(need) for need in SUPERVISION])
        for name, spec in ACTIONS.items():
            acting = ok & (self.action == name)
            if not acting.any():
                continue
            for need in (f for f in spec.needs if f != "note"):
                ok &= ~(acting & self._empty(need))
            if spec.target is not None and name != "登记":
                ok &= ~(acting & unsupervised)
        return ok

    def versions(self) -> np.ndarray:
        """Return each row's new version: the stored one plus one."""
        return self.old_version.astype(int) + 1

    def rows(self, keep: np.ndarray) -> pd.DataFrame:
        """Return the stored form of the kept rows: changed fields new, the others stored."""
        out = {}
        for c in self.source.columns:
            if c in self.take:  # a field emptied in the file is emptied in the row
                new = np.asarray(self.source[c].values, dtype=object)
                old = np.asarray(self.prev[c].values, dtype=object)
                emptied = np.array([v is None for v in self.new[c]], dtype=bool)
                value = np.where(self.take[c], np.where(emptied, None, new), old)
            elif c == "row_version":
                value = self.versions()
            else:
                value = np.asarray(self.source[c].values, dtype=object)
            out[c] = value[keep]
        return pd.DataFrame(out, columns=[*self.source.columns])

    def events(self, keep: np.ndarray, *, who: Identity, when: pd.Timestamp,
               note: str) -> pd.DataFrame:
        """Return the kept rows' events: one per changed field, in field order."""
        mine = keep[self.event_row]
        row, field = self.event_row[mine], self.event_field[mine]
        # k-th change of its row: events come row by row, fields in order
        k = np.arange(len(row)) - np.searchsorted(row, row, side="left") + 1
        hazard = self.source["hazard_id"].to_numpy(dtype=object)[row]
        version = self.versions()[row]
        action = self.action[row]
        old = np.column_stack([self.old[f] for f in self.tracked])[row, field] if len(row) \
            else np.array([], dtype=object)
        new = np.column_stack([self.new[f] for f in self.tracked])[row, field] if len(row) \
            else np.array([], dtype=object)
        return pd.DataFrame({
            "event_id": [f"{h}-v{v}-{n:02d}" for h, v, n in zip(hazard, version, k,
                                                                 strict=True)],
            "hazard_id": hazard, "event_time": when, "actor": who.name,
            "actor_department": who.department or None, "action": action,
            "field_name": np.array(self.tracked, dtype=object)[field], "old_value": old,
            "new_value": new, "note": [_reason(note, a) for a in action],
            "row_version": version,
        }, columns=_EVENT_COLUMNS)


def _action(old: str | None, new: str | None) -> str | None:
    """Return the action moving ``old`` to ``new``, None when no action does."""
    try:
        return status_action(old, new)
    except WorkflowError:
        return None
