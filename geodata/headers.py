"""Match a file's column headers to schema fields, in Chinese or English, as offices write them.

A header matches a field by its name, its Chinese or English label (with or without the unit),
or one of its declared aliases; case, full/half width, white space, a leading ``*`` and a
bracketed unit are ignored. An explicit mapping overrides everything. ``lon``, ``lat`` and
``wkt`` are the pseudo-fields that carry a location in tables without a geometry column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from domain.schema import FIELDS, TABLE_HEADER_ALIASES, get_table
from domain.values import fold

LOCATION_ALIASES: dict[str, tuple[str, ...]] = {
    "lon": ("lon", "lng", "long", "longitude", "经度", "东经", "x", "x坐标", "横坐标",
            "中心经度", "经度(°)"),
    "lat": ("lat", "latitude", "纬度", "北纬", "y", "y坐标", "纵坐标", "中心纬度", "纬度(°)"),
    "wkt": ("wkt", "geometry", "geom", "shape", "几何", "空间位置", "几何wkt", "位置wkt"),
}
"""Pseudo-fields for a location given in columns; X is taken as easting (see coords)."""

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


def _keys(text: str) -> list[str]:
    folded = fold(text).lstrip("*")
    bare = _BRACKETS.sub("", folded)
    return [folded, bare] if bare != folded and bare else [folded]


@dataclass
class HeaderMatch:
    """Which header feeds which field, and which headers were left unused."""

    fields: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    def rename(self) -> dict[str, str]:
        """Return {header: field} for renaming the raw frame."""
        return {header: name for name, header in self.fields.items()}


def _candidates(table_name: str, *, location: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Return (strong, weak) lookups from folded header to field for one table."""
    table = get_table(table_name)
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    for name in table.columns:
        f = FIELDS[name]
        legacy = f"{f.en} ({f.unit})"  # English exports before units were translated
        for text in (f.name, f.zh, f.en, f.label("zh"), f.label("en"), legacy):
            for key in _keys(text):
                strong.setdefault(key, name)
        for alias in (*TABLE_HEADER_ALIASES.get(table_name, {}).get(name, ()), *f.aliases):
            for key in _keys(alias):
                weak.setdefault(key, name)
    if location:
        for name, aliases in LOCATION_ALIASES.items():
            for alias in aliases:
                for key in _keys(alias):
                    strong.setdefault(key, name)
    return strong, weak


def match_headers(table_name: str, headers: Iterable[str], *,
                  mapping: Mapping[str, str] | None = None,
                  location: bool = True) -> HeaderMatch:
    """Match ``headers`` to the fields of ``table_name``; ``mapping`` {header: field} wins.

    A mapping to ``""`` leaves that column out.

    Each field takes the header that matches it best: a mapping before an exact field name
    or label, a name or label before an alias, then the first in the file. The others that
    match it are reported as duplicates (their column is not imported).
    """
    strong, weak = _candidates(table_name, location=location)
    explicit = {fold(k): v for k, v in (mapping or {}).items()}
    ranked: list[tuple[str, str, int]] = []
    found = HeaderMatch()
    for header in map(str, headers):
        keys = _keys(header)
        target, rank = explicit.get(fold(header)), 0
        if target == "":  # the mapping leaves this column out
            found.ignored.append(header)
            continue
        if target is None:
            target, rank = next((strong[k] for k in keys if k in strong), None), 1
        if target is None:
            target, rank = next((weak[k] for k in keys if k in weak), None), 2
        if target is None:
            found.ignored.append(header)
        else:
            ranked.append((header, target, rank))
    best = {t: min((r, i) for i, (_, f, r) in enumerate(ranked) if f == t)
            for t in {f for _, f, _ in ranked}}
    for i, (header, target, rank) in enumerate(ranked):
        if best[target] == (rank, i):
            found.fields[target] = header
        else:
            found.duplicates.append((header, target))
    found.fields = {t: found.fields[t] for t in sorted(found.fields, key=lambda t: best[t][1])}
    return found


def header_score(table_name: str) -> Callable[[list[str]], int]:
    """Return a function counting how many cells of a row are headers of ``table_name``."""
    strong, weak = _candidates(table_name, location=True)

    def score(cells: list[str]) -> int:
        return sum(any(k in strong or k in weak for k in _keys(c)) for c in cells)

    return score
