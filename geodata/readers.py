"""Read any file county offices send into one raw table, keeping where each row came from.

CSV in UTF-8 (with or without BOM) or GBK/GB18030, detected; XLSX with title rows above the
header and several sheets; GeoJSON, Shapefile (GBK ``.dbf`` without ``.cpg`` included),
GeoPackage and KML through GDAL. Values stay as given (text from CSV; numbers and dates from
Excel); parsing them is the importer's job.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyogrio

from domain.errors import RiskMapError
from domain.settings.storage import ReadLimits
from geodata.config import load_settings
from geodata.formulas import restore_text

VECTOR_SUFFIXES = {".geojson", ".json", ".shp", ".dbf", ".gpkg", ".kml", ".zip"}
"""Read through GDAL; ``.zip``: a zipped shapefile (or other vector file)."""
TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
HEADER_SEARCH_ROWS = 30
_MB = 1 << 20


class ReadError(RiskMapError):
    """The file cannot be read at all (format, encoding, no header found, too big)."""


def check_memory(path: Path, limits: ReadLimits) -> None:
    """Refuse, before reading it, a file whose import would need too much memory.

    Raises:
        ReadError: Saying how much it would need, and what to do instead.
    """
    size = path.stat().st_size / _MB
    suffix = path.suffix.lower().lstrip(".")
    need = limits.need_mb(size, suffix)
    if need <= limits.memory_mb:
        return
    factors = limits.memory_per_byte
    as_csv = factors.get("csv", 0) < factors.get(suffix, 0)
    raise ReadError(
        f"{path.name} 有 {size:,.0f} MB，导入约需 {need:,.0f} MB 内存，超过上限 "
        f"{limits.memory_mb:,.0f} MB：请分成几个文件导入{'，或另存为 CSV' if as_csv else ''}"
        f" (importing it would need about {need:,.0f} MB of memory, more than "
        f"config/storage.toml [import] memory_mb: split the file"
        f"{' or save it as CSV' if as_csv else ''})")


@dataclass
class RawTable:
    """Rows as read, with a label per row saying where it came from (``5``, ``城关镇!7``).

    Attributes:
        frame: The values, one column per header in the file.
        rows: A source label per row of ``frame``, for reports.
        geometry: Geometries read from a vector file (None for CSV/XLSX).
        encoding: The text encoding found, when there was one to find.
        notes: What the reader noticed on the way (sheets skipped, encoding guessed).
    """

    frame: pd.DataFrame
    rows: list[str]
    geometry: gpd.GeoSeries | None = None
    encoding: str | None = None
    notes: tuple[str, ...] = ()

    def subset(self, keep: np.ndarray) -> RawTable:
        """Return the rows where ``keep`` holds, with their labels (positions renumbered)."""
        rows = [label for label, k in zip(self.rows, keep, strict=True) if k]
        geometry = (None if self.geometry is None
                    else self.geometry[keep].reset_index(drop=True))
        return RawTable(self.frame[keep].reset_index(drop=True), rows, geometry,
                        self.encoding, self.notes)


def detect_encoding(data: bytes) -> str:
    """Return ``utf-8-sig``, ``utf-8`` or ``gb18030`` (a superset of GBK), whichever decodes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReadError(f"无法识别文件编码 unknown text encoding (not UTF-8 or GBK): {exc}") \
            from exc
    return "gb18030"


