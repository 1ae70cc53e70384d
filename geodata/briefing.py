"""Write a briefing (``domain.briefing.Briefing``) as Word and as PDF: the same content.

Word (.docx, python-docx) stays editable: offices edit before issuing. Its text is set in
仿宋 with 黑体 headings (the usual faces of a 通报; Word substitutes what the reader's machine
has). The PDF (fpdf2) embeds the system's Chinese font, subset to the characters used
(``fonts-noto-cjk``, installed by ``make run`` and ``make test``; the caller names the file,
``maps.static.cjk_font_file``). Both number their pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.fonts import FontFace

from domain.briefing import Briefing, BriefTable

BODY_FONT, HEADING_FONT = "仿宋", "黑体"
MAP_WIDTH_CM = 12.0
DEMO_RED = (179, 0, 0)


def _cells(frame: pd.DataFrame) -> Iterator[list[str]]:
    """The table's rows as text, a missing value as —."""
    for row in frame.itertuples(index=False):
        yield ["—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
               for v in row]


# --- Word ---------------------------------------------------------------------------------


def _east_asian(run, font: str) -> None:
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _page_number(paragraph) -> None:
    """A PAGE field: Word writes each page's number."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def _docx_table(doc, table: BriefTable) -> None:
    caption = doc.add_paragraph()
    _east_asian(caption.add_run(table.caption), HEADING_FONT)
    grid = doc.add_table(rows=1, cols=len(table.frame.columns), style="Table Grid")
    header = OxmlElement("w:tblHeader")  # the heading row repeats on every page the table spans
    header.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(header)
    for cell, name in zip(grid.rows[0].cells, table.frame.columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(name))
        run.bold = True
        _east_asian(run, HEADING_FONT)
    for values in _cells(table.frame):
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            cell.text = ""
            _east_asian(cell.paragraphs[0].add_run(value), BODY_FONT)


def docx_bytes(brief: Briefing) -> bytes:
    """Return the briefing as a Word document."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, as the PDF
    section.left_margin = section.right_margin = Cm(2.6)
    doc.core_properties.title, doc.core_properties.author = brief.title, brief.issuer
    doc.core_properties.created = datetime.now()
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(brief.title)
    run.font.size, run.bold = Pt(20), True
    _east_asian(run, HEADING_FONT)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(sub.add_run(f"{brief.issuer}　{brief.date_line}"), BODY_FONT)
    if brief.notice:
        line = doc.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = line.add_run(brief.notice)
        run.bold, run.font.color.rgb = True, RGBColor(*DEMO_RED)
        _east_asian(run, HEADING_FONT)
    for heading, part in brief.numbered():
        head = doc.add_paragraph(style="Heading 1")  # a heading: Word's outline lists it
        run = head.add_run(heading)
        run.font.color.rgb = RGBColor(0, 0, 0)
        run.bold, run.font.size = True, Pt(15)
        _east_asian(run, HEADING_FONT)
        for text in part.paragraphs:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24)
            _east_asian(paragraph.add_run(text), BODY_FONT)
        for key in part.maps:
            if key in brief.maps:
                doc.add_picture(io.BytesIO(brief.maps[key]), width=Cm(MAP_WIDTH_CM))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for table in part.tables:
            _docx_table(doc, table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------


def _collection_index(path: str) -> int:
    """The simplified-Chinese face of a font collection (``… SC``), else the first."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    fonts = TTCollection(path, lazy=True).fonts
    for i, font in enumerate(fonts):
        if " SC" in str(font["name"].getDebugName(1)):
            return i
    return 0


# 禁则: no line starts with closing punctuation or ends with opening punctuation.
_NO_LINE_START = set("，。、；：？！）》」』】〕％%,.;:?!)]}·…—")
_NO_LINE_END = set("（《「『【〔([{“‘")
_UNBROKEN = re.compile(r"[0-9A-Za-z.,:/%+\-×~～]+|\s+|.")


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between: one Chinese character, or a whole number or word.

    fpdf2 breaks only at spaces, and Chinese has none, so it would cut ``1,234`` or a date
    anywhere. Closing punctuation is glued to the piece before it, opening punctuation to
    the piece after it.
    """
    pieces: list[str] = []
    for match in _UNBROKEN.finditer(text):
        piece = match.group()
        if pieces and (piece[0] in _NO_LINE_START or pieces[-1][-1] in _NO_LINE_END):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` wrapped to ``width`` (mm, in the current font) between ``_tokens``."""
    lines, line = [], ""
    for piece in _tokens(text):
        if line and pdf.get_string_width(line + piece) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    return [*lines, line.rstrip()]


def _paragraph(pdf: FPDF, text: str, height: float, align: str = "L") -> None:
    """A paragraph of Chinese text, wrapped by ``_lines``, never inside a number."""
    for line in _lines(pdf, text, pdf.epw - 0.5):
        pdf.cell(0, height, line, align=align, new_x="LMARGIN", new_y="NEXT")


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("cjk", size=9)
        self.cell(0, 10, f"— {self.page_no()} —", align="C")


def _column_widths(pdf: FPDF, rows: list[list[str]]) -> tuple[float, ...]:
    """Each column as wide as its longest text, within 4 cm: long reasons wrap, ranks don't."""
    padding, widest = 3.0, 40.0
    return tuple(min(widest, max(pdf.get_string_width(v) for v in column) + padding)
                 for column in zip(*rows, strict=True))


def _pdf_table(pdf: FPDF, table: BriefTable) -> None:
    pdf.set_font("cjk", size=11)
    _paragraph(pdf, table.caption, 7)
    pdf.set_font("cjk", size=8)
    heading = FontFace(emphasis=None, fill_color=(230, 230, 230))
    rows = [[str(c) for c in table.frame.columns], *_cells(table.frame)]
    with pdf.table(headings_style=heading, line_height=5, text_align="LEFT",
                   col_widths=_column_widths(pdf, rows)) as grid:
        for values in rows:
            grid.row(values)
    pdf.ln(3)


def pdf_bytes(brief: Briefing, font_file: str, body_font_file: str | None = None) -> bytes:
    """Return the briefing as a PDF with its Chinese fonts embedded.

    ``font_file`` sets headings and tables (a sans, as 黑体), ``body_font_file`` the
    paragraphs (a serif, as 仿宋; the same font when None).
    """
    pdf = _Pdf(format="A4")
    pdf.set_title(brief.title)
    pdf.set_author(brief.issuer)
    pdf.set_margins(22, 20, 22)
    pdf.add_font("cjk", "", font_file, collection_font_number=_collection_index(font_file))
    body = body_font_file or font_file
    pdf.add_font("body", "", body, collection_font_number=_collection_index(body))
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    _paragraph(pdf, brief.title, 12, align="C")
    pdf.set_font("cjk", size=12)
    _paragraph(pdf, f"{brief.issuer}　{brief.date_line}", 8, align="C")
    if brief.notice:
        pdf.set_text_color(*DEMO_RED)
        _paragraph(pdf, brief.notice, 8, align="C")
        pdf.set_text_color(0, 0, 0)
    for heading, part in brief.numbered():
        pdf.ln(2)
        pdf.set_font("cjk", size=15)
        _paragraph(pdf, heading, 10)
        pdf.set_font("body", size=12)
        for text in part.paragraphs:
            _paragraph(pdf, "　　" + text, 7)
        for key in part.maps:
            if key in brief.maps:  # about half a page: text and map share it
                pdf.image(io.BytesIO(brief.maps[key]), w=pdf.epw * 0.7, x=pdf.l_margin
                          + pdf.epw * 0.15)
        for table in part.tables:
            _pdf_table(pdf, table)
    return bytes(pdf.output())
