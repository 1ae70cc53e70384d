"""Every setting in ``config/*.toml`` is documented in its file, read by the code, and checked.

Each file is parsed strictly (``domain.settings.reader``): a key the code asks for and the
file lacks is refused, and so is a key nothing reads. These tests show that for every file,
that every key line carries its documentation, and that every typed setting is used.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from domain.errors import ConfigError
from domain.settings import Settings
from domain.settings.briefing import parse_briefing
from domain.settings.ledger import parse_ledger
from domain.settings.maps import parse_maps
from domain.settings.readiness import parse_readiness
from domain.settings.risk import SECTIONS, parse_config
from domain.settings.security import parse_security
from domain.settings.storage import parse_storage
from domain.settings.warning import parse_warning
from geodata.config import CONFIG_DIR, load_settings

ROOT = Path(__file__).resolve().parent.parent
PARSERS: dict[str, Callable[[Mapping[str, Any]], object]] = {
    "risk.toml": parse_config, "warning.toml": parse_warning, "ledger.toml": parse_ledger,
    "map.toml": parse_maps, "storage.toml": parse_storage, "brief.toml": parse_briefing,
    "security.toml": parse_security, "readiness.toml": parse_readiness,
}
CODE = [p for folder in ("analytics", "maps", "ui", "geodata", "riskmap", "domain")
        for p in (ROOT / folder).rglob("*.py") if p.name != "reader.py"]


def _parsed(name: str) -> dict[str, Any]:
    return tomllib.loads((CONFIG_DIR / name).read_text(encoding="utf-8"))


def test_every_config_file_has_a_parser() -> None:
    assert {p.name for p in CONFIG_DIR.glob("*.toml")} == set(PARSERS)
    assert isinstance(load_settings(), Settings)


def _tables(data: Mapping[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Return the path of every key (tables included) of a parsed file."""
    out = []
    for key, value in data.items():
        out.append((*path, key))
        if isinstance(value, Mapping):
            out += _tables(value, (*path, key))
    return out


def _without(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    table = out
    for key in path[:-1]:
        table = table[key]
    del table[path[-1]]
    return out


def _with_extra(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    table = out
    for key in path:
        table = table[key]
    table["no_such_setting"] = 1
    return out


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_key_is_read_and_every_key_read_exists(name: str) -> None:
    """Taking any key away is refused, and so is an extra key in any table."""
    data, parse = _parsed(name), PARSERS[name]
    parse(data)
    for path in _tables(data):
        if _free(name, path):
            continue  # a table of names (township codes, indicators): any key is a name
        with pytest.raises(ConfigError, match=re.escape(path[-1])):
            parse(_without(data, path))
        if isinstance(_at(data, path), Mapping) and (name, *path) not in FREE_TABLES:
            with pytest.raises(ConfigError, match="no_such_setting"):
                parse(_with_extra(data, path))


def _at(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


FREE_TABLES = {
    ("risk.toml", "indicators"), ("risk.toml", "composite", "weights"),
    ("risk.toml", "geohazard", "threat_weight"), ("risk.toml", "geohazard", "type_weight"),
    ("risk.toml", "forest_fire", "qxt77", "season_factor"), ("risk.toml", "road", "flag_weight"),
    ("risk.toml", "ledger", "level_weight"),
    ("warning.toml", "thresholds", "type"), ("warning.toml", "thresholds", "township"),
    ("warning.toml", "thresholds", "site"), ("warning.toml", "monitoring"),
    ("ledger.toml", "severity", "level"), ("ledger.toml", "severity", "domain"),
    ("ledger.toml", "exposure", "township_class"), ("storage.toml", "import", "memory_per_byte"),
    ("readiness.toml", "supplies", "minimum", "default"),
    ("readiness.toml", "supplies", "minimum", "warehouses"),
}
"""Tables whose keys are names (hazard types, layers, township codes), not settings."""


def _free(name: str, path: tuple[str, ...]) -> bool:
    return any((name, *path[:k]) in FREE_TABLES for k in range(1, len(path)))


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_key_is_documented_in_its_file(name: str) -> None:
    """A key line carries a comment, or its table's header does (or the lines above it)."""
    undocumented, table_doc, previous = [], False, ""
    for number, line in enumerate((CONFIG_DIR / name).read_text("utf-8").splitlines(), 1):
        text = line.strip()
        if text.startswith("["):
            table_doc = "#" in text or previous.startswith("#")
        elif ("=" in text and not text.startswith("#") and not line.startswith((" ", "\t"))
              and "#" not in text and not table_doc and not previous.startswith("#")):
            undocumented.append(f"{name}:{number}: {text}")
        previous = text
    assert not undocumented, "\n".join(undocumented)


def _typed_fields() -> list[tuple[str, str]]:
    """Return (class, field) of every typed setting (the risk file is read by section)."""
    from domain.settings import ledger, maps, storage, warning

    classes = [warning.WarningSettings, warning.GridSettings, ledger.LedgerSettings,
               maps.MapSettings, maps.TileSettings, storage.BackupLimits, storage.ReadLimits,
               storage.StorageSettings]
    return [(c.__name__, f.name) for c in classes for f in dataclasses.fields(c)]


@pytest.mark.parametrize(("owner", "setting"), _typed_fields())
def test_every_typed_setting_is_used_by_the_code(owner: str, setting: str) -> None:
    pattern = re.compile(rf"\.{setting}\b")
    assert any(pattern.search(p.read_text("utf-8")) for p in CODE), f"{owner}.{setting}"


def _leaves(spec: Mapping[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, inner in spec.items():
        out += [(*path, key)] if inner is None else _leaves(inner, (*path, key))
    return out


@pytest.mark.parametrize("path", [p for p in _leaves(SECTIONS)
                                  if p[0] not in ("method_version", "indicators", "overrides")])
def test_every_risk_setting_is_read_by_the_analytics(path: tuple[str, ...]) -> None:
    literal = re.compile(rf"[\"']{path[-1]}[\"']")
    users = [p for p in CODE if literal.search(p.read_text("utf-8"))]
    assert users, "/".join(path)
