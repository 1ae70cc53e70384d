"""Pure builders of SQL text from the schema; values always travel as parameters.

Identifiers (table and column names) come only from ``domain.schema``; a name that is not
declared there is refused before any SQL is built. User values never enter SQL text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from domain.schema import FIELDS, Table, get_table

DUCKDB_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "real": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
    "binary": "BLOB",
}
POSTGRES_TYPES: dict[str, str] = {
    "text": "text",
    "integer": "bigint",
    "real": "double precision",
    "date": "date",
    "timestamp": "timestamp",
    "boolean": "boolean",
    "binary": "bytea",
}
Dialect = Literal["duckdb", "postgres"]
"""Whose DDL: DuckDB's (a file) or PostgreSQL's with PostGIS (a shared server)."""
POSTGRES_GEOMETRY = "geometry(Geometry, 4326)"
"""A PostGIS geometry column: any shape, WGS-84/CGCS2000 (``STORAGE_CRS``)."""


def quote_ident(name: str) -> str:
    """Return ``name`` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def column_ddl(column: str, *, not_null: bool, dialect: Dialect = "duckdb") -> str:
    """Return the column definition of a declared field."""
    types = POSTGRES_TYPES if dialect == "postgres" else DUCKDB_TYPES
    ddl = f"{quote_ident(column)} {types[FIELDS[column].type]}"
    return ddl + " NOT NULL" if not_null else ddl


def _geometry_type(dialect: Dialect) -> str:
    return POSTGRES_GEOMETRY if dialect == "postgres" else "GEOMETRY"


def create_table_sql(table: Table, *, dialect: Dialect = "duckdb") -> str:
    """Return ``CREATE TABLE IF NOT EXISTS`` for a declared table."""
    parts = [column_ddl(c, not_null=table.is_required(c), dialect=dialect)
             for c in table.columns]
    if table.geometry:
        parts.append(f'"geometry" {_geometry_type(dialect)}'
                     + (" NOT NULL" if table.geometry_required else ""))
    key = ", ".join(quote_ident(c) for c in table.primary_key)
    parts.append(f"PRIMARY KEY ({key})")
    body = ",\n  ".join(parts)
    return f"CREATE TABLE IF NOT EXISTS {quote_ident(table.name)} (\n  {body}\n)"


def add_column_sql(table: Table, column: str, *, dialect: Dialect = "duckdb") -> str:
    """Return ``ALTER TABLE … ADD COLUMN`` for a declared column missing from a database."""
    head = f"ALTER TABLE {quote_ident(table.name)} ADD COLUMN"
    if dialect == "postgres":
        head += " IF NOT EXISTS"
    if column == "geometry":
        return f'{head} "geometry" {_geometry_type(dialect)}'
    return f"{head} {column_ddl(column, not_null=False, dialect=dialect)}"


def geometry_index_sql(table: Table) -> str:
    """Return the PostGIS GiST index of a table's geometry (PostgreSQL only)."""
    return (f"CREATE INDEX IF NOT EXISTS {quote_ident(table.name + '_geometry')} "
            f"ON {quote_ident(table.name)} USING gist (\"geometry\")")


APPEND_ONLY_FUNCTION_SQL = (
    "CREATE OR REPLACE FUNCTION riskmap_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'append-only table %: rows are never changed or deleted', "
    "TG_TABLE_NAME; END $$")
"""A PostgreSQL trigger function refusing any change or deletion (see ``append_only_sql``)."""


def append_only_sql(table: Table) -> str:
    """Return the PostgreSQL trigger that keeps ``table`` append-only, whoever connects."""
    trigger = quote_ident(table.name + "_append_only")
    return (f"DROP TRIGGER IF EXISTS {trigger} ON {quote_ident(table.name)}; "
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE OR TRUNCATE ON "
            f"{quote_ident(table.name)} FOR EACH STATEMENT EXECUTE FUNCTION "
            "riskmap_append_only()")


def select_sql(table: Table, where_sql: str = "", *, order_by_key: bool = True) -> str:
    """Return a SELECT of every column, with geometry as WKB, optionally filtered."""
    cols = [quote_ident(c) for c in table.columns]
    if table.geometry:
        cols.append('ST_AsWKB("geometry") AS "geometry"')
    sql = f"SELECT {', '.join(cols)} FROM {quote_ident(table.name)}"
    if where_sql:
        sql += f" WHERE {where_sql}"
    if order_by_key:
        sql += " ORDER BY " + ", ".join(quote_ident(c) for c in table.primary_key)
    return sql


