"""The store: the only owner of the database, a DuckDB file or a PostgreSQL server.

Every read returns frames typed by the schema (GeoDataFrames in EPSG:4326 for tables with
geometry, geometry carried as WKB); every write is validated against the schema first and runs
in one transaction, so a write either lands whole or not at all. No connection outlives the
read or write it serves (``geodata.connection``): the app and the jobs share the file.

On PostgreSQL (``$RISKMAP_DB=postgresql://…``) the same SQL runs through DuckDB's postgres
extension, and the server does the transactions: a write whose rows another process changed
since the transaction began is refused (``ConcurrentChangeError``), never applied over it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from domain.errors import ConcurrentChangeError, Problem, StoreError, ValidationError
from domain.schema import (
    APPEND_ONLY,
    ENTITY_TABLES,
    META_TABLE,
    RESULT_TABLES,
    SCHEMA_VERSION,
    STORAGE_CRS,
    Table,
    get_table,
)
from domain.settings.storage import LockWait
from domain.workflow import TRACKED, Registration
from geodata import sql
from geodata.config import load_settings
from geodata.connection import Connector, PostgresConnector
from geodata.location import DB_ENV, Database, database
from geodata.migrations import migrate, migrate_server, stored_version
from geodata.validate import PANDAS_DTYPES, validate

__all__ = ["DB_ENV", "Database", "Store", "database"]
_VIEW = "riskmap_incoming"

WRITTEN_PREFIX = "written:"
"""Metadata key prefix of each table's write stamp, renewed by every write to the table."""

WriteMode = Literal["append", "replace", "upsert"]
"""append: keys must be new; replace: empty the table first; upsert: replace rows by key."""


