"""Regenerate the sample files of this folder: ``python tests/samples/make_samples.py``.

Each file holds one problem real offices send, or the shape of a public product a county
starts from (``real_county``); the tests in ``tests/test_import_samples.py`` and
``tests/test_real_county.py`` state the exact outcome of importing each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyproj
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box

from domain.coords import gcj02_to_bd09, wgs84_to_gcj02

HERE = Path(__file__).resolve().parent
TOWNS = [("529901100000", "城关镇", box(105.90, 26.85, 105.95, 26.90), 80000),
         ("529901104000", "双河镇", box(105.95, 26.85, 106.00, 26.90), 20000),
         ("529901102000", "白岩镇", box(105.90, 26.80, 106.00, 26.85), 15000)]
LEDGER_HEADER = ["序号", "隐患描述", "乡镇", "牵头单位", "责任单位", "隐患等级", "排查日期",
                 "整改时限", "整改状态", "整改资金", "经度", "纬度", "行业领域"]
LEDGER_ROWS = [
    [1, "疏散通道堵塞", "城关镇", "县消防救援大队", "城关镇幸福小餐馆", "一般隐患", "2026年9月1日",
     "2026.9.30", "未整改", "", "105.921", "26.871", "消防"],
    [2, "临水临崖路段缺少护栏", "双河镇", "县交通运输局", "县道X003", "重大隐患", "2026/9/2",
     "2026-12-31", "整改中", "35万元", "105.975", "26.862", "道路交通"],
    [3, "校舍墙体开裂", "白岩", "县教育局", "白岩镇中心小学", "一般", "2026-09-03", "2026年10月1日",
     "已整改", "3,500元", "105.95", "26.82", "校园"],
]


def towns() -> None:
    gpd.GeoDataFrame({"乡镇代码": [t[0] for t in TOWNS], "乡镇名称": [t[1] for t in TOWNS],
                      "户籍人口": [t[3] for t in TOWNS]},
                     geometry=[t[2] for t in TOWNS], crs=4326).to_file(
        HERE / "townships.geojson", driver="GeoJSON")
    bowtie = Polygon([(105.90, 26.85), (105.95, 26.90), (105.95, 26.85), (105.90, 26.90)])
    overlap = box(105.949, 26.85, 106.00, 26.90)  # 0.001° over its western neighbour
    ring = box(105.90, 26.80, 106.00, 26.85).difference(box(105.94, 26.82, 105.96, 26.84))
    islands = MultiPolygon([box(106.00, 26.80, 106.02, 26.90), box(106.03, 26.80, 106.05, 26.82)])
    gpd.GeoDataFrame({"township_code": ["529901100000", "529901104000", "529901102000",
                                        "529901105000"],
                      "township_name": ["城关镇", "双河镇", "白岩镇", "三江镇"]},
                     geometry=[bowtie, overlap, ring, islands], crs=4326).to_file(
        HERE / "townships_problems.geojson", driver="GeoJSON")


def ledgers() -> None:
    frame = pd.DataFrame(LEDGER_ROWS, columns=LEDGER_HEADER)
    frame.to_csv(HERE / "ledger_utf8.csv", index=False, encoding="utf-8")
    frame.to_csv(HERE / "ledger_utf8_bom.csv", index=False, encoding="utf-8-sig")
    frame.to_csv(HERE / "ledger_gbk.csv", index=False, encoding="gbk")
    book = openpyxl.Workbook()
    note = book.active
    note.title = "填表说明"
    note["A1"] = "本表由各乡镇每月5日前报县安委办。"
    for name, rows in (("城关镇", LEDGER_ROWS[:1]), ("双河镇", LEDGER_ROWS[1:])):
        sheet = book.create_sheet(name)
        sheet["A1"] = "演示县2026年安全隐患排查整治台账"
        sheet.merge_cells("A1:M1")
        sheet["A2"] = f"填报单位：{name}人民政府（盖章）"
        sheet.merge_cells("A2:F2")
        sheet.append(LEDGER_HEADER)
        for row in rows:
            sheet.append(row)
    book["双河镇"]["G4"] = 46267  # Excel serial for 2026-09-02
    book["双河镇"]["H5"] = pd.Timestamp("2026-10-01 08:30").to_pydatetime()
    book.save(HERE / "ledger_title_rows.xlsx")
    odd = frame.rename(columns={"隐患描述": "存在的主要问题", "整改状态": "进度"})
    odd["进度"] = ["没动", "在改", "完成"]
    odd.to_csv(HERE / "ledger_odd_headers.csv", index=False, encoding="utf-8")


def sites() -> None:
    base = {"统一编号": ["S1", "S2", "S3"], "名称": ["张家湾滑坡", "岩头崩塌", "老寨沟泥石流"],
            "灾害类型": ["滑坡", "rockfall", "Debris Flow"], "威胁人数": ["1,200人", "35", "8"],
            "威胁财产": ["35万元", "1200000元", "0.5亿元"], "状态": ["在册", "在册", "在册"]}
    truth = [(105.925, 26.875), (105.975, 26.865), (105.95, 26.825)]
    pd.DataFrame(base | {"经度": ["105°55'30\"", "105度58分30秒", "26.825"],
                         "纬度": ["26°52'30\"", "26度51分54秒", "105.95"]}).to_csv(
        HERE / "sites_dms.csv", index=False)
    gk = pyproj.Transformer.from_crs(4326, "EPSG:4523", always_xy=True)  # 3° zone 35, prefixed
    east, north = gk.transform([p[0] for p in truth], [p[1] for p in truth])
    pd.DataFrame(base | {"X": [f"{n:.3f}" for n in north], "Y": [f"{e:.3f}" for e in east]}).to_csv(
        HERE / "sites_gk3_surveying_xy.csv", index=False)
    glon, glat = wgs84_to_gcj02([p[0] for p in truth], [p[1] for p in truth])
    pd.DataFrame(base | {"lng": glon, "lat": glat}).to_csv(HERE / "sites_gcj02.csv", index=False)
    blon, blat = gcj02_to_bd09(glon, glat)
    pd.DataFrame(base | {"lng": blon, "lat": blat}).to_csv(HERE / "sites_bd09.csv", index=False)
    pd.DataFrame({
        "统一编号": ["B1", "B2", "B3", "B4", "B5", "B6"],
        "名称": ["好点", "", "火山口", "负数坡", "电话坡", "北京滑坡"],
        "乡镇": ["城关镇", "城关镇", "城关镇", "城关镇", "城关镇", ""],
        "灾害类型": ["滑坡", "滑坡", "火山", "滑坡", "滑坡", "滑坡"],
        "威胁人数": ["10", "10", "10", "-3", "10", "10"],
        "监测人电话": ["13912345678", "", "", "", "12345", ""],
        "最近巡查日期": ["2026-10-01", "", "", "", "", "明天"],
        "状态": ["在册"] * 6,
        "经度": ["105.91", "105.91", "105.91", "105.91", "105.91", "116.39"],
        "纬度": ["26.86", "26.86", "26.86", "26.86", "26.86", "39.90"],
    }).to_csv(HERE / "sites_bad.csv", index=False)
    pd.DataFrame({"统一编号": ["M1"], "名称": ["错乡坡"], "乡镇": ["城关镇"], "灾害类型": ["滑坡"],
                  "状态": ["在册"], "经度": [105.98], "纬度": [26.88]}).to_csv(
        HERE / "sites_township_mismatch.csv", index=False)


def zones() -> None:
    frame = gpd.GeoDataFrame({"zone_id": ["Z1", "Z2"], "zone_name": ["城关镇松林", "双河镇竹海"],
                              "乡镇": ["城关镇", "双河镇"], "林分类型": ["针叶林", "竹林"],
                              "火险等级": ["I级", "三级"]},
                             geometry=[box(105.91, 26.86, 105.92, 26.87),
                                       box(105.96, 26.86, 105.97, 26.87)], crs=4326)
    frame.to_file(HERE / "zones_gbk.shp", driver="ESRI Shapefile", encoding="GBK")
    HERE.joinpath("zones_gbk.cpg").unlink(missing_ok=True)
    # DBF names hold 10 bytes: three Chinese characters in UTF-8, five in GBK.
    short = frame.rename(columns={"林分类型": "林种", "火险等级": "火险"})
    short.to_file(HERE / "zones_utf8.shp", driver="ESRI Shapefile", encoding="UTF-8")


def facilities() -> None:
    frame = gpd.GeoDataFrame({"facility_id": ["F1", "F2"], "facility_name": ["城关镇中心小学",
                                                                           "双河镇卫生院"],
                              "facility_category": ["学校", "hospital"], "capacity": [900, 40]},
                             geometry=[Point(105.92, 26.87), Point(105.97, 26.87)], crs=4326)
    frame.to_file(HERE / "facilities.gpkg", driver="GPKG", layer="facilities")
    kml = frame.rename(columns={"facility_name": "Name"})[["Name", "geometry"]]
    kml.to_file(HERE / "facilities.kml", driver="KML")


def products() -> None:
    pd.DataFrame({
        "latitude": [26.8712, 26.8623, 39.9], "longitude": [105.9211, 105.9734, 116.4],
        "bright_ti4": [330.1, 341.5, 300.0], "scan": [0.39, 0.4, 0.4], "track": [0.36, 0.37, 0.4],
        "acq_date": ["2026-03-05", "2026-04-04", "2026-04-04"], "acq_time": ["0542", "612", "0600"],
        "satellite": ["N", "N", "N"], "instrument": ["VIIRS"] * 3, "confidence": ["n", "h", "l"],
        "version": ["2.0NRT"] * 3, "bright_ti5": [290.2, 295.0, 280.0], "frp": [3.2, 8.9, 1.0],
        "daynight": ["D", "D", "D"],
    }).to_csv(HERE / "firms_viirs.csv", index=False)
    pd.DataFrame({
        "source_name": ["Xinhua", "CCTV"], "event_id": [101, 102],
        "event_date": ["2017/06/24 05:38:00", "2019/07/23 21:20:00"],
        "event_title": ["Landslide near town", "Mudslide"],
        "event_description": ["Heavy rain triggered a landslide", "Debris flow after storm"],
        "landslide_category": ["landslide", "mudslide"], "landslide_trigger": ["downpour", "rain"],
        "landslide_size": ["large", "medium"], "fatality_count": [10, ""],
        "injury_count": [3, 0], "country_name": ["China", "China"],
        "longitude": [105.93, 105.98], "latitude": [26.88, 26.86],
    }).to_csv(HERE / "glc_events.csv", index=False)


def roads() -> None:
    pd.DataFrame({"路段编号": ["R1", "R2"], "公路等级": ["国道", "village"],
                  "临水临崖": ["是", "否"], "几何": [
                      "LINESTRING (105.91 26.86, 105.94 26.88)",
                      "MULTILINESTRING ((105.96 26.86, 105.97 26.87), "
                      "(105.97 26.87, 105.98 26.88))"]}).to_csv(HERE / "roads_wkt.csv", index=False)


REAL_TOWNS = [(f"52990210{i}000", name) for i, name in enumerate(
    ["城关镇", "河西镇", "龙场镇", "新店镇", "坪上乡", "大寨乡", "石门乡", "高峰镇", "红岩街道"],
    start=1)]
"""A nine-township county on a 3 × 3 grid of 0.05° squares from (106.50, 27.00)."""


def _real_square(i: int) -> Polygon:
    col, row = i % 3, i // 3
    return box(106.50 + 0.05 * col, 27.00 + 0.05 * row, 106.55 + 0.05 * col, 27.05 + 0.05 * row)


def real_county() -> None:
    """Files shaped like the public products a real county starts from (not copies)."""
    gpd.GeoDataFrame({"gml_id": [f"xzq.{i}" for i in range(9)],
                      "Name": [n for _, n in REAL_TOWNS], "layer": ["乡镇"] * 9,
                      "code": [int(c) for c, _ in REAL_TOWNS], "grade": [4] * 9},
                     geometry=[_real_square(i) for i in range(9)], crs=4326).to_file(
        HERE / "official_townships.geojson", driver="GeoJSON")
    pd.DataFrame({"乡镇名称": ["城关镇", "河西", "龙场镇", "不存在镇"],
                  "户籍人口（人）": ["52,300", "18000", "2.1万人", "100"],
                  "户数": [15100, 5200, 6100, 30]}).to_csv(HERE / "township_statistics.csv",
                                                        index=False, encoding="utf-8-sig")
    roads = [  # highway, ref, name, geometry
        ("motorway", "G75", "兰海高速", LineString([(106.51, 27.01), (106.64, 27.14)])),
        ("trunk", "G210;S205", "国道210", LineString([(106.51, 27.06), (106.59, 27.07)])),
        ("secondary", "X003", "城石公路", MultiLineString([[(106.56, 27.11), (106.58, 27.12)],
                                                        [(106.58, 27.12), (106.62, 27.12)]])),
        ("tertiary", None, "河龙路", LineString([(106.56, 27.01), (106.59, 27.02)])),
        ("residential", None, None, LineString([(106.52, 27.02), (106.53, 27.02)])),
        ("footway", None, "滨河步道", LineString([(106.52, 27.03), (106.53, 27.03)])),
        ("path", None, None, LineString([(106.60, 27.03), (106.61, 27.04)])),
        (None, None, "川黔铁路", LineString([(106.50, 27.09), (106.65, 27.09)])),
        ("primary", "S205", "省道205", LineString([(108.00, 28.00), (108.10, 28.01)])),
    ]
    frame = gpd.GeoDataFrame({"@id": [f"way/{1000 + i}" for i in range(len(roads))],
                              "highway": [r[0] for r in roads], "ref": [r[1] for r in roads],
                              "name": [r[2] for r in roads],
                              "railway": [None] * 7 + ["rail", None]},
                             geometry=[r[3] for r in roads], crs=4326)
    frame.to_file(HERE / "osm_roads.geojson", driver="GeoJSON")
    glc = pd.DataFrame({
        "source_name": ["新华网", "AP", "Reuters", "人民网"],
        "source_link": ["https://example.org/1", "", "", ""],
        "event_id": [7001, 7002, 7003, 7004],
        "event_date": ["8/1/2008 0:00", "07/19/2014 03:00:00 PM", "5/3/2016 12:00",
                       "6/24/2017 5:38"],
        "event_time": ["", "", "", ""],
        "event_title": ["Landslide buries houses", "Mudslide in Colorado", "Peru slide",
                        "Rain-triggered landslide"],
        "event_description": ["Six killed after heavy rain", "", "", "Road blocked"],
        "location_description": ["村", "", "", "镇"], "location_accuracy": ["1km"] * 4,
        "landslide_category": ["landslide", "mudslide", "landslide", "rock_fall"],
        "landslide_trigger": ["downpour", "rain", "earthquake", "continuous_rain"],
        "landslide_size": ["large", "medium", "small", "small"],
        "landslide_setting": ["mine", "unknown", "unknown", "above_road"],
        "fatality_count": [6, 0, "", ""], "injury_count": [2, "", "", 1],
        "country_name": ["China", "United States", "Peru", "China"],
        "longitude": [106.575, -105.5, -77.0, 106.625],
        "latitude": [27.025, 39.5, -12.0, 27.125],
    })
    glc.to_csv(HERE / "glc_export.csv", index=False)
    firms = pd.DataFrame({
        "latitude": [27.0712, 27.0712, -3.2, 61.5, 27.1234, 27.0712],
        "longitude": [106.5211, 106.5211, 25.1, 140.2, 106.6134, 106.5211],
        "bright_ti4": [330.1, 330.1, 340.0, 310.0, 345.5, 330.1],
        "scan": [0.39] * 6, "track": [0.36] * 6,
        "acq_date": ["2026-11-28", "2026-11-28", "2026-11-28", "2026-11-29", "2026-11-29",
                     "2026-11-28"],
        "acq_time": [542, 542, 1130, 1304, 612, 542], "satellite": ["N"] * 6,
        "instrument": ["VIIRS"] * 6, "confidence": ["n", "n", "h", "l", "h", "n"],
        "version": ["2.0NRT"] * 6, "bright_ti5": [290.2] * 6, "frp": [3.2, 3.2, 9.0, 1.1, 8.9,
                                                                      3.2],
        "daynight": ["D"] * 6,
    })
    firms.to_csv(HERE / "firms_global_7d.csv", index=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "隐患点"
    sheet.append(["某县地质灾害隐患点台账（2026年）"])
    sheet.append(["序号", "隐患点名称", "乡镇", "灾害类型", "规模等级", "威胁户数", "威胁人数",
                  "监测员", "经度", "纬度"])
    sheet.append([1, "河西后山滑坡", "河西镇", "滑坡", "中型", 12, 46, "张三", 106.575, 27.02])
    sheet.append([2, "龙场沟泥石流", "龙场", "泥石流", "小型", 5, 19, "李四", 106.62, 27.03])
    sheet.append([3, "城关北崩塌", "城关镇", "崩塌", "小型", 3, 11, "王五", 106.52, 27.04])
    book.save(HERE / "sites_no_status.xlsx")


REGISTERS = {  # file: (title, filled in by, header, rows), as departments keep them
    "register_places.xlsx": (
        "演示县重点场所和企业安全检查台账", "县应急管理局",
        ["序号", "单位名称", "场所类型", "所属乡镇", "主管部门", "重大危险源等级", "从业人员",
         "最近检查日期", "检查结果", "联系电话", "经度", "纬度"],
        [[1, "城关加油站", "加油站", "城关镇", "县应急管理局", "三级", 12, "2026年10月8日", "合格",
          "13900000001", 105.92, 26.87],
         [2, "双河镇敬老院", "敬老院", "双河镇", "县民政局", "", 46, "2026/9/20", "有隐患",
          "0851-1234567", 105.97, 26.86],
         [3, "白岩采石场", "矿山", "白岩", "县应急管理局", "四级", 25, "", "", "", 105.95,
          26.82]]),
    "register_duty.xlsx": (
        "演示县2026年10月值班安排表", "县政府办公室",
        ["日期", "单位", "岗位", "姓名", "电话"],
        [["2026-10-31", "城关镇", "带班领导", "王明", "13900000011"],
         ["2026-10-31", "城关镇", "值班", "李华", "13900000012"],
         ["2026-10-31", "县应急管理局", "值班员", "赵六", "0851-110"],
         ["2026-10-30", "双河镇", "值班员", "张三", "13900000013"]]),
    "register_plans.xlsx": (
        "演示县应急预案目录", "县应急管理局",
        ["序号", "预案名称", "预案类别", "编制单位", "修订日期", "最近演练日期", "专家组成员"],
        [[1, "演示县地质灾害应急预案", "专项预案", "县自然资源局", "2022年6月1日", "2026-05-20",
          "王工、李工、张工"],
         [2, "双河镇突发事件总体应急预案", "乡镇预案", "双河镇人民政府", "2025-03-01", "", ""]]),
    "register_teams.xlsx": (
        "演示县应急救援队伍登记表", "县应急管理局",
        ["序号", "队伍名称", "队伍类别", "所属乡镇", "队员人数", "主要装备", "最近训练日期",
         "联系电话"],
        [[1, "演示县综合应急救援大队", "综合救援", "城关镇", 60, "破拆工具组、冲锋舟",
          "2026-10-15", "13900000021"],
         [2, "双河镇应急救援队", "乡镇应急", "双河镇", 22, "风力灭火机、油锯", "2026-06-30",
          "13900000022"]]),
    "register_supplies.xlsx": (
        "演示县应急物资储备情况表", "县应急管理局",
        ["序号", "储备库", "所属乡镇", "物资名称", "库存数量", "计量单位"],
        [[1, "演示县应急物资储备库", "城关镇", "帐篷", 150, "顶"],
         [2, "演示县应急物资储备库", "城关镇", "棉被", 1200, "床"],
         [3, "双河镇应急物资储备点", "双河镇", "帐篷", 25, "顶"]]),
}


def registers() -> None:
    """Each register as an office keeps it: a title row, who filled it in, then the table."""
    for name, (title, unit, header, rows) in REGISTERS.items():
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "台账"
        sheet["A1"] = title
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet["A2"] = f"填报单位：{unit}（盖章）"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(HERE / name)


if __name__ == "__main__":
    for old in HERE.glob("zones_*"):
        old.unlink()
    towns()
    ledgers()
    sites()
    zones()
    facilities()
    products()
    roads()
    real_county()
    registers()
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)