def count_sql(table: Table, where_sql: str = "") -> str:
    """Return a row count of a declared table, optionally filtered."""
    sql = f"SELECT count(*) FROM {quote_ident(table.name)}"
    return f"{sql} WHERE {where_sql}" if where_sql else sql


def counts_sql(tables: Sequence[Table]) -> str:
    """Return one row holding the row count of each of ``tables``, in order."""
    return "SELECT " + ", ".join(f"(SELECT count(*) FROM {quote_ident(t.name)})"
                                 for t in tables)


def delete_all_sql(table: Table) -> str:
    """Return a DELETE of every row of a declared table."""
    return f"DELETE FROM {quote_ident(table.name)}"


def delete_keys_sql(table: Table, view: str) -> str:
    """Return a DELETE of the stored rows whose primary key appears in ``view``."""
    on = " AND ".join(f"{quote_ident(table.name)}.{quote_ident(c)} = v.{quote_ident(c)}"
                      for c in table.primary_key)
    return f"DELETE FROM {quote_ident(table.name)} USING {quote_ident(view)} v WHERE {on}"


def select_by_keys_sql(table: Table, view: str) -> str:
    """Return a SELECT (geometry as WKB) of the stored rows whose key appears in ``view``."""
    cols = [f"s.{quote_ident(c)}" for c in table.columns]
    if table.geometry:
        cols.append('ST_AsWKB(s."geometry") AS "geometry"')
    on = " AND ".join(f"s.{quote_ident(c)} = v.{quote_ident(c)}" for c in table.primary_key)
    keys = ", ".join(quote_ident(c) for c in table.primary_key)
    return (f"SELECT {', '.join(cols)} FROM {quote_ident(table.name)} s "
            f"JOIN (SELECT DISTINCT {keys} FROM {quote_ident(view)}) v ON {on}")


