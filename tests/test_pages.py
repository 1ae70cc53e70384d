"""Every page on the demo database (AppTest): runs, shows its key elements, maps load nothing
from outside, and demo data is labelled."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from domain.access import Account
from geodata.derived import forget
from geodata.snapshot import Snapshot
from geodata.store import DB_ENV, Store
from riskmap.cli import main
from tests.signin import page_app

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "geohazards", "warning", "forest", "roads", "ledger", "resources",
         "places", "readiness", "data"]
WITH_MAP = [p for p in PAGES if p not in ("readiness", "data")]


@pytest.fixture(scope="module")
def pages_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "pages.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _run(page: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DB_ENV, str(db))
    return page_app(str(ROOT / "ui" / "pages" / f"{page}.py"), default_timeout=120).run()


def _maps(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.json_args) for e in at.main
            if type(e).__name__ == "UnknownElement"
            and e.proto.DESCRIPTOR.name == "ComponentInstance"]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_and_labels_demo_data(page: str, pages_db: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(page, pages_db, monkeypatch)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    assert any("演示数据" in w.value for w in at.warning)
    assert any(c.value == "演示县（虚构演示数据） · 数据截至 2026-10-31" for c in at.caption), \
        "the county and its data date under the title"


@pytest.mark.parametrize("page", WITH_MAP)
def test_page_map_loads_only_local_assets(page: str, pages_db: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    maps = _maps(_run(page, pages_db, monkeypatch))
    assert len(maps) == 1
    args = json.dumps(maps[0])
    assert not re.findall(r"https?://", args)
    assert all(link.startswith("../") for link in maps[0]["js_links"] + maps[0]["css_links"])
    assert json.dumps("演示数据")[1:-1] in maps[0]["script"]


def test_ledger_filters_narrow_the_table(pages_db: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run("ledger", pages_db, monkeypatch)
    total = len(at.dataframe[0].value)
    level = next(m for m in at.multiselect if m.label == "等级")
    level.set_value(["重大"]).run()
    major = at.dataframe[0].value
    assert 0 < len(major) < total
    assert set(major["隐患等级"]) == {"重大"}


def test_ledger_table_names_townships_and_shows_days(pages_db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    table = _run("ledger", pages_db, monkeypatch).dataframe[0].value
    assert "乡镇" in table.columns and "乡镇代码" not in table.columns, "names, headed 乡镇"
    assert not table["乡镇"].str.fullmatch(r"\d{12}").any()
    assert all(type(d) is date for d in table["排查日期"].dropna()), "no 00:00:00"


def test_escaped_ledger_text_in_map(pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geodata.store import Store

    path = pages_db.with_name("evil.duckdb")
    shutil.copyfile(pages_db, path)
    with Store(path) as store:
        row = store.read("hazard_ledger").head(1).copy()
        row["hazard_description"] = "<img src=x onerror=alert(1)>"
        store.write("hazard_ledger", row, mode="upsert")
    args = json.dumps(_maps(_run("ledger", path, monkeypatch))[0])
    assert "<img src=x" not in args and "img src=x" in args


def test_geohazard_site_record_and_readings(pages_db: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run("geohazards", pages_db, monkeypatch)
    assert any("选择一个隐患点" in i.value for i in at.info)
    kinds = next(m for m in at.multiselect if m.label == "灾害类型")
    kinds.set_value(["泥石流"]).run()
    assert set(at.dataframe[0].value["灾害类型"]) == {"泥石流"}


def test_forest_day_picker_and_roads_black_spots(pages_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    forest = _run("forest", pages_db, monkeypatch)
    forest.date_input[0].set_value("2026-04-04").run()
    assert not forest.exception
    assert any("清明" in w.value for w in forest.warning)
    roads = _run("roads", pages_db, monkeypatch)
    assert len(roads.dataframe[0].value) >= 8, "the black-spot table"


def test_meeting_mode(pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(pages_db))
    at = page_app(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["mode"] = "meeting"
    at.run()
    assert not at.exception
    head = next(m.value for m in at.markdown if "rm-head" in m.value)
    assert "演示县" in head and "数据截至 2026-10-31" in head and "演示数据" in head
    assert [m.label for m in at.metric] == ["整改率", "超期未整改", "未销号重大隐患", "受威胁人数"]
    top = next(m.value for m in at.markdown if "rm-top" in m.value)
    assert top.count("<tr>") == 5, "the top five townships"
    ready = next(m.value for m in at.markdown if "rm-ready" in m.value)
    assert "应急准备" in ready and "10-31 无人值班 3 个：" in ready, "the roster's gaps, by name"
    assert "物资缺口" in ready and "重点场所已检查" in ready
    css = [m.value for m in at.sidebar.markdown if "stSidebar" in m.value]
    assert css, "meeting mode hides the sidebar and chrome"
    script = _maps(at)[0]["script"]
    assert script.count("rm-switch") >= 1 and "setInterval" not in script, "no cycle asked"
    for title in ("综合风险", "地质灾害", "森林火灾", "道路交通", "隐患台账"):
        assert f'"{title}"' in script, "every layer can be switched to on screen"
    at.button(key="leave_meeting").click().run()
    assert at.title[0].value == "县域安全风险一张图", "back at the desk"


@pytest.mark.parametrize("page", PAGES)
def test_page_in_english(page: str, pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(pages_db))
    at = page_app(str(ROOT / "ui" / "pages" / f"{page}.py"), default_timeout=120)
    at.session_state["lang"] = "English"
    at.run()
    assert not at.exception, at.exception
    assert any("Demo data" in w.value for w in at.warning)
    assert not re.search(r"[\u4e00-\u9fff]", at.title[0].value), "titles are translated"


def test_meeting_mode_cycles_through_layers(pages_db: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(pages_db))
    at = page_app(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["mode"] = "meeting"
    at.query_params["cycle"] = "20"
    at.run()
    script = _maps(at)[0]["script"]
    assert "setInterval" in script and "20000" in script, "the browser cycles every 20 s"


def _evacuation_table(at: AppTest):
    return next(d.value for d in at.dataframe if "威胁人数 (人)" in d.value.columns
                and "安置避难场所" in d.value.columns)


def test_warning_scenario_drives_the_evacuation_list(pages_db: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run("warning", pages_db, monkeypatch)
    assert at.radio(key="warn_source").value == "stored", "opens on the stored observations"
    assert not any("模拟情景" in w.value for w in at.warning)
    at.radio(key="warn_source").set_value("scenario").run()
    at.selectbox(key="warn_region").set_value("north").run()
    at.selectbox(key="warn_hours").set_value(72).run()
    at.number_input(key="warn_mm").set_value(150.0).run()
    assert not at.exception, at.exception
    table = _evacuation_table(at)
    people = {m.label: m.value for m in at.metric}["需转移人数"]
    assert len(table) > 0
    assert int(people.replace(",", "")) == table["威胁人数 (人)"].sum()
    assert set(table["预警等级"]) <= {"红色（很高）", "橙色（高）"}
    assert table["乡镇责任领导"].notna().all() and table["安置避难场所"].notna().all()
    assert [b.label for b in at.get("download_button")] == [
        "下载转移名单（XLSX，可打印）", "打印版（HTML）"]
    assert any("模拟情景" in w.value for w in at.warning), "the scenario is marked"
    assert "模拟情景" in _maps(at)[0]["script"] or "\\u6a21\\u62df" in _maps(at)[0]["script"]
    assert any("模拟情景" in h.value for h in at.subheader)
    total = next(m.value for m in at.markdown if "人需转移" in m.value)
    assert f"**{len(table)}** 处" in total and f"**{table['威胁人数 (人)'].sum():,}".replace(
        ",", "") in total.replace(",", "")
    at.number_input(key="warn_mm").set_value(30.0).run()
    assert not [m.value for m in at.markdown if "降级" in m.value], "no baseline: no comparison"
    at.number_input(key="warn_mm").set_value(150.0).run()
    at.button(key="warn_save").click().run()
    at.number_input(key="warn_mm").set_value(30.0).run()
    assert not at.exception, at.exception
    summary = [m.value for m in at.markdown if "降级" in m.value]
    assert summary and "150" in summary[0], "the change is stated against the saved baseline"
    assert 0 < len(_evacuation_table(at)) < len(table)


def test_geohazard_page_lists_silent_sites_in_one_table_with_a_total(
        pages_db: Path, demo_frames: dict, monkeypatch: pytest.MonkeyPatch) -> None:

    from analytics.warning import silent_sites
    from geodata.demo import AS_OF

    at = _run("geohazards", pages_db, monkeypatch)
    at.number_input(key="silent_days").set_value(30).run()
    assert not at.exception, at.exception
    quiet = silent_sites(demo_frames["geohazard_sites"], demo_frames["monitoring_readings"],
                         as_of=pd.Timestamp(AS_OF), days=30)
    assert len(quiet) > 0
    table = at.dataframe[-1].value
    assert len(table) == len(quiet)
    assert f"共 {len(quiet)} 处" in " ".join(h.value for h in at.subheader)
    names = set(demo_frames["townships"]["township_name"])
    assert set(table["乡镇"]) <= names, "townships by name, not code"


def test_ledger_page_performs_a_transition(pages_db: Path, demo_frames: dict,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Save, then the record, allowed actions and history refresh and the form starts empty."""
    ledger = demo_frames["hazard_ledger"]
    todo = ledger[(ledger["hazard_status"] == "待整改") & (ledger["hazard_level"] == "一般")]
    hid, version = todo["hazard_id"].iloc[-1], int(todo["row_version"].iloc[-1])
    monkeypatch.setenv(DB_ENV, str(pages_db))
    at = page_app(str(ROOT / "ui" / "pages" / "ledger.py"), default_timeout=120,
                  who=Account("测试员", "admin", department="县应急管理局")).run()
    at.selectbox(key="handle_pick").set_value(hid).run()
    key = f"tab-{hid}-{version}"
    at.radio(key=f"{key}-action").set_value("开始整改").run()
    at.text_area(key=f"{key}-开始整改-measures").set_value("设置防护栏")
    at.text_input(key=f"{key}-开始整改-responsible_person").set_value("王五")
    at.button(key=f"{key}-save").click().run()
    assert not at.exception, at.exception
    assert any(f"{hid} 现为“整改中”" in s.value for s in at.success), [e.value for e in at.error]
    after = f"tab-{hid}-{version + 1}"
    assert list(at.radio(key=f"{after}-action").options) == ["申请验收", "修改"]
    history = next(d.value for d in at.dataframe if "操作人" in d.value.columns)
    started = history[history["操作"] == "开始整改"]
    assert set(started["字段"]) == {"整改措施", "整改责任人", "整改状态"}, "labels, not names"
    assert "None" not in history.to_string() and "{" not in history.to_string()
    assert (started["操作人"] == "测试员").all() and (started["操作人单位"] == "县应急管理局").all()
    at.radio(key=f"{after}-action").set_value("申请验收").run()
    assert at.text_area(key=f"{after}-申请验收-evidence").value == "", "the form starts empty"
    at.button(key=f"{after}-save").click().run()
    assert any("evidence" in e.value for e in at.error), "evidence is required"


