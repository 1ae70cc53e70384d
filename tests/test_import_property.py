"""The importer never crashes: any cells in any table are accepted or refused with a report.

Random files (every entity table, its columns headed as offices head them, cells drawn from
what real files hold: empty, NaN, white space, very long text, other scripts, huge and
negative numbers, dates, broken geometries) go through ``import_file``. The only allowed
outcomes are an ``ImportReport`` or a ``RiskMapError`` (one file-level sentence).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon, box

from domain.errors import RiskMapError
from domain.schema import ENTITY_TABLES, FIELDS, get_table
from geodata.importer import ImportOptions, import_file
from geodata.report import ImportReport
from geodata.store import Store
from tests.signin import ADMIN

SAMPLES = Path(__file__).parent / "samples"
IMPORTABLE = [t for t in ENTITY_TABLES if t not in {"ledger_events"}]

CELLS = st.one_of(
    st.none(),
    st.just(""), st.just("   "), st.just("nan"), st.just("NaN"), st.just("#N/A"),
    st.text(max_size=12),
    st.text(alphabet="镇乡村路滑坡隐患ئۇيغۇرᠮᠣᠩᠭᠣᠯ日本語한국어", min_size=1, max_size=8),
    st.text(min_size=300, max_size=400).map(lambda s: s or "x" * 300),
    st.integers(min_value=-10**18, max_value=10**18).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["2026-09-01", "8/1/2008 0:00", "2026年9月1日", "20260901", "13/45/2020",
                     "0000-00-00", "529901100000", "城关镇", "重大", "已销号", "在册",
                     "=1+1", "35万元", "20000.836301487427", "-1e308", "1e400", "TRUE",
                     "是", "POINT (105.92 26.87)",
                     "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))", "LINESTRING (105.9 26.8)"]),
)
GEOMETRIES = st.sampled_from([
    None, Point(105.92, 26.87), Point(0, 0), Point(179, 89),
    Polygon([(105.90, 26.85), (105.95, 26.90), (105.95, 26.85), (105.90, 26.90)]),
    box(105.90, 26.85, 105.95, 26.90), box(105.90, 26.85, 105.90, 26.90),
    LineString([(105.90, 26.85), (105.95, 26.86)]), LineString([(105.9, 26.8), (105.9, 26.8)]),
])


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """One database with the sample townships, shared by every example of a table."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.duckdb") as s:
        assert import_file(s, "townships", SAMPLES / "townships.geojson", who=ADMIN).written
        yield s


def _headers(table: str, draw: st.DrawFn) -> list[str]:
    names = [*get_table(table).columns, "lon", "lat", "wkt", "备注"]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=8, unique=True))
    return [_heading(n, draw) for n in chosen]


def _heading(name: str, draw: st.DrawFn) -> str:
    if name not in FIELDS:
        return name
    field = FIELDS[name]
    return draw(st.sampled_from([name, field.zh, field.en, *field.aliases[:2]]))


@st.composite
def table_files(draw: st.DrawFn, table: str) -> tuple[pd.DataFrame, list[object]]:
    """A frame of random cells under headers of ``table``, and geometries for a vector file."""
    headers = _headers(table, draw)
    rows = draw(st.integers(min_value=0, max_value=6))
    frame = pd.DataFrame({h: [draw(CELLS) for _ in range(rows)] for h in dict.fromkeys(headers)})
    return frame, [draw(GEOMETRIES) for _ in range(rows)]


def _outcome(store: Store, table: str, path: Path) -> ImportReport | None:
    """Import ``path``; return the report, or None when refused in one sentence."""
    try:
        return import_file(store, table, path, ImportOptions(), who=ADMIN)
    except RiskMapError as exc:
        assert str(exc).strip(), "a refusal must say why"
        return None


def _check(report: ImportReport | None) -> None:
    if report is None:
        return
    assert report.written or report.blocked or report.rows_read == 0 or not (
        report.new or report.changed)
    for problem in report.errors:
        assert problem.reason


@pytest.mark.parametrize("table", IMPORTABLE)
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_csv_of_random_cells_is_accepted_or_reported(store: Store, table: str,
                                                         data: st.DataObject) -> None:
    frame, _ = data.draw(table_files(table))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        frame.to_csv(path, index=False)
        _check(_outcome(store, table, path))


@pytest.mark.parametrize("table", [t for t in IMPORTABLE if get_table(t).geometry])
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_vector_file_of_random_cells_is_accepted_or_reported(store: Store, table: str,
                                                                 data: st.DataObject) -> None:
    frame, shapes = data.draw(table_files(table))
    frame = frame.drop(columns=[c for c in frame.columns if c in {"geometry", "几何"}])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.gpkg"
        try:
            gpd.GeoDataFrame(frame.astype(object), geometry=shapes, crs=4326).to_file(
                path, driver="GPKG")
        except Exception:  # a file GDAL cannot write is no import case
            reject()
        _check(_outcome(store, table, path))


def test_the_crashes_found_on_real_files_are_reports(store: Store, tmp_path: Path) -> None:
    """An empty cell in a natural-key column; a date column where no value parses."""
    path = tmp_path / "sites.csv"
    pd.DataFrame({"隐患点名称": ["甲", None], "乡镇": ["城关镇", None],
                  "灾害类型": [None, "滑坡"], "经度": [105.92, 105.93], "纬度": [26.87, 26.86],
                  "最近巡查日期": ["明天", "上周"]}).to_csv(path, index=False)
    report = _outcome(store, "geohazard_sites", path)
    assert report is not None and not report.written
    assert {(p.row, p.column) for p in report.errors} >= {
        (0, "hazard_type"), (1, "site_name"), (0, "last_inspection_date"),
        (1, "last_inspection_date")}
