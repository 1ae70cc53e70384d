"""Each sample file in tests/samples and the exact outcome of importing it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest

from domain.errors import RiskMapError
from domain.settings.storage import ImportChecks
from geodata.importer import ImportOptions, import_file
from geodata.mapping import load_mapping
from geodata.report import ImportReport
from geodata.store import Store
from tests.signin import ADMIN

SAMPLES = Path(__file__).parent / "samples"
CHENGGUAN, SHUANGHE, BAIYAN = "529901100000", "529901104000", "529901102000"
TRUTH = np.array([(105.925, 26.875), (105.975, 26.865), (105.95, 26.825)])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A database holding the three sample townships."""
    with Store(tmp_path / "samples.duckdb") as s:
        report = import_file(s, "townships", SAMPLES / "townships.geojson", who=ADMIN)
        assert report.written and report.problems == []
        yield s


def _run(store: Store, table: str, name: str, **options: object) -> ImportReport:
    return import_file(store, table, SAMPLES / name, ImportOptions(**options), who=ADMIN)


def _problems(report: ImportReport) -> set[tuple[str, str, str, str]]:
    frame = report.to_frame()
    return {tuple(r) for r in frame[["行", "列", "值", "级别"]].itertuples(index=False)}


def test_townships_geojson_with_chinese_headers(store: Store) -> None:
    towns = store.read("townships")
    assert towns["township_name"].tolist() == ["城关镇", "白岩镇", "双河镇"]
    assert towns["population"].tolist() == [80000, 15000, 20000]


@pytest.mark.parametrize("name", ["ledger_utf8.csv", "ledger_utf8_bom.csv", "ledger_gbk.csv",
                                  "ledger_title_rows.xlsx"])
def test_ledger_files_give_the_same_rows(store: Store, name: str) -> None:
    report = _run(store, "hazard_ledger", name)
    assert report.written and report.new == 3 and not report.errors
    assert report.ignored_columns == ["序号"]
    ledger = store.read("hazard_ledger").sort_values("hazard_description")
    rows = ledger.set_index("hazard_description")
    assert rows.loc["疏散通道堵塞", "found_date"] == pd.Timestamp("2026-09-01")
    assert rows.loc["疏散通道堵塞", "deadline"] == pd.Timestamp("2026-09-30")
    assert rows.loc["疏散通道堵塞", "hazard_level"] == "一般"
    assert rows.loc["疏散通道堵塞", "hazard_status"] == "待整改"
    assert rows.loc["临水临崖路段缺少护栏", "hazard_level"] == "重大"
    assert rows.loc["临水临崖路段缺少护栏", "found_date"] == pd.Timestamp("2026-09-02")
    assert rows.loc["临水临崖路段缺少护栏", "funds_wan"] == 35.0
    assert rows.loc["校舍墙体开裂", "funds_wan"] == pytest.approx(0.35)
    assert rows.loc["校舍墙体开裂", "township_code"] == BAIYAN, "白岩 names 白岩镇"
    assert rows.loc["校舍墙体开裂", "hazard_status"] == "待验收", "已整改 awaits verification"
    assert rows.loc["校舍墙体开裂", "deadline"] == pd.Timestamp("2026-10-01")
    assert set(ledger["township_code"]) == {CHENGGUAN, SHUANGHE, BAIYAN}
    events = store.read("ledger_events")
    assert len(events) == 3 and set(events["action"]) == {"登记"}
    again = _run(store, "hazard_ledger", name)
    assert (again.new, again.changed, again.unchanged, again.written) == (0, 0, 3, False)


def test_workbook_reports_sheets_and_excel_rows(store: Store) -> None:
    report = _run(store, "hazard_ledger", "ledger_title_rows.xlsx")
    assert report.notes == ["跳过工作表 sheet skipped: 填表说明"]
    assert report.row_labels == ["城关镇!4", "双河镇!4", "双河镇!5"]


def test_mapping_file_renames_headers_and_values(store: Store) -> None:
    mapping = load_mapping(SAMPLES / "mapping.toml")
    report = _run(store, "hazard_ledger", "ledger_odd_headers.csv",
                  columns=mapping["columns"], values=mapping["values"])
    assert report.written and not report.errors
    status = store.read("hazard_ledger").set_index("hazard_description")["hazard_status"]
    assert status.to_dict() == {"疏散通道堵塞": "待整改", "临水临崖路段缺少护栏": "整改中",
                                "校舍墙体开裂": "已销号"}


