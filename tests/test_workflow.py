"""The ledger workflow: every (state, action) pair, supervision of major hazards, replay."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely

from geodata.store import Store
from geodata.workflow import (
    ACTIONS,
    STATUSES,
    TRACKED,
    Identity,
    WorkflowError,
    change,
    replay,
    status_action,
    text,
)

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


def test_registration_events_write_what_change_writes() -> None:
    from geodata.workflow import registration_events, row_json

    rows = pd.DataFrame({**{k: [v, v] for k, v in FIELDS_FOR["登记"].items()},
                         "hazard_id": ["YH1", "YH2"], "row_version": [1, 3],
                         "measures": ['引号"、反斜杠\\和\n换行\t', None],
                         "funds_wan": [12.5, float("nan")],
                         "deadline": [pd.Timestamp("2026-12-31"), pd.Timestamp(
                             "2026-12-31 08:30")]})
    events = registration_events(rows, who=WHO, when=WHEN, note=None)
    for i, record in enumerate(rows.to_dict("records")):
        assert events["new_value"].iloc[i] == row_json(record)
    assert events["event_id"].tolist() == ["YH1-v1-00", "YH2-v3-00"]
    back = replay(events).set_index("hazard_id")
    assert back.at["YH1", "measures"] == '引号"、反斜杠\\和\n换行\t'
    assert back.at["YH2", "deadline"] == pd.Timestamp("2026-12-31 08:30")


def test_registration_events_keep_fractions_of_a_second() -> None:
    from geodata.workflow import registration_events, row_json

    rows = pd.DataFrame({**{k: [v] for k, v in FIELDS_FOR["登记"].items()},
                         "hazard_id": ["YH9"], "row_version": [1],
                         "deadline": [pd.Timestamp("2026-12-31 08:30:00.250")]})
    events = registration_events(rows, who=WHO, when=WHEN, note=None)
    assert events["new_value"].iloc[0] == row_json(rows.iloc[0].to_dict())
    assert "08:30:00.250000" in events["new_value"].iloc[0]
