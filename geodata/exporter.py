"""Export any table to GPKG, GeoJSON, Shapefile, XLSX or CSV; back up and restore everything.

- GPKG and GeoJSON keep field names and types.
- Shapefile: UTF-8 with a ``.cpg``, field names cut to 10 bytes, and the mapping from short
  name to field and Chinese label written beside it (``NAME.fields.csv``); the importer reads
  that mapping back. Dates and date-times become ISO text (DBF has no date-time type); a
  table without geometry becomes a lone ``.dbf``.
- XLSX and CSV are for Excel users: Chinese headers (label and unit), points as 经度/纬度
  columns, lines and polygons as a ``几何WKT`` column at full precision; CSV in UTF-8 with BOM
  so Excel opens Chinese correctly.
- A backup is one zip of GeoParquet files, one per table, plus a manifest; restoring it into
  an empty database gives the same content, schema migrations included.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geodata.errors import RiskMapError
from geodata.fingerprint import content_hash
from geodata.printable import plain_xlsx
from geodata.schema import (
    ENTITY_TABLES,
    FIELDS,
    RECORD_TABLES,
    RESULT_TABLES,
    SCHEMA_VERSION,
    Lang,
    Table,
    get_table,
)
from geodata.store import WRITTEN_PREFIX, Store

BACKED_UP = (*ENTITY_TABLES, *RESULT_TABLES, *RECORD_TABLES)

FORMATS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON",
           ".shp": "ESRI Shapefile", ".xlsx": "XLSX", ".csv": "CSV"}
LON_HEADER, LAT_HEADER, WKT_HEADER = "经度", "纬度", "几何WKT"
EXCEL_CELL_LIMIT = 32767


def short_names(columns: list[str]) -> dict[str, str]:
    """Return unique DBF field names of at most 10 bytes for ``columns``."""
    out: dict[str, str] = {}
    for col in columns:
        base = col[:10]
        name, k = base, 1
        while name in out.values():
            suffix = str(k)
            name, k = base[: 10 - len(suffix)] + suffix, k + 1
        out[col] = name
    return out


def _excel_frame(table: Table, frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    flat = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if table.geometry == "point":
        geom = frame.geometry
        flat[LON_HEADER] = geom.x.where(geom.notna())
        flat[LAT_HEADER] = geom.y.where(geom.notna())
    elif table.geometry:
        flat[WKT_HEADER] = shapely.to_wkt(frame.geometry.values, rounding_precision=-1)
    return flat.rename(columns={c: FIELDS[c].label(lang) for c in table.columns})


def _dbf_value(value: object, kind: str) -> object:
    """Return a value a DBF holds without loss: dates as ISO text, booleans as 0/1."""
    if pd.isna(value):
        return None
    if kind == "date":
        return value.date().isoformat()
    if kind == "timestamp":
        return value.isoformat(sep=" ")
    return int(value) if kind == "boolean" else value


def _shapefile(table: Table, frame: pd.DataFrame, path: Path) -> Path:
    """Write a shapefile (a lone .dbf for tables without geometry) and its field mapping."""
    names = short_names(list(table.columns))
    for name in [c for c in table.columns if FIELDS[c].type == "text"]:
        longest = frame[name].dropna().astype(str).map(lambda v: len(v.encode())).max()
        if pd.notna(longest) and longest > DBF_TEXT_LIMIT:
            raise RiskMapError(
                f"{FIELDS[name].zh} ({name}) 有 {int(longest)} 字节的文本，超出 Shapefile 每格 "
                f"{DBF_TEXT_LIMIT} 字节上限 (text longer than a shapefile field holds): 请导出 "
                f"GPKG、GeoJSON 或 XLSX (export GPKG, GeoJSON or XLSX instead)")
    flat = frame.rename(columns=names)
    for name, field in ((c, FIELDS[c]) for c in table.columns):
        if field.type in ("date", "timestamp", "boolean"):
            flat[names[name]] = frame[name].map(lambda v, k=field.type: _dbf_value(v, k))
    if table.geometry:
        gpd.GeoDataFrame(flat, geometry="geometry", crs=frame.crs).to_file(
            path, driver="ESRI Shapefile", encoding="UTF-8")
    else:
        path = path.with_suffix(".dbf")
        pyogrio.write_dataframe(pd.DataFrame(flat), path, driver="ESRI Shapefile",
                                encoding="UTF-8")
    pd.DataFrame({"short": list(names.values()), "field": list(names),
                  "label": [FIELDS[c].zh for c in names]}).to_csv(
        path.with_suffix(".fields.csv"), index=False, encoding="utf-8-sig")
    return path


DBF_TEXT_LIMIT = 254
"""Bytes a shapefile (.dbf) text field holds; longer text would be cut."""


def _layer_options(driver: str) -> dict:
    """Return GDAL layer options: GeoJSON keeps text that looks like JSON as text."""
    return {"layer_options": {"AUTODETECT_JSON_STRINGS": "NO"}} if driver == "GeoJSON" else {}


def export_frame(table_name: str, frame: pd.DataFrame, path: str | Path, *,
                 lang: Lang = "zh") -> Path:
    """Write ``frame`` (rows of ``table_name``) to ``path``; the format follows the suffix."""
    table = get_table(table_name)
    path = Path(path)
    driver = FORMATS.get(path.suffix.lower())
    if driver is None:
        raise RiskMapError(f"不支持的导出格式 unsupported export format {path.suffix!r}; use "
                           f"{', '.join(sorted(FORMATS))}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if driver == "CSV":
        _excel_frame(table, frame, lang).to_csv(path, index=False, encoding="utf-8-sig")
    elif driver == "XLSX":
        flat = _excel_frame(table, frame, lang)
        if WKT_HEADER in flat and flat[WKT_HEADER].str.len().max() > EXCEL_CELL_LIMIT:
            raise RiskMapError("几何太复杂，超出 Excel 单元格上限 geometry too large for an "
                               "Excel cell: export GPKG or Shapefile instead")
        plain_xlsx(flat, path, sheet=table.zh[:31])
    elif driver == "ESRI Shapefile":
        path = _shapefile(table, frame, path)
    elif table.geometry:
        gpd.GeoDataFrame(frame, crs=frame.crs).to_file(path, driver=driver, layer=table.name,
                                                       **_layer_options(driver))
    else:
        pyogrio.write_dataframe(pd.DataFrame(frame), path, driver=driver, layer=table.name,
                                **_layer_options(driver))
    return path


def export_table(store: Store, table_name: str, path: str | Path, *,
                 lang: Lang = "zh") -> Path:
    """Write every row of ``table_name`` to ``path`` (format from the suffix)."""
    return export_frame(table_name, store.read(table_name), path, lang=lang)


def backup(store: Store, path: str | Path) -> dict[str, int]:
    """Write every table of ``store`` to one zip of GeoParquet files; return the row counts.

    Evidence files listed in ``evidence_files`` go into the zip under their stored path.
    """
    path = Path(path)
    frames = {name: store.read(name) for name in BACKED_UP}
    manifest = {"schema_version": SCHEMA_VERSION, "meta": store.meta(),
                "counts": {k: len(v) for k, v in frames.items()},
                "content_hash": content_hash(frames)}
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w") as archive:
        for name, frame in frames.items():
            part = Path(tmp) / f"{name}.parquet"
            frame.to_parquet(part, index=False)
            archive.write(part, part.name)
        for relative in frames["evidence_files"]["stored_path"].dropna().unique():
            if (store.path.parent / relative).exists():
                archive.write(store.path.parent / relative, relative)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest["counts"]


def restore(store: Store, path: str | Path) -> dict[str, int]:
    """Replace the content of ``store`` with a backup, in one transaction.

    Raises:
        RiskMapError: The file is not a backup, or was made by a newer schema.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest["schema_version"] > SCHEMA_VERSION:
                raise RiskMapError("备份来自更新的版本 backup made by a newer County Risk Map")
            with tempfile.TemporaryDirectory() as tmp:
                archive.extractall(tmp)
                frames = {name: _read_part(Path(tmp) / f"{name}.parquet", name)
                          if name in manifest["counts"] else _empty(name)
                          for name in BACKED_UP}
                _restore_files(Path(tmp), store.path.parent, frames["evidence_files"])
    except (zipfile.BadZipFile, KeyError) as exc:
        raise RiskMapError(f"不是有效的备份文件 not a backup file: {path}") from exc
    counts = store.write_many(frames, mode="replace")
    # The restored tables carry fresh write stamps: the backup's own would name old versions.
    meta = {k: v for k, v in manifest["meta"].items()
            if k != "schema_version" and not k.startswith(WRITTEN_PREFIX)}
    store.set_meta(meta)
    return counts


