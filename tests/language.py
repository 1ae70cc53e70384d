"""What counts as text of the other language on a screen (shared by the language tests).

Data values (township, department and person names, descriptions, IDs) are allowed in
either language; the values of a fixed list (``Field.choices``) are not: they have labels in
both languages. Commands and file names written as code (backticks) are not language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from domain.schema import FIELDS
from geodata.store import Store

HAN = re.compile(r"[\u4e00-\u9fff]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_'’-]*[A-Za-z]")
CODE = re.compile(r"`[^`]*`|<style>.*?</style>|<[^<>]+>|\b[0-9a-f]{12,64}\b", re.DOTALL)
"""Code spans, style sheets, HTML tags and hexadecimal fingerprints (a configuration's hash
such as ``35fa4a2f266e2a52``): not text a user reads."""
TECHNICAL = {
    # units, formats, standards and names written the same in both languages
    "mm", "km", "ha", "MB", "KB", "CSV", "XLSX", "GeoJSON", "GEOJSON", "GPKG", "SHP", "KML",
    "ZIP", "JSON", "TOML", "Excel", "Word", "PDF", "HTML", "WGS", "CGCS", "GCJ", "BD", "EPSG",
    "OSM", "OpenStreetMap", "FIRMS", "NASA", "Leaflet", "DuckDB", "English", "Language",
}
TECHNICAL = {word.upper() for word in TECHNICAL}
"""Latin words a Chinese screen may show, in capitals (the language switch offers English by
name)."""
CHINESE_ALLOWED = {"中文", "语言"}
"""The language switch names Chinese in Chinese on the English screen."""


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values)


def data_values(db: Path) -> set[str]:
    """Return every text value stored in ``db`` outside fixed lists, and its labels."""
    values: set[str] = set()
    with Store(db, read_only=True) as store:
        meta = store.meta()
        for name in store.counts():
            frame = store.read(name)
            for column in frame.columns:
                field = FIELDS.get(column)
                if field is not None and field.choices:
                    continue
                if _is_text(frame[column]):
                    values |= {v for v in frame[column].dropna().unique() if isinstance(v, str)}
    values |= {v for k, v in meta.items() if k.startswith("dataset_label") and v}
    return {v for v in values if v.strip()}


class Screen:
    """The texts of one screen, checked against the other language."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed
        self._lengths: dict[str, list[int]] = {}
        """The lengths of the allowed values, by their first character."""
        for value in allowed:
            self._lengths.setdefault(value[0], []).append(len(value))
        self._lengths = {c: sorted(set(n)) for c, n in self._lengths.items()}
        self._seen: dict[str, str] = {}

    def _without_data(self, text: str) -> str:
        """Return ``text`` with every allowed value in it blanked, the longest first.

        The values in it are found by looking up, at each position, the slices of the
        lengths of the values starting with that character (a set lookup each), not by
        searching the text for every value.
        """
        if text in self.allowed:
            return ""
        if text in self._seen:
            return self._seen[text]
        found = {text[i:i + n] for i, char in enumerate(text)
                 for n in self._lengths.get(char, ()) if text[i:i + n] in self.allowed}
        rest = text
        for value in sorted(found, key=lambda v: (-len(v), v)):  # a name before a code in it
            rest = rest.replace(value, " ")
        self._seen[text] = rest
        return rest

    def foreign(self, texts: Iterable[str], lang: str) -> list[str]:
        """Return the pieces of ``texts`` written in the language other than ``lang``."""
        found: list[str] = []
        for text in texts:
            rest = self._without_data(CODE.sub(" ", str(text)))
            if lang == "en":
                found += [run for run in HAN.findall(rest) if run not in CHINESE_ALLOWED]
            else:
                found += [w for w in LATIN_WORD.findall(rest) if w.upper() not in TECHNICAL]
        return sorted(set(found))


def frame_texts(frame: pd.DataFrame) -> list[str]:
    """Return a table's headings and its distinct text cells."""
    out = [str(c) for c in frame.columns]
    for column in frame.columns:
        values = frame[column]
        if _is_text(values) or isinstance(values.dtype, pd.CategoricalDtype):
            out += [str(v) for v in pd.unique(values.dropna().astype(str))]
    return out
