"""Whole-database backups: one zip of GeoParquet files, a manifest and the evidence files.

``backup`` writes one Parquet file per table, the evidence files under their stored paths and
``manifest.json`` (schema version, metadata, row counts, content hash). ``restore`` trusts
nothing in the zip: before anything is replaced it

1. checks every member's unpacked size and packing ratio (``[backup]`` of
   ``config/storage.toml``), so a zip bomb is refused unopened;
2. reads the manifest, which must list every table the backup's schema version had;
3. unpacks only the expected members, one by one: the tables' Parquet files, then the
   evidence files their records name, each record's path checked against the evidence layout
   (``geodata.files``) and each file against its hash;
4. checks each table's columns and rows against the schema, its row count against the
   manifest, and the content hash over all of them.

Only then is the database replaced, in one transaction, and the evidence files copied into
the data folder after it commits. Every refusal is one sentence; the database and the data
folder are then as they were.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyproj.exceptions import CRSError
from shapely.errors import ShapelyError

from domain.access import Account, require_admin
from domain.errors import RiskMapError
from domain.schema import (
    ENTITY_TABLES,
    RECORD_TABLES,
    RESULT_TABLES,
    SCHEMA_VERSION,
    get_table,
)
from domain.settings.storage import BackupLimits
from geodata import audit
from geodata.config import load_settings
from geodata.files import UnsafePathError, evidence_file, file_sha256, inside, write_new
from geodata.fingerprint import content_hash
from geodata.store import WRITTEN_PREFIX, Store
from geodata.validate import validate

BACKED_UP = (*ENTITY_TABLES, *RESULT_TABLES, *RECORD_TABLES)
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 1 << 20
_MB = 1 << 20


class BackupError(RiskMapError):
    """A backup that cannot be restored; nothing was changed."""


def backup(store: Store, path: str | Path, *, who: Account, address: str = ""
           ) -> dict[str, int]:
    """Write every table of ``store`` to one zip of GeoParquet files; return the row counts.

    An administrator's task (``AccessDenied`` otherwise), audited. The evidence files go in
    under their stored paths, those whose record follows the evidence layout and whose file
    is on disk (a record naming any other path is not followed). Accounts and the audit
    trail are not part of a backup (``kind="security"``).
    """
    audit.refusing(store, who.user_name, lambda: require_admin(who, ("备份", "make backups")),
                   address=address)
    frames = {name: store.read(name) for name in BACKED_UP}
    manifest = {"schema_version": SCHEMA_VERSION, "meta": store.meta(),
                "counts": {k: len(v) for k, v in frames.items()},
                "content_hash": content_hash(frames)}
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w") as archive:
        for name, frame in frames.items():
            part = Path(tmp) / f"{name}.parquet"
            frame.to_parquet(part, index=False)
            archive.write(part, part.name)
        for relative, source in _evidence_on_disk(store.files_dir,
                                                  frames["evidence_files"]).items():
            archive.write(source, relative)
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    audit.record(store, who.user_name, "backup", f"{Path(path).name}: "
                 f"{sum(manifest['counts'].values()):,} rows", address=address)
    return manifest["counts"]


def _evidence_on_disk(data_dir: Path, records: pd.DataFrame) -> dict[str, Path]:
    """Return {stored path: file} of the evidence records whose file is where it must be."""
    found = {}
    for relative, digest in zip(records["stored_path"], records["file_sha256"], strict=True):
        try:
            source = evidence_file(data_dir, relative, digest)
        except UnsafePathError:
            continue
        if source.is_file():
            found[relative] = source
    return found


def restore(store: Store, path: str | Path, *, who: Account,
            limits: BackupLimits | None = None, address: str = "") -> dict[str, int]:
    """Replace the content of ``store`` with a backup, once it is checked whole.

    Returns the row count of every table restored. An administrator's task
    (``AccessDenied`` before the file is opened otherwise), audited with the file's hash;
    accounts and the audit trail stay as they are.

    Raises:
        BackupError: The file is not a backup, or not a sound one (see the module doc);
            nothing was changed.
    """
    audit.refusing(store, who.user_name,
                   lambda: require_admin(who, ("恢复备份", "restore backups")), address=address)
    limits = limits or load_settings().storage.backup
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{Path(path).name} 不是可读的备份文件 (not a readable backup: "
                          f"{exc})") from exc
    with archive, tempfile.TemporaryDirectory() as tmp:
        try:
            frames, manifest, files = _read(archive, Path(tmp), limits)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise BackupError(f"{Path(path).name} 已损坏 (the backup is damaged: {exc})"
                              ) from exc
        counts = _replace(store, frames, manifest)
        try:
            _keep(store.files_dir, files)
        except OSError as exc:
            raise RiskMapError(f"数据库已恢复，但佐证文件未能全部写入数据文件夹 (database "
                               f"restored; evidence files could not all be written: {exc})"
                               ) from exc
    audit.record(store, who.user_name, "restore", f"{Path(path).name} sha256 "
                 f"{file_sha256(path)[:16]}: {sum(counts.values()):,} rows", address=address)
    return counts


def _read(archive: zipfile.ZipFile, folder: Path, limits: BackupLimits
          ) -> tuple[dict[str, pd.DataFrame], dict[str, Any], dict[str, Path]]:
    """Return the backup's tables, its manifest and its evidence files, all checked."""
    _check_sizes(archive, limits)
    manifest = _manifest(archive)
    frames = {t: _table(archive, t, folder, manifest["schema_version"])
              for t in manifest["counts"]}
    frames = _checked(frames, manifest)
    records = frames.get("evidence_files", _empty("evidence_files"))
    return frames, manifest, _evidence(archive, records, folder)


