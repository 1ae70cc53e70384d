"""Parse the values county offices actually type: Chinese dates, units, labels.

Each parser takes a column of raw values (text as read from a file, or numbers and dates as
Excel gives them) and returns the parsed column plus a mask of the values it could not parse;
vectorised, so a million rows cost seconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date

import numpy as np
import pandas as pd

from domain.schema import Field

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
EXCEL_SERIAL_RANGE = (20000, 80000)
"""Numbers read as dates are Excel serial days in this range (1954–2119)."""

_DATE = re.compile(
    r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*"
    r"(?:[:：分]\s*(?:(?P<S>\d{1,2}(?:\.\d+)?)\s*秒?)?)?)?\s*$"
)
_COMPACT_DATE = re.compile(r"^\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\s*$")
_US_DATE = re.compile(
    r"^\s*(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}(?:\.\d+)?))?\s*(?P<p>[AaPp][Mm])?)?\s*$"
)
"""Month first, as US products write dates (NASA: ``8/1/2008 0:00``, ``08/01/2008 02:15:00 PM``);
a first number above 12 is taken as the day."""
_NUMBER = re.compile(r"^\s*(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>\D*?)\s*$")

UNIT_FACTORS: dict[str, dict[str, float]] = {
    "万元": {"万元": 1.0, "万": 1.0, "元": 1e-4, "亿元": 1e4, "亿": 1e4, "千元": 0.1},
    "人": {"人": 1.0, "口": 1.0, "万人": 1e4},
    "户": {"户": 1.0},
    "m": {"m": 1.0, "米": 1.0, "km": 1000.0, "公里": 1000.0, "千米": 1000.0},
    "ha": {"ha": 1.0, "公顷": 1.0, "亩": 1 / 15, "km²": 100.0, "平方公里": 100.0,
           "m²": 1e-4, "平方米": 1e-4},
    "km²": {"km²": 1.0, "km2": 1.0, "平方公里": 1.0, "平方千米": 1.0, "公顷": 0.01, "ha": 0.01},
    "mm": {"mm": 1.0, "毫米": 1.0},
    "%": {"%": 1.0, "％": 1.0},
    "°C": {"°c": 1.0, "℃": 1.0, "度": 1.0},
    "m/s": {"m/s": 1.0, "米/秒": 1.0},
    "万m³": {"万m³": 1.0, "万方": 1.0, "万立方米": 1.0, "m³": 1e-4, "立方米": 1e-4, "方": 1e-4},
}
"""For each field unit, the units accepted in input and the factor to the field unit."""


def per_unique(raw: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, pd.Series]]
               ) -> tuple[pd.Series, pd.Series]:
    """Apply a column parser to the distinct values only, then spread the result back.

    Office columns repeat few values (dates, levels, townships) over many rows, so parsing
    the distinct ones is what makes a million-row import take seconds.
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if len(uniques) == 0 or len(uniques) * 2 > len(raw):  # none given, or few repeats
        return parse(raw)
    parsed, bad = parse(pd.Series(uniques, dtype=object))
    take = np.where(codes >= 0, codes, 0)
    missing = codes < 0
    values = pd.Series(parsed.to_numpy()[take], index=raw.index, dtype=parsed.dtype)
    values[missing] = None
    flags = pd.Series(np.where(missing, False, bad.to_numpy()[take]), index=raw.index)
    return values, flags


