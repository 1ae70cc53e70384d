"""What an attacker on the intranet would try: upload names, crafted backups, CSV formulas."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from domain.access import Account
from domain.errors import Problem, RiskMapError, ValidationError
from domain.schema import ENTITY_TABLES, RECORD_TABLES, RESULT_TABLES, get_table
from geodata.backup import MANIFEST, BackupError, BackupLimits, backup, restore
from geodata.demo import AS_OF, DATASET_LABEL
from geodata.exporter import export_frame
from geodata.files import UnsafePathError, evidence_file, inside, upload_path
from geodata.fingerprint import content_hash
from geodata.formulas import neutralise
from geodata.importer import ImportOptions, import_file
from geodata.ledger import Attachment, apply
from geodata.readers import ReadLimits
from geodata.report import ImportReport
from geodata.store import Store
from riskmap.cli import main
from tests.server import ROOT
from tests.signin import ADMIN
from ui.chrome import saved_upload

A = Account("张三", "admin", department="县应急管理局")
EVERY = (*ENTITY_TABLES, *RESULT_TABLES, *RECORD_TABLES)


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# --- 1. upload names ---------------------------------------------------------------------


def _upload(name: str, data: bytes = b"a,b\n1,2\n") -> UploadedFile:
    return UploadedFile(UploadedFileRec("id-1", name, "text/csv", data), None)


@pytest.mark.parametrize("name", ["../../escaped.csv", "..\\..\\escaped.csv",
                                  "{tmp}/outside/escaped.csv", "sub/../../escaped.csv"])
def test_an_upload_name_never_becomes_a_path(name: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    (tmp_path / "outside").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    before = _tree(tmp_path)
    with saved_upload(_upload(name.format(tmp=tmp_path)), ("csv",)) as path:
        assert path.parent.parent == temp_root and path.name == "upload.csv"
        assert path.read_bytes() == b"a,b\n1,2\n"
    assert _tree(tmp_path) == before, "nothing written anywhere, nothing left behind"
    assert not list(tmp_path.rglob("escaped.csv"))


def test_an_upload_of_a_type_not_offered_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RiskMapError, match=r"\.exe"), saved_upload(_upload("x.exe"), ("csv",)):
        pass
    with pytest.raises(RiskMapError, match="csv"):
        upload_path(tmp_path, "no-suffix", {".csv"})


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../x", "."])
def test_paths_outside_their_folder_are_refused(relative: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        inside(tmp_path / "data", relative)


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "evidence").symlink_to("/etc")
    with pytest.raises(UnsafePathError):
        inside(tmp_path / "data", "evidence/passwd")


# --- 2. backups --------------------------------------------------------------------------


SHARE = 10
"""The module's demo keeps one row in ``SHARE`` of the ledger and of the time series."""


@pytest.fixture(scope="module")
def demo_db(demo_frames: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory
            ) -> Path:
    """The demo county with a tenth of its ledger, readings and rain (every table kept).

    What this module checks (refusals, paths, evidence) does not depend on size, and its tests
    hash the whole database before and after: the demo's full size only made that slower.
    """
    ledger = demo_frames["hazard_ledger"].iloc[::SHARE]
    events = demo_frames["ledger_events"]
    frames = dict(demo_frames, hazard_ledger=ledger,
                  ledger_events=events[events["hazard_id"].isin(ledger["hazard_id"])],
                  monitoring_readings=demo_frames["monitoring_readings"].iloc[::SHARE],
                  rainfall=demo_frames["rainfall"].iloc[::SHARE])
    path = tmp_path_factory.mktemp("small") / "demo.duckdb"
    with Store(path) as store:
        store.write_many(frames)
        store.set_meta({"dataset": "demo", "dataset_label": DATASET_LABEL[0],
                        "demo_as_of": AS_OF.isoformat()})
    return path


@pytest.fixture(scope="module")
def good_backup(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("backup")
    path, copy = folder / "good.zip", folder / "demo.duckdb"
    shutil.copyfile(demo_db, copy)  # a backup is audited: written to a copy, not the fixture
    with Store(copy) as store:
        backup(store, path, who=ADMIN)
    return path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _frames(path: Path) -> dict[str, pd.DataFrame]:
    members = _members(path)
    return {name: (gpd.read_parquet if get_table(name).geometry else pd.read_parquet)(
        io.BytesIO(members[f"{name}.parquet"])) for name in EVERY}


def _write(path: Path, members: dict[str, bytes], manifest: dict | None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            if manifest is not None and name == MANIFEST:
                continue
            archive.writestr(name, data)
        if manifest is not None:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False))
    return path