def _check_sizes(archive: zipfile.ZipFile, limits: BackupLimits) -> None:
    """Refuse, before anything is unpacked, a zip too big unpacked or too tightly packed."""
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_mb * _MB:
        raise BackupError(
            f"备份解压后有 {total / _MB:,.0f} MB，超过上限 {limits.max_unpacked_mb:,.0f} MB "
            f"(the backup unpacks to more than config/storage.toml [backup] max_unpacked_mb)")
    for m in members:
        if m.file_size > _MB and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            raise BackupError(
                f"备份成员 {m.filename!r} 压缩比异常（{m.file_size / max(m.compress_size, 1):,.0f}"
                f" 倍，上限 {limits.max_ratio:g}），疑为压缩炸弹 (member packed beyond "
                f"[backup] max_ratio: refused unopened)")


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """Return the manifest, checked: schema version, counts of every table it must list."""
    try:
        info = archive.getinfo(MANIFEST)
        if info.file_size > MANIFEST_MAX_BYTES:
            raise BackupError("备份清单过大 the backup's manifest is too large")
        manifest = json.loads(archive.read(info))
        version, counts = manifest["schema_version"], manifest["counts"]
        meta, digest = manifest["meta"], manifest["content_hash"]
    except KeyError as exc:
        raise BackupError(f"没有备份清单或清单缺少 {exc} (not a County Risk Map backup: "
                          f"manifest.json missing or incomplete)") from exc
    except (ValueError, TypeError) as exc:
        raise BackupError("备份清单不是有效的 JSON (the backup's manifest is not JSON)") from exc
    if not (isinstance(version, int) and version >= 1 and counts and isinstance(counts, dict)
            and isinstance(meta, dict) and isinstance(digest, str)
            and all(isinstance(n, int) and n >= 0 for n in counts.values())):
        raise BackupError("备份清单格式不对 (the backup's manifest is malformed: no schema "
                          "version, no tables or counts that are no counts)")
    if version > SCHEMA_VERSION:
        raise BackupError(f"备份来自更新的版本（结构 {version}）(backup made by a newer "
                          f"County Risk Map, schema {version} > {SCHEMA_VERSION})")
    unknown = sorted(set(counts) - set(BACKED_UP))
    missing = [t for t in BACKED_UP if get_table(t).since <= version and t not in counts]
    if unknown or missing:
        raise BackupError(f"备份清单的表不对：缺少 {', '.join(missing) or '无'}，多出 "
                          f"{', '.join(unknown) or '无'} (the manifest does not list the "
                          f"tables of schema {version})")
    return manifest


def _unpack(archive: zipfile.ZipFile, member: str, folder: Path) -> Path:
    """Unpack one member (its size was checked) to a file of its own in ``folder``.

    The file's name is made here: the member's name is no path.
    """
    handle, target = tempfile.mkstemp(dir=folder)
    try:
        with archive.open(member) as source, open(handle, "wb") as out:
            shutil.copyfileobj(source, out, _MB)
    except KeyError as exc:
        raise BackupError(f"备份缺少 {member} (the backup lacks {member})") from exc
    return Path(target)


