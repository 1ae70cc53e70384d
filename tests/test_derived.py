"""Results kept in the database to be reused (``geodata.derived``), on both databases.

What one app server or command worked out, another (or the same, restarted) reads back
whole, under a key that changes with the data, the day, the settings and the program.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analytics.engine import RiskResult, score_county
from geodata import derived
from geodata.config import load_settings
from geodata.snapshot import Snapshot
from geodata.store import Store
from riskmap.cli import main


def _kept_keys(store: Store, kind: str) -> set[str]:
    rows = store.read("derived_results", {"derived_kind": kind})
    return set(rows["derived_key"])


def _counter(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def make() -> object:
        calls.append(1)
        return value
    return calls, make


FRAME_PARTS = (lambda f: {"t": f}, lambda parts: parts["t"])


def test_frames_come_back_with_their_index_types_lists_and_geometry() -> None:
    plain = pd.DataFrame({"code": pd.array(["a", None], dtype="str"),
                          "n": pd.array([1, None], dtype="Int64"), "x": [0.5, np.nan],
                          "rules": [["升级一", "升级二"], []], "klass": ["低", None]},
                         index=pd.Index(["t1", "t2"], name="township_code"))
    plain["klass"] = plain["klass"].astype(object)
    geo = gpd.GeoDataFrame({"name": ["甲", "乙"]},
                           geometry=[shapely.Point(104.1, 26.5), shapely.box(104, 26, 105, 27)],
                           crs=4326)
    back = derived.decode(derived.encode(plain))
    pd.testing.assert_frame_equal(back.drop(columns="rules"), plain.drop(columns="rules"))
    assert [list(v) for v in back["rules"]] == [["升级一", "升级二"], []]
    back_geo = derived.decode(derived.encode(geo))
    assert isinstance(back_geo, gpd.GeoDataFrame) and back_geo.crs.to_epsg() == 4326
    assert back_geo.geometry.geom_equals_exact(geo.geometry, 0).all()
    assert list(back_geo["name"]) == ["甲", "乙"]


def test_a_kept_result_is_read_back_not_worked_out_again(store: Store) -> None:
    frame = pd.DataFrame({"score": [1.5, 2.5]})
    calls, make = _counter(frame)
    first = derived.remembered(store, "figures", "k1", make, *FRAME_PARTS)
    derived._HELD.clear()  # another process: nothing in memory
    again = derived.remembered(store, "figures", "k1", make, *FRAME_PARTS)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(again, first)
    assert _kept_keys(store, "figures") == {"k1"}


def test_each_kind_keeps_only_its_latest_results(store: Store) -> None:
    frame = pd.DataFrame({"v": [1]})
    derived.save(store, "base", "base-1", {"towns": frame})
    for k in range(derived.KEEP + 2):
        derived.save(store, "risk", f"risk-{k}", {"scores": frame, "about": frame})
    assert _kept_keys(store, "risk") == {f"risk-{k}" for k in range(2, derived.KEEP + 2)}
    assert _kept_keys(store, "base") == {"base-1"}
    rows = store.read("derived_results", {"derived_key": "risk-3"})
    assert sorted(rows["derived_part"]) == ["about", "scores"]


def test_a_result_that_no_longer_reads_is_worked_out_again(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    bad = pd.DataFrame({"derived_key": ["k2"], "derived_part": ["t"],
                        "derived_kind": ["figures"], "computed_at": [pd.Timestamp.now()],
                        "payload": [b"not parquet"]})
    store.write_derived(bad, keep=derived.KEEP)
    calls, make = _counter(pd.DataFrame({"v": [3]}))
    with caplog.at_level(logging.WARNING, logger="geodata.derived"):
        got = derived.remembered(store, "figures", "k2", make, *FRAME_PARTS)
    assert calls == [1] and list(got["v"]) == [3]
    assert "not reused" in caplog.text
    derived._HELD.clear()
    assert list(derived.load(store, "k2")["t"]["v"]) == [3]  # the bad one replaced


def test_a_read_only_database_still_gets_its_result(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "ro.duckdb"
    Store(path).close()
    calls, make = _counter(pd.DataFrame({"v": [1]}))
    with Store(path, read_only=True) as store, \
            caplog.at_level(logging.WARNING, logger="geodata.derived"):
        got = derived.remembered(store, "figures", "k3", make, *FRAME_PARTS)
    assert calls == [1] and list(got["v"]) == [1]
    assert "not kept" in caplog.text


def test_the_key_follows_the_data_the_day_the_settings_and_the_program(
        demo_copy: Path | str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, settings)
        key = derived.risk_key(snap)
        assert derived.risk_key(Snapshot.take(store, settings)) == key
        derived.save(store, "risk", key, {"t": pd.DataFrame({"v": [1]})})
        assert derived.risk_key(Snapshot.take(store, settings)) == key  # not data itself
        base = derived.base_key(snap)
        later = Snapshot.take(store, settings, given="2026-11-20")
        assert derived.risk_key(later) != key and derived.base_key(later) == base
        assert derived.risk_key(snap, robustness=False) != key
        changed = settings.risk.with_changes({"general": {"min_coverage": 0.5}})
        reweighted = replace(snap, settings=replace(settings, risk=changed))
        assert derived.risk_key(reweighted) != key and derived.base_key(reweighted) == base
        site = store.read("geohazard_sites").head(1).assign(site_name="改名测试点")
        store.write("geohazard_sites", site, mode="upsert")
        edited = Snapshot.take(store, settings)
        assert derived.risk_key(edited) != key and derived.base_key(edited) == base
        monkeypatch.setattr(derived, "program_digest", lambda: "another program")
        assert derived.risk_key(edited) != key and derived.base_key(edited) != base


def test_the_engine_result_comes_back_whole(demo_copy: Path | str) -> None:
    """Every view of the result (ranking, long form, points, each explanation) is the same."""
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
        made = score_county(snap.tables(), snap.settings.risk, as_of=snap.as_of)
        derived.save(store, "risk", "whole", made.parts())
        derived._HELD.clear()
        back = RiskResult.from_parts(derived.load(store, "whole"))
    pd.testing.assert_frame_equal(back.ranked(), made.ranked())
    pd.testing.assert_frame_equal(back.long(), made.long())
    pd.testing.assert_frame_equal(back.kept_points(), made.kept_points())
    pd.testing.assert_frame_equal(back.dominance, made.dominance)
    assert back.black_spots.geometry.geom_equals_exact(made.black_spots.geometry, 0).all()
    assert (back.as_of, back.method_version, back.config_hash, back.names) == \
        (made.as_of, made.method_version, made.config_hash, made.names)
    for code in made.scores.index:
        for layer in ("composite", "geohazard", "ledger"):
            a, b = made.explain(code, layer, "en"), back.explain(code, layer, "en")
            assert (a.score == b.score or np.isnan(a.score)) and a.facts == b.facts
            assert a.overrides == b.overrides and a.risk_class == b.risk_class
            pd.testing.assert_frame_equal(a.indicators, b.indicators)


def test_the_command_reuses_the_result_the_app_kept(demo_copy: Path | str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``riskmap score`` twice: worked out once, the same JSON both times."""
    import riskmap.scoring

    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main(["score", "--json", str(first), "--db", str(demo_copy)]) == 0
    derived._HELD.clear()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("worked out again")
    monkeypatch.setattr(riskmap.scoring, "score_county", refuse)
    assert main(["score", "--json", str(second), "--db", str(demo_copy)]) == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="worked out again"):  # another day: not kept
        main(["score", "--as-of", "2026-10-01", "--db", str(demo_copy)])


def test_a_starting_server_reads_what_was_kept_into_memory(
        demo_copy: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from analytics.kpi import KPI_TABLES
    from ui.serve import warm

    monkeypatch.setenv("RISKMAP_DB", str(demo_copy))
    assert main(["score", "--db", str(demo_copy)]) == 0  # keeps the engine's result
    derived._HELD.clear()
    warm()
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
    assert derived.risk_key(snap) in derived._HELD
    assert derived.figures_key(snap, KPI_TABLES) not in derived._HELD  # nothing worked out
    assert "1/3" in capsys.readouterr().err  # the log says what it read
    monkeypatch.setenv("RISKMAP_DB", str(tmp_path / "none.duckdb"))
    warm()  # no database yet: nothing to read, nothing raised, nothing created
    assert not (tmp_path / "none.duckdb").exists()
