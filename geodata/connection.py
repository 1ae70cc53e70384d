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

A PostgreSQL database (``PostgresConnector``) is reached through DuckDB's postgres
extension: one in-memory DuckDB per process attaches it once, and every read or write takes
a cursor of it. The server does the transactions: each DuckDB transaction is one PostgreSQL
transaction (repeatable read), so two processes that change the same row cannot both commit.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from domain.errors import StoreError
from domain.settings.storage import LockWait
from geodata.duckdb_spatial import connect_config, load_postgres, load_spatial
from geodata.sql import quote_ident

_GUARDS: dict[str, threading.RLock] = {}
_GUARDS_LOCK = threading.Lock()


def _guard(key: str) -> threading.RLock:
    """Return this process's lock for the database ``key`` (one per file or URL)."""
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

    always_spatial = False
    """Whether every connection has the spatial extension loaded already."""

    def __init__(self, path: Path, *, read_only: bool, wait: LockWait):
        """Prepare connections to ``path``; nothing is opened yet."""
        self.path, self.read_only, self.wait = path, read_only, wait
        self._guard = _guard(str(path.resolve()))
        self._held: duckdb.DuckDBPyConnection | None = None
        self._held_write = False
        self._held_spatial = False

    def _close(self, con: duckdb.DuckDBPyConnection) -> None:
        con.close()

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
            self._held, self._held_write = con, write
            self._held_spatial = self.always_spatial
            try:
                yield self._reuse(write=write, spatial=spatial)
            finally:
                self._held = None
                self._close(con)

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


_PROCESS: list[duckdb.DuckDBPyConnection] = []
"""This process's in-memory DuckDB, made on first use, which attaches every server database."""
_ATTACHED: dict[str, str] = {}
"""The name under which each database URL is attached to it."""
_ATTACH_LOCK = threading.Lock()


def _hidden(text: str, url: str) -> str:
    """Return ``text`` with the password of ``url`` (if any) masked."""
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def _process_duckdb() -> duckdb.DuckDBPyConnection:
    """Return this process's DuckDB (spatial and postgres loaded); call under the lock."""
    if not _PROCESS:
        con = duckdb.connect(config=connect_config())
        load_spatial(con)
        load_postgres(con)
        _PROCESS.append(con)
    return _PROCESS[0]


def _attached(url: str, shown: str) -> str:
    """Return the name under which this process's DuckDB has the database at ``url``.

    ``shown``: the location to name in messages.
    """
    with _ATTACH_LOCK:
        found = _ATTACHED.get(url)
        if found is not None:
            return found
        con = _process_duckdb()
        name = f"shared_{len(_ATTACHED)}_{threading.get_ident() % 10_000}"
        try:
            # ATTACH takes no parameters: the URL (the operator's setting, never a page
            # user's value) goes in as a quoted literal, the name is ours.
            con.execute(f"ATTACH '{_quoted(url)}' AS {quote_ident(name)} (TYPE postgres)")
        except duckdb.Error as exc:
            first = _hidden(str(exc), url).splitlines()[0]
            raise StoreError(f"无法连接数据库 cannot connect to the PostgreSQL database "
                             f"{shown}: {first}") from exc
        _ATTACHED[url] = name
        return name


def _quoted(text: str) -> str:
    """Return ``text`` as the body of a SQL string literal (ATTACH takes no parameter)."""
    return text.replace("'", "''")


_UNREACHABLE = ("Unable to connect to Postgres", "server closed the connection",
                "no connection to the server", "Connection refused", "could not connect",
                "terminating connection")
"""What the server (or libpq) says when the database cannot be reached."""


class PostgresConnector(Connector):
    """Opens short cursors of this process's DuckDB, which attaches the PostgreSQL database.

    Attributes:
        url: The database URL.
    """

    always_spatial = True

    def __init__(self, url: str, shown: str, *, read_only: bool, wait: LockWait):
        """Prepare cursors for the database at ``url``; nothing is opened yet."""
        self.url, self.shown = url, shown
        self.path, self.read_only, self.wait = Path(shown), read_only, wait
        self._guard = _guard(url)
        self._held = None
        self._held_write = False
        self._held_spatial = True

    @contextmanager
    def connection(self, *, write: bool = False, spatial: bool = False
                   ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a cursor for the body (``Connector.connection``); a lost server is a sentence."""
        try:
            with super().connection(write=write, spatial=spatial) as con:
                yield con
        except duckdb.Error as exc:
            if not any(said in str(exc) for said in _UNREACHABLE):
                raise
            first = _hidden(str(exc), self.url).splitlines()[0]
            raise StoreError(f"数据库连接不上，请稍后再试或联系管理员 (cannot reach the "
                             f"PostgreSQL database {self.shown}: {first})") from exc

    def has_postgis(self) -> bool:
        """Return whether the server database has the PostGIS extension."""
        query = "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
        with self.connection() as con:
            row = con.execute("SELECT count(*) FROM postgres_query(?, ?)",
                              [_attached(self.url, self.shown), query]).fetchone()
        return bool(row and row[0])

    def _open(self, *, write: bool) -> duckdb.DuckDBPyConnection:
        """Return a new cursor, working in the attached database."""
        name = _attached(self.url, self.shown)
        with _ATTACH_LOCK:
            cursor = _process_duckdb().cursor()
        cursor.execute(f"USE {quote_ident(name)}")  # our own name: USE takes no parameter
        return cursor

    def execute_on_server(self, script: str) -> None:
        """Run ``script`` (the server's own SQL, of our statements) in one transaction there.

        DuckDB then forgets what it knew of the server's tables (they may have changed).
        """
        with self.connection() as con:
            con.execute("CALL postgres_execute(?, ?)", [_attached(self.url, self.shown), script])
            con.execute("CALL pg_clear_cache()")


def forget(url: str) -> None:
    """Detach the database at ``url`` from this process (closing its connections to it)."""
    with _guard(url), _ATTACH_LOCK:
        name = _ATTACHED.pop(url, None)
        if name is not None:
            _process_duckdb().execute(f"DETACH {quote_ident(name)}")
