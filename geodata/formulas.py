"""Text a spreadsheet would run as a formula: neutralised in CSV written, restored when read.

Excel, WPS and LibreOffice treat a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return as a formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``). Every CSV
County Risk Map writes goes through ``write_csv``, which puts an apostrophe before such
text, as OWASP advises; numbers, and text that is a plain number (``-12.5``), stay as they
are. The CSV reader takes the apostrophe off again (``restore_text``), so an exported file
imports back to the same values. XLSX needs none of this: its writer keeps text as text
(``geodata.printable.PLAIN_XLSX``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_START = r"[=+\-@\t\r]"
"""First characters that make a spreadsheet read a cell as a formula."""
PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
"""Text that is just a number: a spreadsheet reads it as that number, nothing is run."""
QUOTE = "'"


def _risky(text: pd.Series) -> pd.Series:
    """Return where ``text`` (string dtype) would be read as a formula once read back.

    Text that already begins with apostrophes before such a character gets one more too,
    so that reading it back (``restore_text``) gives it as it was.
    """
    starts = text.str.match(f"{QUOTE}*{FORMULA_START}").fillna(False).astype(bool)
    number = text.str.fullmatch(PLAIN_NUMBER).fillna(False).astype(bool)
    return starts & ~number


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every formula-like text cell behind an apostrophe.

    Numeric, boolean and date columns are left alone; the frame given is not changed.
    """
    changed = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "biufcmM":
            continue
        text = column.astype("string")
        risky = _risky(text)
        if risky.any():
            changed[name] = column.astype(object).mask(risky, QUOTE + text)
    return frame.assign(**changed) if changed else frame


def restore_text(column: pd.Series) -> pd.Series:
    """Return a column of text read from CSV with the apostrophe ``neutralise`` adds taken off."""
    quoted = column.str.match(f"{QUOTE}{QUOTE}*{FORMULA_START}").fillna(False).astype(bool)
    return column.mask(quoted, column.str.slice(1)) if quoted.any() else column


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as CSV for Excel: UTF-8 with BOM, formula-like text neutralised.

    Lines end in CR LF (RFC 4180), so a field holding either character is quoted.
    """
    neutralise(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
