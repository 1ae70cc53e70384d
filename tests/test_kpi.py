"""The overview's headline figures, on a ledger and sites counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.kpi import county_kpis

AS_OF = pd.Timestamp("2026-10-31 23:59:59")


def _tables() -> dict[str, pd.DataFrame]:
    ledger = pd.DataFrame({
        "hazard_status": ["已销号", "整改中", "待整改", "待验收", "整改中", None],
        "hazard_level": ["重大", "重大", "重大", "一般", "一般", None],
        "deadline": pd.to_datetime(["2026-10-01", "2026-10-30", "2026-10-31", "2026-10-29",
                                    None, "2026-11-02"]),
        "supervising_leader": ["甲", "乙", None, None, None, None],
    })
    for column in ("hazard_status", "hazard_level"):  # Arrow-backed text, as the store reads
        ledger[column] = ledger[column].astype("string[pyarrow]")
    sites = pd.DataFrame({"site_status": ["在册", "在册", "已核销", None],
                          "threatened_people": [120, None, 900, 50]})
    sites["site_status"] = sites["site_status"].astype("string[pyarrow]")  # as the store reads
    reloc = pd.DataFrame({"people": [300, None, 200]})
    return {"hazard_ledger": ledger, "geohazard_sites": sites, "relocation_sites": reloc}


def test_headline_figures_counted_by_hand() -> None:
    kpis = county_kpis(_tables(), AS_OF)
    assert kpis == {
        "hazards_found": 6, "hazards_closed": 1,
        "rectification_rate": pytest.approx(100 / 6),
        "hazards_overdue": 2,        # due 10-30 and 10-29, still open; due 10-31 is not yet
        "major_open": 2, "major_supervised": 1,
        "geohazard_sites": 2,        # written-off and status-less sites are not on the register
        "people_threatened": 120,
        "relocation_sites": 3, "relocation_people": 500,
    }


def test_an_empty_ledger_has_no_rate_to_show() -> None:
    tables = _tables()
    tables["hazard_ledger"] = tables["hazard_ledger"].head(0)
    kpis = county_kpis(tables, AS_OF)
    assert kpis["hazards_found"] == 0 and kpis["rectification_rate"] == 0.0
