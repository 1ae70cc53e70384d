"""Day one of a real county: every page and command on every subset of the tables.

The databases: empty; townships only; for each other entity table, the townships with just
that table, and the demo without it (the demo's ledger thinned: ``LEDGER_SHARE``). On each,
every page that reads the table runs (AppTest; every page on the empty database and on
townships only) and every command runs, with no exception, and what is missing is named.
Which pages run on a variant: ``_pages``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from domain.schema import ENTITY_TABLES, TABLES
from geodata.store import DB_ENV, Store
from riskmap.cli import main
from tests.signin import page_app

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "geohazards", "warning", "forest", "roads", "ledger", "resources",
         "places", "readiness", "data"]
OTHERS = [t for t in ENTITY_TABLES if t not in ("townships", "ledger_events")]
VARIANTS = ["empty", "townships", *(f"only:{t}" for t in OTHERS),
            *(f"without:{t}" for t in OTHERS)]


def _keep(variant: str) -> set[str]:
    if variant == "all":
        return set(ENTITY_TABLES)
    if variant == "empty":
        return set()
    if variant == "townships":
        return {"townships"}
    kind, table = variant.split(":")
    if kind == "only":
        return {"townships", table} | ({"ledger_events"} if table == "hazard_ledger" else set())
    return set(ENTITY_TABLES) - {table} - ({"ledger_events"} if table == "hazard_ledger"
                                           else set())


LEDGER_SHARE = 10
"""The databases keep one hazard in ``LEDGER_SHARE`` of the demo's ledger, with its history:
what is checked (every page and command runs and names what is missing) does not depend on
the ledger's length, and the ledger's pages and commands take time in proportion to it."""


class Databases:
    """One database per variant, made the first time a test asks for it (the tests of one
    variant may run in either test process: each makes only the variants it runs).

    The demo's kept tables, with its metadata when it has townships. A few tables are
    written into a new file; the variants missing one table copy the whole demo (written once)
    and empty that table (emptying a dozen costs more than writing two).
    """

    def __init__(self, folder: Path, frames: dict[str, pd.DataFrame], meta: dict[str, str]
                 ) -> None:
        self.folder, self.frames, self.meta = folder, frames, meta
        self.made: dict[str, Path] = {}

    def __getitem__(self, variant: str) -> Path:
        if variant not in self.made:
            self.made[variant] = self._make(variant)
        return self.made[variant]

    def _make(self, variant: str) -> Path:
        path = self.folder / f"{variant.replace(':', '-')}.duckdb"
        kept = _keep(variant)
        if variant.startswith("without:"):
            shutil.copyfile(self["all"], path)
        with Store(path) as store:
            if variant.startswith("without:"):
                dropped = [t for t in ENTITY_TABLES if t not in kept]
                none = {t: store.read(t, {TABLES[t].primary_key[0]: []}) for t in dropped}
                store.write_many(none, mode="replace")  # typed empty frames
            else:
                store.write_many({t: self.frames[t] for t in kept})
                store.set_meta(self.meta if "townships" in kept else {"dataset": "real"})
        return path


@pytest.fixture(scope="module")
def databases(demo_db: Path, demo_frames: dict, tmp_path_factory: pytest.TempPathFactory
              ) -> Databases:
    with Store(demo_db, read_only=True) as demo:
        meta = {k: v for k, v in demo.meta().items()
                if k.startswith(("dataset", "demo_"))}
    ledger = demo_frames["hazard_ledger"].iloc[::LEDGER_SHARE]
    events = demo_frames["ledger_events"]
    frames = dict(demo_frames, hazard_ledger=ledger,
                  ledger_events=events[events["hazard_id"].isin(ledger["hazard_id"])])
    return Databases(tmp_path_factory.mktemp("partial"), frames, meta)


BASE_TABLES = {"townships", "rivers", "road_segments"}
"""Tables drawn on every page's map (the base layers)."""
EVERY_TABLE = ("overview", "data")
NO_MAP = ("readiness", "data")
"""Pages without a map."""
"""Pages run on every database: the overview scores every table, the data page lists them."""