def fold(text: str) -> str:
    """Return ``text`` folded for matching: NFKC, lower case, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _as_text(raw: pd.Series) -> pd.Series:
    return raw.map(lambda v: v if isinstance(v, str) or pd.isna(v) else str(v)).astype(object)


def parse_datetimes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates and date-times as offices write them.

    Accepted: ISO, ``2020年9月1日``, ``2020.9.1``, ``2020/9/1``, ``20200901``, the US form
    ``9/1/2020 8:30`` (month first, as NASA writes it), Excel serial numbers and datetime
    objects, each optionally with a time (``8:30``, ``8时30分``).

    Returns:
        The parsed values (datetime64) and the mask of non-empty values that did not parse.
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    given = raw.notna() & (raw.astype(str).str.strip() != "")
    if pd.api.types.is_string_dtype(raw.dtype) and raw.dtype != object:
        is_dt = pd.Series(False, index=raw.index)
    else:
        is_dt = raw.map(lambda v: isinstance(v, date | np.datetime64))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt].astype(object)).astype("datetime64[us]")
    number = pd.to_numeric(raw.where(~is_dt), errors="coerce")
    serial = number.between(*EXCEL_SERIAL_RANGE) & ~raw.astype(str).str.fullmatch(r"\d{8}")
    out[serial] = (EXCEL_EPOCH + pd.to_timedelta(number[serial], unit="D")).dt.round(
        "s").astype("datetime64[us]")
    rest = given & ~is_dt & ~serial
    if rest.any():
        out[rest] = _parse_date_text(raw[rest].astype(str))
    # Excel keeps times as fractions of a day: round away its float error (to the second).
    return out.dt.round("s"), given & out.isna()


def _parse_date_text(text: pd.Series) -> pd.Series:
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if iso.notna().all():
        return iso.astype("datetime64[us]")
    parts = text.str.extract(_DATE)
    compact = text.str.extract(_COMPACT_DATE)
    us = _us_parts(text)
    for col in ("y", "m", "d", "H", "M", "S"):
        if col in compact:
            parts[col] = parts[col].fillna(compact[col])
        parts[col] = parts[col].fillna(us[col])
    for col in ("H", "M", "S"):
        parts[col] = parts[col].fillna("0")
    nums = parts.apply(pd.to_numeric, errors="coerce")
    # to_datetime adds hours, minutes and seconds as durations: 25:00 would be the next day.
    clock = (nums["H"] < 24) & (nums["M"] < 60) & (nums["S"] < 60)
    nums = nums.where(clock)
    stamp = pd.to_datetime(
        {"year": nums["y"], "month": nums["m"], "day": nums["d"], "hour": nums["H"],
         "minute": nums["M"], "second": nums["S"]}, errors="coerce")
    return iso.fillna(stamp).astype("datetime64[us]")


def _us_parts(text: pd.Series) -> pd.DataFrame:
    """Return year, month, day, hour, minute, second of US-style dates (NaN elsewhere)."""
    parts = text.str.extract(_US_DATE)
    swap = pd.to_numeric(parts["m"], errors="coerce") > 12
    parts["m"], parts["d"] = parts["m"].where(~swap, parts["d"]), parts["d"].where(~swap,
                                                                                  parts["m"])
    hour = pd.to_numeric(parts["H"], errors="coerce")
    pm = parts["p"].str.lower().eq("pm").fillna(False)
    am = parts["p"].str.lower().eq("am").fillna(False)
    hour = hour.where(~(pm & (hour < 12)), hour + 12).where(~(am & (hour == 12)), 0)
    parts["H"] = hour.where(hour.notna()).astype(object).where(hour.notna(), None)
    return parts.drop(columns="p")


def parse_numbers(raw: pd.Series, unit: str = "") -> tuple[pd.Series, pd.Series]:
    """Parse numbers written with thousands separators and units (``1,200人``, ``35万元``).

    A value in another known unit of the same kind is converted to ``unit`` (``3500元`` →
    0.35 万元). Returns the floats and the mask of non-empty values that did not parse.
    """
    numeric = pd.to_numeric(raw, errors="coerce")
    out = numeric.astype(float)
    left = raw.notna() & numeric.isna() & (raw.astype(str).str.strip() != "")
    if not left.any():
        return out, left
    text = raw[left].astype(str).str.replace(r"[,，\u3000\s]", "", regex=True)
    parts = text.str.extract(_NUMBER)
    value = pd.to_numeric(parts["num"], errors="coerce")
    factors = {fold(k): v for k, v in UNIT_FACTORS.get(unit, {unit: 1.0}).items()}
    given_unit = parts["unit"].fillna("").map(fold)
    factor = given_unit.map(lambda u: 1.0 if u == "" else factors.get(u, np.nan))
    out[left] = value * factor
    return out, raw.notna() & (raw.astype(str).str.strip() != "") & out.isna()


def choice_lookup(field: Field) -> dict[str, str]:
    """Return {folded form: allowed value} for a field's values, English labels and aliases."""
    lookup: dict[str, str] = {}
    for value, english in (field.choices or {}).items():
        lookup[fold(value)] = value
        lookup[fold(english)] = value
    for alias, value in field.choice_aliases.items():
        lookup[fold(alias)] = value
    return lookup


def parse_choices(raw: pd.Series, lookup: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    """Map values given by Chinese or English label (any case, width) to the allowed value."""
    text = _as_text(raw)
    folded = text.map(lambda v: fold(v) if isinstance(v, str) else v)
    out = folded.map(lambda v: lookup.get(v) if isinstance(v, str) else None)
    given = text.notna() & (text.astype(str).str.strip() != "")
    bad = given & out.isna()
    return out.where(~bad, text), bad
