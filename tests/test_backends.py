"""Several processes on one database: the database refuses the second of two saves.

Each test runs on a DuckDB file and on PostgreSQL (``conftest.BOTH_BACKENDS``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from domain.access import Account
from domain.errors import StoreError
from geodata.connection import forget
from geodata.fingerprint import frame_hash
from geodata.ledger import Attachment, ConflictError, apply
from geodata.moving import MOVED, move
from geodata.store import Store
from riskmap.cli import main
from tests import pg
from tests.signin import ADMIN

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import load

LOAD_SECONDS = 5
"""How long the suite's load test runs (``bench/load.py`` runs 60 s: docs/PERFORMANCE.md)."""


def _save(location: str, hazard_id: str, version: int, name: str,
          start: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    """Save a change of ``hazard_id`` from ``version`` once every process is ready."""
    try:
        with Store(location) as store:
            start.wait(timeout=60)
            apply(store, hazard_id, "修改", {"measures": f"{name}的措施 v{version}"},
                  version=version, who=Account(name, "admin", department="县应急管理局"))
        results.put((name, "saved", ""))
    except ConflictError as exc:
        results.put((name, "refused", str(exc)))
    except Exception as exc:
        results.put((name, "failed", repr(exc)))


def _race(location: str, hazard_id: str, version: int,
          other: tuple[str, int] | None = None) -> list[tuple[str, str, str]]:
    """Two processes save at once from ``version``: the same row, or 乙 the ``other`` one."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    rows = [(hazard_id, version), other or (hazard_id, version)]
    workers = [context.Process(target=_save, args=(location, *row, name, start, results))
               for name, row in zip(("甲", "乙"), rows, strict=True)]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    return sorted(outcomes, key=lambda o: o[1] != "saved")  # the one saved first


def _in_rectification(location: str) -> tuple[str, int]:
    with Store(location, read_only=True) as store:
        row = store.read("hazard_ledger", {"hazard_status": "整改中"}).iloc[0]
    return row["hazard_id"], int(row["row_version"])


def test_two_processes_save_one_row_at_once_one_wins(demo_copy: Path | str,
                                                     backend: str) -> None:
    location = str(demo_copy)
    hazard_id, seen = _in_rectification(location)
    (winner, saved, _), (loser, refused, told) = _race(location, hazard_id, seen)
    assert (saved, refused) == ("saved", "refused"), told
    assert "nothing saved" in told and f"{winner}的措施 v{seen}" in told, told
    with Store(location, read_only=True) as store:
        row = store.read("hazard_ledger", {"hazard_id": hazard_id}).iloc[0]
        events = store.read("ledger_events", {"hazard_id": hazard_id})
    assert row["measures"] == f"{winner}的措施 v{seen}"
    assert int(row["row_version"]) == seen + 1
    assert f"{loser}的措施 v{seen}" not in set(events["new_value"].dropna())


def test_two_processes_save_two_rows_at_once_both_win(demo_copy: Path | str,
                                                     backend: str) -> None:
    """Saves of different hazards never refuse each other (their tables' stamps are shared)."""
    location = str(demo_copy)
    (first, v1), (second, v2) = load.pick(location, 2)[1].items()
    outcomes = _race(location, first, v1, (second, v2))
    assert [o[1] for o in outcomes] == ["saved", "saved"], outcomes


def test_editors_under_load_lose_nothing(demo_copy: Path | str, backend: str) -> None:
    location = str(demo_copy)
    ids, before = load.pick(location, 3)
    outcome = load.run(location, ids, editors_count=20, seconds=LOAD_SECONDS)
    assert outcome.accepted and outcome.refused  # few rows, many editors: both happen
    assert load.problems(location, ids, before, outcome) == []


def test_the_problems_check_sees_a_lost_save(demo_copy: Path | str, backend: str) -> None:
    location = str(demo_copy)
    ids, before = load.pick(location, 1)
    claimed = load.Outcome(accepted=[(ids[0], before[ids[0]] + 1, "从未保存的措施")])
    assert any("not in the history" in p for p in
               load.problems(location, ids, before, claimed))


def test_postgres_refuses_changes_to_the_audit_trail_whoever_connects(
        pg_empty_db: str) -> None:
    from geodata import audit

    with Store(pg_empty_db) as store:
        audit.record(store, "甲", "sign_in", "", address="127.0.0.1")
        for statement in ('DELETE FROM "audit_log"', 'UPDATE "audit_log" SET "user_name" = \'乙\''):
            with pytest.raises(duckdb.Error, match="append-only"), store.transaction() as con:
                con.execute(statement)
        assert store.read("audit_log")["user_name"].tolist() == ["甲"]


def test_an_unreachable_server_is_one_sentence() -> None:
    with pytest.raises(StoreError) as refused:
        Store("postgresql://nobody:secret@127.0.0.1:1/none")
    message = str(refused.value)
    assert "cannot connect" in message and "secret" not in message and "\n" not in message


def test_the_same_write_reads_back_the_same_on_both(demo_frames: dict[str, pd.DataFrame],
                                                    empty_db: Path | str,
                                                    backend: str) -> None:
    with Store(empty_db) as store:
        store.write_many({n: demo_frames[n] for n in ("townships", "hazard_ledger")})
        back = store.read("hazard_ledger")
    assert len(back) == len(demo_frames["hazard_ledger"])
    assert back.crs == "EPSG:4326" and back.geometry.notna().any()


def test_a_county_moves_to_postgres_and_back_unchanged(demo_db: Path, pg_empty_db: str,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    """demo (file) → PostgreSQL → a new file: every table, file and export as it was."""
    demo_copy = tmp_path / "county" / "county.duckdb"
    demo_copy.parent.mkdir()
    shutil.copyfile(demo_db, demo_copy)
    monkeypatch.setenv("RISKMAP_FILES", str(tmp_path / "shared-files"))
    photo = Attachment("整改照片.jpg", b"\xff\xd8 photo")
    with Store(demo_copy) as store:
        hazard_id, version = _in_rectification(str(demo_copy))
        apply(store, hazard_id, "修改", {"measures": "带照片"}, version=version, who=ADMIN,
              files=[photo])
        original = {name: store.read(name) for name in MOVED}
    assert main(["migrate", "--db", str(demo_copy), "--to", pg_empty_db]) == 0
    assert f"{len(MOVED)} 张表逐表核对一致" in capsys.readouterr().out
    back = tmp_path / "back" / "back.duckdb"
    assert main(["migrate", "--db", pg_empty_db, "--to", str(back)]) == 0
    with Store(back, read_only=True) as store:
        for name in MOVED:
            found = store.read(name)
            if name == "audit_log":  # each move adds its own row
                found = found[found["audit_action"] != "migrate"].reset_index(drop=True)
            assert frame_hash(found) == frame_hash(original[name]), name
        record = store.read("evidence_files").iloc[0]
    digest = hashlib.sha256(photo.data).hexdigest()
    assert (back.parent / record["stored_path"]).read_bytes() == photo.data
    assert (tmp_path / "shared-files" / record["stored_path"]).is_file()
    assert record["file_sha256"] == digest
    exports = []
    for db in (demo_copy, pg_empty_db, back):
        out = tmp_path / f"ledger-{len(exports)}.csv"
        assert main(["export", "hazard_ledger", str(out), "--db", str(db)]) == 0
        exports.append(out.read_bytes())
    assert exports[0] == exports[1] == exports[2]


def test_a_move_into_a_database_holding_data_is_refused(demo_copy: Path | str, backend: str,
                                                        demo_frames: dict[str, pd.DataFrame],
                                                        tmp_path: Path) -> None:
    target = tmp_path / "holding.duckdb"
    with Store(target) as there:
        there.write("townships", demo_frames["townships"].head(2))
    with Store(demo_copy, read_only=True) as source, Store(target) as there:
        before = there.counts()
        with pytest.raises(StoreError, match="already holds data"):
            move(source, there, who=ADMIN)
        assert there.counts() == before


def test_the_commands_take_a_server_url(pg_empty_db: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--county", "某某县", "--db", pg_empty_db]) == 0
    assert main(["info", "--db", pg_empty_db]) == 0
    said = capsys.readouterr().out
    assert "某某县" in said and "townships" in said and "Traceback" not in said
    assert main(["migrate", "--db", pg_empty_db, "--to", pg_empty_db]) == 2
    assert "source database itself" in capsys.readouterr().err


def test_a_database_without_postgis_is_one_sentence(pg_cluster: str) -> None:
    url = pg.with_name(pg_cluster, f"nogis_{uuid.uuid4().hex[:8]}")
    pg.admin(pg_cluster, f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    try:
        with pytest.raises(StoreError) as refused:
            Store(url)
        assert "CREATE EXTENSION postgis" in str(refused.value)
        assert "\n" not in str(refused.value)
    finally:
        pg.drop(url)


def test_a_server_gone_while_open_is_one_sentence() -> None:
    """Its own cluster, stopped under an open store: the next read says so in a sentence."""
    folder = Path(tempfile.mkdtemp(prefix="riskmap-pg-"))  # where the server's user may go
    started = subprocess.run([str(pg.SCRIPT), "start", str(folder)], capture_output=True,
                             text=True, check=True)
    url = started.stdout.split()[-1]
    try:
        store = Store(url)
        assert store.count("townships") == 0
        subprocess.run([str(pg.SCRIPT), "stop", str(folder)], capture_output=True, check=True)
        with pytest.raises(StoreError, match="cannot reach the PostgreSQL database") as gone:
            store.count("townships")
        assert "\n" not in str(gone.value)
    finally:
        subprocess.run([str(pg.SCRIPT), "stop", str(folder)], capture_output=True, check=False)
        forget(url)


def test_init_on_a_database_without_postgis_names_postgis(
        pg_cluster: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = pg.with_name(pg_cluster, f"nogis_{uuid.uuid4().hex[:8]}")
    pg.admin(pg_cluster, f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    try:
        assert main(["init", "--county", "某县", "--db", url]) == 2
        said = capsys.readouterr().err
        assert "CREATE EXTENSION postgis" in said and "already holds data" not in said
    finally:
        pg.drop(url)
