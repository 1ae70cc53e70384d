"""Lists meant for paper: an XLSX set up for printing and a self-contained HTML page.

Both carry a title and lines under it (time, source, the demo notice) and the table with its
headers as given. The XLSX prints landscape, one page wide, with the title and header rows
repeated on every page. The HTML page has no outside resource and escapes every value.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

_BOX = {"border": 1, "border_color": "#888888", "text_wrap": True, "valign": "top"}
PLAIN_XLSX = {"strings_to_formulas": False, "strings_to_urls": False,
              "nan_inf_to_errors": True, "remove_timezone": True}
"""Writer options of every XLSX written: text stays text (a value ``=1+1`` is no formula, a
web address no link)."""
_OPTIONS = {**PLAIN_XLSX, "constant_memory": True}  # rows streamed to disk as written


def _cell(value: object) -> object:
    """Return a value the writer takes: NA as empty, numpy scalars as Python ones."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _kind(column: pd.Series) -> str:
    """Return how a column's cells are formatted: ``datetime``, ``date`` or ``value``."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return "datetime"
    first = column.dropna().head(1).tolist()
    if first and isinstance(first[0], datetime):
        return "datetime"
    return "date" if first and isinstance(first[0], date) else "value"


def _width(column: pd.Series, header: object) -> float:
    """Return a column width (characters) from its longest value, within 6–40."""
    values = column.map(lambda v: len(str(v)))
    longest = max(len(str(header)), int(values.max()) if len(values) else 4)
    return min(max(longest * 1.6, 6), 40)


def printable_xlsx(frame: pd.DataFrame, title: str, lines: Sequence[str], *,
                   sheet: str = "Sheet1") -> bytes:
    """Return an XLSX workbook of ``frame`` under ``title`` and ``lines``, ready to print."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _OPTIONS)
    formats = {"value": book.add_format(_BOX),
               "date": book.add_format({**_BOX, "num_format": "yyyy-mm-dd"}),
               "datetime": book.add_format({**_BOX, "num_format": "yyyy-mm-dd hh:mm:ss"})}
    ws = book.add_worksheet(sheet[:31])
    width = max(len(frame.columns), 1)
    heading = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    if width > 1:
        ws.merge_range(0, 0, 0, width - 1, title, heading)
    else:
        ws.write_string(0, 0, title, heading)
    for row, line in enumerate(lines, start=1):
        ws.write_string(row, 0, line)
    header_row = len(lines) + 1
    ws.write_row(header_row, 0, [str(c) for c in frame.columns],
                 book.add_format({**_BOX, "bold": True}))
    kinds = [formats[_kind(frame.iloc[:, i])] for i in range(len(frame.columns))]
    for row, values in enumerate(frame.itertuples(index=False), start=header_row + 1):
        for col, value in enumerate(values):
            ws.write(row, col, _cell(value), kinds[col])
    for i, column in enumerate(frame.columns):
        ws.set_column(i, i, _width(frame.iloc[:, i], column))
    ws.repeat_rows(0, header_row)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.freeze_panes(header_row + 1, 0)
    book.close()
    return out.getvalue()


def plain_xlsx(frame: pd.DataFrame, path: str | Path, *, sheet: str = "Sheet1") -> None:
    """Write ``frame`` to an XLSX file as plain values, headers in the first row."""
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        engine_kwargs={"options": PLAIN_XLSX}) as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet)


def printable_html(frame: pd.DataFrame, title: str, lines: Sequence[str]) -> str:
    """Return a self-contained HTML page of ``frame`` that prints cleanly (values escaped)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if _cell(v) is None else str(v))}</td>"
                         for v in row) + "</tr>"
        for row in frame.itertuples(index=False))
    notes = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5em}"
        "h1{font-size:20pt;text-align:center}p{margin:.2em 0}"
        "table{border-collapse:collapse;width:100%;margin-top:.8em;font-size:10.5pt}"
        "th,td{border:1px solid #666;padding:3px 5px;vertical-align:top}th{background:#eee}"
        "thead{display:table-header-group}tr{page-break-inside:avoid}"
        "@page{size:A4 landscape;margin:12mm}"
        f"</style></head><body><h1>{html.escape(title)}</h1>{notes}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )
