"""Export any table to GPKG, GeoJSON, Shapefile, XLSX or CSV; back up and restore everything.

- GPKG and GeoJSON keep field names and types.
- Shapefile: UTF-8 with a ``.cpg``, field names cut to 10 bytes, and the mapping from short
  name to field and Chinese label written beside it (``NAME.fields.csv``); the importer reads
  that mapping back. Dates and date-times become ISO text (DBF has no date-time type); a
  table without geometry becomes a lone ``.dbf``.
- XLSX and CSV are for Excel users: Chinese headers (label and unit), points as 经度/纬度
  columns, lines and polygons as a ``几何WKT`` column at full precision; CSV in UTF-8 with BOM
  so Excel opens Chinese correctly, text that Excel would run as a formula neutralised
  (``geodata.formulas``).

Backups of the whole database are ``geodata.backup``'s.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from domain.errors import RiskMapError
from domain.schema import FIELDS, Lang, Table, get_table
from geodata.formulas import write_csv
from geodata.printable import plain_xlsx
from geodata.store import Store

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
        write_csv(_excel_frame(table, frame, lang), path)
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