def upsert_sql(table: Table) -> str:
    """Return an INSERT OR REPLACE of one row given as parameters (tables without geometry)."""
    cols = ", ".join(quote_ident(c) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    return f"INSERT OR REPLACE INTO {quote_ident(table.name)} ({cols}) VALUES ({marks})"


def keep_latest_sql(table: Table, group: str, entry: str, at: str) -> str:
    """Return a DELETE of all but the latest entries of one group of ``table``.

    An entry is the rows sharing ``entry``, its time the latest ``at`` among them; the
    parameters are the ``group`` value and how many entries to keep.
    """
    g, e, a, t = (quote_ident(n) for n in (group, entry, at, table.name))
    ranked = (f"SELECT {e}, row_number() OVER (ORDER BY max({a}) DESC, {e}) AS n "
              f"FROM {t} WHERE {g} = ? GROUP BY {e}")
    return f"DELETE FROM {t} WHERE {e} IN (SELECT {e} FROM ({ranked}) r WHERE n > ?)"


def insert_from_view_sql(table: Table, view: str) -> str:
    """Return an INSERT copying a registered frame ``view`` (geometry given as WKB)."""
    cols = [quote_ident(c) for c in table.columns]
    values = [f"CAST({quote_ident(c)} AS {DUCKDB_TYPES[FIELDS[c].type]})" for c in table.columns]
    if table.geometry:
        cols.append('"geometry"')
        values.append('ST_GeomFromWKB("geometry")')
    # In key order: DuckDB's key index takes a third longer for keys out of order.
    keys = ", ".join(quote_ident(c) for c in table.primary_key)
    return (
        f"INSERT INTO {quote_ident(table.name)} ({', '.join(cols)}) "
        f"SELECT {', '.join(values)} FROM {quote_ident(view)} ORDER BY {keys}"
    )


def event_text_sql(column: str) -> str:
    """Return SQL giving a view column's value as a ledger event records it, NULL when empty.

    The same text as ``domain.workflow.text``: dates as ``2026-12-31``, times as
    ``2026-12-31 08:30:00`` (with microseconds when there are any), numbers as Python prints
    them, geometry (WKB in the view) as WKT.
    """
    c = quote_ident(column)
    if column == "geometry":
        geom = f"ST_GeomFromWKB({c})"
        return f"CASE WHEN NOT ST_IsEmpty({geom}) THEN ST_AsText({geom}) END"
    kind = FIELDS[column].type
    if kind in ("date", "timestamp"):
        c = f"CAST({c} AS TIMESTAMP)"
        return (f"CASE WHEN {c} = date_trunc('day', {c}) THEN strftime({c}, '%Y-%m-%d') "
                f"WHEN epoch_us({c}) % 1000000 <> 0 THEN strftime({c}, '%Y-%m-%d %H:%M:%S.%f') "
                f"ELSE strftime({c}, '%Y-%m-%d %H:%M:%S') END")
    if kind == "boolean":
        return f"CASE CAST({c} AS BOOLEAN) WHEN true THEN 'True' WHEN false THEN 'False' END"
    return f"CAST({c} AS VARCHAR)"


def json_object_sql(columns: Sequence[str]) -> str:
    """Return SQL building one JSON object of the non-empty ``columns`` of each row.

    Byte for byte what ``json.dumps(..., ensure_ascii=False)`` writes for the same values
    (``event_text_sql`` of each), in the given order.
    """
    pairs = [f"'\"{c}\": ' || to_json({event_text_sql(c)})" for c in columns]
    return "'{' || concat_ws(', ', " + ", ".join(pairs) + ") || '}'"


REGISTRATION_ID_SQL = ("\"hazard_id\" || '-v' || CAST(coalesce(\"row_version\", 1) AS VARCHAR) "
                       "|| '-00'")
"""SQL of a ledger row's registration event ID, ``{hazard_id}-v{version}-00``."""


def registration_clashes_sql(view: str) -> str:
    """Return a query of the rows of ``view`` whose registration event ID is already stored."""
    return (f"SELECT i.__row, i.event_id FROM (SELECT __row, {REGISTRATION_ID_SQL} AS event_id "
            f"FROM {quote_ident(view)}) i JOIN \"ledger_events\" e ON e.\"event_id\" = i.event_id "
            "ORDER BY i.__row")


def registration_events_sql(view: str, columns: Sequence[str]) -> str:
    """Return an INSERT of one registration event per ledger row of ``view``.

    Its ``new_value`` is the JSON of the row's ``columns`` (see ``json_object_sql``).
    Parameters, in order: event_time, actor, actor_department, action, field_name, note.
    """
    values = {"event_id": REGISTRATION_ID_SQL, "hazard_id": '"hazard_id"',
              "event_time": "CAST(? AS TIMESTAMP)", "actor": "?", "actor_department": "?",
              "action": "?", "field_name": "?", "old_value": "NULL",
              "new_value": json_object_sql(columns), "note": "?",
              "row_version": 'coalesce("row_version", 1)'}
    assert set(values) == set(get_table("ledger_events").columns), "ledger_events changed"
    return (f"INSERT INTO \"ledger_events\" ({', '.join(quote_ident(c) for c in values)}) "
            f"SELECT {', '.join(values.values())} FROM {quote_ident(view)} ORDER BY 1")


def moved_versions_sql(table: Table, view: str) -> str:
    """Return the keys of ``view`` whose stored ``row_version`` is no longer the one given.

    ``view`` holds the primary key and the ``row_version`` a writer read; a row since
    changed, or deleted, by someone else is returned.
    """
    key = quote_ident(table.primary_key[0])
    return (f"SELECT v.{key} FROM {quote_ident(view)} v LEFT JOIN {quote_ident(table.name)} s "
            f"ON s.{key} = v.{key} WHERE s.row_version IS DISTINCT FROM v.row_version "
            f"ORDER BY v.{key}")


def existing_keys_sql(table: Table, view: str) -> str:
    """Return a query of the incoming rows of ``view`` whose primary key is already stored."""
    on = " AND ".join(f"s.{quote_ident(c)} = i.{quote_ident(c)}" for c in table.primary_key)
    keys = ", ".join(f"i.{quote_ident(c)}" for c in table.primary_key)
    return (
        f"SELECT i.__row, {keys} FROM {quote_ident(view)} i "
        f"JOIN {quote_ident(table.name)} s ON {on} ORDER BY i.__row"
    )


def build_where(table_name: str, filters: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
    """Turn ``{column: value}`` filters into ``(where_sql, params)``.

    A scalar means equality, a list/tuple/set means IN, None means IS NULL. Filters are
    AND-ed in the order given. Columns must be declared on the table.

    Args:
        table_name: Declared table the filters apply to.
        filters: Column → value mapping; None or empty means no filter.

    Returns:
        The WHERE clause without the keyword ("" when there is no filter) and its parameters.

    Raises:
        KeyError: A column is not declared on the table.
    """
    table = get_table(table_name)
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (filters or {}).items():
        if column not in table.columns:
            raise KeyError(f"{table_name} has no column {column!r}")
        ident = quote_ident(column)
        if value is None:
            clauses.append(f"{ident} IS NULL")
        elif isinstance(value, list | tuple | set | frozenset):
            values: Sequence[Any] = sorted(value) if isinstance(value, set | frozenset) else value
            if not values:
                clauses.append("FALSE")
                continue
            clauses.append(f"{ident} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
        else:
            clauses.append(f"{ident} = ?")
            params.append(value)
    return " AND ".join(clauses), params
