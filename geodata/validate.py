"""Row validation generated from the schema: coerce types, then check every rule.

Checks are vectorised per column, so validating a large frame costs a few passes over it,
not a Python loop per row. Every problem names the row, the column and the value.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from domain.errors import Problem
from domain.schema import STORAGE_CRS, Field, Table, get_table

GEOMETRY_TYPES: dict[str, set[str]] = {
    "point": {"Point"},
    "line": {"LineString", "MultiLineString"},
    "polygon": {"Polygon", "MultiPolygon"},
}
PANDAS_DTYPES: dict[str, str] = {
    "text": "str",
    "integer": "Int64",
    "real": "float64",
    "date": "datetime64[us]",
    "timestamp": "datetime64[us]",
    "boolean": "boolean",
    "binary": "object",
}
"""The pandas dtype of each column type, in validated frames and in frames read back."""
PATTERN_HINTS = {
    r"\d{12}": "应为 12 位数字的统计用区划代码 must be a 12-digit code",
    r"1\d{10}": "应为 11 位手机号码 must be an 11-digit mobile number",
}
"""What a text pattern asks for, said in words (a regular expression is no message)."""
INTEGER_LIMIT = 2**53
"""Whole numbers beyond this are not exact as floats (files give them as text or floats)."""
_TRUE = {"true", "1", "是", "y", "yes", "t", "√"}
_FALSE = {"false", "0", "否", "n", "no", "f", "×", ""}


def _problems(table: str, column: str | None, values: pd.Series, mask: pd.Series,
              reason: str) -> list[Problem]:
    """Return one error per row of ``values`` where ``mask`` holds."""
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [Problem(table, int(r), column, _plain(values.iloc[r]), reason) for r in rows]


def _plain(value: object) -> object:
    """Return None for any kind of missing value (NaN, NA, NaT), the value otherwise."""
    return None if pd.api.types.is_scalar(value) and pd.isna(value) else value


def _as_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    return s.astype(PANDAS_DTYPES["text"]), pd.Series(False, index=s.index)


def _as_number(s: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    num = pd.to_numeric(s, errors="coerce")
    num = num.where(~np.isinf(num.astype(float)))  # "inf" is no measurement
    bad = s.notna() & num.isna()
    if integer:
        bad |= num.notna() & ((num != np.round(num)) | (num.abs() > INTEGER_LIMIT))
        num = num.where(~bad)
        return num.astype(PANDAS_DTYPES["integer"]), bad
    return num.astype(PANDAS_DTYPES["real"]), bad


def _as_datetime(s: pd.Series, *, date_only: bool) -> tuple[pd.Series, pd.Series]:
    out = pd.to_datetime(s, errors="coerce").astype(PANDAS_DTYPES["timestamp"])
    bad = s.notna() & out.isna()
    return (out.dt.normalize() if date_only else out), bad


def _as_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    def parse(v: object) -> object:
        if isinstance(v, bool | np.bool_):
            return bool(v)
        text = str(v).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return None

    parsed = s.map(lambda v: pd.NA if pd.isna(v) else parse(v))
    bad = s.notna() & parsed.isna()
    return parsed.astype(PANDAS_DTYPES["boolean"]), bad


def _as_bytes(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    bad = s.notna() & ~s.map(lambda v: isinstance(v, bytes | bytearray | memoryview))
    return s.where(~bad).astype(object), bad


_COERCE: dict[str, Callable[[pd.Series], tuple[pd.Series, pd.Series]]] = {
    "text": _as_text,
    "integer": lambda s: _as_number(s, integer=True),
    "real": lambda s: _as_number(s, integer=False),
    "date": lambda s: _as_datetime(s, date_only=True),
    "timestamp": lambda s: _as_datetime(s, date_only=False),
    "boolean": _as_bool,
    "binary": _as_bytes,
}
_TYPE_REASON = {
    "text": "不是文本 not text",
    "integer": "不是整数 not a whole number",
    "real": "不是数字 not a number",
    "date": "不是日期 not a date",
    "timestamp": "不是时间 not a date-time",
    "boolean": "不是 是/否 not yes/no",
    "binary": "不是文件内容 not bytes",
}


def _check_rules(table: Table, field: Field, raw: pd.Series, col: pd.Series,
                 bad_type: pd.Series) -> list[Problem]:
    """Check required, allowed values, bounds and pattern of one coerced column.

    Rows whose value could not be converted (``bad_type``) were reported already.
    """
    found: list[Problem] = []
    if table.is_required(field.name):
        empty = col.isna() & ~bad_type
        found += _problems(table.name, field.name, raw, empty, "必填项为空 required")
    present = col.notna() & ~bad_type
    if field.choices is not None:
        allowed = "、".join(field.choices)
        bad = present & ~col.isin(list(field.choices))
        found += _problems(table.name, field.name, raw, bad, f"不在允许值中 allowed: {allowed}")
    if field.minimum is not None:
        bad = present & (col < field.minimum).fillna(False)
        found += _problems(table.name, field.name, raw, bad, f"小于最小值 below {field.minimum}")
    if field.maximum is not None:
        bad = present & (col > field.maximum).fillna(False)
        found += _problems(table.name, field.name, raw, bad, f"大于最大值 above {field.maximum}")
    if field.pattern is not None:
        bad = present & ~col.str.fullmatch(field.pattern).fillna(False)
        found += _problems(table.name, field.name, raw, bad,
                           PATTERN_HINTS.get(field.pattern, "格式不符 not in the expected form"))
    return found


def _check_columns(table: Table, frame: pd.DataFrame) -> list[Problem]:
    known = set(table.columns) | ({"geometry"} if table.geometry else set())
    found = [Problem(table.name, None, c, None, "表结构中没有此列 unknown column")
             for c in frame.columns if c not in known]
    if len(frame) == 0:
        return found  # no rows: nothing can be missing from them
    found += [Problem(table.name, None, c, None, "缺少必填列 required column missing")
              for c in table.columns if table.is_required(c) and c not in frame.columns]
    return found


def _check_keys(table: Table, out: pd.DataFrame) -> list[Problem]:
    key = list(table.primary_key)
    dup = out.duplicated(subset=key, keep="first") & out[key].notna().all(axis=1)
    reason = "主键重复 duplicate key: " + ", ".join(key)
    return _problems(table.name, key[0], out[key[0]], dup, reason)


def _geometry(table: Table, frame: pd.DataFrame) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Return the geometry in the storage CRS and the problems found in it."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name != "geometry":
        if table.geometry_required and len(frame):
            return gpd.GeoSeries([None] * len(frame), index=frame.index, crs=STORAGE_CRS), [
                Problem(table.name, None, "geometry", None, "缺少位置 geometry missing")
            ]
        return gpd.GeoSeries([None] * len(frame), index=frame.index, crs=STORAGE_CRS), []
    geom = frame.geometry
    if geom.crs is None and geom.notna().any():
        reason = "坐标系未知 CRS unknown: set it (e.g. EPSG:4326) before storing"
        return geom, [Problem(table.name, None, "geometry", None, reason)]
    geom = geom.to_crs(STORAGE_CRS) if geom.crs is not None else geom.set_crs(STORAGE_CRS)
    missing = geom.isna() | geom.is_empty
    found: list[Problem] = []
    if table.geometry_required:
        found += _problems(table.name, "geometry", geom, missing, "缺少位置 geometry missing")
    allowed = GEOMETRY_TYPES[table.geometry or "point"]
    wrong = ~missing & ~geom.geom_type.isin(allowed)
    found += _problems(table.name, "geometry", geom.geom_type, wrong,
                       f"几何类型应为 geometry must be {'/'.join(sorted(allowed))}")
    invalid = ~missing & ~wrong & ~geom.is_valid
    found += _problems(table.name, "geometry", geom, invalid, "几何无效 invalid geometry")
    return geom, found


def validate(table_name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Coerce ``frame`` to the declared types of ``table_name`` and check every rule.

    Args:
        table_name: A declared table.
        frame: Incoming rows; a GeoDataFrame (with a CRS) for tables with geometry.

    Returns:
        The coerced frame (declared columns in order, missing optional ones empty; a
        GeoDataFrame in the storage CRS for tables with geometry) and the problems found.
    """
    table = get_table(table_name)
    frame = frame.reset_index(drop=True)
    problems = _check_columns(table, frame)
    out = pd.DataFrame(index=frame.index)
    for field in table.fields:
        given = field.name in frame.columns
        raw = frame[field.name] if given else pd.Series(None, index=frame.index, dtype=object)
        col, bad = _COERCE[field.type](raw)
        out[field.name] = col
        if given:
            problems += _problems(table.name, field.name, raw, bad, _TYPE_REASON[field.type])
            problems += _check_rules(table, field, raw, col, bad)
    problems += _check_keys(table, out)
    if table.geometry:
        geom, found = _geometry(table, frame)
        problems += found
        out = gpd.GeoDataFrame(out, geometry=geom.reset_index(drop=True), crs=STORAGE_CRS)
    return out, problems