def _parquet(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out, index=False)
    return out.getvalue()


def _consistent(good: Path, out: Path, frames: dict[str, pd.DataFrame],
                files: dict[str, bytes]) -> Path:
    """A backup whose manifest agrees with its (crafted) tables: counts and hash."""
    manifest = json.loads(_members(good)[MANIFEST])
    manifest["counts"] = {k: len(v) for k, v in frames.items()}
    manifest["content_hash"] = content_hash(frames)
    parts = {f"{name}.parquet": _parquet(frame) for name, frame in frames.items()}
    return _write(out, parts | files, manifest)


def _garbled(good: Path, name: str, *, wkb: bool) -> bytes:
    """A table of the backup with unreadable geometry bytes, or a CRS no one can read."""
    table = pq.read_table(io.BytesIO(_members(good)[f"{name}.parquet"]))
    if wkb:
        where = table.schema.get_field_index("geometry")
        garbage = pa.array([bytes([1, 0x72, 1])] * len(table), pa.binary())
        table = table.set_column(where, "geometry", garbage)
    else:
        geo = json.loads(table.schema.metadata[b"geo"])
        geo["columns"]["geometry"]["crs"] = {"bogus": 1}
        table = table.replace_schema_metadata({**table.schema.metadata,
                                               b"geo": json.dumps(geo).encode()})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _evidence_record(stored_path: str, digest: str) -> pd.DataFrame:
    return pd.DataFrame([{"file_sha256": digest, "hazard_id": "YH20260100001",
                          "event_id": "YH20260100001-v2-01", "file_name": "x.jpg",
                          "size_bytes": 4, "stored_path": stored_path,
                          "event_time": pd.Timestamp("2026-10-01"), "actor": "甲"}])


def _with_evidence(good: Path, out: Path, stored_path: str, digest: str,
                   files: dict[str, bytes]) -> Path:
    frames = _frames(good)
    frames["evidence_files"] = _evidence_record(stored_path, digest)
    return _consistent(good, out, frames, files)


SECRET = b"root:x:0:0"
DIGEST = hashlib.sha256(SECRET).hexdigest()
OTHER = hashlib.sha256(b"other").hexdigest()

CRAFTED: dict[str, Callable[[Path, Path], Path]] = {
    "outside path ../": lambda good, out: _with_evidence(
        good, out, "../../../etc/passwd", DIGEST, {"../../../etc/passwd": SECRET}),
    "absolute path": lambda good, out: _with_evidence(
        good, out, "/etc/hostname", DIGEST, {"/etc/hostname": SECRET}),
    "layout path of another hash": lambda good, out: _with_evidence(
        good, out, f"evidence/{OTHER[:2]}/{OTHER}.jpg", DIGEST,
        {f"evidence/{OTHER[:2]}/{OTHER}.jpg": SECRET}),
    "file not matching its hash": lambda good, out: _with_evidence(
        good, out, f"evidence/{OTHER[:2]}/{OTHER}.jpg", OTHER,
        {f"evidence/{OTHER[:2]}/{OTHER}.jpg": SECRET}),
    "manifest only": lambda good, out: _write(
        out, {}, {"schema_version": 4, "meta": {}, "counts": {}, "content_hash": ""}),
    "manifest only, schema 0": lambda good, out: _write(
        out, {}, {"schema_version": 0, "meta": {}, "counts": {},
                  "content_hash": content_hash({})}),
    "manifest only, schema -1": lambda good, out: _write(
        out, {}, {"schema_version": -1, "meta": {}, "counts": {},
                  "content_hash": content_hash({})}),
    "geometry that is not WKB": lambda good, out: _write(
        out, _members(good) | {"townships.parquet": _garbled(good, "townships", wkb=True)},
        None),
    "GeoParquet with a broken CRS": lambda good, out: _write(
        out, _members(good) | {"townships.parquet": _garbled(good, "townships", wkb=False)},
        None),
    "wrong counts": lambda good, out: _write(
        out, _members(good), {**json.loads(_members(good)[MANIFEST]),
                              "counts": {t: 0 for t in EVERY}}),
    "content changed, counts kept": lambda good, out: _write(
        out, _members(good) | {"rivers.parquet": _parquet(
            _frames(good)["rivers"].assign(river_name="改过的河"))}, None),
    "wrong schema": lambda good, out: _write(
        out, _members(good) | {"townships.parquet": _parquet(
            pd.DataFrame({"a": [1], "b": ["x"]}))}, None),
    "not parquet": lambda good, out: _write(
        out, _members(good) | {"townships.parquet": b"PAR1 but not really"}, None),
    "no manifest": lambda good, out: _write(
        out, {k: v for k, v in _members(good).items() if k != MANIFEST}, None),
    "not a zip": lambda good, out: out.write_bytes(b"PK not a zip") and out,
}


