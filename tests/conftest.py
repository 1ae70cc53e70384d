"""Shared fixtures: a demo database built once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geodata.demo import build_demo_database, generate
from geodata.store import Store
from tests.server import running_app


@pytest.fixture(scope="session")
def demo_frames() -> dict[str, pd.DataFrame]:
    return generate(42)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_database(path, seed=42)
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo database that a test may open writable."""
    path = tmp_path / "demo_copy.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="session")
def app_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by `streamlit run` on a copy of the demo database."""
    path = tmp_path_factory.mktemp("served") / "served.duckdb"
    shutil.copyfile(demo_db, path)
    with running_app(path) as url:
        yield url


@pytest.fixture(scope="session")
def demo(demo_db: Path) -> Iterator[dict[str, pd.DataFrame]]:
    """Every table of the demo database, read back through the store."""
    with Store(demo_db, read_only=True) as store:
        yield {name: store.read(name) for name in store.counts()}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.duckdb") as s:
        yield s
