"""Print-ready lists: the XLSX prints landscape one page wide; the HTML escapes and is local."""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl import load_workbook

from geodata.printable import printable_html, printable_xlsx

FRAME = pd.DataFrame({"隐患点名称": ["<img src=x onerror=alert(1)>", "老寨"],
                      "威胁人数 (人)": [120, pd.NA], "电话": ["13900000000", None]})


def test_xlsx_is_set_up_for_printing() -> None:
    book = load_workbook(io.BytesIO(printable_xlsx(FRAME, "转移名单", ["预警时间 2026-10-31",
                                                                     "演示数据（虚构）"])))
    ws = book.active
    assert ws["A1"].value == "转移名单" and ws["A3"].value == "演示数据（虚构）"
    assert [c.value for c in ws[4]] == list(FRAME.columns)
    assert [c.value for c in ws[5]] == ["<img src=x onerror=alert(1)>", 120, "13900000000"]
    assert [c.value for c in ws[6]] == ["老寨", None, None]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$4"


def test_html_escapes_values_and_loads_nothing() -> None:
    page = printable_html(FRAME, "转移名单 <b>", ["演示数据（虚构）"])
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "转移名单 &lt;b&gt;" in page and "演示数据（虚构）" in page
    assert not re.findall(r"https?://|src=", page.replace("src=x", ""))
    assert page.count("<tr>") == 3 and "@page{size:A4 landscape" in page
