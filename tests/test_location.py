"""Where the data lives: a DuckDB file or a PostgreSQL URL, shown without its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.schema import get_table
from geodata.location import DB_ENV, FILES_ENV, Database, database
from geodata.sql import add_column_sql, create_table_sql


def test_a_url_is_a_server_and_its_password_is_never_shown() -> None:
    db = Database("postgresql://riskmap:s3cret@db.county.lan:5433/riskmap")
    assert db.is_postgres and db.exists()
    assert "s3cret" not in str(db) and "s3cret" not in db.name
    assert str(db) == "postgresql://riskmap:***@db.county.lan:5433/riskmap"
    assert db.name == "db.county.lan:5433/riskmap"
    with pytest.raises(ValueError, match="not a file"):
        _ = db.path


def test_a_path_is_a_file(tmp_path: Path) -> None:
    db = database(tmp_path / "county.duckdb")
    assert not db.is_postgres and not db.exists()
    assert db.name == "county.duckdb" and db.files_dir == tmp_path
    assert str(db) == str(tmp_path / "county.duckdb")


def test_the_environment_names_the_database_and_the_shared_files(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DB_ENV, "postgres://app@10.0.0.5/county")
    monkeypatch.setenv(FILES_ENV, str(tmp_path / "files"))
    db = database()
    assert db.is_postgres and db.files_dir == tmp_path / "files"
    monkeypatch.delenv(DB_ENV)
    assert database().path == Path("data/riskmap.duckdb")


def test_the_server_ddl_has_postgis_geometry_an_index_and_the_same_key() -> None:
    sites = get_table("geohazard_sites")
    ddl = create_table_sql(sites, dialect="postgres")
    assert '"geometry" geometry(Geometry, 4326)' in ddl
    assert 'PRIMARY KEY ("site_id")' in ddl and "VARCHAR" not in ddl
    assert create_table_sql(sites).count("VARCHAR") > 0  # DuckDB's own types on a file
    assert "ADD COLUMN IF NOT EXISTS" in add_column_sql(sites, "geometry", dialect="postgres")