def page_tables(page: str) -> set[str]:
    """Return the entity tables a page's code names: its own and its ``ui`` helpers' modules.

    A page that names no table of a database's variant shows the same as on the whole demo
    (the tables it reads as a whole go to the risk engine, run by the overview on every
    variant), so each variant runs the pages naming its table.
    """
    source = (ROOT / "ui" / "pages" / f"{page}.py").read_text(encoding="utf-8")
    helpers = re.findall(r"^from (ui\.\w+) import", source, re.MULTILINE)
    texts = [source, *((ROOT / f"{m.replace('.', '/')}.py").read_text(encoding="utf-8")
                       for m in helpers)]
    return {t for text in texts for t in re.findall(r'"(\w+)"', text) if t in ENTITY_TABLES}


def _pages(variant: str) -> list[str]:
    """Return the pages run on ``variant``.

    All of them on the empty and the townships-only database; else those naming its table
    (all for a base layer) and ``EVERY_TABLE``.
    """
    if ":" not in variant:
        return PAGES
    table = variant.split(":")[1]
    return [page for page in PAGES if page in EVERY_TABLE or table in page_tables(page)
            or table in BASE_TABLES]


def _explains_a_picked_township(at: AppTest, town: pd.Series, variant: str) -> None:
    """Pick ``town`` on the composite and on one layer: its explanation, never an error
    (on townships alone every indicator is missing: nothing to draw bars against)."""
    for layer in ("composite", "geohazard"):
        at.session_state[f"overview-pick-{layer}"] = {"rows": [], "click": None,
                                                      "pick": town["township_code"]}
        at.segmented_control(key="layer").set_value(layer).run()
        assert not at.exception, f"{variant} {layer}: {at.exception}"
        assert any(h.value.startswith(f"{town['township_name']} · ") for h in at.subheader)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_page_runs_and_names_what_is_missing(variant: str, databases: Databases,
                                                    demo_frames: dict,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(databases[variant]))
    kept = _keep(variant)
    for page in _pages(variant):
        at = page_app(str(ROOT / "ui" / "pages" / f"{page}.py"),
                               default_timeout=120).run()
        assert not at.exception, f"{variant} {page}: {at.exception}"
        if page == "overview" and "townships" in kept:  # a township picked explains itself
            _explains_a_picked_township(at, demo_frames["townships"].iloc[0], variant)
        shown = " ".join(m.value for m in [*at.markdown, *at.info, *at.warning, *at.caption])
        if variant in ("empty", "townships"):  # borders alone are not data as of a day
            assert "数据截至" not in shown, page
            assert page == "overview" or "尚无数据" in shown, page
            if variant == "townships" and page not in ("overview", *NO_MAP):
                maps = [e for e in at.main if type(e).__name__ == "UnknownElement"
                        and e.proto.DESCRIPTOR.name == "ComponentInstance"]
                assert "数据截至" not in maps[0].proto.json_args, f"{page}: map caption"
        if "townships" not in kept:
            if page != "data":  # where the first files go in: no guide in the way
                assert "开始使用" in " ".join(h.value for h in at.header), (variant, page)
            continue
        if page == "ledger" and "hazard_ledger" not in kept:  # no trend of zeros
            assert "还没有隐患台账：导入后" in shown and not at.get("vega_lite_chart"), variant
        for table in _needed(page):
            if table not in kept:
                assert TABLES[table].zh in shown, f"{variant} {page}: {table} not named"
        if page not in NO_MAP:  # every map page shows the county, with or without its data
            maps = [e for e in at.main if type(e).__name__ == "UnknownElement"
                    and e.proto.DESCRIPTOR.name == "ComponentInstance"]
            assert len(maps) == 1, f"{variant} {page}: no map"


