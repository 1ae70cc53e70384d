"""The import command end to end: exit codes, reports, a killed import, a large ledger."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from domain.schema import ENTITY_TABLES
from geodata.demo.scale import repeat_ledger
from geodata.exporter import export_frame
from geodata.fingerprint import content_hash
from geodata.importer import ImportOptions, import_file
from geodata.store import Store
from riskmap.cli import main
from tests.signin import ADMIN

SAMPLES = Path(__file__).parent / "samples"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    with Store(path) as store:
        import_file(store, "townships", SAMPLES / "townships.geojson", who=ADMIN)
    return path


def _snapshot(path: Path) -> str:
    with Store(path, read_only=True) as store:
        return content_hash({name: store.read(name) for name in ENTITY_TABLES})


def test_errors_exit_non_zero_and_save_the_report(db: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.xlsx"
    code = main(["import", "geohazard_sites", str(SAMPLES / "sites_bad.csv"), "--db", str(db),
                 "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 1
    assert "未写入 nothing written" in out and "火山" in out
    assert len(pd.read_excel(report)) == 5, "4 errors and the row left out as outside"


def test_skip_bad_rows_exits_zero(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", "geohazard_sites", str(SAMPLES / "sites_bad.csv"), "--db", str(db),
                 "--skip-bad-rows"])
    assert code == 0 and "跳过 skipped 4" in capsys.readouterr().out


def test_crs_and_mapping_options(db: Path, tmp_path: Path) -> None:
    assert main(["import", "geohazard_sites", str(SAMPLES / "sites_gcj02.csv"), "--db", str(db),
                 "--crs", "gcj02"]) == 0
    assert main(["import", "hazard_ledger", str(SAMPLES / "ledger_odd_headers.csv"),
                 "--db", str(db), "--mapping", str(SAMPLES / "mapping.toml")]) == 0
    with Store(db, read_only=True) as store:
        assert set(store.read("hazard_ledger")["hazard_status"]) == {"待整改", "整改中", "已销号"}


def test_dry_run_writes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(db)
    assert main(["import", "hazard_ledger", str(SAMPLES / "ledger_gbk.csv"), "--db", str(db),
                 "--dry-run"]) == 0
    assert "新增 new 3" in capsys.readouterr().out
    assert _snapshot(db) == before


def test_export_backup_restore_commands(demo_copy: Path, tmp_path: Path) -> None:
    assert main(["export", "geohazard_sites", str(tmp_path / "s.gpkg"), "--db",
                 str(demo_copy)]) == 0
    exported = gpd.read_file(tmp_path / "s.gpkg").sort_values("site_id", ignore_index=True)
    with Store(demo_copy) as store:
        stored = store.read("geohazard_sites").sort_values("site_id", ignore_index=True)
    assert exported.crs == stored.crs and len(exported) == len(stored)
    assert exported.geometry.geom_equals_exact(stored.geometry, 1e-12).all()
    for column in ("site_id", "site_name", "threat_level", "threatened_people", "site_status"):
        assert exported[column].tolist() == stored[column].tolist(), column
    assert main(["backup", str(tmp_path / "b.zip"), "--db", str(demo_copy)]) == 0
    target = tmp_path / "r.duckdb"
    assert main(["restore", str(tmp_path / "b.zip"), "--db", str(target)]) == 0
    assert main(["restore", str(tmp_path / "b.zip"), "--db", str(target)]) == 1, "not empty"
    assert _snapshot(target) == _snapshot(demo_copy)


def test_large_ledger_imports(db: Path, tmp_path: Path, demo_frames: dict) -> None:
    rows = repeat_ledger(demo_frames["hazard_ledger"], 200_000)
    csv = export_frame("hazard_ledger", rows, tmp_path / "big.csv")
    with Store(db) as store:
        # the demo county's rows, into the sample townships: outside, and kept as asked
        report = import_file(store, "hazard_ledger", csv, ImportOptions(keep_outside=True),
                             who=ADMIN)
        assert report.written and report.new == 200_000 and not report.errors
        assert store.count("hazard_ledger") == 200_000
        assert store.count("ledger_events", {"action": "登记"}) == 200_000, "one per new row"
        stored = store.read("hazard_ledger", {"hazard_id": ["B00000000", "B00199999"]})
    expected = rows.set_index("hazard_id").loc[["B00000000", "B00199999"]]
    assert stored["hazard_description"].tolist() == expected["hazard_description"].tolist()
    assert stored["found_date"].tolist() == expected["found_date"].tolist()
    same = stored.geometry.values.geom_equals_exact(expected.geometry.values, 0)
    assert same.all()


def test_import_killed_part_way_leaves_the_database_as_before(db: Path, tmp_path: Path,
                                                              demo_frames: dict) -> None:
    with Store(db) as store:
        import_file(store, "hazard_ledger", SAMPLES / "ledger_utf8.csv", who=ADMIN)
    before = _snapshot(db)
    size_before = db.stat().st_size
    rows = repeat_ledger(demo_frames["hazard_ledger"], 300_000)
    csv = export_frame("hazard_ledger", rows, tmp_path / "big.csv")
    proc = subprocess.Popen(
        [sys.executable, "-m", "riskmap.cli", "import", "hazard_ledger", str(csv),
         "--keep-outside", "--db", str(db)], cwd=ROOT, stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("写入"):
            break
    deadline = time.monotonic() + 60
    wal = db.with_name(db.name + ".wal")
    # Wait until the transaction is putting rows into the files, then kill without warning.
    while db.stat().st_size == size_before and not wal.exists():
        assert proc.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert _snapshot(db) == before
    with Store(db) as store:
        assert store.count("hazard_ledger") == 3


def test_console_script_is_installed() -> None:
    assert shutil.which("riskmap", path=str(Path(sys.executable).parent)) is not None
