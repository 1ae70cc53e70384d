"""The ledger workflow: every (state, action) pair, supervision of major hazards, replay."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from domain.errors import ValidationError
from domain.schema import TABLES
from domain.workflow import (
    ACTIONS,
    STATUSES,
    TRACKED,
    Identity,
    Registration,
    WorkflowError,
    change,
    replay,
    row_json,
    status_action,
    text,
)
from geodata.store import Store

WHO = Identity("张三", "县应急管理局")
WHEN = pd.Timestamp("2026-10-01 10:00")
FIELDS_FOR = {
    "登记": {"hazard_id": "YH1", "domain": "消防", "hazard_description": "通道堵塞",
             "hazard_level": "一般", "found_date": pd.Timestamp("2026-09-01")},
    "开始整改": {"measures": "清理通道", "responsible_person": "李四"},
    "申请验收": {"evidence": "整改后照片"},
    "退回": {},
    "销号": {"verifier": "王五", "closed_date": pd.Timestamp("2026-10-01")},
    "修改": {"measures": "清理通道并加装标识"},
}
NOTE_FOR = {"退回": "照片不清楚"}
ALLOWED = {(None, "登记"), ("待整改", "开始整改"), ("整改中", "申请验收"), ("待验收", "退回"),
           ("待验收", "销号")} | {(s, "修改") for s in STATUSES}
TARGET = {"登记": "待整改", "开始整改": "整改中", "申请验收": "待验收", "退回": "整改中",
          "销号": "已销号"}


def _row(status: str) -> dict:
    row = {**FIELDS_FOR["登记"], "measures": "清理通道", "responsible_person": "李四",
           "hazard_status": status, "row_version": 3}
    return row


@pytest.mark.parametrize("status", [None, *STATUSES])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_state_and_action(status: str | None, action: str) -> None:
    row = None if status is None else _row(status)
    values = FIELDS_FOR[action] if status is None or action != "登记" else FIELDS_FOR["登记"]
    if (status, action) in ALLOWED:
        new, events = change(row, action, values, who=WHO, when=WHEN, note=NOTE_FOR.get(action))
        assert new["hazard_status"] == TARGET.get(action, status)
        assert new["row_version"] == (1 if row is None else 4)
        assert {e["row_version"] for e in events} == {new["row_version"]}
        assert all(e["actor"] == "张三" and e["actor_department"] == "县应急管理局"
                   for e in events)
    else:
        with pytest.raises(WorkflowError, match="不能"):
            change(row, action, values, who=WHO, when=WHEN, note=NOTE_FOR.get(action))


@pytest.mark.parametrize(("action", "missing"), [
    ("开始整改", "measures"), ("开始整改", "responsible_person"), ("申请验收", "evidence"),
    ("销号", "verifier"), ("销号", "closed_date")])
def test_each_transition_needs_its_fields(action: str, missing: str) -> None:
    start = {"开始整改": "待整改", "申请验收": "整改中", "销号": "待验收"}[action]
    row = {**_row(start), "measures": None, "responsible_person": None}
    values = {k: v for k, v in FIELDS_FOR[action].items() if k != missing}
    with pytest.raises(WorkflowError, match=missing):
        change(row, action, values, who=WHO, when=WHEN)


def test_a_return_needs_its_reason() -> None:
    with pytest.raises(WorkflowError, match="note"):
        change(_row("待验收"), "退回", {}, who=WHO, when=WHEN)


def test_a_major_hazard_cannot_move_without_its_supervision_record() -> None:
    row = {**_row("待整改"), "hazard_level": "重大"}
    with pytest.raises(WorkflowError, match=r"挂牌督办.*supervising_leader.*funds_wan.*deadline"
                                            r".*contingency_plan"):
        change(row, "开始整改", FIELDS_FOR["开始整改"], who=WHO, when=WHEN)
    record = {"supervising_leader": "副县长赵六", "funds_wan": 50.0,
              "deadline": pd.Timestamp("2026-12-31"), "contingency_plan": "专人值守"}
    new, _ = change({**row, **record}, "开始整改", FIELDS_FOR["开始整改"], who=WHO, when=WHEN)
    assert new["hazard_status"] == "整改中"


def test_status_is_never_set_directly() -> None:
    with pytest.raises(WorkflowError, match="hazard_status"):
        change(_row("待整改"), "修改", {"hazard_status": "已销号"}, who=WHO, when=WHEN)
    with pytest.raises(WorkflowError, match="nothing changed"):
        change(_row("待整改"), "修改", {"measures": "清理通道"}, who=WHO, when=WHEN)


def test_status_moves_map_to_actions() -> None:
    assert status_action("待验收", "整改中") == "退回"
    assert status_action("整改中", "整改中") == "修改"
    with pytest.raises(WorkflowError, match="待整改 → 已销号"):
        status_action("待整改", "已销号")


def test_events_record_old_and_new_and_replay_rebuilds_the_row() -> None:
    row, events = change(None, "登记", {**FIELDS_FOR["登记"], "geometry": shapely.Point(
        106.123456789, 26.5)}, who=WHO, when=WHEN)
    for action in ("开始整改", "申请验收", "退回", "申请验收", "销号"):
        row, more = change(row, action, FIELDS_FOR[action], who=WHO, when=WHEN,
                           note=NOTE_FOR.get(action))
        events += more
    back = replay(pd.DataFrame(events)).iloc[0]
    assert all(text(back[f]) == text(row.get(f)) for f in TRACKED), "every field"
    assert back["row_version"] == row["row_version"] == 6, "one version per action"
    closing = [e for e in events if e["action"] == "销号"]
    assert {e["field_name"] for e in closing} == {"verifier", "closed_date", "hazard_status"}
    assert [(e["old_value"], e["new_value"]) for e in closing
            if e["field_name"] == "hazard_status"] == [("待验收", "已销号")]


def test_replay_of_the_whole_demo_ledger_equals_the_stored_rows(demo_db: Path) -> None:
    with Store(demo_db, read_only=True) as store:
        stored = store.read("hazard_ledger").set_index("hazard_id").sort_index()
        events = store.read("ledger_events")
    rebuilt = replay(events).set_index("hazard_id").sort_index()
    assert list(rebuilt.index) == list(stored.index) and len(stored) == 3000
    for column in [*TRACKED, "row_version"]:
        left = stored[column].map(text).fillna("")
        right = rebuilt[column].map(text).fillna("")
        assert (left == right).all(), (column, left[left != right].head(3).to_dict(),
                                       right[left != right].head(3).to_dict())


def _register(tmp_path: Path, rows: dict[str, list], *, checked: bool
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Register ``rows`` through the store; return them, the stored rows and the events.

    ``checked`` rows go in as an import's checked rows do, without validating them again.
    """
    n = len(rows["hazard_id"])
    frame = gpd.GeoDataFrame({**{k: [v] * n for k, v in FIELDS_FOR["登记"].items()},
                              "hazard_status": ["待整改"] * n, **rows}, crs="EPSG:4326")
    frame = frame.reindex(columns=[*TABLES["hazard_ledger"].columns, "geometry"])
    with Store(tmp_path / "registered.duckdb") as store:
        store.write_many({}, registered=Registration(frame, WHO, WHEN, "导入自 a.xlsx"),
                         valid={"hazard_ledger"} if checked else ())
        return (frame, store.read("hazard_ledger").set_index("hazard_id"),
                store.read("ledger_events").set_index("hazard_id"))


