"""Print-ready lists: the XLSX prints landscape one page wide; the HTML escapes and is local."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from geodata.printable import plain_xlsx, printable_html, printable_xlsx

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
    setup = ws.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == int(ws.PAPERSIZE_A4)
    # one page wide (left out of the file: 1 is the format's default), as many pages tall
    assert setup.fitToWidth in (None, 1) and int(setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$4" and ws.freeze_panes == "A5"
    assert ws["A5"].border.left.style == "thin" and ws["A4"].font.b


def test_xlsx_keeps_text_as_text_and_dates_as_dates() -> None:
    frame = pd.DataFrame({"名称": ["=1+1", "http://example.com/x"],
                          "日期": [date(2026, 10, 31), None],
                          "时间": pd.to_datetime(["2026-10-31 08:30", None])})
    ws = load_workbook(io.BytesIO(printable_xlsx(frame, "t", []))).active
    assert [ws["A3"].value, ws["A4"].value] == ["=1+1", "http://example.com/x"]
    assert ws["A3"].data_type == "s" and not ws["A4"].hyperlink
    assert ws["B3"].value == datetime(2026, 10, 31) and ws["B3"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value == datetime(2026, 10, 31, 8, 30) and ws["B4"].value is None


def test_html_escapes_values_and_loads_nothing() -> None:
    page = printable_html(FRAME, "转移名单 <b>", ["演示数据（虚构）"])
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "转移名单 &lt;b&gt;" in page and "演示数据（虚构）" in page
    assert not re.findall(r"https?://|src=", page.replace("src=x", ""))
    assert page.count("<tr>") == 3 and "@page{size:A4 landscape" in page


def test_plain_xlsx_keeps_text_as_text(tmp_path: Path, demo_frames: dict) -> None:
    from geodata.exporter import export_frame

    path = tmp_path / "sheet.xlsx"
    frame = pd.DataFrame({"名称": ['=HYPERLINK("http://x")', "https://example.com"], "n": [1, 2]})
    plain_xlsx(frame, path, sheet="表")
    ws = load_workbook(path).active
    assert ws.title == "表" and [c.value for c in ws[1]] == ["名称", "n"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == '=HYPERLINK("http://x")'
    assert not ws["A3"].hyperlink and ws["B3"].value == 2
    sites = demo_frames["geohazard_sites"].head(2).copy()
    sites["site_name"] = ["=1+1", "老寨"]
    ws = load_workbook(export_frame("geohazard_sites", sites, tmp_path / "sites.xlsx")).active
    text = [c.value for row in ws.iter_rows() for c in row if c.data_type == "s"]
    assert "=1+1" in text and "老寨" in text, "a site named =1+1 exported as its name"
