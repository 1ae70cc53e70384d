"""Shared fixtures (a demo database built once per test session) and the test tiers.

Every test module belongs to one tier (``TIERS``: unit, store, page, browser); a test that
uses the demo county or the province is also ``slow``. ``make test-fast`` runs what is
neither browser nor slow; ``make test`` runs everything.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from xdist.scheduler import LoadScopeScheduling

import geodata.demo as demo_module
from geodata import derived
from geodata.demo import build_demo_database, generate
from geodata.store import Store
from tests import pg
from tests.server import add_test_account, running_app

TIERS = {
    "unit": ("test_boundaries", "test_charts", "test_columns", "test_coords", "test_engine",
             "test_location",
             "test_fire_stats", "test_headers", "test_i18n", "test_kpi", "test_layers",
             "test_ledger_stats", "test_locate", "test_maps", "test_printable",
             "test_priority", "test_readiness", "test_schema", "test_settings",
             "test_snapshot", "test_sql", "test_topology",
             "test_validate", "test_values", "test_warning", "test_workflow"),
    "store": ("test_access", "test_backends", "test_bench", "test_briefing", "test_cli",
              "test_demo", "test_derived", "test_engine_demo", "test_import_cli",
              "test_import_property", "test_import_samples", "test_real_county",
              "test_ledger", "test_ledger_events", "test_ledger_excel",
              "test_migrations", "test_roundtrip", "test_security", "test_spatial_extension",
              "test_store"),
    "page": ("test_app", "test_import_form", "test_language", "test_pages",
             "test_pages_postgres", "test_parity",
             "test_partial", "test_signin"),
    "browser": ("test_browser", "test_jobs", "test_map_detail"),
}
DEMO_FIXTURES = {"demo_generated", "demo_frames", "demo_db", "demo", "province_db"}
"""Fixtures of demo size: a test using one (directly or not) is slow."""
SLOW_MODULES = {"test_import_property"}
"""Modules slow as a whole (hundreds of generated files): not in ``make test-fast``."""


BACKENDS = ("duckdb", "postgres")
BOTH_BACKENDS = {"test_store", "test_import_samples", "test_ledger", "test_ledger_excel",
                 "test_roundtrip", "test_access", "test_backends", "test_derived"}
"""Modules whose ``store`` and ``demo_copy`` tests run on a DuckDB file and on PostgreSQL."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests of ``BOTH_BACKENDS`` that use a database once per backend."""
    if (metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_BACKENDS
            and "backend" in metafunc.fixturenames):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


WHOLE_FIRST = ("test_browser", "test_jobs", "test_briefing", "test_signin", "test_map_detail",
               "test_pages_postgres", "test_engine_demo")
"""Modules that go whole to one process (their served app, browser or module fixture made
once), the longest first: started before anything else, so that neither process is left
with one of them at the end."""
ONE_BY_ONE = ("test_partial", "test_language", "test_parity", "test_backends", "test_cli",
              "test_import_cli", "test_demo", "test_ledger_excel", "test_ledger_events",
              "test_security", "test_pages", "test_roundtrip", "test_access", "test_derived",
              "test_ledger", "test_real_county", "test_app", "test_import_samples",
              "test_migrations", "test_import_property")
"""Modules whose tests are handed out one at a time, after ``WHOLE_FIRST`` (their module
fixtures cost little, or are made on demand); every other module goes whole to one process,
after these. ``make test`` schedules so: ``--dist loadscope --no-loadscope-reorder`` with
the scopes of ``pytest_xdist_make_scheduler`` below, in the order of the collection."""


class ModulesOrTests(LoadScopeScheduling):
    """xdist's ``loadscope`` with a test of ``ONE_BY_ONE`` as its own unit of work.

    (xdist's ``loadgroup`` would do with ``xdist_group`` marks, but under pytest 9 it never
    groups: it renames the tests through a field pytest no longer reads.)
    """

    def _split_scope(self, nodeid: str) -> str:
        module = Path(nodeid.split("::", 1)[0]).stem
        return nodeid if module in ONE_BY_ONE else module


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> LoadScopeScheduling | None:
    """``--dist loadscope``: whole modules, or single tests of ``ONE_BY_ONE``."""
    if config.getvalue("dist") != "loadscope":
        return None
    return ModulesOrTests(config, log)


FAST_ON_POSTGRES = {"test_store"}
"""Modules whose PostgreSQL runs are in ``make test-fast`` too (the others' only in the full
suite: a database per test costs about half a second)."""


