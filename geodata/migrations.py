"""Bring a database of any older schema version up to ``SCHEMA_VERSION``.

Two kinds of step run, in one transaction:

1. ``STEPS[v]``: SQL for changes that cannot be derived from the schema (renames, data
   rewrites), taking version ``v`` to ``v + 1``; run in order from the stored version.
2. The additive sync, derived from ``domain.schema``: create every missing table and add
   every missing column (as nullable, so existing rows stay valid).

A database with entity tables but no metadata table predates versioning: version 0.

A PostgreSQL database (``migrate_server``) gets the same tables in its own DDL (PostGIS
geometry in SRID 4326 with a GiST index, the same keys, triggers keeping the append-only
tables so), in one transaction of the server, taken under an advisory lock so that app
servers starting together migrate once.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from domain.errors import StoreError
from domain.schema import APPEND_ONLY, META_TABLE, SCHEMA_VERSION, TABLES
from geodata import sql

STEPS: dict[int, tuple[str, ...]] = {
    4: (),  # 5: road_class gains 高速公路 (a value, not a column: stored rows stay valid)
    5: (),  # 6: risk_scores gains data_version (added by the sync; older runs keep NULL)
    6: (),  # 7: risk_indicators (created by the sync; older runs have no indicators kept)
    7: (),  # 8: accounts and audit_log (created by the sync)
    8: (),  # 9: derived_results (created by the sync)
    9: (),  # 10: places and the readiness registers (created by the sync)
}
"""Hand-written steps by the version they start from (empty: only the version moves)."""

_VERSION_KEY = "schema_version"


def existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Return {table: {column, …}} of the declared tables in the database in use.

    Other tables (PostGIS's own, a user's) are not looked at.
    """
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        if table in TABLES:
            found.setdefault(table, set()).add(column)
    return found


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """Return the stored schema version, 0 if unversioned, None for an empty database."""
    columns = existing_columns(con)
    if META_TABLE not in columns:
        return 0 if columns else None
    where, params = sql.build_where(META_TABLE, {"meta_key": _VERSION_KEY})
    row = con.execute(sql.select_sql(TABLES[META_TABLE], where), params).fetchone()
    return int(row[1]) if row else 0


def _sync(con: duckdb.DuckDBPyConnection) -> None:
    columns = existing_columns(con)
    for table in TABLES.values():
        if table.name not in columns:
            con.execute(sql.create_table_sql(table))
            continue
        wanted = list(table.columns) + (["geometry"] if table.geometry else [])
        for column in wanted:
            if column not in columns[table.name]:
                con.execute(sql.add_column_sql(table, column))


def _set_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.execute(sql.upsert_sql(TABLES[META_TABLE]), [_VERSION_KEY, str(version)])


def _too_new(found: int | None) -> None:
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"数据库结构版本 {found} 比本程序 ({SCHEMA_VERSION}) 新: the database was written "
            f"by a newer County Risk Map; upgrade the program to open it."
        )


def _behind(con: duckdb.DuckDBPyConnection) -> tuple[int | None, bool]:
    """Return the stored version and whether it is older than this program's (or new)."""
    found = stored_version(con)
    _too_new(found)
    return found, found != SCHEMA_VERSION


MIGRATION_LOCK = 7_261_843
"""The PostgreSQL advisory lock key held while a server database is migrated."""


def server_script(found: int | None) -> str:
    """Return the PostgreSQL script taking a database from version ``found`` to the current.

    Idempotent: every table, column, index and trigger is made only if missing. It runs in
    one transaction of the server (``PostgresConnector.execute_on_server``).
    """
    statements = [f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"]
    for version in range(found or 0, SCHEMA_VERSION):
        statements += STEPS.get(version, ())
    statements.append(sql.APPEND_ONLY_FUNCTION_SQL)
    for table in TABLES.values():
        statements.append(sql.create_table_sql(table, dialect="postgres"))
        wanted = list(table.columns) + (["geometry"] if table.geometry else [])
        statements += [sql.add_column_sql(table, c, dialect="postgres") for c in wanted]
        if table.geometry:
            statements.append(sql.geometry_index_sql(table))
        if table.name in APPEND_ONLY:
            statements.append(sql.append_only_sql(table))
    meta = TABLES[META_TABLE]
    statements.append(
        f"INSERT INTO {sql.quote_ident(meta.name)} VALUES ('{_VERSION_KEY}', "
        f"'{SCHEMA_VERSION}') ON CONFLICT (\"meta_key\") DO UPDATE SET "
        "\"meta_value\" = excluded.\"meta_value\"")
    return ";\n".join(statements)


def migrate_server(con: duckdb.DuckDBPyConnection, run: Callable[[str], None]) -> int | None:
    """Create or upgrade the schema of a PostgreSQL database; return the version found.

    ``con`` reads the database (through DuckDB); ``run`` executes a script on the server.

    Raises:
        StoreError: The database was written by a newer version of County Risk Map.
    """
    found, behind = _behind(con)
    if not behind:
        return found
    try:
        run(server_script(found))
    except duckdb.Error as exc:
        if stored_version(con) != SCHEMA_VERSION:  # not another server migrating meanwhile
            said = next((line for line in str(exc).splitlines() if "ERROR" in line),
                        str(exc).splitlines()[0])
            raise StoreError(f"无法在数据库中建表 cannot create the tables: {said}") from exc
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> int | None:
    """Create or upgrade the schema of ``con``; return the version found (None if new).

    Raises:
        StoreError: The database was written by a newer version of County Risk Map.
    """
    found, behind = _behind(con)
    if not behind:
        return found
    con.execute("BEGIN TRANSACTION")
    try:
        for version in range(found or 0, SCHEMA_VERSION):
            for statement in STEPS.get(version, ()):
                con.execute(statement)
        _sync(con)
        _set_version(con, SCHEMA_VERSION)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return found