def test_mapping_file_rejects_unknown_sections(tmp_path: Path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text('[colums]\n"a" = "b"\n', encoding="utf-8")
    with pytest.raises(RiskMapError, match="colums"):
        load_mapping(bad)


def _sites_close_to_truth(store: Store, tolerance_m: float) -> None:
    sites = store.read("geohazard_sites").set_index("site_id").loc[["S1", "S2", "S3"]]
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(sites.geometry.x, sites.geometry.y,
                                                TRUTH[:, 0], TRUTH[:, 1])
    assert np.abs(dist).max() < tolerance_m


def test_dms_coordinates_units_and_english_labels(store: Store) -> None:
    report = _run(store, "geohazard_sites", "sites_dms.csv")
    assert report.written and not report.errors
    assert _problems(report) == {("4", "经度", "26.825, 105.95", "警告")}
    assert "swapped" in report.warnings[0].reason
    sites = store.read("geohazard_sites").set_index("site_id")
    assert sites["hazard_type"].tolist() == ["滑坡", "崩塌", "泥石流"]
    assert sites["threatened_people"].tolist() == [1200, 35, 8]
    assert sites["threatened_property_wan"].tolist() == [35.0, 120.0, 5000.0]
    assert sites["township_code"].tolist() == [CHENGGUAN, SHUANGHE, BAIYAN], "from location"
    _sites_close_to_truth(store, 0.01)


def test_gauss_kruger_in_surveying_order_with_zone_prefix(store: Store) -> None:
    report = _run(store, "geohazard_sites", "sites_gk3_surveying_xy.csv", crs="EPSG:4544")
    assert report.written and not report.errors
    assert {p.row for p in report.warnings} == {0, 1, 2}
    assert all("northing" in p.reason for p in report.warnings)
    _sites_close_to_truth(store, 0.01)


@pytest.mark.parametrize(("name", "crs"), [("sites_gcj02.csv", "gcj02"),
                                           ("sites_bd09.csv", "bd09")])
def test_offset_coordinates_are_undone(store: Store, name: str, crs: str) -> None:
    report = _run(store, "geohazard_sites", name, crs=crs)
    assert report.written and report.problems == []
    _sites_close_to_truth(store, 0.5)


def test_gcj02_read_as_wgs84_is_hundreds_of_metres_off(store: Store) -> None:
    _run(store, "geohazard_sites", "sites_gcj02.csv")
    with pytest.raises(AssertionError):
        _sites_close_to_truth(store, 100)


def test_bad_rows_block_everything_and_are_all_named(store: Store) -> None:
    report = _run(store, "geohazard_sites", "sites_bad.csv")
    assert not report.written and store.count("geohazard_sites") == 0
    assert _problems(report) == {
        ("3", "名称", "", "错误"),
        ("4", "灾害类型", "火山", "错误"),
        ("5", "威胁人数", "-3", "错误"),
        ("6", "监测人电话", "12345", "错误"),
        ("", "geometry", "行 7", "警告"),
    }
    assert "1 rows lie outside the county" in report.warnings[0].reason


def test_a_row_outside_the_county_is_kept_when_asked(store: Store) -> None:
    report = _run(store, "geohazard_sites", "sites_bad.csv", keep_outside=True)
    assert ("7", "最近巡查日期", "明天", "错误") in _problems(report)
    assert ("7", "geometry", "", "警告") in _problems(report)


def test_skip_bad_rows_writes_the_good_one(store: Store) -> None:
    report = _run(store, "geohazard_sites", "sites_bad.csv", skip_bad_rows=True)
    assert report.written and report.skipped == 4
    assert store.read("geohazard_sites")["site_id"].tolist() == ["B1"]


def test_dry_run_counts_and_writes_nothing(store: Store) -> None:
    _run(store, "geohazard_sites", "sites_dms.csv")
    changed = pd.read_csv(SAMPLES / "sites_dms.csv", dtype=str)
    changed.loc[0, "威胁人数"] = "1300"
    path = store.files_dir / "changed.csv"
    changed.iloc[:2].assign(统一编号=["S1", "S9"]).to_csv(path, index=False)
    report = import_file(store, "geohazard_sites", path, ImportOptions(dry_run=True), who=ADMIN)
    assert (report.new, report.changed, report.unchanged, report.written) == (1, 1, 0, False)
    assert store.read("geohazard_sites", {"site_id": "S1"})["threatened_people"].iloc[0] == 1200


def test_stated_township_disagreeing_with_location_is_reported(store: Store) -> None:
    report = _run(store, "geohazard_sites", "sites_township_mismatch.csv")
    assert report.written
    assert _problems(report) == {("2", "乡镇", "城关镇", "警告")}
    assert "双河镇" in report.warnings[0].reason
    assert store.read("geohazard_sites")["township_code"].iloc[0] == CHENGGUAN, "kept as stated"


@pytest.mark.parametrize("name", ["zones_gbk.shp", "zones_utf8.shp"])
def test_shapefiles_in_gbk_without_cpg_and_in_utf8(store: Store, name: str) -> None:
    report = _run(store, "forest_zones", name)
    assert report.written and report.problems == []
    zones = store.read("forest_zones").set_index("zone_id")
    assert zones["zone_name"].tolist() == ["城关镇松林", "双河镇竹海"]
    assert zones["forest_type"].tolist() == ["针叶林", "竹林"]
    assert zones["fire_risk_class"].tolist() == ["Ⅰ级", "Ⅲ级"]
    assert zones["township_code"].tolist() == [CHENGGUAN, SHUANGHE]


def test_geopackage(store: Store) -> None:
    report = _run(store, "facilities", "facilities.gpkg")
    assert report.written and report.problems == []
    facilities = store.read("facilities")
    assert facilities["facility_category"].tolist() == ["学校", "医院"]
    assert facilities["township_code"].tolist() == [CHENGGUAN, SHUANGHE]


def test_kml_with_a_default_category(store: Store) -> None:
    blocked = _run(store, "facilities", "facilities.kml")
    assert not blocked.written
    assert [p.column for p in blocked.errors] == ["facility_category"]
    report = _run(store, "facilities", "facilities.kml",
                  defaults={"facility_category": "避难场所"})
    assert report.written and not report.errors
    shelters = store.read("facilities")
    assert sorted(shelters["facility_name"]) == ["双河镇卫生院", "城关镇中心小学"]
    assert shelters.geometry.has_z.sum() == 0, "KML heights are dropped"


def test_firms_hotspots(store: Store) -> None:
    report = _run(store, "fire_events", "firms_viirs.csv")
    assert report.profile == "NASA FIRMS" and report.written
    assert _problems(report) == {("", "geometry", "行 4", "警告")}, "Beijing: left out"
    fires = store.read("fire_events").sort_values("confidence", ignore_index=True)
    assert fires["fire_source"].unique().tolist() == ["卫星热点"]
    assert fires["confidence"].tolist() == [60, 90], "VIIRS n / h"
    assert fires["fire_time"].tolist() == [pd.Timestamp("2026-03-05 13:42"),
                                           pd.Timestamp("2026-04-04 14:12")], "UTC + 8 h"
    assert fires["township_code"].tolist() == [CHENGGUAN, SHUANGHE]


def test_firms_hotspot_outside_kept_when_asked(store: Store) -> None:
    report = _run(store, "fire_events", "firms_viirs.csv", keep_outside=True)
    assert _problems(report) == {("4", "geometry", "", "警告")}
    fires = store.read("fire_events").sort_values("confidence", ignore_index=True)
    assert fires["confidence"].tolist() == [30, 60, 90], "VIIRS l / n / h"
    assert pd.isna(fires["township_code"].iloc[0]), "the Beijing hotspot is in no township"


def test_global_landslide_catalog(store: Store) -> None:
    report = _run(store, "geohazard_events", "glc_events.csv")
    assert report.profile == "NASA Global Landslide Catalog" and report.written
    events = store.read("geohazard_events").set_index("event_id")
    assert events.loc["GLC-101", "hazard_type"] == "滑坡"
    assert events.loc["GLC-102", "hazard_type"] == "泥石流"
    assert events.loc["GLC-101", "deaths"] == 10 and pd.isna(events.loc["GLC-102", "deaths"])
    assert events.loc["GLC-101", "trigger"] == "降雨"
    assert events.loc["GLC-101", "event_date"] == pd.Timestamp("2017-06-24")


def test_wkt_lines_and_multipart(store: Store) -> None:
    report = _run(store, "road_segments", "roads_wkt.csv")
    assert report.written and report.problems == []
    roads = store.read("road_segments").set_index("segment_id")
    assert roads.geometry.geom_type.tolist() == ["LineString", "MultiLineString"]
    assert roads["road_class"].tolist() == ["国道", "村道"]
    assert roads["along_water_cliff"].tolist() == [True, False]


def test_a_large_township_overlap_is_an_error(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        report = import_file(store, "townships", SAMPLES / "townships_problems.geojson", who=ADMIN)
        assert not report.written and store.count("townships") == 0
    [error] = report.errors
    # 0.1 of 5 km over the bow-tie, whose repair (two triangles) kept half the square
    assert "(3.9%)" in error.reason and "1%" in error.reason


def test_township_problems_reported_with_areas(tmp_path: Path) -> None:
    lenient = ImportChecks(overlap_error_share=0.05)
    with Store(tmp_path / "t.duckdb") as store:
        report = import_file(store, "townships", SAMPLES / "townships_problems.geojson",
                             ImportOptions(checks=lenient), who=ADMIN)
        towns = store.read("townships").set_index("township_code")
    assert report.written and not report.errors
    found = report.to_frame()
    repaired = found[found["原因"].str.contains("repaired")]
    assert repaired["行"].tolist() == ["1"]
    overlap = found[found["原因"].str.contains("overlap")]
    assert len(overlap) == 1 and "m²" in overlap["原因"].iloc[0]
    area = float(overlap["原因"].iloc[0].split(": ")[1].split(" ")[0].replace(",", ""))
    assert 500_000 < area < 600_000, "0.001° × 0.05° strip ≈ 100 m × 5.5 km"
    gaps = found[found["原因"].str.contains("gap")]
    assert len(gaps) == 1 and "4,4" in gaps["原因"].iloc[0], "the 2 × 2.2 km hole"
    assert towns.loc["529901105000"].geometry.geom_type == "MultiPolygon", "multipart kept"
    assert towns.geometry.is_valid.all()


def test_report_saves_as_xlsx_and_csv(store: Store, tmp_path: Path) -> None:
    report = _run(store, "geohazard_sites", "sites_bad.csv")
    report.save(tmp_path / "r.xlsx")
    report.save(tmp_path / "r.csv")
    xlsx = pd.read_excel(tmp_path / "r.xlsx", dtype=str)
    csv = pd.read_csv(tmp_path / "r.csv", dtype=str, encoding="utf-8-sig")
    assert list(csv.columns) == ["行", "列", "值", "级别", "原因"]
    assert len(xlsx) == len(csv) == len(report.problems) == 5
    assert "火山" in set(csv["值"])
    assert report.to_frame("en").columns.tolist() == ["row", "column", "value", "severity",
                                                       "reason"]


def test_outside_means_beyond_the_margin_of_every_township(demo_frames: dict) -> None:
    """A point just past the border is a mapping slip, not another county; 3 km out is."""
    import geopandas as gpd
    import shapely

    from geodata.locate import beyond

    margin = ImportChecks().outside_margin_m
    towns = demo_frames["townships"]
    metric = towns.estimate_utm_crs()
    edge = towns.to_crs(metric).union_all()
    xy = shapely.get_coordinates(edge)
    east = shapely.Point(xy[xy[:, 0].argmax()])  # nothing of the county lies east of it
    points = [shapely.Point(east.x + d, east.y) for d in (margin / 2, 3_000)]
    frame = gpd.GeoDataFrame(geometry=points, crs=metric).to_crs(4326)
    assert beyond(frame.geometry, towns.geometry, margin).tolist() == [False, True]


def test_a_clash_found_inside_the_transaction_rolls_the_whole_import_back(
        store: Store, tmp_path: Path) -> None:
    """The ledger rows are written before their 登记 events clash: nothing may stay."""
    from domain.errors import ValidationError

    with Store(tmp_path / "scratch.duckdb") as scratch:
        scratch.write("townships", store.read("townships"))
        assert _run(scratch, "hazard_ledger", "ledger_utf8.csv").written
        planned = scratch.read("hazard_ledger")["hazard_id"].tolist()
    stray = pd.DataFrame([{"event_id": f"{planned[1]}-v1-00", "hazard_id": planned[1],
                           "event_time": pd.Timestamp("2026-01-01"), "actor": "旧系统",
                           "action": "登记", "field_name": "*", "row_version": 1}])
    store.write("ledger_events", stray)
    before = {name: store.count(name) for name in ("hazard_ledger", "ledger_events")}
    versions = store.versions()
    with pytest.raises(ValidationError, match="key already stored"):
        _run(store, "hazard_ledger", "ledger_utf8.csv")
    assert {name: store.count(name) for name in before} == before
    assert store.read("hazard_ledger").empty, "the rows written before the clash are gone"
    assert store.versions() == versions, "no write stamp: nothing was committed"


REGISTERS = {  # table: (file, rows, one row's values by its name column)
    "places": ("register_places.xlsx", 3, ("place_name", "城关加油站", {
        "place_kind": "危化品企业", "township_code": CHENGGUAN, "place_grade": "三级",
        "place_people": 12, "inspection_result": "未发现隐患",
        "last_inspection_date": pd.Timestamp("2026-10-08")})),
    "duty_roster": ("register_duty.xlsx", 4, ("duty_person", "李华", {
        "duty_unit": "城关镇", "duty_role": "值班员", "duty_date": pd.Timestamp("2026-10-31")})),
    "emergency_plans": ("register_plans.xlsx", 2, ("plan_name", "演示县地质灾害应急预案", {
        "plan_kind": "专项预案", "last_revised": pd.Timestamp("2022-06-01"),
        "expert_group": "王工、李工、张工"})),
    "rescue_teams": ("register_teams.xlsx", 2, ("team_name", "双河镇应急救援队", {
        "team_kind": "乡镇应急", "township_code": SHUANGHE, "members": 22,
        "last_training": pd.Timestamp("2026-06-30")})),
    "supplies": ("register_supplies.xlsx", 3, ("item_name", "棉被", {
        "warehouse_name": "演示县应急物资储备库", "quantity": 1200.0, "item_unit": "床"})),
}


@pytest.mark.parametrize("table", list(REGISTERS))
def test_a_departments_register_imports_as_kept(store: Store, table: str) -> None:
    """A title row, who filled it in, the department's own headers and spellings of values."""
    name, count, (key, value, expected) = REGISTERS[table]
    report = _run(store, table, name)
    assert report.written, report.problems
    assert [p for p in report.problems if p.severity == "error"] == []
    rows = store.read(table)
    assert len(rows) == count
    row = rows[rows[key] == value].iloc[0]
    assert {c: row[c] for c in expected} == expected


def test_imported_registers_answer_the_committees_questions(store: Store) -> None:
    """Who is on duty tonight, which place was not inspected, which stock is short."""
    from analytics.readiness import duty_on, supply_shortfalls
    from analytics.sweeps import sweep_status

    for table, (name, _, _) in REGISTERS.items():
        assert _run(store, table, name).written
    towns = store.read("townships")
    duty = duty_on(store.read("duty_roster"), towns, pd.Timestamp("2026-10-31")).set_index(
        "duty_unit")
    assert duty["on_duty"].to_dict() == {"城关镇": True, "双河镇": False, "白岩镇": False,
                                         "县应急管理局": True}
    places = store.read("places").set_index("place_name")
    status = sweep_status(places, as_of=pd.Timestamp("2026-10-31 23:59"), window_days=90)
    assert status.to_dict() == {"双河镇敬老院": "发现隐患", "城关加油站": "未发现隐患",
                                "白岩采石场": "未检查"}
    minimum = {"演示县应急物资储备库": {"帐篷": 200, "棉被": 1000},
               "双河镇应急物资储备点": {"帐篷": 20}}
    short = supply_shortfalls(store.read("supplies"), lambda w: minimum[w])
    assert short[["warehouse_name", "item_name", "short"]].values.tolist() == [
        ["演示县应急物资储备库", "帐篷", 50.0]]
