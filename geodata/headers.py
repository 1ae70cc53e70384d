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

from domain.schema import FIELDS, get_table
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
        for text in (f.name, f.zh, f.en, f.label("zh"), f.label("en")):
            for key in _keys(text):
                strong.setdefault(key, name)
        for alias in f.aliases:
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

    Each field takes the first header that matches it; later ones are reported as duplicates.
    """
    strong, weak = _candidates(table_name, location=location)
    explicit = {fold(k): v for k, v in (mapping or {}).items()}
    found = HeaderMatch()
    for header in headers:
        keys = _keys(str(header))
        target = explicit.get(fold(str(header)))
        target = target or next((strong[k] for k in keys if k in strong), None)
        target = target or next((weak[k] for k in keys if k in weak), None)
        if target is None:
            found.ignored.append(str(header))
        elif target in found.fields:
            found.duplicates.append((str(header), target))
        else:
            found.fields[target] = str(header)
    return found


def header_score(table_name: str) -> Callable[[list[str]], int]:
    """Return a function counting how many cells of a row are headers of ``table_name``."""
    strong, weak = _candidates(table_name, location=True)

    def score(cells: list[str]) -> int:
        return sum(any(k in strong or k in weak for k in _keys(c)) for c in cells)

    return score