def read_csv(path: Path, *, encoding: str | None = None) -> RawTable:
    """Read a CSV as text, detecting its encoding unless given."""
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(f"{path.name} 是空文件 the file is empty")
    enc = encoding or detect_encoding(data)
    options = {"encoding": enc, "dtype": str, "keep_default_na": False, "na_values": [""]}
    try:
        # Arrow's reader is three times faster; the C parser copes with ragged rows.
        frame = pd.read_csv(io.BytesIO(data), engine="pyarrow", **options)
    except (pa.ArrowInvalid, ValueError):
        try:
            frame = pd.read_csv(io.BytesIO(data), **options)
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ReadError(f"无法读取 CSV cannot read {path.name}: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(restore_text)  # the apostrophe before formula-like text, as exported
    rows = [str(i + 2) for i in range(len(frame))]
    return RawTable(frame, rows, encoding=enc)


def _header_row(rows: list[tuple], score: Callable[[list[str]], int]) -> tuple[int, int]:
    """Return (index, score) of the best header among the first rows of a sheet."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        points = score(cells)
        if points > best_score:
            best, best_score = i, points
    return best, best_score


def _sheet_frame(name: str, rows: list[tuple], header: int) -> tuple[pd.DataFrame, list[str]]:
    heads = [str(c).strip() if c is not None else "" for c in rows[header]]
    keep = [i for i, h in enumerate(heads) if h]
    body = rows[header + 1:]
    labels = [f"{name}!{header + 2 + i}" for i in range(len(body))]
    frame = pd.DataFrame([[r[i] if i < len(r) else None for i in keep] for r in body],
                         columns=[heads[i] for i in keep], dtype=object)
    empty = frame.map(lambda v: v is None or (isinstance(v, str) and not v.strip())).all(axis=1)
    return frame[~empty.to_numpy()].reset_index(drop=True), [
        lab for lab, e in zip(labels, empty, strict=True) if not e]


def read_xlsx(path: Path, score: Callable[[list[str]], int], *,
              sheet: str | None = None) -> RawTable:
    """Read the sheets of a workbook whose header is recognised, stacked in order.

    The header is the row, among the first 30 of a sheet, with the most recognised column
    names (title rows and merged cells above it are skipped). A sheet whose header scores
    less than half the best sheet's is left out and named in the notes.
    """
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ReadError(f"无法读取 Excel cannot read {path.name}: {exc}") from exc
    names = [sheet] if sheet else book.sheetnames
    if sheet and sheet not in book.sheetnames:
        raise ReadError(f"工作表不存在 no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    found = []
    for name in names:
        rows = list(book[name].iter_rows(values_only=True))
        header, points = _header_row(rows, score)
        found.append((name, rows, header, points))
    book.close()
    best = max((f[3] for f in found), default=0)
    if best == 0:
        raise ReadError(f"{path.name}: 未找到表头 no recognisable header row in any sheet")
    frames, labels, notes = [], [], []
    for name, rows, header, points in found:
        if points * 2 < best or header < 0:
            notes.append(f"跳过工作表 sheet skipped: {name}")
            continue
        frame, lab = _sheet_frame(name, rows, header)
        frames.append(frame)
        labels += lab
    return RawTable(pd.concat(frames, ignore_index=True), labels, notes=tuple(notes))


def dbf_text(data: bytes) -> bytes:
    """Return the text a .dbf holds (field names, then records), without its binary header."""
    header_len = int.from_bytes(data[8:10], "little")
    names = [data[i:i + 11].split(b"\x00")[0] for i in range(32, header_len - 1, 32)
             if data[i:i + 1] != b"\r"]
    return b" ".join(names) + b" " + data[header_len:]


def _dbf_encoding(path: Path) -> str | None:
    """Return the encoding of a shapefile's .dbf when it has no .cpg (GBK is common)."""
    if path.with_suffix(".cpg").exists() or not path.with_suffix(".dbf").exists():
        return None
    found = detect_encoding(dbf_text(path.with_suffix(".dbf").read_bytes()))
    return "gb18030" if found == "gb18030" else "utf-8"


def read_vector(path: Path, *, encoding: str | None = None) -> RawTable:
    """Read every layer of a vector file (GeoJSON, Shapefile, GeoPackage, KML)."""
    enc = encoding or (_dbf_encoding(path) if path.suffix.lower() in {".shp", ".dbf"}
                       else None)
    try:
        layers = [str(layer) for layer, _ in pyogrio.list_layers(path)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            parts = [pyogrio.read_dataframe(path, layer=layer, encoding=enc) for layer in layers]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ReadError(f"无法读取 cannot read {path.name}: {exc}") from exc
    labels = [f"{layer}#{i + 1}" if len(layers) > 1 else str(i + 1)
              for layer, p in zip(layers, parts, strict=True) for i in range(len(p))]
    if not any(isinstance(p, gpd.GeoDataFrame) for p in parts):
        return RawTable(pd.concat(parts, ignore_index=True), labels, encoding=enc)
    crs = next((p.crs for p in parts if p.crs is not None), None)
    gdf = pd.concat([p.to_crs(crs) if p.crs and crs else p for p in parts], ignore_index=True)
    geometry = gpd.GeoSeries(gdf.geometry.values, crs=crs)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return RawTable(frame, labels, geometry=geometry, encoding=enc)


def read_any(path: str | Path, score: Callable[[list[str]], int], *,
             sheet: str | None = None, encoding: str | None = None,
             limits: ReadLimits | None = None) -> RawTable:
    """Read ``path`` by its extension; ``score`` rates candidate header rows in workbooks.

    A file whose import would need more memory than ``limits`` (``config/storage.toml`` when
    None) allow is refused unread.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"文件不存在 file not found: {path}")
    check_memory(path, limits or load_settings().storage.read)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, encoding=encoding)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, score, sheet=sheet)
    if suffix in VECTOR_SUFFIXES:
        return read_vector(path, encoding=encoding)
    known = ", ".join(sorted(TABLE_SUFFIXES | VECTOR_SUFFIXES))
    raise ReadError(f"不支持的文件类型 unsupported file type {suffix!r}; use one of {known}")
