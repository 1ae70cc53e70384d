"""The riskmap command: demo creates a labelled database, info counts every table.

``riskmap demo`` runs as it is but writes the county made once per test process
(``conftest.generated_once``): making the county is ``test_demo``'s to check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.schema import ENTITY_TABLES, TABLES
from geodata.store import Store
from riskmap.cli import main


def test_info_shows_every_table_non_empty(demo_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--db", str(demo_copy)]) == 0
    out = capsys.readouterr().out
    assert "演示" in out and "demo" in out
    for name in ENTITY_TABLES:
        line = next(ln for ln in out.splitlines() if ln.split()[:1] == [name])
        count = int(line.split()[1].replace(",", ""))
        assert count > 0, name
        assert TABLES[name].zh in line


def test_demo_never_overwrites_without_force(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.duckdb"
    path.write_bytes(b"not a database")
    assert main(["demo", "--db", str(path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["demo", "--db", str(path), "--if-missing"]) == 0
    assert path.read_bytes() == b"not a database"


@pytest.mark.usefixtures("demo_made_once")  # the county made once per process, written
def test_demo_if_missing_fills_an_empty_database(tmp_path: Path) -> None:
    from geodata.store import Store

    path = tmp_path / "empty.duckdb"
    Store(path).close()
    assert main(["demo", "--db", str(path), "--if-missing"]) == 0
    with Store(path) as store:
        assert store.count("townships") == 20 and store.is_demo()


def test_info_on_missing_database_says_what_to_do(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "riskmap demo" in capsys.readouterr().err


def test_unreadable_database_is_a_clear_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.duckdb"
    path.write_bytes(b"not a database")
    assert main(["info", "--db", str(path)]) == 2
    assert "cannot open database" in capsys.readouterr().err


@pytest.mark.usefixtures("demo_made_once")
def test_force_replaces_the_data(tmp_path: Path, demo_db: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from geodata.store import Store

    path = tmp_path / "x.duckdb"
    with Store(path) as store:
        store.write("townships", gpd.GeoDataFrame(
            {"township_code": ["111111111111"], "township_name": ["旧乡"]},
            geometry=[box(0, 0, 1, 1)], crs=4326))
    assert main(["demo", "--db", str(path), "--force", "--seed", "42"]) == 0
    with Store(path, read_only=True) as new, Store(demo_db, read_only=True) as ref:
        assert new.counts() == ref.counts()
        assert "旧乡" not in set(new.read("townships")["township_name"])
        assert new.is_demo()


def test_score_prints_ranking_writes_json_and_saves(demo_copy: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import json

    out_json, out_csv = tmp_path / "s.json", tmp_path / "s.csv"
    assert main(["score", "--db", str(demo_copy), "--as-of", "2026-10-31", "--json",
                 str(out_json), "--csv", str(out_csv), "--save", "--no-robustness"]) == 0
    printed = capsys.readouterr().out
    assert "城关镇" in printed and "saved as run" in printed
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["townships"]) == 20 and data["method_version"] == "1.0"
    assert [t["rank"] for t in data["townships"]] == sorted(t["rank"] for t in data["townships"])
    assert all(t["why"] for t in data["townships"])
    from geodata.store import Store

    with Store(demo_copy) as store:
        saved = store.read("risk_scores")
    assert len(saved) == 20 * 5 and saved["config_hash"].nunique() == 1
    assert set(saved["layer"]) == {"geohazard", "forest_fire", "road", "ledger", "composite"}


def test_warn_heavy_rain_scenario_raises_the_wet_township(
        demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    args = ["warn", "--db", str(demo_copy), "--as-of", "2026-11-01 09:00", "--json"]
    assert main(args) == 0
    dry = json.loads(capsys.readouterr().out)
    heavy = tmp_path / "heavy.csv"
    heavy.write_text("乡镇,时段结束时间,时段长度,实况/预报,雨量\n"
                     "城关镇,2026-11-01 08:00,24,实况,95\n"
                     "城关镇,2026-11-02 08:00,24,预报,60\n", encoding="utf-8")
    assert main([*args, "--rain", str(heavy)]) == 0
    wet = json.loads(capsys.readouterr().out)
    town = {t["township_code"]: t for t in wet["townships"]}["529901100000"]
    assert town["level"] == 1 and town["level_1"] > 0
    assert len(wet["evacuation"]) > len(dry["evacuation"])
    from geodata.store import Store

    people = sum(row["threatened_people"] for row in wet["evacuation"])
    with Store(demo_copy) as store:
        sites = store.read("geohazard_sites").set_index("site_id")
    listed = [row["site_id"] for row in wet["evacuation"]]
    assert people == sites.loc[listed, "threatened_people"].sum() > 0
    assert all(row["level"] <= 2 for row in wet["evacuation"])


def test_warn_scenario_over_the_north_raises_only_northern_sites(
        demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from analytics.rainfall import region_townships
    from geodata.store import Store

    base = ["warn", "--db", str(demo_copy), "--json"]
    assert main(base) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["as_of"].startswith("2026-10-31T18:00"), "the demo's own 'now'"
    assert main([*base, "--scenario-mm", "150", "--scenario-hours", "72", "--region",
                 "north"]) == 0
    wet = json.loads(capsys.readouterr().out)
    with Store(demo_copy) as store:
        north = set(region_townships(store.read("townships"), "north"))
    raised = {t["township_code"] for t, d in zip(wet["townships"], dry["townships"],
                                                  strict=True)
              if (t["level"] or 5) < (d["level"] or 5)}
    assert raised and raised <= north
    assert {row["township_code"] for row in wet["evacuation"]} <= north
    assert wet["counts"]["people"] == sum(r["threatened_people"] for r in wet["evacuation"])


def test_warn_with_a_bad_rain_file_names_the_row_and_stops(
        demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("乡镇,时段结束时间,时段长度,实况/预报,雨量\n"
                   "城关镇,2026-10-31 08:00,24,实况,95\n"
                   "城关镇,2026-10-31 08:00,24,实况,-3\n", encoding="utf-8")
    assert main(["warn", "--db", str(demo_copy), "--rain", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "-3" in out and "雨量" in out and "3" in out


def test_ledger_commands_print_overdue_priorities_and_a_budget(
        demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from domain.rules import is_major, is_overdue
    from geodata.config import load_settings
    from geodata.snapshot import Snapshot
    from geodata.store import Store

    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
        ledger = snap.table("hazard_ledger")
        late = is_overdue(ledger, snap.as_of)
    db = ["--db", str(demo_copy)]
    assert main(["ledger", "overdue", *db]) == 0
    out = capsys.readouterr().out
    assert f"as of 2026-10-31: {int(late.sum())} 条" in out
    assert f"超期重大隐患 overdue major hazards: {int((late & is_major(ledger)).sum())}" in out
    assert main(["ledger", "priorities", "--top", "5", "--json", *db]) == 0
    top = json.loads(capsys.readouterr().out)
    assert [r["rank"] for r in top] == [1, 2, 3, 4, 5]
    priority = [r["priority"] for r in top]
    assert priority == sorted(priority, reverse=True)
    assert main(["ledger", "priorities", "--budget", "50", "--json", *db]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert 0 < plan["spent_wan"] <= 50
    assert all(t["composite_after"] <= t["composite_before"] + 1e-9 for t in plan["townships"])
    assert main(["ledger", "export", str(tmp_path / "台账.xlsx"), *db]) == 0
    assert (tmp_path / "台账.xlsx").stat().st_size > 10_000


@pytest.mark.usefixtures("demo_made_once")
def test_demo_if_missing_renews_an_older_demo_but_never_a_countys_data(
        tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from geodata.store import Store

    old = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, old)
    with Store(old) as store:
        store.set_meta({"dataset": "demo", "demo_generator_version": "1",
                        "dataset_label": "演示县（虚构演示数据）Demo County — fictional demo data"})
    assert main(["demo", "--db", str(old), "--if-missing"]) == 0
    assert "旧版演示数据库" in capsys.readouterr().out
    with Store(old, read_only=True) as store:
        meta = store.meta()
        assert store.count("townships") == 20
    assert (meta["dataset_label"], meta["dataset_label_en"]) == (
        "演示县（虚构演示数据）", "Demo County (fictional demo data)")
    real = tmp_path / "real.duckdb"
    assert main(["init", "--county", "示例县", "--db", str(real)]) == 0
    assert main(["demo", "--db", str(real), "--if-missing"]) == 0
    with Store(real, read_only=True) as store:
        assert store.meta()["dataset"] == "real" and store.count("townships") == 0


def test_a_scoring_of_borders_alone_is_not_kept(demo_frames: dict, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing measured, nothing to compare with later: not offered as a kept scoring."""
    path = tmp_path / "borders.duckdb"
    with Store(path) as store:
        store.write("townships", demo_frames["townships"])
    assert main(["score", "--db", str(path)]) == 0
    assert "saved as run" not in capsys.readouterr().out
    with Store(path, read_only=True) as store:
        assert store.count("risk_scores") == 0
    assert main(["score", "--save", "--db", str(path)]) == 0  # asked for: kept
    assert "saved as run" in capsys.readouterr().out
