"""The snapshot of a run: the as-of rule, the cache key, and what a rerun reuses."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import analytics.engine as engine
from domain.asof import end_of_day, reference_times
from geodata.config import load_settings
from geodata.snapshot import Snapshot
from geodata.store import Store

DEMO_TIME = "2026-10-31T18:00:00"


@pytest.mark.parametrize(("stored", "given", "as_of", "now"), [
    (DEMO_TIME, None, "2026-10-31 23:59:59", "2026-10-31 18:00"),
    (None, None, "2026-12-01 23:59:59", "2026-12-01 15:47"),
    (DEMO_TIME, "2026-09-01", "2026-09-01 23:59:59", "2026-09-01 23:59:59"),
    (None, "2026-09-01 08:30", "2026-09-01 23:59:59", "2026-09-01 08:30"),
    (DEMO_TIME, pd.Timestamp("2026-09-02").date(), "2026-09-02 23:59:59",
     "2026-09-02 23:59:59"),
    (DEMO_TIME, datetime(2026, 9, 2, 7, 15), "2026-09-02 23:59:59", "2026-09-02 07:15"),
    (None, "2026-9-1T08", "2026-09-01 23:59:59", "2026-09-01 08:00"),
    (DEMO_TIME, "  ", "2026-10-31 23:59:59", "2026-10-31 18:00"),
])
def test_the_as_of_rule(stored: str | None, given: object, as_of: str, now: str) -> None:
    clock = pd.Timestamp("2026-12-01 15:47:33")
    assert reference_times(stored, given, clock=clock) == (pd.Timestamp(as_of),
                                                          pd.Timestamp(now))


def test_without_a_clock_the_present_minute() -> None:
    before = pd.Timestamp.now().floor("min")
    as_of, now = reference_times(None)
    assert before <= now <= pd.Timestamp.now() and now == now.floor("min")
    assert as_of == end_of_day(now)


def test_end_of_day_is_the_last_second() -> None:
    assert end_of_day(pd.Timestamp("2026-10-31 00:00")) == pd.Timestamp("2026-10-31 23:59:59")
    assert end_of_day(pd.Timestamp("2026-10-31 23:59:59")) == pd.Timestamp(
        "2026-10-31 23:59:59")


def test_the_key_names_only_the_tables_covered(demo_copy: Path) -> None:
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
        base = snap.only("townships", "rivers")
        store.write("fire_events", snap.table("fire_events").head(1).assign(
            fire_cause="农事用火"), mode="upsert")
        later = Snapshot.take(store, load_settings())
        names = snap.township_names()
    assert later.key != snap.key, "a write changes the whole snapshot's key"
    assert later.only("townships", "rivers").key == base.key, "… not that of other tables"
    assert later.as_of == snap.as_of == pd.Timestamp("2026-10-31 23:59:59")
    assert snap.demo and names["529901100000"].endswith(("镇", "乡", "街道"))


def test_a_rerun_after_a_write_works_out_only_the_layers_of_that_table(
        demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.chrome import _loaded, _store, risk, settings

    path = tmp_path / "reuse.duckdb"
    shutil.copyfile(demo_db, path)
    worked: list[str] = []
    for layer, function in list(engine.INDICATORS.items()):
        def counted(inp: object, layer: str = layer, function: object = function) -> tuple:
            worked.append(layer)
            return function(inp)  # type: ignore[operator]
        monkeypatch.setitem(engine.INDICATORS, layer, counted)
    store = _store(str(path))

    def rerun() -> object:
        return risk(Snapshot.take(store, settings(), loaded=_loaded(str(path))))

    first = rerun()
    assert sorted(worked) == sorted(engine.INDICATORS)
    worked.clear()
    assert rerun() is first and worked == [], "nothing changed: the result itself is reused"
    fires = store.read("fire_events").head(1).assign(fire_cause="农事用火")
    store.write("fire_events", fires, mode="upsert")
    second = rerun()
    assert worked == ["forest_fire"] and second is not first
    worked.clear()
    store.write("hazard_ledger", store.read("hazard_ledger").head(1).assign(
        measures="再次核查"), mode="upsert")
    rerun()
    assert worked == ["ledger"]
