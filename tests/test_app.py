"""The app: pages render on the demo (AppTest), and `streamlit run` serves a healthy server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geodata.store import DB_ENV
from tests.server import http_get

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo: the app keeps its store open for the whole test process."""
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture
def overview(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DB_ENV, str(app_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def _components(at: AppTest) -> list:
    return [e for e in at.main if type(e).__name__ == "UnknownElement"
            and e.proto.DESCRIPTOR.name == "ComponentInstance"]


def test_overview_renders_kpis_ranking_and_map(overview: AppTest) -> None:
    assert not overview.exception
    assert overview.title[0].value == "县域安全风险一张图"
    assert any("演示数据" in w.value for w in overview.warning)
    labels = [m.label for m in overview.metric]
    assert labels[:3] == ["排查隐患", "整改率", "超期未整改"]
    assert overview.metric[0].value == "3,000"
    ranking = overview.dataframe[0].value
    assert len(ranking) == 20 and list(ranking.iloc[:, 0]) == sorted(ranking.iloc[:, 0])
    maps = _components(overview)
    assert len(maps) == 1
    args = maps[0].proto.json_args
    assert not re.findall(r"https?://", args), "the map must load nothing from outside"
    parsed = json.loads(args)
    assert [u.rsplit("/", 1)[1] for u in parsed["js_links"]] == ["leaflet.js"]
    assert json.dumps("演示数据")[1:-1] in parsed["script"], "the map says it shows demo data"


def test_overview_switches_layer(overview: AppTest) -> None:
    overview.session_state["layer"] = "road"
    overview.run()
    assert not overview.exception
    header = overview.dataframe[0].value.columns.tolist()
    assert "风险分值" in header


def test_overview_in_english(overview: AppTest) -> None:
    overview.sidebar.radio[0].set_value("English").run()
    assert overview.title[0].value == "County Risk Map"
    assert any("Demo data" in w.value for w in overview.warning)
    assert overview.metric[0].label == "Hazards found"


def test_missing_database_says_what_to_run(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("make run" in e.value for e in at.error)


def test_server_answers_health_and_serves_the_page(app_server: str) -> None:
    assert http_get(app_server + "/_stcore/health") == (200, "ok")
    status, html = http_get(app_server + "/")
    assert status == 200 and "<div id=\"root\">" in html