class Store:
    """A County Risk Map database: a DuckDB file, or a PostgreSQL database with PostGIS.

    Use as a context manager, or call ``close()``.

    Attributes:
        db: Where the data is (``geodata.location.Database``).
        migrated_from: The schema version found on opening (None: the database was new).
    """

    def __init__(self, location: str | Path | Database | None = None, *,
                 read_only: bool = False, wait: LockWait | None = None):
        """Check (creating or migrating when writable) the database at ``location``.

        Args:
            location: A database file or a ``postgresql://`` URL; defaults to
                ``$RISKMAP_DB``, else ``data/riskmap.duckdb`` (``geodata.location``).
            read_only: Never write; the schema must then be current.
            wait: How long to keep trying while another process holds the file (default:
                ``[database]`` of ``config/storage.toml``).

        Raises:
            StoreError: The file cannot be opened (or stays locked), the server cannot be
                reached, an extension cannot be loaded, or a read-only database has an
                older schema.
        """
        self.db = database(location)
        wait = wait or load_settings().storage.database
        if self.db.is_postgres:
            self._db: Connector = PostgresConnector(self.db.text, str(self.db),
                                                    read_only=read_only, wait=wait)
            self._upgrade(read_only=read_only)
            return
        path = self.db.path
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and not path.exists():
            raise StoreError(f"无法打开数据库 cannot open database {path}: 文件不存在 no "
                             f"such file")
        self._db = Connector(path, read_only=read_only, wait=wait)
        self._upgrade(read_only=read_only, found=path.exists())

    def _upgrade(self, *, read_only: bool, found: bool = True) -> None:
        """Create or migrate the tables when the schema is older (``found``: the file exists).

        Raises:
            StoreError: The schema is older and the store is read-only.
        """
        self.migrated_from = None
        if found:
            with self._db.connection() as con:
                self.migrated_from = stored_version(con)
        if self.migrated_from == SCHEMA_VERSION:
            return
        if read_only:
            raise StoreError(f"{self.db} has an older schema; open it writable once "
                             "to migrate it")
        server = self._db if isinstance(self._db, PostgresConnector) else None
        if server is not None and not server.has_postgis():
            raise StoreError(
                f"数据库 {self.db} 没有 PostGIS 扩展：请数据库管理员在其中运行 CREATE EXTENSION "
                f"postgis，再打开 (the database has no PostGIS: a database administrator must "
                f"run CREATE EXTENSION postgis in it first; docs/DEPLOY.md)")
        with self._db.connection(write=server is None, spatial=True) as con:
            self.migrated_from = migrate(con) if server is None else \
                migrate_server(con, server.execute_on_server)

    @property
    def files_dir(self) -> Path:
        """Return the folder of the evidence files (``Database.files_dir``)."""
        return self.db.files_dir

    def close(self) -> None:
        """Nothing to close: no connection outlives the read or write it serves."""

    @contextmanager
    def session(self) -> Iterator[None]:
        """Hold one read connection for the body: several reads, one opening of the file."""
        with self._db.connection():
            yield

    def __enter__(self) -> Self:
        """Return the open store."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the store."""
        self.close()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file for writing: reads and writes in the body see no one else's writes.

        For read-check-write sequences (a version check before a save): no other process
        or thread reads or writes the database until the body ends, so keep it short.
        """
        with self._db.connection(write=True, spatial=True):
            yield

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the body in one transaction: commit on success, roll back on any error.

        On PostgreSQL, a row another process changed since the transaction began cannot be
        changed again: that ends the transaction with ``ConcurrentChangeError`` (which
        ``write_many`` tries again, see ``_TRIES``).
        """
        with self._db.connection(write=True, spatial=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except duckdb.Error as exc:
                _roll_back(con)
                if any(said in str(exc) for said in _CONCURRENT_SAID):
                    raise _Collided(_CONCURRENT) from exc
                raise
            except BaseException:
                _roll_back(con)
                raise

    # --- writing --------------------------------------------------------------------------

    def write(self, table: str, frame: pd.DataFrame, *, mode: WriteMode = "append") -> int:
        """Validate and store the rows of ``frame`` in ``table``; return the row count.

        Raises:
            ValidationError: Any row breaks the schema or reuses a stored key; nothing is
                written.
        """
        return self.write_many({table: frame}, mode=mode)[table]

    def write_many(self, frames: Mapping[str, pd.DataFrame], *,
                   mode: WriteMode = "append", valid: Collection[str] = (),
                   registered: Registration | None = None,
                   meta: Mapping[str, str] | None = None,
                   read_at: pd.DataFrame | None = None) -> dict[str, int]:
        """Validate every frame, then store them all in one transaction.

        With ``mode="replace"`` the named tables are emptied first, and with ``"upsert"`` the
        stored rows sharing a key with an incoming row are, inside the same transaction, so a
        failure leaves them as they were. Frames named in ``valid`` were validated by the
        caller already (an import's own checked rows) and are not checked twice.
        ``registered`` new ledger rows are added with their 登记 events, in the same
        transaction (checked unless ``hazard_ledger`` is in ``valid``), and so are the
        ``meta`` entries. ``read_at`` (``hazard_id``, ``row_version``) are the ledger rows
        as the caller read them: if another writer has changed one since, nothing is
        written (``ConcurrentChangeError``).
        """
        checked: dict[str, pd.DataFrame] = {}
        problems: list[Problem] = []
        for name, frame in frames.items():
            checked[name], found = self._checked(name, frame, valid)
            problems += found
        if registered is not None:
            new_rows, found = self._checked("hazard_ledger", registered.rows, valid)
            problems += found
        if problems:
            raise ValidationError(problems)
        def work(con: duckdb.DuckDBPyConnection) -> None:
            if read_at is not None and len(read_at):
                _refuse_moved(con, read_at)
            for name, frame in checked.items():
                self._insert(con, name, frame, mode=mode)
            written = set(checked)
            if registered is not None and len(new_rows):
                self._insert(con, "hazard_ledger", new_rows, mode="append",
                             registered=registered)
                written |= {"hazard_ledger", "ledger_events"}
            _put_meta(con, meta or {})
            _stamp(con, written)
        self._retried(work)
        return {name: len(frame) for name, frame in checked.items()}

    def _retried(self, work: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """Run ``work`` in one transaction, in a new one when it met another process's.

        Raises:
            ConcurrentChangeError: It met another's change ``_TRIES`` times.
        """
        for attempt in range(_TRIES):
            try:
                with self.transaction() as con:
                    work(con)
                return
            except _Collided:
                if attempt == _TRIES - 1:
                    raise ConcurrentChangeError(_CONCURRENT) from None

    def write_derived(self, parts: pd.DataFrame, *, keep: int) -> None:
        """Store the parts of derived results, keeping only the ``keep`` latest of each kind.

        ``parts`` are rows of ``derived_results``: a result already stored under the same
        key is replaced, and the oldest results of the kinds written beyond ``keep`` go, in
        the same transaction (``geodata.derived``).
        """
        table = get_table("derived_results")
        checked, problems = self._checked(table.name, parts, ())
        if problems:
            raise ValidationError(problems)
        def work(con: duckdb.DuckDBPyConnection) -> None:
            self._insert(con, table.name, checked, mode="upsert")
            for kind in sorted(set(checked["derived_kind"])):
                con.execute(sql.keep_latest_sql(table, "derived_kind", "derived_key",
                                                "computed_at"), [kind, keep])
        self._retried(work)

    @staticmethod
    def _checked(name: str, frame: pd.DataFrame, valid: Collection[str]
                 ) -> tuple[pd.DataFrame, list[Problem]]:
        """Return ``frame`` validated (as it is when ``name`` is in ``valid``) and its errors."""
        if name in valid:
            return frame, []
        out, found = validate(name, frame)
        return out, [p for p in found if p.severity == "error"]

    def _insert(self, con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, *,
                mode: WriteMode, registered: Registration | None = None) -> None:
        """Insert ``frame`` through the incoming view; with ``registered``, its 登记 events."""
        table = get_table(name)
        if name in APPEND_ONLY and mode != "append":
            raise StoreError(f"“{table.zh}”只能追加，不能修改或删除 ({name} is append-only)")
        if mode == "replace":
            con.execute(sql.delete_all_sql(table))
        flat = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        if table.geometry:
            flat["geometry"] = shapely.to_wkb(frame.geometry.values)
        flat["__row"] = np.arange(len(flat))
        # Arrow hands DuckDB the columns without a copy per value.
        con.register(_VIEW, pa.Table.from_pandas(flat, preserve_index=False))
        try:
            if mode == "upsert":
                con.execute(sql.delete_keys_sql(table, _VIEW))
            _refuse_clashes(con, name, table.primary_key[0], sql.existing_keys_sql(table, _VIEW))
            con.execute(sql.insert_from_view_sql(table, _VIEW))
            if registered is not None:  # made from the same view, in the same transaction
                _refuse_clashes(con, "ledger_events", "event_id",
                                sql.registration_clashes_sql(_VIEW))
                con.execute(sql.registration_events_sql(_VIEW, [c for c in TRACKED if c in frame]),
                            registered.parameters())
        finally:
            con.unregister(_VIEW)

    # --- reading --------------------------------------------------------------------------

    def read(self, table: str, filters: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Return the rows of ``table`` matching ``filters`` (see ``sql.build_where``).

        Tables with geometry come back as GeoDataFrames in EPSG:4326.
        """
        spec = get_table(table)
        where, params = sql.build_where(table, filters)
        with self._db.connection(spatial=bool(spec.geometry)) as con:
            fetched = con.execute(sql.select_sql(spec, where), params).to_arrow_table()
        return self._typed(spec, fetched)

    @staticmethod
    def _typed(spec: Table, fetched: pa.Table) -> pd.DataFrame:
        """Give fetched rows the schema's dtypes and, with geometry, a GeoDataFrame.

        Through Arrow: text goes straight into Arrow-backed string columns and WKB into
        shapely, with no Python object per value (docs/PERFORMANCE.md).
        """
        geometry = None
        if spec.geometry:
            where = fetched.schema.get_field_index("geometry")
            geometry = shapely.from_wkb(fetched.column(where).to_numpy(zero_copy_only=False))
            fetched = fetched.remove_column(where)
        frame = fetched.to_pandas(date_as_object=False)
        for field in spec.fields:
            frame[field.name] = frame[field.name].astype(PANDAS_DTYPES[field.type])
        if geometry is None:
            return frame
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=STORAGE_CRS)

    def read_keys(self, table: str, keys: pd.DataFrame) -> pd.DataFrame:
        """Return the stored rows of ``table`` whose primary key is in ``keys``, typed."""
        spec = get_table(table)
        view = pa.Table.from_pandas(pd.DataFrame(keys[list(spec.primary_key)]),
                                    preserve_index=False)
        with self._db.connection(spatial=bool(spec.geometry)) as con:
            con.register(_VIEW, view)
            try:
                fetched = con.execute(sql.select_by_keys_sql(spec, _VIEW)).to_arrow_table()
            finally:
                con.unregister(_VIEW)
        return self._typed(spec, fetched)

    def count(self, table: str, filters: Mapping[str, Any] | None = None) -> int:
        """Return the number of rows of ``table`` matching ``filters``."""
        where, params = sql.build_where(table, filters)
        with self._db.connection() as con:
            row = con.execute(sql.count_sql(get_table(table), where), params).fetchone()
        return int(row[0]) if row else 0

    def counts(self, *, results: bool = False) -> dict[str, int]:
        """Return the row count of every entity table (and result table, if asked)."""
        names = (*ENTITY_TABLES, *RESULT_TABLES) if results else ENTITY_TABLES
        with self._db.connection() as con:  # one query: every snapshot asks
            row = con.execute(sql.counts_sql([get_table(n) for n in names])).fetchone()
        return {name: int(n) for name, n in zip(names, row or (), strict=True)}

    # --- metadata -------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """Return the metadata (schema version, data set label, …) as a dict."""
        with self._db.connection() as con:  # plain rows: a typed frame costs more
            rows = con.execute(sql.select_sql(get_table(META_TABLE))).fetchall()
        columns = get_table(META_TABLE).columns
        key, value = columns.index("meta_key"), columns.index("meta_value")
        return {r[key]: r[value] for r in rows}

    def versions(self, meta: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return a signature of each entity table's content: its row count and write stamp.

        A write to a table changes its signature, also when the row count stays the same (an
        upsert of changed rows), so caches can be kept per table. ``meta``: ``meta()`` when
        the caller has read it already.
        """
        meta = self.meta() if meta is None else meta
        return {name: f"{n}:{meta.get(WRITTEN_PREFIX + name, '')}"
                for name, n in self.counts().items()}

    def set_meta(self, values: Mapping[str, str]) -> None:
        """Insert or replace metadata entries, in one transaction."""
        self.write_many({}, meta=values)

    @property
    def schema_version(self) -> int:
        """Return the schema version recorded in the database."""
        with self._db.connection() as con:
            return stored_version(con) or 0

    def is_demo(self) -> bool:
        """Return whether the database holds the fictional demo county."""
        return self.meta().get("dataset") == "demo"


_CONCURRENT_SAID = ("could not serialize access", "duplicate key value violates unique")
"""What PostgreSQL says when a transaction would change a row changed since it began, or
add a key another transaction added meanwhile."""
_CONCURRENT = ("数据在读取之后被他人修改，本次未写入任何内容，请重新打开后再改 (someone else "
               "changed these rows meanwhile: nothing written; open them again)")


class _Collided(ConcurrentChangeError):
    """The server refused a transaction that met another one's change: try it again."""


_TRIES = 5
"""How often a write meeting another process's (on PostgreSQL) is tried in a new transaction.

Every write renews its tables' write stamps (one metadata row each), so two writes to one
table meet there even when their rows differ; tried again, the write sees the other's
changes: a ledger save whose rows moved is then refused by its version check, never
applied over them."""


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """Roll the open transaction back (a failed COMMIT has ended it already)."""
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _put_meta(con: duckdb.DuckDBPyConnection, values: Mapping[str, str]) -> None:
    """Insert or replace metadata entries (inside the caller's transaction)."""
    for key, value in values.items():
        con.execute(sql.upsert_sql(get_table(META_TABLE)), [key, str(value)])


def _stamp(con: duckdb.DuckDBPyConnection, tables: Collection[str]) -> None:
    """Renew the write stamp of each entity table of ``tables`` (see ``Store.versions``)."""
    stamp = uuid.uuid4().hex[:16]
    _put_meta(con, {WRITTEN_PREFIX + name: stamp
                    for name in sorted(set(tables) & set(ENTITY_TABLES))})


def _refuse_moved(con: duckdb.DuckDBPyConnection, read_at: pd.DataFrame) -> None:
    """Raise ``ConcurrentChangeError`` if a ledger row is no longer at the version read."""
    table = get_table("hazard_ledger")
    con.register(_VIEW, pa.Table.from_pandas(
        pd.DataFrame(read_at[["hazard_id", "row_version"]]), preserve_index=False))
    try:
        moved = [r[0] for r in con.execute(sql.moved_versions_sql(table, _VIEW)).fetchall()]
    finally:
        con.unregister(_VIEW)
    if moved:
        shown = "、".join(moved[:10]) + ("……" if len(moved) > 10 else "")
        raise ConcurrentChangeError(
            f"{len(moved)} 条隐患在读取之后被他人修改（{shown}），本次未写入任何内容，请重新导入或"
            f"重新打开后再改 ({len(moved)} hazards changed by someone else meanwhile: nothing "
            f"written)")


def _refuse_clashes(con: duckdb.DuckDBPyConnection, table: str, column: str,
                    query: str) -> None:
    """Raise ``ValidationError`` naming each incoming row whose key ``query`` finds stored."""
    clashes = con.execute(query).fetchall()
    if clashes:
        raise ValidationError([Problem(table, int(r[0]), column, r[1:],
                                       "主键已存在 key already stored") for r in clashes])
