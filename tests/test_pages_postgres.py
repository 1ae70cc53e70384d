"""The same app on PostgreSQL: every page runs on the demo county there and shows the figures
it shows on the DuckDB file (AppTest; the store, import and ledger suites run on both in
their own modules, ``conftest.BOTH_BACKENDS``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geodata.store import DB_ENV
from tests.signin import page_app
from tests.test_pages import PAGES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pg_demo_copy(pg_cluster: str, pg_demo: str) -> Iterator[str]:
    """One copy of the demo county on PostgreSQL for the module's pages."""
    from tests import pg

    url = pg.copy_of(pg_cluster, pg_demo)
    yield url
    pg.drop(url)


@pytest.fixture(scope="module")
def file_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the demo county's DuckDB file (the pages add the signed-in account)."""
    path = tmp_path_factory.mktemp("file") / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _run(page: str, db: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DB_ENV, db)
    return page_app(str(ROOT / "ui" / "pages" / f"{page}.py"), default_timeout=180).run()


def _figures(at: AppTest) -> dict[str, object]:
    """Return what a page shows: metrics, headings, captions and tables."""
    shown: dict[str, object] = {f"metric {m.label}": m.value for m in at.metric}
    shown["headings"] = [h.value for h in at.subheader]
    shown["captions"] = [c.value for c in at.caption]
    for i, frame in enumerate(at.dataframe):
        shown[f"table {i}"] = frame.value.to_csv()
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_same_figures_on_postgres(page: str, pg_demo_copy: str,
                                                       file_copy: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    on_server = _run(page, pg_demo_copy, monkeypatch)
    assert not on_server.exception, on_server.exception
    assert not on_server.error, [e.value for e in on_server.error]
    on_file = _run(page, str(file_copy), monkeypatch)
    figures = _figures(on_server)
    assert figures and figures == _figures(on_file)