ODD = '引号"、反斜杠\\和\n换行\t、控制\x01、分隔\u2028、/斜杠'
ROWS = {"hazard_id": ["YH1", "YH2", "YH3"], "row_version": [1, 3, 1],
        "measures": [ODD, None, ""],
        "funds_wan": [12.5, float("nan"), 1e16],
        "estimated_cost_wan": [0.1 + 0.2, 3.0, 2.5e-7],
        "deadline": [pd.Timestamp("2026-12-31"), pd.Timestamp("2026-12-31 08:30"),
                     pd.Timestamp("2026-12-31 08:30:00.250")],
        "geometry": [shapely.Point(101.12345678901234, 25.000000000000004), None,
                     shapely.Point(100, 25)]}


def test_registrations_made_by_the_store_write_what_change_writes(tmp_path: Path) -> None:
    rows, _, events = _register(tmp_path, ROWS, checked=True)
    for record in rows.to_dict("records"):
        stored = events.loc[record["hazard_id"]]
        assert stored["new_value"] == row_json(record), record["hazard_id"]
    assert events["event_id"].tolist() == ["YH1-v1-00", "YH2-v3-00", "YH3-v1-00"]
    assert set(events["actor"]) == {WHO.name} and set(events["action"]) == {"登记"}
    assert set(events["actor_department"]) == {WHO.department}
    assert set(events["event_time"]) == {WHEN} and set(events["field_name"]) == {"*"}
    assert events["row_version"].tolist() == [1, 3, 1]
    back = replay(events.reset_index()).set_index("hazard_id")
    assert back.at["YH1", "measures"] == ODD and back.at["YH3", "measures"] == ""
    assert back.at["YH2", "deadline"] == pd.Timestamp("2026-12-31 08:30")
    assert back.at["YH3", "deadline"] == pd.Timestamp("2026-12-31 08:30:00.250")
    assert back.at["YH1", "geometry"].equals_exact(rows.geometry[0], 0)
    assert back.at["YH1", "estimated_cost_wan"] == 0.1 + 0.2
    assert back.at["YH2", "geometry"] is None and pd.isna(back.at["YH2", "funds_wan"])


def test_registered_rows_replay_to_the_stored_rows(tmp_path: Path) -> None:
    _, stored, events = _register(tmp_path, ROWS, checked=False)
    back = replay(events.reset_index()).set_index("hazard_id")
    for column in [*TRACKED, "row_version"]:
        assert stored[column].map(text).tolist() == back[column].map(text).tolist(), column


def test_a_registration_clash_stores_nothing(tmp_path: Path) -> None:
    rows = gpd.GeoDataFrame({**{k: [v] for k, v in FIELDS_FOR["登记"].items()},
                             "hazard_status": ["待整改"], "row_version": [1]},
                            geometry=[None], crs="EPSG:4326")
    with Store(tmp_path / "clash.duckdb") as store:
        _, earlier = change(None, "登记", FIELDS_FOR["登记"], who=WHO, when=WHEN)
        store.write("ledger_events", pd.DataFrame(earlier))
        with pytest.raises(ValidationError, match="YH1-v1-00"):
            store.write_many({}, registered=Registration(rows, WHO, WHEN))
        assert store.count("hazard_ledger") == 0 and store.count("ledger_events") == 1
