"""Validation generated from the schema names the row, column and value of every problem."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geodata.validate import validate


def _sites(**overrides: object) -> gpd.GeoDataFrame:
    row = {"site_id": "DZ1", "site_name": "张家湾滑坡", "township_code": "529901100000",
           "hazard_type": "滑坡", "site_status": "在册", "threatened_people": 12,
           "monitor_phone": "13912345678"}
    rows = [dict(row), dict(row, site_id="DZ2")]
    for key, value in overrides.items():
        rows[1][key] = value
    return gpd.GeoDataFrame(rows, geometry=[Point(107.8, 26.9), Point(107.81, 26.91)],
                            crs="EPSG:4326")


def _only(problems: list) -> tuple:
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    return p.row, p.column, p.value


def test_good_rows_pass_and_are_typed() -> None:
    out, problems = validate("geohazard_sites", _sites())
    assert problems == []
    assert str(out["threatened_people"].dtype) == "Int64"
    assert out.crs == "EPSG:4326"
    assert list(out.columns[:3]) == ["site_id", "site_name", "township_code"]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("site_name", None, "required"),
        ("threatened_people", "many", "whole number"),
        ("threatened_people", 2.5, "whole number"),
        ("threatened_people", -3, "below"),
        ("hazard_type", "火山", "allowed"),
        ("township_code", "52990110", "12-digit code"),
        ("monitor_phone", "12345", "11-digit mobile"),
        ("site_id", "DZ1", "duplicate key"),
    ],
)
def test_each_rule_names_row_column_value(column: str, value: object, reason: str) -> None:
    _, problems = validate("geohazard_sites", _sites(**{column: value}))
    assert _only(problems) == (1, column, value)
    assert reason in problems[0].reason
    assert "第 2 行" in str(problems[0]) and column in str(problems[0])


def test_dates_and_booleans_are_parsed() -> None:
    frame = pd.DataFrame({"township_code": ["529901100000"] * 3,
                          "weather_date": ["2026-05-01", pd.Timestamp("2026-05-02"), "soon"],
                          "precip_mm": [1, "2.5", None]})
    out, problems = validate("fire_weather", frame)
    assert _only(problems) == (2, "weather_date", "soon")
    assert out["precip_mm"].tolist()[:2] == [1.0, 2.5]
    roads = gpd.GeoDataFrame({"segment_id": ["a", "b"], "road_class": ["国道", "村道"],
                              "along_water_cliff": ["是", "maybe"]},
                             geometry=[LineString([(0, 0), (1, 1)])] * 2, crs=4326)
    out, problems = validate("road_segments", roads)
    assert _only(problems) == (1, "along_water_cliff", "maybe")
    assert bool(out["along_water_cliff"][0]) is True


def test_unknown_and_missing_columns_are_reported() -> None:
    frame = _sites().assign(colour="red").drop(columns="site_name")
    _, problems = validate("geohazard_sites", frame)
    assert {(p.column, p.row) for p in problems} == {("colour", None), ("site_name", None)}


def test_geometry_rules() -> None:
    wrong = _sites()
    wrong.loc[1, "geometry"] = LineString([(107, 26), (107.1, 26.1)])
    _, problems = validate("geohazard_sites", wrong)
    assert _only(problems)[:2] == (1, "geometry")
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    towns = gpd.GeoDataFrame({"township_code": ["529901100000"], "township_name": ["a"]},
                             geometry=[bowtie], crs=4326)
    _, problems = validate("townships", towns)
    assert "invalid" in problems[0].reason
    no_crs = _sites().set_crs(None, allow_override=True)
    _, problems = validate("geohazard_sites", no_crs)
    assert "CRS" in problems[0].reason


def test_projected_input_is_stored_in_wgs84() -> None:
    utm = _sites().to_crs("EPSG:32648")
    out, problems = validate("geohazard_sites", utm)
    assert problems == []
    assert out.crs == "EPSG:4326"
    assert out.geometry.iloc[0].distance(Point(107.8, 26.9)) < 1e-9
