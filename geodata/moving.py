"""Moving a county to another database (a DuckDB file to a PostgreSQL server, or back).

``move`` copies every table (history, accounts and the audit trail included), the metadata
and the evidence files into an empty database, in one transaction of the target, then reads
both again and compares each table's row count and content hash (``geodata.fingerprint``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pandas as pd

from domain.access import Account, require_admin
from domain.errors import StoreError
from domain.schema import META_TABLE, TABLES
from geodata import audit
from geodata.files import EVIDENCE_DIR
from geodata.fingerprint import frame_hash
from geodata.store import WRITTEN_PREFIX, Store

MOVED = tuple(name for name, table in TABLES.items()
              if name != META_TABLE and table.kind != "derived")
"""Every table moved, in declaration order (the metadata goes with them); not the derived
results, which the target works out again."""


@dataclass(frozen=True)
class TableCheck:
    """One table as found in both databases after a move."""

    table: str
    source_rows: int
    target_rows: int
    source_hash: str
    target_hash: str

    @property
    def same(self) -> bool:
        """Return whether the target holds exactly what the source holds."""
        return self.source_rows == self.target_rows and self.source_hash == self.target_hash


def table_hash(store: Store, name: str) -> tuple[int, str]:
    """Return the row count and content hash of ``name`` (rows in key order)."""
    frame = store.read(name)
    return len(frame), frame_hash(frame)


def move(source: Store, target: Store, *, who: Account) -> list[TableCheck]:
    """Copy everything of ``source`` into the empty ``target``; return each table's check.

    An administrator's task. Refused (``StoreError``) when the target holds any row, or is
    the source itself.
    Evidence files are copied into the target's folder (``Store.files_dir``) when it is
    another folder.
    """
    require_admin(who, ("迁移数据库", "move the database"))
    if source.db.text == target.db.text:
        raise StoreError(f"迁移的目标就是 {source.db} 本身，未迁移 (the target is the source "
                         f"database itself: nothing moved)")
    held = {n: k for n, k in target.counts(results=True).items() if k}
    held.update({n: target.count(n) for n in ("accounts", "audit_log") if target.count(n)})
    if held:
        raise StoreError(f"目标数据库 {target.db} 已有数据（{'、'.join(sorted(held))}），未迁移 "
                         f"(the target already holds data: nothing moved; use an empty one)")
    frames = {name: source.read(name) for name in MOVED}
    meta = {k: v for k, v in source.meta().items()
            if k != "schema_version" and not k.startswith(WRITTEN_PREFIX)}
    target.write_many(frames, valid=set(frames), meta=meta)
    _copy_evidence(source, target)
    checks = check(source, target, frames)
    audit.record(target, who.user_name, "migrate", f"{source.db} → {target.db}: "
                 f"{sum(len(f) for f in frames.values()):,} rows, "
                 f"{sum(c.same for c in checks)}/{len(checks)} tables the same")
    return checks


def check(source: Store, target: Store,
          frames: dict[str, pd.DataFrame] | None = None) -> list[TableCheck]:
    """Compare every moved table of ``source`` and ``target`` by row count and content hash.

    ``frames``: the tables of ``source`` as read for the move (else they are read now).
    """
    checks = []
    for name in MOVED:
        source_rows, source_hash = (len(frames[name]), frame_hash(frames[name])) \
            if frames is not None else table_hash(source, name)
        target_rows, target_hash = table_hash(target, name)
        checks.append(TableCheck(name, source_rows, target_rows, source_hash, target_hash))
    return checks


def _copy_evidence(source: Store, target: Store) -> None:
    """Copy the evidence folder of ``source`` to that of ``target`` (files not there yet)."""
    origin, destination = source.files_dir / EVIDENCE_DIR, target.files_dir / EVIDENCE_DIR
    if not origin.is_dir() or origin.resolve() == destination.resolve():
        return
    for file in origin.rglob("*"):
        copy = destination / file.relative_to(origin)
        if file.is_file() and not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, copy)