def test_the_meeting_screen_on_borders_only_ranks_no_township(
        databases: Databases, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(databases["townships"]))
    at = page_app(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["mode"] = "meeting"
    at.run()
    assert not at.exception
    head = next(m.value for m in at.markdown if "rm-head" in m.value)
    top = next(m.value for m in at.markdown if "rm-top" in m.value)
    assert "尚无数据" in head and "数据截至" not in head
    assert "<tr>" not in top and "尚无乡镇评出综合风险" in top
    ready = next(m.value for m in at.markdown if "rm-ready" in m.value)
    assert "尚无值班表" in ready and "物资缺口" not in ready, "nothing loaded: nothing claimed"


def _needed(page: str) -> tuple[str, ...]:
    return {"geohazards": ("geohazard_sites",), "warning": ("geohazard_sites",),
            "forest": ("forest_zones",), "roads": ("road_segments",),
            "ledger": ("hazard_ledger",), "resources": ("relocation_sites", "facilities"),
            "places": ("places",),
            "readiness": ("duty_roster", "emergency_plans", "rescue_teams", "supplies"),
            }.get(page, ())


COMMANDS = [["info"], ["score"], ["score", "--json", "{tmp}/s.json", "--csv", "{tmp}/s.csv"],
            ["warn"], ["warn", "--json"], ["ledger", "overdue"], ["ledger", "overdue", "--json"],
            ["ledger", "priorities"], ["ledger", "priorities", "--budget", "50"],
            ["ledger", "export", "{tmp}/l.xlsx"], ["export", "geohazard_sites", "{tmp}/g.gpkg"],
            ["export", "hazard_ledger", "{tmp}/h.csv"], ["backup", "{tmp}/b.zip"],
            ["readiness"], ["readiness", "--json"]]
PAIRED = {1: 2, 3: 4, 5: 6, 7: 8, 13: 14}
"""Commands (by index) run in two forms: text and JSON, or without and with an option."""


COMMAND_TABLES = {
    "warn": {"geohazard_sites", "rainfall", "monitoring_readings", "facilities", "duty_roster"},
    "ledger": {"hazard_ledger", "ledger_events"},
    "readiness": {"duty_roster", "emergency_plans", "rescue_teams", "supplies", "places",
                  "hazard_ledger"},
}
"""The tables a command reads for itself (``export`` reads the table it is given); ``info``,
``score`` (the risk engine) and ``backup`` read every table and run on every database."""


def _reads(command: list[str], table: str) -> bool:
    """Return whether ``command`` reads ``table`` (see ``COMMAND_TABLES``)."""
    if command[0] == "export":
        return command[1] == table
    return table in COMMAND_TABLES.get(command[0], {table})


def _commands(variant: str) -> list[list[str]]:
    """Return the commands run on ``variant``.

    On the empty and the townships-only database, all of them. On the others, those reading
    the variant's table: a command that does not read it does the same with or without it.
    The databases missing one table are near the demo's size: each of those runs one form of
    each pair, the two forms taking turns from one such database to the next.
    """
    if ":" not in variant:
        return COMMANDS
    table = variant.split(":")[1]
    left_out: set[int] = set()
    if variant.startswith("without:"):
        turn = VARIANTS.index(variant) % 2
        left_out = {pair[1 - turn] for pair in PAIRED.items()}
    return [c for i, c in enumerate(COMMANDS) if i not in left_out and _reads(c, table)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_command_runs_and_names_what_is_missing(
        variant: str, databases: Databases, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copyfile(databases[variant], db)
    kept = _keep(variant)
    for command in _commands(variant):
        args = [a.format(tmp=tmp_path) for a in command]
        code = main([*args, "--db", str(db)])
        out = capsys.readouterr()
        said = out.err + out.out
        assert code in (0, 1), f"{variant} {args}: {out.err}"
        assert "Traceback" not in said
        for table in NEEDS.get(command[0] if command[0] != "ledger" else "ledger", ()):
            if table not in kept:
                assert TABLES[table].zh in said, f"{variant} {args}: {table} not named"
    with Store(db) as store:
        counts = store.counts()
    assert {t for t, n in counts.items() if n} <= kept, "the commands changed no data"


NEEDS = {"score": ("townships",), "readiness": ("townships",),
         "warn": ("townships", "geohazard_sites"), "ledger": ("townships", "hazard_ledger")}
"""The tables each command cannot do without: when one is missing, the command names it."""


def _map_script(at: AppTest) -> str:
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"
            and e.proto.DESCRIPTOR.name == "ComponentInstance"]
    return json.loads(maps[0].proto.json_args)["script"]


@pytest.mark.parametrize(("variant", "page"), [("only:road_segments", "roads"),
                                               ("only:forest_zones", "forest")])
def test_a_page_map_without_its_measurements_is_not_low(variant: str, page: str,
                                                        databases: Databases,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Roads without accidents, forest without fire weather: 无数据 in the legend, no 低."""
    monkeypatch.setenv(DB_ENV, str(databases[variant]))
    at = page_app(str(ROOT / "ui" / "pages" / f"{page}.py"), default_timeout=120).run()
    script = _map_script(at)
    assert json.dumps("无数据")[1:-1] in script, "the legend names what grey means"
    drawn = re.findall(r'"(?:colour|fillColor)":\s*"(#[0-9a-f]{6}|url\(#rm-nodata\))"', script)
    low = {"roads": "#2c7bb6", "forest": "#1a9641"}[page]
    assert drawn and low not in drawn, f"{page}: something unmeasured drawn as 低"
