"""The schema declaration: every field valid and used, every table consistent, DDL runs."""

from __future__ import annotations

import re

import duckdb
import pytest

from domain.schema import ENTITY_TABLES, FIELDS, TABLES, label, labels
from geodata import sql
from geodata.duckdb_spatial import load_spatial

SNAKE = re.compile(r"[a-z][a-z0-9_]*")


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_field_is_valid(name: str) -> None:
    field = FIELDS[name]
    assert SNAKE.fullmatch(field.name)
    assert field.type in sql.DUCKDB_TYPES
    assert field.zh.strip() and field.en.strip()
    assert re.search(r"[\u4e00-\u9fff]", field.zh), "Chinese label must be Chinese"
    if field.choices is not None:
        assert field.choices, "allowed values must not be empty"
        assert all(k.strip() and v.strip() for k, v in field.choices.items())
        assert field.type == "text"
    if field.minimum is not None or field.maximum is not None:
        assert field.type in ("integer", "real")
    if field.minimum is not None and field.maximum is not None:
        assert field.minimum < field.maximum
    if field.pattern is not None:
        re.compile(field.pattern)
        assert field.type == "text"


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_field_is_used(name: str) -> None:
    assert any(name in t.columns for t in TABLES.values()), f"{name} is declared but unused"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_is_consistent(name: str) -> None:
    table = TABLES[name]
    assert len(set(table.columns)) == len(table.columns)
    assert set(table.primary_key) <= set(table.columns)
    assert set(table.required) <= set(table.columns)
    assert "geometry" not in table.columns
    assert table.zh and table.en and table.description


def test_every_design_entity_has_a_table() -> None:
    wanted = {"townships", "geohazard_sites", "geohazard_events", "monitoring_readings",
              "rainfall", "forest_zones", "fire_events", "fire_weather", "road_segments",
              "road_accidents", "relocation_sites", "facilities", "hazard_ledger",
              "ledger_events"}
    assert wanted <= set(ENTITY_TABLES)


def test_generated_ddl_creates_every_table() -> None:
    con = duckdb.connect()
    load_spatial(con)
    for table in TABLES.values():
        con.execute(sql.create_table_sql(table))
    cols = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns").fetchall()
    found = {(t, c): d for t, c, d in cols}
    for table in TABLES.values():
        for field in table.fields:
            assert found[(table.name, field.name)] == sql.DUCKDB_TYPES[field.type]
        if table.geometry:
            assert found[(table.name, "geometry")] == "GEOMETRY"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_cover_every_column(lang: str) -> None:
    for name, table in TABLES.items():
        out = labels(name, lang)  # type: ignore[arg-type]
        assert set(out) == set(table.columns) | ({"geometry"} if table.geometry else set())
        assert all(v for v in out.values())
    assert label("geohazard_sites", "threatened_people", "zh") == "威胁人数 (人)"
    assert label("geohazard_sites", "threatened_people", "en") == "People threatened"
    assert label("geohazard_sites", "threatened_property_wan", "en") == (
        "Property threatened (10,000 yuan)")
    assert label("fire_weather", "days_without_rain", "zh") == "连续无降水日数 (天)"
    assert FIELDS["hazard_type"].choice_label("滑坡", "en") == "landslide"


def test_unknown_table_is_named() -> None:
    with pytest.raises(KeyError, match="known tables"):
        labels("nope")
