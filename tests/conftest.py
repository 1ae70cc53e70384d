"""Shared fixtures (a demo database built once per test session) and the test tiers.

Every test module belongs to one tier (``TIERS``: unit, store, page, browser); a test that
uses the demo county or the province is also ``slow``. ``make test-fast`` runs what is
neither browser nor slow; ``make test`` runs everything.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geodata.demo import build_demo_database, generate
from geodata.store import Store
from tests.server import add_test_account, running_app

TIERS = {
    "unit": ("test_boundaries", "test_charts", "test_columns", "test_coords", "test_engine",
             "test_fire_stats", "test_headers", "test_i18n", "test_kpi", "test_layers",
             "test_ledger_stats", "test_locate", "test_maps", "test_printable",
             "test_priority", "test_schema", "test_settings", "test_snapshot", "test_sql",
             "test_validate", "test_values", "test_warning", "test_workflow"),
    "store": ("test_access", "test_bench", "test_briefing", "test_cli", "test_demo",
              "test_engine_demo", "test_import_cli",
              "test_import_property", "test_import_samples", "test_real_county",
              "test_ledger", "test_ledger_events", "test_ledger_excel",
              "test_migrations", "test_roundtrip", "test_security", "test_spatial_extension",
              "test_store"),
    "page": ("test_app", "test_import_form", "test_language", "test_pages", "test_parity",
             "test_partial", "test_signin"),
    "browser": ("test_browser", "test_jobs"),
}
DEMO_FIXTURES = {"demo_frames", "demo_db", "demo", "province_db"}
"""Fixtures of demo size: a test using one (directly or not) is slow."""
SLOW_MODULES = {"test_import_property"}
"""Modules slow as a whole (hundreds of generated files): not in ``make test-fast``."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its module's tier, and ``slow`` when it runs on the demo."""
    tier_of = {module: tier for tier, modules in TIERS.items() for module in modules}
    for item in items:
        module = item.path.stem
        if module not in tier_of:
            raise pytest.UsageError(f"{module} is in no tier: add it to TIERS in conftest.py")
        item.add_marker(tier_of[module])
        if DEMO_FIXTURES & set(getattr(item, "fixturenames", ())) or module in SLOW_MODULES:
            item.add_marker("slow")


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
    add_test_account(path)
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
