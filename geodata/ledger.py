"""Saving ledger changes: the workflow, the version check, evidence files, all or nothing.

Every save reads the row, checks that its version is the one the editor started from
(optimistic concurrency: a second editor of the same row is refused and told what the first
changed), applies ``domain.workflow.change``, and writes the row, its events and its
evidence-file records in one transaction. Evidence files are kept under the data folder in
``evidence/<first two hex digits>/<sha256><suffix>``, named by their content hash
(``geodata.files``), and written only once their records are committed: a refused save
leaves no file behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from domain.access import Account, require_handle
from domain.errors import ConcurrentChangeError, ValidationError
from domain.schema import STORAGE_CRS, TABLES
from domain.workflow import Identity, WorkflowError, change, label, text
from geodata import audit
from geodata.files import EVIDENCE_DIR, client_name, evidence_file, evidence_path, write_new
from geodata.store import Store

_COLUMNS = [*TABLES["hazard_ledger"].columns, "geometry"]


class ConflictError(WorkflowError):
    """The row changed since the editor loaded it; nothing was saved."""


@dataclass(frozen=True)
class Attachment:
    """An evidence file as uploaded: its name and bytes."""

    name: str
    data: bytes


def evidence_root(store: Store) -> Path:
    """Return the folder evidence files are kept in, beside the database."""
    return store.files_dir / EVIDENCE_DIR


def _frame(rows: Sequence[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(list(rows)).reindex(columns=_COLUMNS),
                            geometry="geometry", crs=STORAGE_CRS)


def _conflict(store: Store, hazard_id: str, expected: int, found: int) -> ConflictError:
    """Return the refusal for a stale save, naming who changed what since ``expected``."""
    events = store.read("ledger_events", {"hazard_id": hazard_id})
    since = events[events["row_version"] > expected].sort_values("event_id")
    lines = [f"  {e.event_time:%Y-%m-%d %H:%M} {e.actor}"
             f"{f'（{text(e.actor_department)}）' if text(e.actor_department) else ' '}"
             f"{e.action}: {label(e.field_name)} {text(e.old_value) or '∅'} → "
             f"{text(e.new_value) or '∅'}" for e in since.itertuples()]
    return ConflictError(
        f"隐患 {hazard_id} 已被他人修改（版本 {expected} → {found}），本次保存未生效；"
        f"请载入最新版本后再改 (changed by someone else since you opened it; nothing saved):\n"
        + "\n".join(lines))


def _current(store: Store, hazard_id: str, expected: int | None) -> dict[str, Any]:
    stored = store.read("hazard_ledger", {"hazard_id": hazard_id})
    if stored.empty:
        raise WorkflowError(f"没有编号为 {hazard_id} 的隐患 (no hazard {hazard_id})")
    row = stored.iloc[0].to_dict()
    if expected is not None:
        _check_version(store, row, expected)
    return row


def _check_version(store: Store, row: dict[str, Any], expected: int) -> None:
    """Refuse a save started from another version of ``row`` than the stored one."""
    if int(row["row_version"]) != int(expected):
        raise _conflict(store, row["hazard_id"], int(expected), int(row["row_version"]))


def _unique(files: Sequence[Attachment]) -> dict[str, Attachment]:
    """Return the files by SHA-256; of one content attached twice, the first."""
    unique: dict[str, Attachment] = {}
    for f in files:
        unique.setdefault(hashlib.sha256(f.data).hexdigest(), f)
    return unique


def _evidence_records(files: Sequence[Attachment], hazard_id: str, event_id: str,
                      who: Identity, when: pd.Timestamp) -> pd.DataFrame:
    """Return the evidence-file records of ``files``, one per content."""
    records = [{"file_sha256": digest, "hazard_id": hazard_id, "event_id": event_id,
                "file_name": client_name(f.name),
                "size_bytes": len(f.data), "stored_path": evidence_path(digest, f.name),
                "event_time": when, "actor": who.name}
               for digest, f in _unique(files).items()]
    return pd.DataFrame(records, columns=list(TABLES["evidence_files"].columns))


def _keep_files(store: Store, files: Sequence[Attachment]) -> None:
    """Write each evidence file under its hash, once (after its records are committed)."""
    for digest, f in _unique(files).items():
        write_new(evidence_file(store.files_dir, evidence_path(digest, f.name), digest),
                  f.data)


def apply(store: Store, hazard_id: str, action: str, values: Mapping[str, Any], *,
          version: int, who: Account, note: str | None = None,
          files: Sequence[Attachment] = (), now: pd.Timestamp | None = None,
          address: str = "") -> dict[str, Any]:
    """Apply one action to one stored hazard, if it is still at ``version``; return the row."""
    return batch(store, [(hazard_id, version)], action, values, who=who, note=note,
                 files=files, now=now, address=address)[0]


def batch(store: Store, rows: Sequence[tuple[str, int]], action: str,
          values: Mapping[str, Any], *, who: Account, note: str | None = None,
          files: Sequence[Attachment] = (), now: pd.Timestamp | None = None,
          address: str = "") -> list[dict[str, Any]]:
    """Apply one action to several hazards, all or nothing; return the new rows.

    ``rows`` are (hazard ID, the version the editor saw). Raises ``AccessDenied`` when
    ``who`` may not change one of them (``domain.access``), ``WorkflowError`` listing every
    hazard that cannot take the action (``ConflictError`` when one changed meanwhile).
    Nothing is written then; a save is audited (``address``: the editor's).
    """
    when = (now or pd.Timestamp.now()).floor("s")
    with store.locked():
        stored = _allowed(store, who, [hazard_id for hazard_id, _ in rows], address)
        new_rows, events, errors = [], [], []
        for hazard_id, version in rows:
            try:
                _check_version(store, stored[hazard_id], version)
                row, made = change(stored[hazard_id], action, values, who=who.identity,
                                   when=when, note=note)
            except WorkflowError as exc:
                if len(rows) == 1:
                    raise
                errors.append(f"{hazard_id}: {exc}")
                continue
            new_rows.append(row)
            events += made
        if errors:
            raise WorkflowError(f"{len(errors)} 条不能“{action}”，全部未保存 (nothing saved):\n"
                                + "\n".join(errors))
        writes = {"hazard_ledger": _frame(new_rows), "ledger_events": pd.DataFrame(events)}
        if files:
            writes["evidence_files"] = pd.concat(
                [_evidence_records(files, r["hazard_id"],
                             next(e["event_id"] for e in events
                                  if e["hazard_id"] == r["hazard_id"]), who.identity, when)
                 for r in new_rows], ignore_index=True)
        _write_unmoved(store, writes, {h: int(stored[h]["row_version"]) for h, _ in rows})
        _keep_files(store, files)
    audit.record(store, who.user_name, "ledger_change",
                 f"{action}: {'、'.join(r['hazard_id'] for r in new_rows)}", address=address)
    return new_rows


def _write_unmoved(store: Store, writes: Mapping[str, pd.DataFrame],
                   read: Mapping[str, int]) -> None:
    """Write ``writes`` if every hazard of ``read`` is still at the version read.

    Checked by the database, in the write's transaction: on a shared server another app
    server may have saved one since it was read here. Refused, the error names who changed
    what (``ConflictError``).
    """
    read_at = pd.DataFrame({"hazard_id": list(read), "row_version": list(read.values())})
    try:
        store.write_many(writes, mode="upsert", read_at=read_at)
    except ConcurrentChangeError:
        now = store.read_keys("hazard_ledger", read_at)
        found = dict(zip(now["hazard_id"], now["row_version"].astype(int), strict=True))
        moved = [h for h, version in read.items() if found.get(h) != version]
        if not moved:
            raise
        raise _conflict(store, moved[0], read[moved[0]], found.get(moved[0], 0)) from None


def _allowed(store: Store, who: Account, ids: Sequence[str], address: str
             ) -> dict[str, dict[str, Any]]:
    """Return the stored rows of ``ids`` if ``who`` may change every one; else refuse (audited)."""
    stored = {hazard_id: _current(store, hazard_id, None) for hazard_id in ids}
    audit.refusing(store, who.user_name, lambda: require_handle(who, list(stored.values())),
                   address=address)
    return stored


def next_id(store: Store, when: pd.Timestamp) -> str:
    """Return a new hazard ID ``YH<yyyymm><5 digits>``, one past the highest number in use."""
    ids = store.read("hazard_ledger")["hazard_id"]
    numbers = ids.str.extract(r"^YH\d{6}(\d{5})$")[0].dropna().astype(int)
    return f"YH{when:%Y%m}{(numbers.max() + 1 if len(numbers) else 1):05d}"


_REGISTER_TRIES = 5
"""How often a registration tries a new ID when another server took the one it chose."""


def register(store: Store, values: Mapping[str, Any], *, who: Account,
             now: pd.Timestamp | None = None, address: str = "") -> dict[str, Any]:
    """Register a new hazard (登记, status 待整改) and return its row.

    A department or township editor registers only for their own unit or township
    (``AccessDenied`` otherwise, nothing written).
    """
    when = (now or pd.Timestamp.now()).floor("s")
    audit.refusing(store, who.user_name, lambda: require_handle(who, [dict(values)]),
                   address=address)
    for attempt in range(_REGISTER_TRIES):
        with store.locked():
            fields = {"hazard_id": next_id(store, when), **values}
            row, events = change(None, "登记", fields, who=who.identity, when=when)
            try:
                store.write_many({"hazard_ledger": _frame([row]),
                                  "ledger_events": pd.DataFrame(events)})
                break
            except (ConcurrentChangeError, ValidationError):
                taken = store.count("hazard_ledger", {"hazard_id": fields["hazard_id"]})
                if not taken or attempt == _REGISTER_TRIES - 1:
                    raise  # not another server taking the same new ID meanwhile
    audit.record(store, who.user_name, "ledger_register", row["hazard_id"], address=address)
    return row
