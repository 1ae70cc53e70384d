"""The app: pages render on the demo (AppTest), and `streamlit run` serves a healthy server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geodata.snapshot import Snapshot
from geodata.store import DB_ENV
from tests.server import http_get
from tests.signin import page_app

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
    return page_app(str(ROOT / "app.py"), default_timeout=120).run()


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
    ranks = [int(r) for r in ranking.iloc[:, 0]]
    assert len(ranking) == 20 and ranks == sorted(ranks)
    maps = _components(overview)
    assert len(maps) == 1
    args = maps[0].proto.json_args
    assert not re.findall(r"https?://", args), "the map must load nothing from outside"
    parsed = json.loads(args)
    assert [u.rsplit("/", 1)[1].split("?")[0] for u in parsed["js_links"]] == [
        "leaflet.js", "rm-topo.js"], "the app's own scripts, nothing else"
    assert json.dumps("演示数据")[1:-1] in parsed["script"], "the map says it shows demo data"


def _expected(db: Path) -> pd.DataFrame:
    """The scores and classes the engine gives for the database, as the app scores it."""
    from ui.chrome import _store, risk, settings

    return risk(Snapshot.take(_store(str(db)), settings())).scores


def _drawn_colours(at: AppTest) -> dict[str, str]:
    """Each township's fill colour, as the map's township layer gives it to the browser.

    A ``TopoLayer`` writes its features' properties as a JSON list (``source.features([...])``);
    the township layer's properties carry ``township_code`` and ``colour``.
    """
    script = json.loads(_components(at)[0].proto.json_args)["script"]
    decoder = json.JSONDecoder()
    lists = [decoder.raw_decode(script, m.end())[0]
             for m in re.finditer(r"\.features\(", script)]
    towns = [props for props in lists
             if props and {"township_code", "colour"} <= set(props[0])]
    assert len(towns) == 1, "one township layer"
    return {p["township_code"]: p["colour"] for p in towns[0]}


@pytest.mark.parametrize("layer", ["road", "geohazard", "composite"])
def test_overview_switches_layer(overview: AppTest, app_db: Path, layer: str) -> None:
    overview.session_state["layer"] = layer
    overview.run()
    assert not overview.exception
    scores = _expected(app_db)
    shown = overview.dataframe[0].value.set_index("乡镇")
    by_name = scores.set_index("township_name")
    assert shown["风险分值"].to_dict() == by_name[f"{layer}_score"].map(
        lambda v: "—" if pd.isna(v) else f"{v:.2f}").to_dict()
    assert shown["等级"].to_dict() == by_name[f"{layer}_class"].to_dict()
    colours = {"重大": "#d7191c", "较大": "#f97b1d", "一般": "#f5d10f", "低": "#2c7bb6"}
    drawn = _drawn_colours(overview)
    assert drawn == {code: colours.get(k, "#bdbdbd") for code, k in
                     scores[f"{layer}_class"].items()}
    if layer != "composite":
        assert (by_name[f"{layer}_score"] != by_name["composite_score"]).any()


def test_overview_in_english(overview: AppTest) -> None:
    overview.sidebar.radio[0].set_value("English").run()
    assert overview.title[0].value == "County Risk Map"
    assert any("Demo data" in w.value for w in overview.warning)
    assert overview.metric[0].label == "Hazards found"


def test_missing_database_says_what_to_run(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "none.duckdb"))
    at = page_app(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("make run" in e.value for e in at.error)
    assert not (tmp_path / "none.duckdb").exists(), "the page made no database"


def test_server_answers_health_and_serves_the_page(app_server: str) -> None:
    assert http_get(app_server + "/_stcore/health") == (200, "ok")
    status, html = http_get(app_server + "/")
    assert status == 200 and "<div id=\"root\">" in html
