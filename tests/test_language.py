"""One language at a time: every page, in Chinese and in English, shows no text of the other
language (data values such as names allowed). Each page is walked with AppTest: titles,
texts, metrics, widget labels and options, table headings and cells, charts and the map's
legend, caption and tooltips; every tab of the ledger, a site's record and readings, a
hazard's history, the budget's picks."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geodata.store import DB_ENV, Store
from tests.language import Screen, data_values, frame_texts
from tests.signin import page_app

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "geohazards", "warning", "forest", "roads", "ledger", "resources",
         "places", "readiness", "data"]
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "warning", "info",
                 "error", "success", "text", "exception")
WIDGETS = ("selectbox", "multiselect", "radio", "select_slider", "text_input", "number_input",
           "date_input", "button", "toggle", "checkbox", "text_area", "slider")
UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
SCRIPT_TEXT = re.compile(r"<(?:[a-zA-Z][^<>]*|/[a-zA-Z]+)>([^<>{}();=]+)(?=<)")
"""Text between tags in a map's script: legend, caption, tooltips (not the code around)."""
CODE_PIECE = re.compile(r"['\"+]")
"""Quotes or a plus: a piece of script building HTML, not text."""


@pytest.fixture(scope="module")
def lang_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("language") / "language.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def screen(lang_db: Path) -> Screen:
    return Screen(data_values(lang_db))


def _map_texts(at: AppTest) -> list[str]:
    out = []
    for element in at.main:
        if type(element).__name__ == "UnknownElement" and \
                element.proto.DESCRIPTOR.name == "ComponentInstance":
            script = json.loads(element.proto.json_args)["script"]
            script = UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), script)
            out += [t for t in SCRIPT_TEXT.findall(script)
                    if t.strip() and not CODE_PIECE.search(t)]
    return out


def _chart_texts(at: AppTest) -> list[str]:
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        out += re.findall(r'"title":\s*"([^"]*)"', json.dumps(spec, ensure_ascii=False))
        for rows in spec.get("datasets", {}).values():
            out += [str(r[k]) for r in rows for k in ("series", "level", "group") if k in r]
    return out


def texts(at: AppTest) -> list[str]:
    """Every text an AppTest run puts on the screen (see the module)."""
    out: list[str] = []
    for kind in TEXT_ELEMENTS:
        out += [str(e.value) for e in getattr(at, kind)]
    for metric in at.metric:
        out += [metric.label, str(metric.value), str(metric.proto.delta or ""),
                metric.proto.help]
    for kind in WIDGETS:
        for widget in getattr(at, kind):
            out += [str(widget.label), str(getattr(widget.proto, "help", ""))]
            out += [str(o) for o in getattr(widget, "options", [])]
            if hasattr(widget.proto, "placeholder"):
                out.append(widget.proto.placeholder)
    out += [e.label for e in at.expander] + [t.label for t in at.tabs]
    for table in at.dataframe:
        out += frame_texts(table.value)
    out += [d.proto.label for d in at.get("download_button")]
    return out + _chart_texts(at) + _map_texts(at)


def _run(page: str, lang: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DB_ENV, str(db))
    at = page_app(str(ROOT / "ui" / "pages" / f"{page}.py"), default_timeout=180)
    if lang == "en":
        at.session_state["lang"] = "English"
    at.session_state["who_name"], at.session_state["who_department"] = "王五", "县应急管理局"
    return at.run()


def _site_with_readings() -> str:
    """The demo site with the most kinds of monitoring readings."""
    db = Path(os.environ[DB_ENV])
    with Store(db, read_only=True) as store:
        readings = store.read("monitoring_readings")
    return str(readings.groupby("site_id")["reading_kind"].nunique().idxmax())


def _deeper(page: str, at: AppTest) -> list[str]:
    """Walk what a page shows only after a choice: a record, a history, the budget."""
    out: list[str] = []
    if page == "geohazards":
        at.query_params["site"] = _site_with_readings()
        out += texts(at.run())
        assert len(at.get("vega_lite_chart")) >= 2, "a site's readings are drawn"
    if page == "ledger":
        hazard = at.selectbox(key="handle_pick").options[0]
        at.selectbox(key="handle_pick").set_value(hazard)
        at.number_input(key="budget").set_value(200.0)
        out += texts(at.run())
        assert len(at.dataframe) >= 10, "record, history, the budget's picks are shown"
    if page == "warning":
        at.session_state["warn_source"] = "scenario"
        out += texts(at.run())
        assert len(at.multiselect) == 1, "the scenario's townships are shown"
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_text_of_a_page_is_in_one_language(page: str, lang: str, lang_db: Path,
                                                 screen: Screen,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(page, lang, lang_db, monkeypatch)
    assert not at.exception, at.exception
    shown = texts(at)
    assert len(shown) > 5, "the page shows something to check"
    shown += _deeper(page, at)
    assert not at.exception, at.exception
    assert screen.foreign(shown, lang) == []


def test_the_check_finds_the_other_language(lang_db: Path, screen: Screen) -> None:
    """The rule itself: a fixed-list value or an English word is caught, names are not."""
    towns = [v for v in screen.allowed if v.endswith("镇") and len(v) == 3]
    assert towns, "township names are data values"
    assert screen.foreign([f"{towns[0]} · 3 sites"], "en") == []
    assert screen.foreign(["滑坡 · landslide"], "en") == ["滑坡"]
    assert screen.foreign(["共 3 处 road_code", "`riskmap import` 5 mm"], "zh") == [
        "road_code"]
    assert screen.foreign(["Choose options"], "zh") == ["Choose", "options"]
