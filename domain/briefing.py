"""The meeting briefing's content: numbered sections of paragraphs, tables and maps.

Built by ``analytics.briefing.compose``, written by ``geodata.briefing`` as Word and PDF (the
same content in both).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

NUMERALS = "一二三四五六七八九十"
DEMO_NOTICE = "演示数据（虚构）"
"""Printed on the briefing and on each of its maps when the data is the demo's."""


@dataclass(frozen=True)
class BriefTable:
    """A table of the briefing, with its caption (headings are the frame's columns)."""

    caption: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Section:
    """A numbered section: paragraphs, then tables, then map images (keys of ``maps``)."""

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[BriefTable, ...] = ()
    maps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Briefing:
    """The whole briefing: heading lines, sections, and the map images they name (PNG)."""

    title: str
    issuer: str
    date_line: str
    notice: str | None
    sections: tuple[Section, ...]
    maps: Mapping[str, bytes] = field(default_factory=dict)

    def numbered(self) -> list[tuple[str, Section]]:
        """Return the sections with their headings, 一、… in order."""
        return [(f"{NUMERALS[i]}、{s.title}", s) for i, s in enumerate(self.sections)]
