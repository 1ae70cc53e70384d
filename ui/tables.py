"""Tables as shown: every heading and every value of a fixed list in the page's language.

One rule for every table of the app: a column that is a schema field is headed by its label
(with its unit) and its allowed values are shown in the language; township codes become one
column of township names; whole days are shown without ``00:00:00``; other columns take
their heading from the text table (``col.<name>``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd

from domain.schema import FIELDS, Lang
from ui.i18n import TEXT, t

TOWNSHIP_COLUMNS = ("township_code", "township_name")


def plain_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with each date-time column of whole days as dates (no 00:00:00)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            given = values.dropna()
            if (given == given.dt.normalize()).all():
                out[column] = values.dt.date
    return out


def heading(column: str, lang: Lang, headings: Mapping[str, str] | None = None) -> str:
    """Return the heading of ``column``: given, township, ``col.<name>``, field label, name."""
    if headings and column in headings:
        return headings[column]
    if column in TOWNSHIP_COLUMNS:
        return t("township", lang)
    if f"col.{column}" in TEXT:
        return t(f"col.{column}", lang)
    if column in FIELDS:
        return FIELDS[column].label(lang)
    return column


def choice_format(field: str, lang: Lang) -> Callable[[object], str]:
    """Return a ``format_func`` showing the allowed values of ``field`` in ``lang``."""
    return lambda value: FIELDS[field].choice_label(str(value), lang)


def _values(values: pd.Series, lang: Lang) -> pd.Series:
    if _days(values):  # days with gaps: written out, "" for none (Arrow refuses "" among dates)
        return values.map(lambda v: "" if pd.isna(v) else v.isoformat()).astype(object)
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = values.where(values.notna(), "")  # never "None" on screen
    field = FIELDS.get(str(values.name))
    if lang == "zh" or field is None or not field.choices:
        return values
    return values.astype(object).map(
        lambda v: field.choice_label(v, lang) if isinstance(v, str) else v)


def counts_or_dash(values: pd.Series) -> pd.Series:
    """Return counts as whole numbers, "—" where missing (a register not loaded, never 0)."""
    return values.map(lambda v: "—" if pd.isna(v) else int(v))


def _days(values: pd.Series) -> bool:
    """Return whether ``values`` are days (``plain_dates``' dates), some of them missing."""
    if values.dtype != object or not values.isna().any():
        return False
    given = values.dropna()
    return len(given) > 0 and all(isinstance(v, date) for v in given)


def in_language(frame: pd.DataFrame, lang: Lang,
                names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return ``frame`` with its values as shown in ``lang``, columns unchanged (tooltips)."""
    out = plain_dates(frame)
    if "township_code" in out and names is not None:
        codes = out["township_code"]
        out["township_code"] = codes.map(names).fillna(codes)
    for column in out.columns:
        if column != "geometry":
            out[column] = _values(out[column], lang)
    return out


def localise(frame: pd.DataFrame, lang: Lang, *, names: Mapping[str, str] | None = None,
             headings: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return ``frame`` as shown in ``lang`` (see the module); ``names`` maps township codes."""
    if "township_code" in frame and "township_name" in frame:
        frame = frame.drop(columns="township_code")
    out = in_language(frame, lang, names)
    return out.rename(columns={c: heading(str(c), lang, headings) for c in out.columns})


def _cell(value: object) -> str:
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return f"{value:%Y-%m-%d}"  # a day, not a day at 00:00:00
    return str(value)


def record(row: pd.Series, lang: Lang, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return one record as two columns (field, value), empty values left out."""
    shown = localise(row.drop(labels="geometry", errors="ignore").to_frame().T, lang,
                     names=names).iloc[0]
    kept = shown[[pd.notna(v) and str(v) != "" for v in shown]]
    return pd.DataFrame({t("record.field", lang): list(kept.index),
                         t("record.value", lang): [_cell(v) for v in kept]})