def _table(archive: zipfile.ZipFile, name: str, folder: Path, version: int) -> pd.DataFrame:
    """Return one table of the backup, its columns checked against the schema.

    A backup of an older schema may lack columns added since (they stay empty).
    """
    member = f"{name}.parquet"
    part = _unpack(archive, member, folder)
    table = get_table(name)
    expected = {*table.columns, *(["geometry"] if table.geometry else [])}
    try:
        columns = set(pq.read_schema(part).names)
        missing = expected - columns if version == SCHEMA_VERSION else set(table.primary_key)
        if columns - expected or missing - columns:
            raise BackupError(f"备份中的 {member} 的列与表结构不符 (columns of {member} are not "
                              f"those of {name}: {', '.join(sorted(columns))})")
        return gpd.read_parquet(part) if table.geometry else pd.read_parquet(part)
    except (pa.ArrowException, ValueError, TypeError, KeyError, ShapelyError,
            CRSError) as exc:
        raise BackupError(f"备份中的 {member} 不是可读的 (Geo)Parquet 文件 ({member} in the "
                          f"backup is not readable Parquet)") from exc


def _checked(frames: dict[str, pd.DataFrame], manifest: Mapping[str, Any]
             ) -> dict[str, pd.DataFrame]:
    """Return the tables validated, refusing any whose rows, count or hash are wrong."""
    for name, frame in frames.items():
        if len(frame) != manifest["counts"][name]:
            raise BackupError(f"备份中的表 {name} 有 {len(frame)} 行，清单记为 "
                              f"{manifest['counts'][name]} 行 (row count differs from the "
                              f"manifest)")
    if content_hash(frames) != manifest["content_hash"]:
        raise BackupError("备份内容与清单的校验值不符，文件被改动或已损坏 (content hash differs "
                          "from the manifest: the backup was altered or damaged)")
    valid = {}
    for name, frame in frames.items():
        valid[name], found = validate(name, frame)
        problems = [p for p in found if p.severity == "error"]
        if problems:
            raise BackupError(f"备份中的表 {name} 不符合表结构：{problems[0]} (rows break the "
                              f"schema; {len(problems)} problems)")
    return valid


def _evidence(archive: zipfile.ZipFile, records: pd.DataFrame, folder: Path
              ) -> dict[str, Path]:
    """Return {stored path: unpacked file} of the evidence files the backup holds.

    Every record's path must follow the evidence layout for its hash; a file the backup
    lacks is left out (the backup was made without it); a file present must match its hash.
    """
    names = set(archive.namelist())
    found = {}
    for relative, digest in zip(records["stored_path"], records["file_sha256"], strict=True):
        try:
            evidence_file(folder, relative, digest)  # the layout, for this hash
        except UnsafePathError as exc:
            raise BackupError(f"备份中的佐证文件记录不安全：{exc}") from exc
        if relative in found or relative not in names:
            continue
        part = _unpack(archive, relative, folder)
        if file_sha256(part) != digest:
            raise BackupError(f"备份中的佐证文件 {relative} 与其校验值不符 (evidence file "
                              f"does not match its hash)")
        found[relative] = part
    return found


def _replace(store: Store, frames: Mapping[str, pd.DataFrame],
             manifest: Mapping[str, Any]) -> dict[str, int]:
    """Replace every backed-up table and the metadata, in one transaction."""
    full = {name: frames[name] if name in frames else _empty(name) for name in BACKED_UP}
    # Restored tables get fresh write stamps: the backup's own would name old versions.
    meta = {str(k): str(v) for k, v in manifest["meta"].items()
            if k != "schema_version" and not str(k).startswith(WRITTEN_PREFIX)}
    return store.write_many(full, mode="replace", meta=meta, valid=set(frames))


def _keep(data_dir: Path, files: Mapping[str, Path]) -> None:
    """Copy the unpacked evidence files into the data folder (those not there already)."""
    for relative, part in files.items():
        write_new(inside(data_dir, relative), part.read_bytes())


def _empty(name: str) -> pd.DataFrame:
    """Return a table with no rows, for tables a backup (from an older version) lacks."""
    table = get_table(name)
    frame = pd.DataFrame(columns=list(table.columns))
    return gpd.GeoDataFrame(frame, geometry=[], crs="EPSG:4326") if table.geometry else frame
