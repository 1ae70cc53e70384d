"""Header matching: Chinese and English names, aliases, units, case and width ignored."""

from __future__ import annotations

import pytest

from domain import schema
from geodata.headers import match_headers
from geodata.readers import dbf_text, detect_encoding


@pytest.mark.parametrize(
    ("table", "header", "field"),
    [
        ("hazard_ledger", "隐患描述", "hazard_description"),
        ("hazard_ledger", " *整改时限 ", "deadline"),
        ("hazard_ledger", "牵头单位", "lead_department"),
        ("hazard_ledger", "Lead Department", "lead_department"),
        ("hazard_ledger", "HAZARD_LEVEL", "hazard_level"),
        ("hazard_ledger", "所属乡镇", "township_code"),
        ("hazard_ledger", "经度", "lon"),
        ("hazard_ledger", "Longitude", "lon"),
        ("hazard_ledger", "Ｘ", "lon"),
        ("hazard_ledger", "纬度（°）", "lat"),
        ("geohazard_sites", "威胁人数（人）", "threatened_people"),
        ("geohazard_sites", "威胁人数 (人)", "threatened_people"),
        ("geohazard_sites", "People threatened", "threatened_people"),
        ("geohazard_sites", "People threatened (人)", "threatened_people"),
        ("geohazard_sites", "Property threatened (10,000 yuan)", "threatened_property_wan"),
        ("geohazard_sites", "威胁财产(万元)", "threatened_property_wan"),
        ("geohazard_sites", "统一编号", "site_id"),
        ("townships", "乡镇名称", "township_name"),
        ("road_segments", "几何", "wkt"),
    ],
)
def test_header_matches(table: str, header: str, field: str) -> None:
    assert match_headers(table, [header]).fields == {field: header}


def test_mapping_wins_and_duplicates_are_reported() -> None:
    found = match_headers("hazard_ledger", ["问题", "隐患描述", "隐患内容"],
                          mapping={"问题": "hazard_description"})
    assert found.fields == {"hazard_description": "问题"}
    assert found.duplicates == [("隐患描述", "hazard_description"),
                                ("隐患内容", "hazard_description")]


def test_a_label_beats_an_alias_wherever_it_stands() -> None:
    found = match_headers("hazard_ledger", ["隐患名称", "隐患描述"])
    assert found.fields == {"hazard_description": "隐患描述"}
    assert found.duplicates == [("隐患名称", "hazard_description")]


def test_unknown_headers_are_listed() -> None:
    assert match_headers("facilities", ["序号", "备注二"]).ignored == ["序号", "备注二"]


def test_aliases_refer_to_declared_fields_and_values() -> None:
    for name, field in schema.FIELDS.items():
        for alias, value in field.choice_aliases.items():
            assert field.choices and value in field.choices, (name, alias)
    assert set(schema._HEADER_ALIASES) <= set(schema.FIELDS)
    assert set(schema._CHOICE_ALIASES) <= set(schema.FIELDS)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [("隐患".encode(), "utf-8"), ("隐患".encode("utf-8-sig"), "utf-8-sig"),
     ("隐患".encode("gbk"), "gb18030"), (b"plain", "utf-8")],
)
def test_encoding_detection(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding


def test_dbf_text_skips_the_binary_header() -> None:
    header = bytearray(32)
    header[8:10] = (32 + 32 + 1).to_bytes(2, "little")
    field = "名称".encode("gbk").ljust(11, b"\x00") + b"C" + bytes(20)
    data = bytes(header) + field + b"\r" + " 城关镇".encode("gbk")
    assert dbf_text(data) == "名称".encode("gbk") + b"  " + "城关镇".encode("gbk")
    assert detect_encoding(dbf_text(data)) == "gb18030"