def test_a_save_after_someone_elses_is_refused_naming_them_then_reloaded(
        demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two editors of one hazard (two sessions or two app servers): the second is told."""
    from geodata.ledger import apply

    db = tmp_path / "two.duckdb"
    shutil.copyfile(demo_db, db)
    with Store(db, read_only=True) as store:
        row = store.read("hazard_ledger", {"hazard_status": "整改中"}).iloc[0]
    hid, version = row["hazard_id"], int(row["row_version"])
    monkeypatch.setenv(DB_ENV, str(db))
    at = page_app(str(ROOT / "ui" / "pages" / "ledger.py"), default_timeout=120).run()
    at.selectbox(key="handle_pick").set_value(hid).run()
    key = f"tab-{hid}-{version}"
    at.radio(key=f"{key}-action").set_value("修改").run()
    with Store(db) as store:  # the other editor saves first
        apply(store, hid, "修改", {"measures": "甲先保存的措施"}, version=version,
              who=Account("甲", "admin", department="县住建局"))
    at.text_input(key=f"{key}-修改-responsible_person").set_value("乙填写的责任人")
    at.button(key=f"{key}-save").click().run()
    assert not at.exception, at.exception
    refused = " ".join(e.value for e in at.error)
    assert "已被他人修改" in refused and "甲" in refused and "甲先保存的措施" in refused
    assert "nan" not in refused and "整改措施" in refused, "the field's label, not its name"
    assert any("载入最新版本" in w.value or "已被他人修改" in w.value for w in at.warning)
    with Store(db, read_only=True) as store:
        events = store.read("ledger_events", {"hazard_id": hid})
    assert "乙填写的责任人" not in set(events["new_value"].dropna()), "nothing of 乙 saved"
    at.button(key=f"tab-{hid}-reload").click().run()
    assert at.radio(key=f"tab-{hid}-{version + 1}-action") is not None
    assert not any("已被他人修改" in w.value for w in at.warning), "the current version loaded"


def test_many_points_are_drawn_as_township_totals(pages_db: Path, demo_frames: dict,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``max_points`` a map shows one circle per township; a filter brings points back."""
    from dataclasses import replace

    from ui import chrome

    shipped = chrome.settings()
    monkeypatch.setattr(chrome, "settings", lambda: replace(
        shipped, maps=replace(shipped.maps, max_points=50, table_rows=40)))
    at = _run("geohazards", pages_db, monkeypatch)
    assert not at.exception, at.exception
    assert any("按乡镇汇总" in c.value for c in at.caption)
    script = _maps(at)[0]["script"]
    assert "radius: p.r" in script and "rm-symbol" not in script
    assert len(at.dataframe[0].value) == 40 and any("前 40 条" in c.value for c in at.caption)
    sites = demo_frames["geohazard_sites"]
    per_town = sites[sites["site_status"] == "在册"]["township_code"].value_counts()
    small = per_town[per_town <= 50].index[0]
    next(m for m in at.multiselect if m.label == "乡镇").set_value([small]).run()
    assert "rm-symbol" in _maps(at)[0]["script"]
    assert not any("按乡镇汇总" in c.value for c in at.caption)


def test_pages_leave_the_shared_tables_as_loaded(pages_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are cached once and shared, not copied: no page may change them."""

    from ui.chrome import _loaded, _store

    for page in PAGES:
        assert not _run(page, pages_db, monkeypatch).exception, page
    store = _store(str(pages_db))
    cached = _loaded(str(pages_db)).read(store, store.versions())
    for name, frame in cached.items():
        pd.testing.assert_frame_equal(frame, store.read(name), obj=name)


def test_a_write_is_seen_and_only_its_tables_are_read_again(demo_db: Path,
                                                            tmp_path: Path) -> None:
    """An upsert keeps the row count: it must still be seen, and reload only its table."""
    from ui.chrome import _loaded, _store, base_layers, risk, settings

    path = tmp_path / "edited.duckdb"
    shutil.copyfile(demo_db, path)
    store = _store(str(path))

    def snap() -> Snapshot:
        return Snapshot.take(store, settings(), loaded=_loaded(str(path)))

    first = snap()
    before, base, scored = first.tables(), base_layers(first), risk(first)
    site = before["geohazard_sites"].head(1).assign(site_name="改名测试点")
    store.write("geohazard_sites", site, mode="upsert")
    second = snap()
    after = second.tables()
    assert "改名测试点" in set(after["geohazard_sites"]["site_name"])
    assert [n for n in before if after[n] is not before[n]] == ["geohazard_sites"]
    assert base_layers(second) is base  # sites are not on the base map
    assert risk(second) is not scored and risk(second).danger is scored.danger  # fire kept
    town = after["townships"].head(1).assign(township_name="改名镇")
    store.write("townships", town, mode="upsert")
    third = snap()
    assert base_layers(third) is not base
    assert "改名镇" in set(base_layers(third).towns["township_name"])


def test_ledger_trend_chart_draws_found_closed_and_open(pages_db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run("ledger", pages_db, monkeypatch)
    charts = [json.loads(e.proto.spec) for e in at.main if type(e).__name__ == "UnknownElement"
              and e.proto.DESCRIPTOR.name == "VegaLiteChart"]
    assert len(charts) == 1
    assert charts[0]["encoding"]["color"]["sort"] == ["排查数", "销号数", "未销号"]
    assert charts[0]["mark"]["type"] == "line"


def test_base_map_is_simplified_in_the_background(demo_db: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the store starts the base map off the page's thread; a failure is not kept."""
    import threading

    import ui.chrome as chrome
    from maps.compose import base_for_display

    path = tmp_path / "base.duckdb"
    shutil.copyfile(demo_db, path)
    threads: list[str] = []
    failing = [True]

    def build(*layers: object) -> object:
        threads.append(threading.current_thread().name)
        if failing[0]:
            raise RuntimeError("build failed")
        return base_for_display(*layers)

    monkeypatch.setattr(chrome, "base_for_display", build)
    store = chrome._store(str(path))
    forget(store)  # nothing kept: simplified here
    snap = Snapshot.take(store, chrome.settings())
    chrome.start_base_layers(snap)
    with pytest.raises(RuntimeError, match="build failed"):
        chrome.base_layers(snap)
    failing[0] = False
    base = chrome.base_layers(snap)  # tried again, not the failure kept
    assert len(threads) == 2 and all(n.startswith("riskmap-base") for n in threads)
    towns = store.read("townships")
    assert base.towns.geometry.geom_equals_exact(
        base_for_display(towns, None, None).towns.geometry, 0).all()
    assert chrome.base_layers(snap) is base and len(threads) == 2


def test_a_restarted_server_reuses_what_the_first_kept(demo_db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """After a restart (nothing in memory), the overview reads the base map, the engine's
    result and the headline figures kept by the first run: it works none of them out."""
    import streamlit as st

    import ui.chrome as chrome
    from geodata import derived

    path = tmp_path / "restart.duckdb"
    shutil.copyfile(demo_db, path)
    with Store(path) as store:
        forget(store)
    first = _run("overview", path, monkeypatch)
    st.cache_resource.clear()  # the server restarted: nothing held by the last one
    derived._HELD.clear()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("worked out again")
    for name in ("score_county", "base_for_display", "county_kpis"):
        monkeypatch.setattr(chrome, name, refuse)
    again = _run("overview", path, monkeypatch)
    assert not again.exception
    assert [m.value for m in again.metric] == [m.value for m in first.metric]
    assert again.dataframe[0].value.equals(first.dataframe[0].value)
    assert _maps(again)[0]["script"] == _maps(first)[0]["script"]


def _bare_strings(page: str) -> list[str]:
    """Every string standing alone as a statement in a page (a docstring, a note)."""
    import ast

    tree = ast.parse((ROOT / "ui" / "pages" / f"{page}.py").read_text(encoding="utf-8"))
    return [node.value.value.strip() for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)]


@pytest.mark.parametrize("page", PAGES)
def test_no_bare_string_of_a_page_reaches_the_screen(page: str, pages_db: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's magic wrote a note of the geohazards page above its title: it is off."""
    at = _run(page, pages_db, monkeypatch)
    shown = " ".join(m.value for m in at.markdown)
    strings = _bare_strings(page)
    assert strings, "each page has at least its docstring"
    assert not [s for s in strings if s[:40] in shown]


def test_overview_map_names_the_county_and_keeps_the_method_below(
        pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run("overview", pages_db, monkeypatch)
    script = _maps(at)[0]["script"]
    from geodata.config import load_settings

    with Store(pages_db, read_only=True) as store:
        meta = store.meta()
    config_hash = load_settings().risk.config_hash
    assert json.dumps(meta["dataset_label"])[1:-1] in script, "the county on the map"
    assert config_hash not in script, "the configuration hash is no headline"
    assert any(config_hash in c.value for c in at.caption), "it is under the map"


def test_overview_tables_lead_with_what_a_laptop_shows(
        pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ranking leads with rank, township and class; a township's reason with the
    indicators that weigh most (the right column is 350 px wide on a laptop)."""
    monkeypatch.setenv(DB_ENV, str(pages_db))
    at = page_app(str(ROOT / "ui" / "pages" / "overview.py"), default_timeout=120)
    at.session_state["overview-pick-composite"] = {"rows": [], "click": None, "pick": None}
    at.run()
    ranking = at.dataframe[0].value
    assert list(ranking.columns[:4]) == ["排名", "乡镇", "等级", "风险分值"]
    with Store(pages_db, read_only=True) as store:
        code = store.read("townships")["township_code"].iloc[0]
    at.session_state["overview-pick-composite"] = {"rows": [], "click": None, "pick": code}
    at.run()
    why = at.dataframe[0].value
    assert list(why.columns[:2]) == ["指标", "贡献"]
    assert why["贡献"].is_monotonic_decreasing and why["贡献"].iloc[0] > 0


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", ["正在读取数据…", "正在计算风险…"]),
    ("en", ["Reading the data…", "Computing the risk…"])])
def test_slow_steps_say_what_they_do_in_the_pages_language(
        lang: str, said: list[str], pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the tables and scoring show a progress message (seconds on a province)."""
    import contextlib

    import streamlit

    shown: list[str] = []

    @contextlib.contextmanager
    def spinner(text: str = "", **_: object):
        shown.append(text)
        yield

    monkeypatch.setattr(streamlit, "spinner", spinner)
    monkeypatch.setenv(DB_ENV, str(pages_db))
    at = page_app(str(ROOT / "ui" / "pages" / "forest.py"), default_timeout=120)
    at.session_state["lang"] = "中文" if lang == "zh" else "English"
    at.run()
    assert not at.exception
    assert [text for text in shown if text in said] == said, shown


def test_the_monthly_trend_can_show_one_lead_department(
        pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run("ledger", pages_db, monkeypatch)
    whole = at.get("vega_lite_chart")[0].proto.spec
    pick = at.selectbox(key="trend_department")
    department = pick.options[1]
    pick.set_value(department).run()
    with Store(pages_db, read_only=True) as store:
        ledger = store.read("hazard_ledger")
    found = int((ledger["lead_department"] == department).sum())
    assert found < len(ledger)
    chart = at.get("vega_lite_chart")[0]
    assert chart.proto.spec == whole, "the same chart"
    import pyarrow as pa

    from geodata.config import load_settings

    rows = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas()
    found_line = rows[rows["series"] == "排查数"]["value"]
    with Store(pages_db, read_only=True) as store:
        as_of = Snapshot.take(store, load_settings()).as_of
    mine = ledger[ledger["lead_department"] == department]
    recent = mine["found_date"] >= (as_of.to_period("M") - 23).to_timestamp()  # 24 months
    assert int(found_line.sum()) == int(recent.sum()), "the department's hazards found"


def test_forest_zones_are_outlined_not_painted_like_a_danger_level(
        pages_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _maps(_run("forest", pages_db, monkeypatch))[0]["script"]
    assert "dashArray: '4 3'" in script and "fillOpacity: 0}" in script, "zones outlined"
    assert "#66bb6a" not in script, "no green fill beside level 1's green"


def _fitted(script: str) -> list[float]:
    """The bounds a map script fits its view to: [south, west, north, east]."""
    found = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]",
                      script)
    assert found, "the map fits its view"
    return [float(v) for v in found.groups()]


def test_a_township_filter_zooms_and_a_picked_site_is_ringed_and_centred(
        pages_db: Path, demo_frames: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from maps.style import HIGHLIGHT_COLOUR

    whole = _fitted(_maps(_run("geohazards", pages_db, monkeypatch))[0]["script"])
    towns = demo_frames["townships"]
    code = towns["township_code"].iloc[3]
    at = _run("geohazards", pages_db, monkeypatch)
    at.multiselect[0].set_value([code]).run()
    zoomed = _fitted(_maps(at)[0]["script"])
    assert zoomed[2] - zoomed[0] < (whole[2] - whole[0]) / 2, "the view fits the township"
    bounds = towns[towns["township_code"] == code].total_bounds
    assert zoomed[1] <= bounds[0] and zoomed[3] >= bounds[2]
    site = demo_frames["geohazard_sites"].iloc[7]
    at = page_app(str(ROOT / "ui" / "pages" / "geohazards.py"), default_timeout=120)
    at.query_params["site"] = site["site_id"]
    script = _maps(at.run())[0]["script"]
    assert HIGHLIGHT_COLOUR in script, "the site is ringed"
    south, west, north, east = _fitted(script)
    assert south < site.geometry.y < north and west < site.geometry.x < east
    assert north - south < (whole[2] - whole[0]) / 4, "and centred close up"


def test_readiness_page_and_command_give_the_same_numbers(pages_db: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    """The demo leaves two townships and a department without anyone on its as-of day."""
    at = _run("readiness", pages_db, monkeypatch)
    assert not at.exception, at.exception
    shown = {m.label: m.value for m in at.metric}
    assert main(["readiness", "--json", "--db", str(pages_db)]) == 0
    said = json.loads(capsys.readouterr().out)
    assert shown["无人值班"] == str(len(said["no_one_on_duty"])) == "3"
    assert shown["物资缺口（项）"] == str(len(said["supplies_short"]))
    assert shown["队伍应训练"] == str(len(said["teams_due_training"]))
    due = set(said["plans_due_revision"]) | set(said["plans_due_drill"])
    assert shown["预案应修订或演练"] == str(len(due))
    duty = at.dataframe[0].value
    nobody = duty[duty.iloc[:, -1] == "无人值班"].iloc[:, 0].tolist()
    assert nobody == said["no_one_on_duty"], "listed first, in the command's order"
    at.date_input(key="readiness-day").set_value(pd.Timestamp("2026-10-30").date()).run()
    assert at.subheader[0].value == "2026-10-30 值班", "another day, its roster"
    assert main(["readiness", "--json", "--day", "2026-10-30", "--db", str(pages_db)]) == 0
    that_day = json.loads(capsys.readouterr().out)["no_one_on_duty"]
    assert {m.label: m.value for m in at.metric}["无人值班"] == str(len(that_day))


def test_places_page_filters_by_sweep_status(pages_db: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    at = _run("places", pages_db, monkeypatch)
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    at.multiselect(key="places-status").set_value(["未检查"]).run()
    narrowed = at.dataframe[0].value
    assert 0 < len(narrowed) < len(table)
    assert set(narrowed["排查状态"]) == {"排查期内未检查"}
    assert len(_maps(at)) == 1
