"""Lists meant for paper: an XLSX set up for printing and a self-contained HTML page.

Both carry a title and lines under it (time, source, the demo notice) and the table with its
headers as given. The XLSX prints landscape, one page wide, with the title and header rows
repeated on every page. The HTML page has no outside resource and escapes every value.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

_THIN = Side(style="thin", color="888888")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _cell(value: object) -> object:
    """Return a value openpyxl can write: NA as empty, numpy scalars as Python ones."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def printable_xlsx(frame: pd.DataFrame, title: str, lines: Sequence[str], *,
                   sheet: str = "Sheet1") -> bytes:
    """Return an XLSX workbook of ``frame`` under ``title`` and ``lines``, ready to print."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    width = max(len(frame.columns), 1)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    for line in lines:
        ws.append([line])
    header_row = ws.max_row + 1
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for cells in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=width):
        for c in cells:
            c.border = _BOX
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for c in ws[header_row]:
        c.font = Font(bold=True)
    for i, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in frame.iloc[:, i - 1])], default=4)
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest * 1.6, 6), 40)
    ws.print_title_rows = f"1:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