def _on_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return bool(callspec and callspec.params.get("backend") == "postgres") or \
        "pg_cluster" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its module's tier, and ``slow`` when it runs on the demo.

    Also slow: a test on PostgreSQL outside ``FAST_ON_POSTGRES``. The tests are put in the
    order of ``WHOLE_FIRST`` and ``ONE_BY_ONE``, then the others'.
    """
    tier_of = {module: tier for tier, modules in TIERS.items() for module in modules}
    first = {module: rank for rank, module in enumerate(WHOLE_FIRST + ONE_BY_ONE)}
    items.sort(key=lambda item: first.get(item.path.stem, len(first)))  # stable: in-module order
    for item in items:
        module = item.path.stem
        if module not in tier_of:
            raise pytest.UsageError(f"{module} is in no tier: add it to TIERS in conftest.py")
        item.add_marker(tier_of[module])
        demo = DEMO_FIXTURES & set(getattr(item, "fixturenames", ()))
        if demo or module in SLOW_MODULES or (_on_postgres(item)
                                              and module not in FAST_ON_POSTGRES):
            item.add_marker("slow")


@pytest.fixture(autouse=True)
def _nothing_held_in_memory() -> None:
    """Each test starts with no kept result held in memory (``geodata.derived.load``): the
    memory of one process outlives the databases of its tests."""
    derived._HELD.clear()


@pytest.fixture(scope="session")
def demo_generated() -> dict[str, pd.DataFrame]:
    """The demo county as ``generate(42)`` returns it, made once per test process and never
    handed to a test (``demo_frames`` is a copy): what the demo databases are written from."""
    return generate(42)


@pytest.fixture(scope="session")
def demo_frames(demo_generated: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return _copies(demo_generated)


def _copies(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in frames.items()}


@contextmanager
def generated_once(frames: dict[str, pd.DataFrame]) -> Iterator[None]:
    """Within it, ``geodata.demo.generate(42)`` returns a copy of ``frames`` (the demo it
    made earlier) instead of making the county again: ``build_demo_database`` and the
    ``riskmap demo`` command run as they are, on the same content (the same seed gives the
    same content: ``test_demo.test_same_seed_same_content``)."""
    made = demo_module.generate

    def generate_once(seed: int = demo_module.DEFAULT_SEED) -> dict[str, pd.DataFrame]:
        return _copies(frames) if seed == 42 else made(seed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_module, "generate", generate_once)
        yield


@pytest.fixture
def demo_made_once(demo_generated: dict[str, pd.DataFrame]) -> Iterator[None]:
    """A test's ``riskmap demo`` writes the demo made once per process (``generated_once``)."""
    with generated_once(demo_generated):
        yield


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory,
            demo_generated: dict[str, pd.DataFrame]) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with generated_once(demo_generated):
        build_demo_database(path, seed=42)
    return path


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database a test runs on: ``duckdb`` unless its module runs on both."""
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def pg_cluster(worker_id: str) -> Iterator[str]:
    """The run's PostgreSQL cluster, with this test process's empty template database."""
    with pg.cluster() as url:
        template = pg.make_template(url, f"{pg.EMPTY_TEMPLATE}_{worker_id}")
        Store(template).close()  # the current schema, made once
        pg.seal(template)
        yield url


@pytest.fixture(scope="session")
def pg_demo(pg_cluster: str, worker_id: str, demo_generated: dict[str, pd.DataFrame]) -> str:
    """The name of this test process's template database holding the demo county."""
    name = f"riskmap_demo_{worker_id}"
    template = pg.make_template(pg_cluster, name)
    with generated_once(demo_generated):
        build_demo_database(template, seed=42)
    pg.seal(template)
    return name


def _pg_copy(request: pytest.FixtureRequest, cluster: str, template: str) -> str:
    url = pg.copy_of(cluster, template)
    request.addfinalizer(lambda: pg.drop(url))
    return url


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path, backend: str,
              request: pytest.FixtureRequest) -> Path | str:
    """A copy of the demo database that a test may open writable (a file, or a URL)."""
    if backend == "postgres":
        return _pg_copy(request, request.getfixturevalue("pg_cluster"),
                        request.getfixturevalue("pg_demo"))
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
def pg_empty_db(pg_cluster: str, worker_id: str, request: pytest.FixtureRequest) -> str:
    """The URL of a new, empty PostgreSQL database (current schema) on the run's cluster."""
    return _pg_copy(request, pg_cluster, f"{pg.EMPTY_TEMPLATE}_{worker_id}")


@pytest.fixture
def empty_db(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path | str:
    """A new, empty database (current schema): a file, or a URL on the run's cluster."""
    if backend == "postgres":
        return request.getfixturevalue("pg_empty_db")
    return tmp_path / "test.duckdb"


@pytest.fixture
def store(empty_db: Path | str) -> Iterator[Store]:
    with Store(empty_db) as s:
        yield s
