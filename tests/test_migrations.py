"""Older databases migrate forward; newer ones are refused; data is kept."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from domain.errors import StoreError
from domain.schema import ENTITY_TABLES, SCHEMA_VERSION
from geodata.duckdb_spatial import load_spatial
from geodata.store import Store


def _old_database(path: Path) -> None:
    """Write a database as a build before schema versioning would have: no metadata table,
    a townships table lacking later columns, and no other tables."""
    con = duckdb.connect(str(path))
    load_spatial(con)
    con.execute('CREATE TABLE townships (township_code VARCHAR PRIMARY KEY, '
                'township_name VARCHAR NOT NULL, geometry GEOMETRY NOT NULL)')
    con.execute("INSERT INTO townships VALUES ('529901100000', '城关镇', "
                "ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))'))")
    con.close()


def test_unversioned_database_migrates_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_database(path)
    with Store(path) as store:
        assert store.migrated_from == 0
        assert store.schema_version == SCHEMA_VERSION
        towns = store.read("townships")
        assert towns["township_name"].tolist() == ["城关镇"]
        assert towns["population"].isna().all()
        assert set(store.counts()) == set(ENTITY_TABLES)
    with Store(path) as store:
        assert store.migrated_from == SCHEMA_VERSION


def test_read_only_open_of_old_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_database(path)
    with pytest.raises(StoreError, match="older schema"):
        Store(path, read_only=True)


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with Store(path) as store:
        store.set_meta({"schema_version": str(SCHEMA_VERSION + 1)})
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_fresh_database_records_version(tmp_path: Path) -> None:
    with Store(tmp_path / "fresh.duckdb") as store:
        assert store.migrated_from is None
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)


def test_version_1_database_gains_the_results_table(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    with Store(path) as store:
        with store.transaction() as con:
            con.execute("DROP TABLE risk_scores")
        store.set_meta({"schema_version": "1"})
    with Store(path) as store:
        assert store.migrated_from == 1
        assert store.schema_version == SCHEMA_VERSION
        assert store.count("risk_scores") == 0


def test_version_2_database_gains_the_lead_and_occupancy_columns(tmp_path: Path) -> None:
    path = tmp_path / "v2.duckdb"
    with Store(path) as store:
        store.set_meta({"schema_version": "2"})
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE townships DROP COLUMN lead_name")
    con.execute("ALTER TABLE facilities DROP COLUMN occupants")
    con.close()
    with Store(path) as store:
        assert store.migrated_from == 2
        assert {"lead_name", "lead_phone"} <= set(store.read("townships").columns)
        assert "occupants" in store.read("facilities").columns
