"""Value parsers: Chinese dates, units, labels — each input → output, and failures flagged."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from domain.schema import FIELDS
from domain.values import (
    choice_lookup,
    parse_choices,
    parse_datetimes,
    parse_numbers,
    per_unique,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2020-09-01", "2020-09-01"),
        ("2020年9月1日", "2020-09-01"),
        ("2020.9.1", "2020-09-01"),
        ("2020/9/1", "2020-09-01"),
        ("20200901", "2020-09-01"),
        ("2020年9月1日 8时30分", "2020-09-01 08:30"),
        ("2020-09-01T08:30:15", "2020-09-01 08:30:15"),
        (44075, "2020-09-01"),
        (44075.5, "2020-09-01 12:00"),
        (datetime(2020, 9, 1, 8, 30), "2020-09-01 08:30"),
        (date(2020, 9, 1), "2020-09-01"),
        (pd.Timestamp("2020-09-01 07:59:59.9999"), "2020-09-01 08:00"),
        ("8/1/2008 0:00", "2008-08-01"),
        (20000.836301487427, "1954-10-03 20:04:16"),
        ("08/01/2008 02:15:00 PM", "2008-08-01 14:15"),
        ("12/31/2020 12:00 AM", "2020-12-31"),
        ("25/12/2020", "2020-12-25"),
    ],
)
def test_dates(given: object, expected: str) -> None:
    out, bad = parse_datetimes(pd.Series([given], dtype=object))
    assert not bad.iloc[0]
    assert out.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("given", ["明天", "2020-13-01", "9/1/2020x", "1.5", "13/13/2020",
                                   "8/1/2008 25:00"])
def test_bad_dates_are_flagged(given: str) -> None:
    out, bad = parse_datetimes(pd.Series([given, None]))
    assert bad.tolist() == [True, False]
    assert out.isna().all()


@pytest.mark.parametrize(
    ("given", "unit", "expected"),
    [
        ("1,200人", "人", 1200.0),
        ("1，200 人", "人", 1200.0),
        ("35万元", "万元", 35.0),
        ("3,500元", "万元", 0.35),
        ("0.5亿元", "万元", 5000.0),
        ("12 ha", "ha", 12.0),
        ("15亩", "ha", 1.0),
        ("2.5km", "m", 2500.0),
        ("-3", "人", -3.0),
        (7, "人", 7.0),
    ],
)
def test_numbers_with_units(given: object, unit: str, expected: float) -> None:
    out, bad = parse_numbers(pd.Series([given], dtype=object), unit)
    assert not bad.iloc[0]
    assert out.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize(("given", "unit"), [("35斤", "万元"), ("很多", "人"), ("1.2.3", "m")])
def test_bad_numbers_are_flagged(given: str, unit: str) -> None:
    _, bad = parse_numbers(pd.Series([given]), unit)
    assert bad.iloc[0]


def test_choices_by_chinese_english_and_alias() -> None:
    lookup = choice_lookup(FIELDS["fire_risk_class"])
    out, bad = parse_choices(pd.Series(["Ⅰ级", "I级", "一级", "Class III (low)", "四级", None]),
                             lookup)
    assert out.tolist()[:4] == ["Ⅰ级", "Ⅰ级", "Ⅰ级", "Ⅲ级"]
    assert bad.tolist() == [False, False, False, False, True, False]
    assert out.iloc[4] == "四级", "an unknown value is kept as given, for the report"


def test_per_unique_gives_the_same_answer() -> None:
    raw = pd.Series(["2020年9月1日", None, "2020.9.1", "bad"] * 50)
    fast = per_unique(raw, parse_datetimes)
    slow = parse_datetimes(raw)
    assert fast[0].equals(slow[0]) and fast[1].equals(slow[1])