def _restore_files(unpacked: Path, data_dir: Path, records: pd.DataFrame) -> None:
    """Copy the evidence files of a backup into the data folder (kept where they are)."""
    for relative in records["stored_path"].dropna().unique():
        source, target = unpacked / relative, data_dir / relative
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def _empty(name: str) -> pd.DataFrame:
    """Return a table with no rows, for tables a backup (from an older version) lacks."""
    table = get_table(name)
    frame = pd.DataFrame(columns=list(table.columns))
    return gpd.GeoDataFrame(frame, geometry=[], crs="EPSG:4326") if table.geometry else frame


def _read_part(part: Path, name: str) -> pd.DataFrame:
    table = get_table(name)
    return gpd.read_parquet(part) if table.geometry else pd.read_parquet(part)


def export_bytes(store: Store, table_name: str, suffix: str, *,
                 lang: Lang = "zh") -> tuple[str, bytes]:
    """Return (file name, content) of a table exported as ``suffix`` (for downloads).

    A shapefile, being several files, comes zipped with its ``.cpg`` and field mapping.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = export_table(store, table_name, Path(tmp) / f"{table_name}{suffix}", lang=lang)
        if suffix != ".shp":
            return path.name, path.read_bytes()
        archive = Path(tmp) / f"{table_name}.zip"
        with zipfile.ZipFile(archive, "w") as out:
            for part in sorted(Path(tmp).glob(f"{table_name}.*")):
                if part != archive:
                    out.write(part, part.name)
        return archive.name, archive.read_bytes()
