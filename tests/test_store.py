"""The store: round trip of every table, all-or-nothing writes, typed reads, filters."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal
from shapely.geometry import Point

from domain.errors import ValidationError
from domain.schema import ENTITY_TABLES, TABLES
from geodata.store import DB_ENV, Store, database
from geodata.validate import validate


def _sample(frame: pd.DataFrame, n: int = 40) -> pd.DataFrame:
    return frame.iloc[:: max(len(frame) // n, 1)].head(n).reset_index(drop=True)


@pytest.mark.parametrize("name", ENTITY_TABLES)
def test_round_trip_keeps_values_geometry_and_crs(name: str, store: Store,
                                                   demo_frames: dict) -> None:
    rows = _sample(demo_frames[name])
    assert store.write(name, rows) == len(rows)
    back = store.read(name)
    expected, _ = validate(name, rows)
    key = list(TABLES[name].primary_key)
    expected = expected.sort_values(key, ignore_index=True)
    if TABLES[name].geometry:
        assert isinstance(back, gpd.GeoDataFrame) and back.crs == "EPSG:4326"
        assert_geodataframe_equal(back, expected, check_dtype=False, check_less_precise=False)
        present = expected.geometry.notna()
        assert (back.geometry.notna() == present).all()
        assert back.geometry[present].geom_equals_exact(expected.geometry[present], 0).all()
    else:
        assert_frame_equal(back, expected, check_dtype=False)


def test_failed_write_many_changes_nothing(store: Store, demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    store.write("townships", towns.head(3))
    bad_sites = _sample(demo_frames["geohazard_sites"], 5)
    bad_sites.loc[2, "hazard_type"] = "火山"
    with pytest.raises(ValidationError) as err:
        store.write_many({"townships": towns.iloc[3:6], "geohazard_sites": bad_sites})
    assert err.value.problems[0].row == 2
    assert store.count("townships") == 3
    assert store.count("geohazard_sites") == 0


def test_versions_change_with_each_write_to_a_table_and_only_then(
        store: Store, demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    store.write("townships", towns.head(3))
    first = store.versions()
    changed = towns.head(3).assign(township_name=["甲镇", "乙镇", "丙镇"])
    store.write("townships", changed, mode="upsert")  # same count, other content
    second = store.versions()
    assert second["townships"] != first["townships"]
    assert {k: v for k, v in second.items() if k != "townships"} == {
        k: v for k, v in first.items() if k != "townships"}
    bad = changed.assign(township_code=None)
    with pytest.raises(ValidationError):
        store.write("townships", bad, mode="upsert")
    assert store.versions() == second  # a refused write leaves every version as it was
    store.write("risk_scores", pd.DataFrame(columns=TABLES["risk_scores"].columns))
    assert store.versions() == second  # results are not data


def test_loaded_tables_read_only_what_changed_and_what_is_named(
        store: Store, demo_frames: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from geodata.snapshot import LoadedTables

    towns = demo_frames["townships"]
    store.write("townships", towns.head(3))
    reads: list[str] = []
    read = store.read
    monkeypatch.setattr(store, "read", lambda name: reads.append(name) or read(name))
    loaded = LoadedTables()
    versions = store.versions()
    frames = loaded.read(store, {n: versions[n] for n in ("townships", "rivers")})
    assert reads == ["townships", "rivers"] and set(frames) == {"townships", "rivers"}
    everything = loaded.read(store, store.versions())
    assert set(reads[2:]) == set(ENTITY_TABLES) - {"townships", "rivers"}
    assert everything["townships"] is frames["townships"]  # read once, shared
    store.write("townships", towns.iloc[3:4])
    reads.clear()
    again = loaded.read(store, store.versions())
    assert reads == ["townships"] and len(again["townships"]) == 4


def test_stored_key_clash_is_refused_whole(store: Store, demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    store.write("townships", towns.head(2))
    with pytest.raises(ValidationError, match="key already stored") as err:
        store.write("townships", towns.iloc[1:5])
    assert err.value.problems[0].row == 0
    assert store.count("townships") == 2


def test_failed_replace_keeps_old_rows(store: Store, demo_frames: dict) -> None:
    towns = demo_frames["townships"]
    store.write("townships", towns.head(4))
    dup = pd.concat([towns.head(2), towns.head(1)])
    with pytest.raises(ValidationError, match="duplicate key"):
        store.write("townships", dup, mode="replace")
    assert store.count("townships") == 4
    store.write("townships", towns.head(2), mode="replace")
    assert store.count("townships") == 2


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as con:
        con.execute("INSERT INTO riskmap_meta VALUES ('k', 'v')")
        raise RuntimeError("boom")
    assert "k" not in store.meta()


def test_read_filters_and_counts(store: Store, demo_frames: dict) -> None:
    ledger = _sample(demo_frames["hazard_ledger"], 200)
    store.write("hazard_ledger", ledger)
    major = store.read("hazard_ledger", {"hazard_level": "重大"})
    assert len(major) == (ledger["hazard_level"] == "重大").sum()
    open_ = {"hazard_status": ["待整改", "整改中"]}
    assert store.count("hazard_ledger", open_) == ledger["hazard_status"].isin(
        open_["hazard_status"]).sum()


def test_ledger_rows_without_location_are_kept(store: Store) -> None:
    row = gpd.GeoDataFrame({"hazard_id": ["H1"], "domain": ["消防"],
                            "hazard_description": ["疏散通道堵塞"], "hazard_level": ["一般"],
                            "found_date": ["2026-01-02"], "hazard_status": ["待整改"],
                            "row_version": [1]}, geometry=[None], crs=4326)
    store.write("hazard_ledger", row)
    back = store.read("hazard_ledger")
    assert back.geometry.iloc[0] is None and back["found_date"].iloc[0] == pd.Timestamp(
        "2026-01-02")


def test_reads_are_typed(store: Store) -> None:
    towns = gpd.GeoDataFrame({"township_code": ["529901100000"], "township_name": ["城关镇"],
                              "population": [100], "is_county_seat": [True]},
                             geometry=[Point(0, 0).buffer(0.01)], crs=4326)
    store.write("townships", towns)
    back = store.read("townships")
    assert str(back["population"].dtype) == "Int64"
    assert str(back["is_county_seat"].dtype) == "boolean"
    assert back["area_km2"].dtype == "float64" and back["area_km2"].isna().all()


def test_database_path_from_environment(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    assert database().path == Path("data/riskmap.duckdb")
    monkeypatch.setenv(DB_ENV, str(tmp_path / "x.duckdb"))
    assert database().path == tmp_path / "x.duckdb"
    with Store() as s:
        assert s.db.path == tmp_path / "x.duckdb" and s.schema_version >= 1
