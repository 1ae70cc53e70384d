"""Mapping files: a file's own words for our fields and values, kept to reuse.

A mapping TOML says which column is which field (``[columns]``; an empty field name leaves a
column out), what the file's values mean (``[values.FIELD]``), what to fill in where a
column is missing (``[defaults]``), the coordinates (``crs``) and the sheet. The command line
reads one with ``--mapping``; the data page writes one from the choices made on it.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from domain.errors import RiskMapError

KEYS = ("columns", "values", "defaults", "crs", "sheet")


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Read a mapping TOML: ``[columns]``, ``[values.FIELD]``, ``[defaults]``, ``crs``, ``sheet``.

    Example::

        crs = "EPSG:4545"
        [columns]
        "隐患点" = "site_name"
        [values.hazard_status]
        "完成" = "已销号"
        [defaults]
        facility_category = "避难场所"
    """
    try:
        return parse_mapping(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RiskMapError(f"无法读取映射文件 cannot read the mapping file "
                           f"{Path(path).name}: {exc}") from exc


def parse_mapping(text: str) -> dict[str, Any]:
    """Parse a mapping given as text (an uploaded file); see ``load_mapping``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RiskMapError(f"映射文件不是有效的 TOML not a valid mapping file: {exc}") from exc
    return _checked(data)


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(KEYS)
    if unknown:
        raise RiskMapError(f"映射文件中有未知项 unknown keys in mapping file: {sorted(unknown)}")
    return data


def _quoted(text: object) -> str:
    return json.dumps(str(text), ensure_ascii=False)  # a TOML basic string


def dump_mapping(*, columns: Mapping[str, str], defaults: Mapping[str, Any] | None = None,
                 crs: str | None = None, title: str = "") -> str:
    """Return a mapping TOML that ``load_mapping`` reads back to the same choices."""
    lines = [f"# {title}"] if title else []
    if crs:
        lines.append(f"crs = {_quoted(crs)}")
    lines.append("[columns]")
    lines += [f"{_quoted(k)} = {_quoted(v)}" for k, v in columns.items()]
    if defaults:
        lines.append("[defaults]")
        lines += [f"{_quoted(k)} = {_quoted(v)}" for k, v in defaults.items()]
    return "\n".join(lines) + "\n"
