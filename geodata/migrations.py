"""Bring a database of any older schema version up to ``SCHEMA_VERSION``.

Two kinds of step run, in one transaction:

1. ``STEPS[v]``: SQL for changes that cannot be derived from the schema (renames, data
   rewrites), taking version ``v`` to ``v + 1``; run in order from the stored version.
2. The additive sync, derived from ``domain.schema``: create every missing table and add
   every missing column (as nullable, so existing rows stay valid).

A database with entity tables but no metadata table predates versioning: version 0.
"""

from __future__ import annotations

import duckdb

from domain.errors import StoreError
from domain.schema import META_TABLE, SCHEMA_VERSION, TABLES
from geodata import sql

STEPS: dict[int, tuple[str, ...]] = {
    4: (),  # 5: road_class gains 高速公路 (a value, not a column: stored rows stay valid)
    5: (),  # 6: risk_scores gains data_version (added by the sync; older runs keep NULL)
    6: (),  # 7: risk_indicators (created by the sync; older runs have no indicators kept)
    7: (),  # 8: accounts and audit_log (created by the sync)
}
"""Hand-written steps by the version they start from (empty: only the version moves)."""

_VERSION_KEY = "schema_version"


def existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Return {table: {column, …}} for the tables of the database's main schema."""
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main'"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
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


def migrate(con: duckdb.DuckDBPyConnection) -> int | None:
    """Create or upgrade the schema of ``con``; return the version found (None if new).

    Raises:
        StoreError: The database was written by a newer version of County Risk Map.
    """
    found = stored_version(con)
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"数据库结构版本 {found} 比本程序 ({SCHEMA_VERSION}) 新: the database was written "
            f"by a newer County Risk Map; upgrade the program to open it."
        )
    if found == SCHEMA_VERSION:
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
