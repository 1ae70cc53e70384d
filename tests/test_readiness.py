"""The sweeps' and readiness rules on small cases worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.readiness import (
    duty_officers,
    duty_on,
    plan_status,
    readiness_on,
    supply_shortfalls,
    team_status,
)
from analytics.sweeps import hazards_per_place, place_hazards, sweep_progress, sweep_status
from geodata.config import load_settings

AS_OF = pd.Timestamp("2026-10-31 23:59:59")
TOWNS = pd.DataFrame({"township_code": ["529901100000", "529901101000"],
                      "township_name": ["城关镇", "青龙镇"]})
DOMAINS = load_settings().readiness.domains


def _places() -> pd.DataFrame:
    return pd.DataFrame({
        "place_id": ["P1", "P2", "P3", "P4"],
        "place_name": ["城关加油站", "青龙中心小学", "城关敬老院", "青龙采石场"],
        "place_kind": ["危化品企业", "学校", "养老机构", "非煤矿山"],
        "township_code": ["529901100000", "529901101000", "529901100000", "529901101000"],
        "supervising_department": ["县应急管理局", "县教育局", "县民政局", "县应急管理局"],
        "place_grade": ["二级", None, None, "三级"],
        "last_inspection_date": pd.to_datetime(["2026-10-01", "2026-08-03", "2026-08-02",
                                                None]),
        "inspection_result": ["发现隐患", "未发现隐患", "未发现隐患", None]})


def _ledger() -> pd.DataFrame:
    return pd.DataFrame({
        "hazard_id": ["H1", "H2", "H3", "H4", "H5"],
        "domain": ["危化品", "危化品", "校园", "消防", "道路交通"],
        "responsible_unit": ["城关加油站", " 城关加油站", "青龙中心小学", "城关敬老院", "某路段"],
        "township_code": ["529901100000", None, "529901100000", "529901100000",
                          "529901101000"],
        "lead_department": ["县应急管理局", "县应急管理局", "县教育局", "县消防救援大队",
                            "县交通运输局"],
        "hazard_level": ["重大", "一般", "一般", "一般", "一般"],
        "found_date": pd.to_datetime(["2026-10-01", "2026-10-01", "2026-09-01", "2026-07-01",
                                      "2026-10-20"]),
        "hazard_status": ["整改中", "已销号", "已销号", "已销号", "待整改"]})


def test_a_place_is_inspected_within_the_window_including_its_first_day() -> None:
    # 90 days up to 31 October: from 3 August on (2 August is a day too early)
    status = sweep_status(_places(), as_of=AS_OF, window_days=90)
    assert status.tolist() == ["发现隐患", "未发现隐患", "未检查", "未检查"]


def test_sweep_progress_by_hand() -> None:
    progress = sweep_progress(_places(), _ledger(), as_of=AS_OF, window_days=90,
                              domains=DOMAINS).set_index("domain")
    # 危化品: one station, inspected; two hazards found in the window, one major, one closed
    assert progress.loc["危化品", ["places", "inspected", "found", "major_found",
                                  "rectified"]].tolist() == [1, 1, 2, 1, 1]
    assert progress.loc["危化品", "rectified_share"] == pytest.approx(0.5)
    # 消防: the care home (last inspected 2 August); its hazard was found before the window
    assert progress.loc["消防", ["places", "inspected", "found"]].tolist() == [1, 0, 0]
    assert progress.loc["消防", "inspected_share"] == 0
    # 道路交通: no place is registered, one hazard found: no share of places, never 0 %
    assert pd.isna(progress.loc["道路交通", "inspected_share"])
    assert progress.loc["道路交通", "found"] == 1
    assert progress.loc["非煤矿山", ["places", "inspected"]].tolist() == [1, 0]


def test_sweep_progress_per_township_and_department() -> None:
    by_town = sweep_progress(_places(), _ledger(), as_of=AS_OF, window_days=90,
                             domains=DOMAINS, by="township_code")
    chem = by_town[by_town["domain"] == "危化品"].set_index("township_code")
    assert chem.loc["529901100000", "found"] == 1 and chem.loc["—", "found"] == 1
    by_dept = sweep_progress(_places(), _ledger(), as_of=AS_OF, window_days=90,
                             domains=DOMAINS, by="department")
    school = by_dept[by_dept["domain"] == "校园"].set_index("department")
    assert school.loc["县教育局", ["places", "inspected", "found", "rectified"]].tolist() == [
        1, 1, 1, 1]


def test_what_a_register_not_loaded_would_count_is_missing_not_zero() -> None:
    no_ledger = _ledger().iloc[:0]
    counts = hazards_per_place(_places(), no_ledger)
    assert counts.isna().all().all(), "no ledger: a place's hazards are unknown, not 0"
    progress = sweep_progress(_places(), no_ledger, as_of=AS_OF, window_days=90,
                              domains=DOMAINS).set_index("domain")
    assert progress[["found", "major_found", "rectified"]].isna().all().all()
    assert progress.loc["危化品", "inspected"] == 1, "the places still count"
    no_places = sweep_progress(_places().iloc[:0], _ledger(), as_of=AS_OF, window_days=90,
                               domains=DOMAINS).set_index("domain")
    assert no_places[["places", "inspected"]].isna().all().all()
    assert no_places.loc["危化品", "found"] == 2


def test_a_place_finds_its_ledger_rows_by_name_and_township() -> None:
    places, ledger = _places(), _ledger()
    assert place_hazards(places.iloc[0], ledger)["hazard_id"].tolist() == ["H1", "H2"]
    # the school's hazard names another township: not the school's
    assert place_hazards(places.iloc[1], ledger).empty
    counts = hazards_per_place(places, ledger)
    assert counts["hazards"].tolist() == [2, 0, 1, 0]
    assert counts["open_hazards"].tolist() == [1, 0, 0, 0]


def _roster() -> pd.DataFrame:
    day = pd.Timestamp("2026-10-31")
    rows = [(day, "城关镇", "带班领导", "529901100000", "王明", "13900000001"),
            (day, "城关镇", "值班员", "529901100000", "李华", None),
            (day - pd.Timedelta(days=1), "青龙镇", "值班员", None, "张三", "13900000003"),
            (day, "县应急管理局", "值班员", None, "赵六", "13900000004"),
            (day - pd.Timedelta(days=2), "县气象局", "带班领导", None, "钱七", "13900000005")]
    return pd.DataFrame(rows, columns=["duty_date", "duty_unit", "duty_role", "township_code",
                                       "duty_person", "duty_phone"])


def test_no_one_on_duty_where_the_roster_has_a_gap() -> None:
    duty = duty_on(_roster(), TOWNS, AS_OF).set_index("duty_unit")
    assert duty.loc["城关镇", "带班领导"] == "王明（13900000001）"
    assert duty.loc["城关镇", "值班员"] == "李华" and duty.loc["城关镇", "on_duty"]
    # 青龙镇 was on the roster yesterday (by name), not tonight; 县气象局 two days ago
    assert not duty.loc["青龙镇", "on_duty"] and not duty.loc["县气象局", "on_duty"]
    assert duty.loc["县应急管理局", "on_duty"]
    officers = duty_officers(_roster(), TOWNS, AS_OF)
    assert officers["529901100000"] == "王明（13900000001）"
    assert pd.isna(officers["529901101000"]), "no one on duty: no name made up"


def test_a_day_the_roster_does_not_reach_is_not_a_day_without_anyone() -> None:
    tables = {"townships": TOWNS, "duty_roster": _roster(),
              "emergency_plans": pd.DataFrame(columns=["last_revised", "last_drill",
                                                       "expert_group"]),
              "rescue_teams": pd.DataFrame(columns=["last_training"]),
              "supplies": pd.DataFrame(columns=["warehouse_name", "item_name", "township_code",
                                                "quantity", "item_unit"])}
    config = load_settings().readiness
    tonight = readiness_on(tables, as_of=AS_OF, settings=config)
    assert tonight.covered and tonight.nobody == ["青龙镇", "县气象局"]
    later = readiness_on(tables, as_of=AS_OF, settings=config, day=pd.Timestamp("2026-11-20"))
    assert not later.covered and later.nobody == [], "not planned yet, said as such"


def test_plans_and_teams_due() -> None:
    plans = pd.DataFrame({"plan_name": ["甲", "乙", "丙"],
                          "last_revised": pd.to_datetime(["2023-10-30", "2023-11-01", None]),
                          "last_drill": pd.to_datetime(["2026-01-01", "2025-10-30", None]),
                          "expert_group": ["王、李", " ", None]})
    status = plan_status(plans, as_of=AS_OF, revise_years=3, drill_days=365)
    assert status["revision_due"].tolist() == [True, False, True]
    assert status["drill_due"].tolist() == [False, True, True]
    assert status["no_experts"].tolist() == [False, True, True]
    # training due after 90 days: 2 August is the last day that is not late
    teams = pd.DataFrame({"team_name": ["A", "B"],
                          "last_training": pd.to_datetime(["2026-08-02", "2026-08-01"])})
    assert team_status(teams, as_of=AS_OF, training_days=90)["training_due"].tolist() == [
        False, True]


def test_supplies_below_minimum_are_listed_and_a_missing_item_counts_as_none() -> None:
    supplies = pd.DataFrame({"warehouse_name": ["甲库", "甲库", "乙库"],
                             "item_name": ["帐篷", "棉被", "帐篷"],
                             "township_code": ["529901100000", "529901100000", None],
                             "quantity": [5.0, 200.0, 80.0], "item_unit": ["顶", "床", "顶"]})
    minimum = {"甲库": {"帐篷": 20, "棉被": 100, "发电机": 2}, "乙库": {"帐篷": 50}}
    short = supply_shortfalls(supplies, lambda w: minimum[w])
    assert short[["warehouse_name", "item_name", "minimum", "short", "listed"]].values.tolist(
    ) == [["甲库", "帐篷", 20.0, 15.0, True], ["甲库", "发电机", 2.0, 2.0, False]]
    assert short["quantity"].iloc[0] == 5.0
    assert pd.isna(short["quantity"].iloc[1]), "not listed: no quantity made up"
