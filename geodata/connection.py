"""Short connections to one DuckDB file, so that the app and the jobs share it.

DuckDB lets one process write a file, or several processes read it, at a time, and keeps
the file locked while a connection is open. So no process keeps one open: every read or
write opens a connection, does its work and closes it (``Connector.connection``); a block
that must see no other process's writes (a version check before a save) holds one write
connection throughout (``Store.locked``). A process that finds the file locked tries again
until ``[database] lock_wait_s`` of ``config/storage.toml`` has passed, then says in one
sentence which process holds it.

Within a process, the connections to one file are taken one at a time (a lock per file),
so that threads (Streamlit sessions) never hold two connections of different kinds to it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from domain.errors import StoreError
from domain.settings.storage import LockWait
from geodata.duckdb_spatial import connect_config, load_spatial

_GUARDS: dict[str, threading.RLock] = {}
_GUARDS_LOCK = threading.Lock()


def _guard(path: Path) -> threading.RLock:
    """Return this process's lock for the file at ``path`` (one per file)."""
    key = str(path.resolve())
    with _GUARDS_LOCK:
        return _GUARDS.setdefault(key, threading.RLock())


def holder(message: str) -> str:
    """Return who holds the lock a DuckDB message names: its PID and command line."""
    found = re.search(r"\(PID (\d+)\)", message)
    if found is None:
        return "另一个程序 another program"
    pid = found.group(1)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"PID {pid}"
    command = " ".join(raw.replace(b"\0", b" ").decode(errors="replace").split())
    return f"PID {pid}（{command[:120]}）"


def _locked(exc: duckdb.Error) -> bool:
    return "Could not set lock" in str(exc)


class Connector:
    """Opens short connections to one database file, waiting while another process holds it.

    Attributes:
        path: The database file.
        read_only: Whether this process may only read it.
        wait: How long to keep trying a locked file, and how often.
    """

    def __init__(self, path: Path, *, read_only: bool, wait: LockWait):
        """Prepare connections to ``path``; nothing is opened yet."""
        self.path, self.read_only, self.wait = path, read_only, wait
        self._guard = _guard(path)
        self._held: duckdb.DuckDBPyConnection | None = None
        self._held_write = False
        self._held_spatial = False

    @contextmanager
    def connection(self, *, write: bool = False, spatial: bool = False
                   ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a connection for the body, closed after it (the one held, inside a block).

        Args:
            write: The body writes (an exclusive lock on the file).
            spatial: The body reads or writes geometry (the spatial extension is loaded).
        """
        if write and self.read_only:
            raise StoreError(f"{self.path} 以只读方式打开 was opened read-only: nothing can "
                             "be written through it")
        with self._guard:
            if self._held is not None:
                yield self._reuse(write=write, spatial=spatial)
                return
            con = self._open(write=write)
            self._held, self._held_write, self._held_spatial = con, write, False
            try:
                yield self._reuse(write=write, spatial=spatial)
            finally:
                self._held = None
                con.close()

    def _reuse(self, *, write: bool, spatial: bool) -> duckdb.DuckDBPyConnection:
        """Return the connection held, with the spatial extension when the body needs it."""
        con = self._held
        assert con is not None
        if write and not self._held_write:
            raise StoreError("内部错误 internal error: a write inside a read-only block")
        if spatial and not self._held_spatial:
            load_spatial(con)
            self._held_spatial = True
        return con

    def _open(self, *, write: bool) -> duckdb.DuckDBPyConnection:
        """Open a connection, trying again while another process holds the file."""
        deadline = time.monotonic() + self.wait.seconds
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=not write,
                                      config=connect_config())
            except duckdb.Error as exc:
                if not _locked(exc):
                    raise StoreError(f"无法打开数据库 cannot open database {self.path}: "
                                     f"{exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"数据库正被 {holder(str(exc))} 使用，等待 {self.wait.seconds:g} 秒后"
                        f"仍未释放，请稍后再试 (the database {self.path.name} is busy: another "
                        f"process held it for longer than [database] lock_wait_s)") from exc
                time.sleep(self.wait.every)  # the file lock has no wait of its own: poll it
