"""Who is behind: figures known by hand."""

from __future__ import annotations

import pandas as pd

from analytics.ledger_stats import monthly, overdue_major, rectification, red_black

AS_OF = pd.Timestamp("2026-10-31 18:00")


def _ledger() -> pd.DataFrame:
    d = pd.Timestamp
    return pd.DataFrame({
        "hazard_id": ["a", "b", "c", "d"], "lead_department": ["甲", "甲", "乙", "乙"],
        "township_code": ["T", "T", "T", "U"], "domain": ["消防"] * 4,
        "hazard_level": ["一般", "重大", "重大", "一般"],
        "hazard_status": ["已销号", "整改中", "已销号", "待整改"],
        "found_date": [d("2026-08-01"), d("2026-08-15"), d("2026-09-01"), d("2026-10-01")],
        "closed_date": [d("2026-08-11"), pd.NaT, d("2026-10-01"), pd.NaT],
        "deadline": [d("2026-08-20"), d("2026-10-01"), d("2026-10-10"), d("2026-11-30")],
        "hazard_description": "x", "responsible_unit": "u",
        "supervising_leader": ["", "副县长", "", ""],
    })


def test_rectification_by_department() -> None:
    out = rectification(_ledger(), "lead_department", AS_OF)
    assert out.loc["甲"].to_dict() == {"found": 2, "closed": 1, "open": 1, "overdue": 1,
                                      "rate": 50.0, "days_to_close": 10.0}
    assert out.loc["乙", "overdue"] == 0 and out.loc["乙", "days_to_close"] == 30.0
    assert out.loc["乙", "rate"] == 50.0, "equal rates: the group with more overdue first"
    assert list(out.index) == ["甲", "乙"]


def test_monthly_trend_counts_found_closed_and_open() -> None:
    out = monthly(_ledger(), AS_OF, months=3)
    assert out.loc["2026-10-01"].to_dict() == {"found": 1, "closed": 1, "open": 2}
    assert out.loc["2026-08-01"].to_dict() == {"found": 2, "closed": 1, "open": 1}


def test_red_black_and_overdue_major() -> None:
    table = rectification(_ledger(), "township_code", AS_OF)
    best, worst = red_black(table, n=1, min_found=1)
    assert best.index.tolist() == ["T"] and worst.index.tolist() == ["U"]
    late = overdue_major(_ledger(), AS_OF)
    assert late["hazard_id"].tolist() == ["b"] and late.loc[0, "days_overdue"] == 30
    assert late.loc[0, "supervising_leader"] == "副县长"


def _three_departments() -> pd.DataFrame:
    """丙: 1 of 3 closed (33.3 %), 2 overdue; 丁: 3 of 4 closed (75 %); one unassigned."""
    rows = [("丙", "已销号", "2026-10-01", "2026-09-01", "2026-09-11"),
            ("丙", "整改中", "2026-10-20", "2026-09-02", None),
            ("丙", "待整改", "2026-10-25", "2026-09-03", None),
            ("丁", "已销号", "2026-10-01", "2026-09-01", "2026-09-04"),
            ("丁", "已销号", "2026-10-01", "2026-09-01", "2026-09-05"),
            ("丁", "已销号", "2026-10-01", "2026-09-01", "2026-09-05"),
            ("丁", "待验收", "2026-10-30", "2026-09-01", None),
            (None, "待整改", "2026-12-01", "2026-10-01", None)]
    frame = pd.DataFrame(rows, columns=["lead_department", "hazard_status", "deadline",
                                        "found_date", "closed_date"])
    for column in ("deadline", "found_date", "closed_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.assign(hazard_id=[f"h{k}" for k in range(len(frame))], township_code="T",
                        domain="消防", hazard_level=["重大", "重大", "重大", "一般", "一般",
                                                     "一般", "重大", "一般"],
                        hazard_description="x", responsible_unit="u",
                        supervising_leader="县长", closed=None).drop(columns="closed")


def test_rates_round_to_one_decimal_and_lowest_rate_comes_first() -> None:
    out = rectification(_three_departments(), "lead_department", AS_OF)
    assert list(out.index) == ["（未填）", "丙", "丁"]
    assert out.index.name == "lead_department"
    assert out.loc["丙"].to_dict() == {"found": 3, "closed": 1, "open": 2, "overdue": 2,
                                      "rate": 33.3, "days_to_close": 10.0}
    assert out.loc["丁"].to_dict() == {"found": 4, "closed": 3, "open": 1, "overdue": 1,
                                      "rate": 75.0, "days_to_close": 3.7}


def test_overdue_majors_most_overdue_first() -> None:
    late = overdue_major(_three_departments(), AS_OF)
    assert late["hazard_id"].tolist() == ["h1", "h2", "h6"]
    assert late["days_overdue"].tolist() == [11, 6, 1]
    assert late.index.tolist() == [0, 1, 2]
    assert late.columns[7] == "days_overdue"