def _state(db: Path) -> tuple[str, set[str]]:
    with Store(db, read_only=True) as store, store.session():  # one opening for all
        return content_hash({n: store.read(n) for n in EVERY}), _tree(db.parent)


@pytest.mark.parametrize("case", list(CRAFTED))
def test_a_crafted_backup_is_refused_and_changes_nothing(
        case: str, good_backup: Path, demo_copy: Path, tmp_path: Path) -> None:
    crafted = CRAFTED[case](good_backup, tmp_path / "b.zip")
    before = _state(demo_copy)
    with Store(demo_copy) as store, pytest.raises(RiskMapError) as refused:
        restore(store, crafted, who=ADMIN)
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message and len(message) < 400
    assert _state(demo_copy) == before, "database and data folder as they were"
    assert not (demo_copy.parent / "evidence").exists()


def test_a_zip_bomb_is_refused_unopened(good_backup: Path, demo_copy: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _members(good_backup)[MANIFEST])
        with archive.open("hazard_ledger.parquet", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(300):
                member.write(zeros)
    assert bomb.stat().st_size < 2 << 20
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    before = _state(demo_copy)
    with Store(demo_copy) as store, pytest.raises(BackupError, match="max_ratio"):
        restore(store, bomb, who=ADMIN)
    assert _state(demo_copy) == before
    assert not list(temp_root.iterdir()), "nothing unpacked"


def test_a_backup_beyond_the_unpacked_limit_is_refused(good_backup: Path,
                                                       demo_copy: Path) -> None:
    with Store(demo_copy) as store, pytest.raises(BackupError, match="max_unpacked_mb"):
        restore(store, good_backup, limits=BackupLimits(max_unpacked_mb=0.5, max_ratio=100),
                who=ADMIN)


def test_restore_of_a_crafted_backup_through_the_cli_is_one_sentence(
        good_backup: Path, demo_copy: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    crafted = CRAFTED["manifest only"](good_backup, tmp_path / "m.zip")
    before = _state(demo_copy)
    assert main(["restore", str(crafted), "--force", "--db", str(demo_copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("riskmap:") and "\n" not in err and "Traceback" not in err
    assert _state(demo_copy) == before


def test_backup_never_ships_a_file_from_outside_the_data_folder(demo_copy: Path,
                                                                tmp_path: Path) -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    with Store(demo_copy) as store:
        with pytest.raises(ValidationError, match="stored_path"):
            store.write("evidence_files", _evidence_record("../../etc/passwd", digest))
        # A record stored before paths were checked: written past validation on purpose.
        store.write_many({"evidence_files": _evidence_record("/etc/hostname", digest)},
                         valid={"evidence_files"})
        backup(store, tmp_path / "b.zip", who=ADMIN)
    names = zipfile.ZipFile(tmp_path / "b.zip").namelist()
    assert all(n == MANIFEST or n.endswith(".parquet") for n in names), names


def test_a_good_backup_still_restores_its_evidence(demo_copy: Path, tmp_path: Path) -> None:
    photo = Attachment("现场.JPG", b"\xff\xd8 photo")
    with Store(demo_copy) as store:
        row = store.read("hazard_ledger", {"hazard_status": "整改中"}).iloc[0]
        apply(store, row["hazard_id"], "申请验收", {"evidence": "照片"},
              version=int(row["row_version"]), who=A, files=[photo])
        backup(store, tmp_path / "b.zip", who=ADMIN)
    target = tmp_path / "other" / "r.duckdb"
    with Store(target) as store:
        restore(store, tmp_path / "b.zip", who=ADMIN)
        record = store.read("evidence_files").iloc[0]
    path = evidence_file(target.parent, record["stored_path"], record["file_sha256"])
    assert path.read_bytes() == photo.data and path.suffix == ".jpg"


# --- 3. formulas in CSV ------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x.example/a","click")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)", "\t=1", "\r=1"]


def test_text_with_an_apostrophe_already_comes_back_as_it_was() -> None:
    from geodata.formulas import restore_text

    given = pd.Series(["'=already", "''+twice", "'plain", "=new"])
    written = neutralise(pd.DataFrame({"t": given}))["t"]
    assert written.tolist() == ["''=already", "'''+twice", "'plain", "'=new"]
    assert restore_text(written.astype("string")).tolist() == given.tolist()


def test_formula_looking_text_is_neutralised_and_numbers_are_not() -> None:
    frame = pd.DataFrame({"text": [*FORMULAS, "-12.5", "普通文字", None],
                          "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, -7.0, 8.0, 9.0]})
    out = neutralise(frame)
    assert out["text"].tolist()[:6] == [f"'{v}" for v in FORMULAS]
    assert out["text"].tolist()[6:8] == ["-12.5", "普通文字"] and pd.isna(out["text"].iloc[8])
    assert out["number"].tolist() == frame["number"].tolist()
    assert frame["text"].iloc[0] == FORMULAS[0], "the frame given is not changed"


def _csv_cells(path: Path) -> list[list[str]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_a_ledger_exported_to_csv_holds_no_formula_and_imports_back(
        demo_frames: dict, tmp_path: Path) -> None:
    ledger = demo_frames["hazard_ledger"].head(len(FORMULAS)).copy()
    ledger["hazard_description"] = FORMULAS
    ledger["funds_wan"] = [0.5 * k for k in range(len(FORMULAS))]
    path = export_frame("hazard_ledger", ledger, tmp_path / "ledger.csv")
    rows = _csv_cells(path)
    column = rows[0].index("隐患描述")
    assert [r[column] for r in rows[1:]] == [f"'{v}" for v in FORMULAS]
    funds = rows[0].index("整改资金 (万元)")
    assert [r[funds] for r in rows[1:]] == [str(0.5 * k) for k in range(len(FORMULAS))]
    with Store(tmp_path / "x.duckdb") as store:
        store.write("townships", demo_frames["townships"])
        report = import_file(store, "hazard_ledger", path, who=ADMIN)
        assert report.written, report.summary()
        back = store.read("hazard_ledger").set_index("hazard_id")
    # As given, but for the white space the importer trims from every text.
    assert back.loc[ledger["hazard_id"], "hazard_description"].tolist() == [
        v.strip() for v in FORMULAS]


def test_score_csv_and_import_report_csv_are_neutralised(demo_copy: Path, tmp_path: Path) -> None:
    with Store(demo_copy) as store:
        towns = store.read("townships").head(1).assign(township_name="=1+1")
        store.write("townships", towns, mode="upsert")
    out = tmp_path / "score.csv"
    assert main(["score", "--csv", str(out), "--no-robustness", "--db", str(demo_copy)]) == 0
    rows = _csv_cells(out)
    assert [c for r in rows for c in r if c.endswith("=1+1")] == ["'=1+1"]
    report = ImportReport("hazard_ledger", "x.csv", 1, ["2"], [
        Problem("hazard_ledger", 0, "domain", "@SUM(1)", "不在允许值中")])
    report.save(tmp_path / "report.csv")
    assert _csv_cells(tmp_path / "report.csv")[1][2] == "'@SUM(1)"


# --- 4. evidence -------------------------------------------------------------------------


def _evidence_tree(db: Path) -> set[str]:
    root = db.parent / "evidence"
    return _tree(root) if root.exists() else set()


def test_the_same_evidence_twice_in_one_save_is_stored_once(demo_copy: Path) -> None:
    photo = b"\xff\xd8 one photo"
    with Store(demo_copy) as store:
        row = store.read("hazard_ledger", {"hazard_status": "整改中"}).iloc[0]
        apply(store, row["hazard_id"], "申请验收", {"evidence": "照片"},
              version=int(row["row_version"]), who=A,
              files=[Attachment("a.jpg", photo), Attachment("b.png", photo)])
        records = store.read("evidence_files")
    assert len(records) == 1 and records["file_name"].tolist() == ["a.jpg"]
    files = [p for p in (demo_copy.parent / "evidence").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in files] == [photo]


def test_a_refused_save_leaves_no_evidence_file(demo_copy: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    photo = Attachment("a.jpg", b"\xff\xd8 refused")
    with Store(demo_copy) as store:
        row = store.read("hazard_ledger", {"hazard_status": "整改中"}).iloc[0]
        with pytest.raises(RiskMapError, match="已被他人修改"):
            apply(store, row["hazard_id"], "申请验收", {"evidence": "照片"},
                  version=int(row["row_version"]) - 1, who=A, files=[photo])

        def failing(*args: object, **kwargs: object) -> None:
            raise ValidationError([])

        monkeypatch.setattr(store, "write_many", failing)
        with pytest.raises(ValidationError):
            apply(store, row["hazard_id"], "申请验收", {"evidence": "照片"},
                  version=int(row["row_version"]), who=A, files=[photo])
    assert _evidence_tree(demo_copy) == set()


# --- 5. server settings ------------------------------------------------------------------


def _served_config() -> dict[str, str]:
    """The options the server resolves from the project folder, as `streamlit run` does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    shown = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT,
                           env=env, capture_output=True, text=True, check=True).stdout
    options, section = {}, ""
    for line in shown.splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#") and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            options[f"{section}.{key}"] = value.strip('"')
    return options


def test_the_served_configuration_is_the_production_one() -> None:
    options = _served_config()
    assert options["client.showErrorDetails"] == "none"
    assert options["client.showErrorLinks"] == "false"
    assert options["server.fileWatcherType"] == "none"
    assert options["server.runOnSave"] == "false"
    assert options["server.maxUploadSize"] == "200"
    assert options["server.address"] == "127.0.0.1"
    assert options["server.enableXsrfProtection"] == "true"
    assert options["server.enableCORS"] == "true"
    assert options["server.enableStaticServing"] == "false"
    assert options["browser.gatherUsageStats"] == "false"
    assert options["runner.magicEnabled"] == "false"


# --- 5b. imports too big for memory ------------------------------------------------------


def test_an_import_that_would_need_too_much_memory_is_refused_unread(
        demo_frames: dict, tmp_path: Path) -> None:
    path = export_frame("hazard_ledger", demo_frames["hazard_ledger"], tmp_path / "l.xlsx")
    need_mb = path.stat().st_size / (1 << 20) * 30
    limits = ReadLimits(memory_mb=need_mb * 0.9, memory_per_byte={"csv": 14, "xlsx": 30})
    with Store(tmp_path / "x.duckdb") as store:
        store.write("townships", demo_frames["townships"])
        with pytest.raises(RiskMapError, match="memory_mb") as refused:
            import_file(store, "hazard_ledger", path, ImportOptions(limits=limits), who=ADMIN)
        assert "另存为 CSV" in str(refused.value) and "\n" not in str(refused.value)
        assert store.count("hazard_ledger") == 0
        roomy = ReadLimits(memory_mb=need_mb * 1.1, memory_per_byte=limits.memory_per_byte)
        assert import_file(store, "hazard_ledger", path, ImportOptions(limits=roomy),
                           who=ADMIN).written


def test_a_bad_file_is_named_as_sent_not_by_the_server_path(tmp_path: Path) -> None:
    kept = tmp_path / "riskmap-upload-x" / "upload.json"
    kept.parent.mkdir()
    kept.write_text("{not json", encoding="utf-8")
    with Store(tmp_path / "x.duckdb") as store, pytest.raises(RiskMapError) as refused:
        import_file(store, "facilities", kept, ImportOptions(source="设施.json"), who=ADMIN)
    message = str(refused.value)
    assert "设施.json" in message
    assert str(tmp_path) not in message and "upload.json" not in message


def test_an_empty_file_and_an_empty_column_are_plain_errors_or_none(tmp_path: Path) -> None:
    from domain.values import parse_numbers, per_unique

    values, bad = per_unique(pd.Series([None, None, None], dtype=object), parse_numbers)
    assert values.isna().all() and not bad.any()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with Store(tmp_path / "x.duckdb") as store, pytest.raises(RiskMapError, match="空文件"):
        import_file(store, "facilities", empty, who=ADMIN)
