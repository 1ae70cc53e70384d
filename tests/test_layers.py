"""Imports go one way: ui/app and riskmap → (maps, analytics, geodata) → domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI_ONLY = {"streamlit", "streamlit_folium"}
FORBIDDEN: dict[str, set[str]] = {
    # folder: top-level modules it must never import
    "domain": {"geodata", "analytics", "maps", "ui", "app", "riskmap", "bench", *UI_ONLY,
               "folium", "duckdb", "pyogrio", "openpyxl", "xlsxwriter"},
    "geodata": {"analytics", "maps", "ui", "app", "riskmap", "bench", *UI_ONLY, "folium"},
    "analytics": {"geodata", "maps", "ui", "app", "riskmap", "bench", *UI_ONLY, "folium",
                  "duckdb", "pyogrio", "openpyxl", "xlsxwriter"},
    "maps": {"geodata", "ui", "app", "riskmap", "bench", *UI_ONLY, "duckdb", "pyogrio",
             "openpyxl", "xlsxwriter"},
    "riskmap": {"ui", "app", "bench", *UI_ONLY, "folium"},
    "ui": {"riskmap", "bench", "duckdb"},
}
"""Folders import one way: ui and riskmap (the two front ends) → maps, analytics, geodata
→ domain. analytics and maps are pure (no storage, no files); domain imports nothing of the
project; only the store speaks to DuckDB."""


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
    assert not wrong, "\n".join(wrong)


def test_only_the_store_and_migrations_talk_to_duckdb() -> None:
    users = {str(p.relative_to(ROOT)) for p in _modules("geodata")
             if "duckdb" in {n.split(".")[0] for n in _imports(p)}}
    assert users == {"geodata/store.py", "geodata/migrations.py", "geodata/duckdb_spatial.py",
                     "geodata/connection.py"}


def test_the_checker_sees_a_wrong_way_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nfrom ui.chrome import tr\n")
    assert _imports(bad) == ["streamlit", "ui.chrome"]


def test_every_layer_has_modules_and_app_is_ui() -> None:
    assert all(_modules(layer) for layer in FORBIDDEN)
    assert {n.split(".")[0] for n in _imports(ROOT / "app.py")} <= {"streamlit", "ui"}


def test_segment_severity_without_any_accident_is_unknown_not_zero() -> None:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString

    from analytics.places import segment_severity

    segments = gpd.GeoDataFrame({"segment_id": ["R1"], "length_m": [1000.0]},
                                geometry=[LineString([(0, 0), (0.01, 0)])], crs=4326)
    accidents = pd.DataFrame({"segment_id": [],
                              "accident_time": pd.Series([], dtype="datetime64[us]"),
                              "deaths": [], "injuries": []})
    settings = {"black_spots": {"period_years": 3}, "death_weight": 10, "injury_weight": 1}
    severity = segment_severity(segments, accidents, as_of=pd.Timestamp("2026-12-01"),
                                settings=settings)
    assert severity.isna().all()
