"""Filters become (where_sql, params): input → SQL → params, never values in SQL."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from domain.schema import TABLES
from domain.workflow import text
from geodata import sql


@pytest.mark.parametrize(
    ("filters", "where", "params"),
    [
        (None, "", []),
        ({}, "", []),
        ({"hazard_level": "重大"}, '"hazard_level" = ?', ["重大"]),
        ({"hazard_status": ["待整改", "整改中"]}, '"hazard_status" IN (?, ?)',
         ["待整改", "整改中"]),
        ({"hazard_status": ()}, "FALSE", []),
        ({"closed_date": None}, '"closed_date" IS NULL', []),
        ({"domain": "消防", "township_code": {"2", "1"}},
         '"domain" = ? AND "township_code" IN (?, ?)', ["消防", "1", "2"]),
        ({"hazard_description": "x'; DROP TABLE hazard_ledger; --"},
         '"hazard_description" = ?', ["x'; DROP TABLE hazard_ledger; --"]),
    ],
)
def test_build_where(filters: dict | None, where: str, params: list) -> None:
    assert sql.build_where("hazard_ledger", filters) == (where, params)


def test_build_where_refuses_undeclared_columns() -> None:
    with pytest.raises(KeyError, match="no column"):
        sql.build_where("hazard_ledger", {"1=1; --": 1})


def test_quote_ident_escapes_quotes() -> None:
    assert sql.quote_ident('a"b') == '"a""b"'


def test_create_table_sql_has_key_not_null_and_geometry() -> None:
    ddl = sql.create_table_sql(TABLES["geohazard_sites"])
    assert 'PRIMARY KEY ("site_id")' in ddl
    assert '"site_name" VARCHAR NOT NULL' in ddl
    assert '"monitor_phone" VARCHAR,' in ddl
    assert '"geometry" GEOMETRY NOT NULL' in ddl
    assert '"geometry" GEOMETRY,' in sql.create_table_sql(TABLES["hazard_ledger"]) + ","


def test_select_sql_returns_wkb() -> None:
    text = sql.select_sql(TABLES["townships"], '"township_code" = ?')
    assert 'ST_AsWKB("geometry") AS "geometry"' in text
    assert text.endswith('WHERE "township_code" = ? ORDER BY "township_code"')


def test_count_delete_and_upsert_sql() -> None:
    meta = TABLES["riskmap_meta"]
    assert sql.count_sql(meta) == 'SELECT count(*) FROM "riskmap_meta"'
    assert sql.count_sql(meta, '"meta_key" = ?').endswith('WHERE "meta_key" = ?')
    assert sql.delete_all_sql(meta) == 'DELETE FROM "riskmap_meta"'
    assert sql.upsert_sql(meta) == (
        'INSERT OR REPLACE INTO "riskmap_meta" ("meta_key", "meta_value") VALUES (?, ?)')


@pytest.mark.parametrize(("column", "values"), [
    ("is_county_seat", [True, False, None]),
    ("population", [12, 0, None]),
    ("funds_wan", [12.5, 3.0, 1e16, 0.1 + 0.2, None]),
    ("reading_time", [pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-01 08:30"),
                      pd.Timestamp("2026-07-01 08:30:05.5"), None]),
    ("domain", ["消防", "", 'a"b\\c', None]),
])
def test_event_text_sql_writes_what_text_writes(column: str, values: list) -> None:
    con = duckdb.connect()
    frame = pd.DataFrame({column: values})
    con.register("incoming", frame)
    got = [r[0] for r in con.execute(
        f"SELECT {sql.event_text_sql(column)} FROM incoming").fetchall()]
    assert got == [text(v) for v in frame[column]]
