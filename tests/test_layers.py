"""Imports go one way: ui/app → (maps, analytics, geodata); nothing below imports up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN: dict[str, set[str]] = {
    # layer: top-level modules it must never import
    "geodata": {"analytics", "maps", "ui", "app", "riskmap", "streamlit",
                "streamlit_folium", "folium"},
    "analytics": {"maps", "ui", "app", "riskmap", "streamlit", "streamlit_folium",
                  "duckdb", "pyogrio", "openpyxl", "folium"},
    "maps": {"ui", "app", "riskmap", "streamlit", "streamlit_folium", "duckdb"},
}
PURE_GEODATA = {"geodata.schema", "geodata.rules", "geodata.coords", "geodata.columns"}
"""The pure modules of geodata that analytics and maps may use; the rest of geodata does I/O."""


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py")) if (ROOT / layer).is_dir() else []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_import_goes_up_or_sideways(layer: str) -> None:
    wrong = []
    for path in _modules(layer):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in FORBIDDEN[layer]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
            if layer in ("analytics", "maps") and top == "geodata" and name not in PURE_GEODATA:
                wrong.append(f"{path.relative_to(ROOT)} imports {name} (I/O layer)")
    assert not wrong, "\n".join(wrong)


def test_only_the_store_and_migrations_talk_to_duckdb() -> None:
    users = {str(p.relative_to(ROOT)) for p in _modules("geodata")
             if "duckdb" in {n.split(".")[0] for n in _imports(p)}}
    assert users == {"geodata/store.py", "geodata/migrations.py", "geodata/duckdb_spatial.py"}


def test_the_checker_sees_a_wrong_way_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nfrom ui.chrome import tr\n")
    assert _imports(bad) == ["streamlit", "ui.chrome"]


def test_ui_modules_exist() -> None:
    assert (ROOT / "app.py").is_file() and _modules("ui")
