"""A real county's first files, as published, imported with no mapping file to known results.

The samples (``tests/samples/make_samples.py``: ``real_county``) are shaped like the public
products: an official township layer, an OpenStreetMap road export, the NASA Global
Landslide Catalog and a global FIRMS file, a census table, a site register in Excel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import shapely

from domain.settings.storage import ImportChecks
from geodata.importer import ImportOptions, import_file
from geodata.report import ImportReport
from geodata.store import Store
from riskmap.cli import main
from tests.signin import ADMIN

SAMPLES = Path(__file__).parent / "samples"
CODES = [f"52990210{i}000" for i in range(1, 10)]


@pytest.fixture
def county(tmp_path: Path) -> Iterator[Store]:
    """A database holding the official township layer of the nine-township county."""
    with Store(tmp_path / "county.duckdb") as store:
        report = import_file(store, "townships", SAMPLES / "official_townships.geojson", who=ADMIN)
        assert report.written and not report.problems
        yield store


def _run(store: Store, table: str, name: str, **options: object) -> ImportReport:
    return import_file(store, table, SAMPLES / name, ImportOptions(**options), who=ADMIN)


def test_the_official_layer_needs_no_mapping(county: Store) -> None:
    towns = county.read("townships").sort_values("township_code")
    assert towns["township_code"].tolist() == CODES, "12-digit code read from a number"
    assert towns["township_name"].iloc[0] == "城关镇"


def test_the_report_lists_every_column_and_where_it_went(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        report = _run(store, "townships", "official_townships.geojson", dry_run=True)
    went = dict(report.column_frame().itertuples(index=False))
    assert went == {"gml_id": "（未导入）", "Name": "乡镇名称", "layer": "（未导入）",
                    "code": "乡镇代码", "grade": "（未导入）"}


def test_a_statistics_table_updates_stored_townships(county: Store) -> None:
    report = _run(county, "townships", "township_statistics.csv")
    assert not report.written
    [error] = report.errors
    assert (error.row, error.value) == (3, "不存在镇") and "no stored township" in error.reason
    report = _run(county, "townships", "township_statistics.csv", skip_bad_rows=True)
    assert report.written and (report.new, report.changed) == (0, 3)
    towns = county.read("townships").set_index("township_code")
    assert towns.loc[CODES[:3], "population"].tolist() == [52300, 18000, 21000]
    assert towns.loc[CODES[:3], "households"].tolist() == [15100, 5200, 6100]
    assert towns.loc[CODES[1], "township_name"] == "河西镇", "a name identifies, never renames"
    assert pd.isna(towns.loc[CODES[3], "population"])
    assert towns.geometry.values.area.round(6).tolist() == [0.0025] * 9, "boundaries untouched"


def test_a_statistics_table_without_boundaries_says_what_to_load(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        report = _run(store, "townships", "township_statistics.csv")
    assert next(p.reason for p in report.errors).startswith("还没有乡镇边界")


def test_osm_roads_are_recognised_classed_placed_and_measured(county: Store) -> None:
    report = _run(county, "road_segments", "osm_roads.geojson")
    assert report.profile == "OpenStreetMap" and report.written
    assert any("footway 1、path 1、railway rail 1" in n for n in report.notes)
    assert report.set_aside == {"other": 3, "outside": 1}
    assert report.warnings[0].reason.startswith("1 行位于本县"), "the far primary road"
    roads = county.read("road_segments").set_index("segment_id")
    assert roads["road_class"].to_dict() == {"OSM-1000": "高速公路", "OSM-1001": "国道",
                                             "OSM-1002": "县道", "OSM-1003": "乡道",
                                             "OSM-1004": "村道"}
    assert roads.loc["OSM-1001", "road_code"] == "G210", "the first of G210;S205"
    assert roads.loc["OSM-1002"].geometry.geom_type == "MultiLineString"
    # The motorway crosses the diagonal 城关镇, 坪上乡, 红岩街道: the middle holds most of it.
    assert roads.loc["OSM-1000", "township_code"] == CODES[4]
    assert roads.loc["OSM-1003", "township_code"] == CODES[1]
    # 0.01° of longitude at 27.02° N is 991.6 m (WGS 84 ellipsoid)
    assert roads.loc["OSM-1004", "length_m"] == pytest.approx(991.6, abs=1.5)


def test_the_landslide_catalogue_as_downloaded(county: Store) -> None:
    report = _run(county, "geohazard_events", "glc_export.csv")
    assert report.profile == "NASA Global Landslide Catalog" and report.written
    assert report.warnings[0].value == "行 3, 4", "Colorado and Peru left out"
    assert report.set_aside == {"outside": 2}
    events = county.read("geohazard_events").set_index("event_id")
    assert events.index.tolist() == ["GLC-7001", "GLC-7004"]
    assert events.loc["GLC-7001", "event_date"] == pd.Timestamp("2008-08-01"), "8/1/2008 0:00"
    assert events.loc["GLC-7001", "deaths"] == 6
    assert events.loc["GLC-7001", "township_code"] == CODES[1]
    assert events.loc["GLC-7004", "hazard_type"] == "崩塌"
    assert events.loc["GLC-7004", "trigger"] == "降雨"


def test_a_global_firms_file_keeps_the_county_and_collapses_repeats(county: Store) -> None:
    report = _run(county, "fire_events", "firms_global_7d.csv")
    assert report.written and not report.errors
    outside, repeats = report.warnings
    assert outside.value == "行 4, 5" and "2 rows lie outside" in outside.reason
    assert report.set_aside == {"outside": 2, "repeats": 2}
    assert (repeats.row, repeats.value) == (0, "行 3, 7"), "rows 3 and 7 repeat row 2"
    fires = county.read("fire_events")
    assert len(fires) == 2 and set(fires["township_code"]) == {CODES[3], CODES[8]}


def test_outside_rows_are_stored_only_when_asked(county: Store) -> None:
    report = _run(county, "fire_events", "firms_global_7d.csv", keep_outside=True)
    assert report.written and county.count("fire_events") == 4
    assert sum("outside the county" in p.reason for p in report.warnings) == 2


def test_a_site_register_without_status_takes_the_default(county: Store) -> None:
    report = _run(county, "geohazard_sites", "sites_no_status.xlsx")
    assert report.written and not report.errors
    assert any("在册" in p.reason and p.column == "site_status" for p in report.warnings)
    sites = county.read("geohazard_sites").set_index("site_name")
    assert sites["site_status"].unique().tolist() == ["在册"]
    assert sites.loc["龙场沟泥石流", "township_code"] == CODES[2], "龙场 is 龙场镇"


def test_a_very_different_boundary_is_not_replaced_unasked(county: Store,
                                                          tmp_path: Path) -> None:
    towns = county.read("townships")
    smaller = towns.copy()
    smaller.loc[0, "geometry"] = shapely.box(106.50, 27.00, 106.53, 27.05)  # 60 % of it
    path = tmp_path / "redrawn.geojson"
    smaller.to_file(path, driver="GeoJSON")
    report = import_file(county, "townships", path, who=ADMIN)
    assert not report.written
    [error] = report.errors
    assert error.row == 0 and "--replace-geometry" in error.reason and "40%" in error.reason
    assert error.value.startswith("27.") and "→ 16." in error.value, "both areas, km²"
    assert county.read("townships").geometry.values.area.round(6).tolist() == [0.0025] * 9
    report = import_file(county, "townships", path, ImportOptions(replace_geometry=True), who=ADMIN)
    assert report.written and report.warnings[0].row == 0


def test_a_repaired_bow_tie_does_not_replace_a_boundary_unasked(county: Store,
                                                               tmp_path: Path) -> None:
    towns = county.read("townships")
    bowtie = shapely.Polygon([(106.50, 27.00), (106.55, 27.05), (106.55, 27.00),
                              (106.50, 27.05)])
    towns.loc[0, "geometry"] = bowtie
    path = tmp_path / "bowtie.geojson"
    towns.to_file(path, driver="GeoJSON")
    report = import_file(county, "townships", path,
                         ImportOptions(checks=ImportChecks(geometry_change_share=0.9)), who=ADMIN)
    assert not report.written
    assert any("repaired" in p.reason and p.severity == "error" for p in report.problems)


def test_a_new_user_walks_from_init_to_a_scored_county(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    db = ["--db", str(tmp_path / "walk.duckdb")]
    assert main(["init", "--county", "示例县", "--code", "529902", *db]) == 0
    steps = [("townships", "official_townships.geojson"),
             ("road_segments", "osm_roads.geojson"),
             ("geohazard_events", "glc_export.csv"),
             ("fire_events", "firms_global_7d.csv"),
             ("geohazard_sites", "sites_no_status.xlsx")]
    for table, name in steps:
        assert main(["import", table, str(SAMPLES / name), *db]) == 0, name
    out = tmp_path / "scores.json"
    assert main(["score", "--json", str(out), *db]) == 0
    towns = {t["township_name"]: t for t in json.loads(out.read_text(encoding="utf-8"))[
        "townships"]}
    assert len(towns) == 9
    low = [layer for t in towns.values() for layer in t["layers"].values()
           if layer["class"] == "低"]
    assert low and all(layer["score"] is not None for layer in low), "低 only where measured"
    assert towns["大寨乡"]["layers"]["forest_fire"]["class"] == "无数据", "no forest loaded"
    assert {t["layers"]["composite"]["class"] for t in towns.values()} == {"数据不足"}
    hexi = towns["河西镇"]["layers"]["geohazard"]
    assert hexi["class"] == "重大" and hexi["coverage"] == 0.75, "a site and a deadly slide"
    assert hexi["score"] == pytest.approx(8.43, abs=0.005), "docs/METHOD.md, part of the data"
    assert towns["新店镇"]["layers"]["geohazard"]["score"] == 0, "loaded, nothing there: zero"


def test_the_demo_never_fills_a_county_made_by_init(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "own.duckdb")]
    assert main(["init", "--county", "示例县", *db]) == 0
    assert main(["demo", "--if-missing", *db]) == 0, "what make run does first"
    with Store(tmp_path / "own.duckdb", read_only=True) as store:
        assert not any(store.counts().values())
        assert store.meta()["dataset_label"] == "示例县"
    assert main(["init", "--county", "示范县", *db]) == 0, "still empty: a name corrected"


def test_a_statistics_table_without_code_or_name_says_so_once(county: Store,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    pd.DataFrame({"户籍人口": [100, 200]}).to_csv(path, index=False)
    report = import_file(county, "townships", path, who=ADMIN)
    assert [(p.row, p.reason[:12]) for p in report.errors] == [(None, "没有乡镇代码或乡镇名称列")]
