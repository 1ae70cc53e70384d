"""Imported ledger changes worked out at once equal the workflow applied row by row."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from domain.workflow import Identity, WorkflowError, text
from geodata import ledger_events
from geodata.ledger_events import import_events, texts
from geodata.validate import validate

WHEN = pd.Timestamp("2026-11-02 09:30:00")


def _row_by_row(rows: pd.DataFrame, stored: pd.DataFrame, *, versioned: bool
                ) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """The workflow's own answer: ``_one`` for each changed row."""
    old = stored.set_index("hazard_id")
    out, events, refused = [], [], {}
    for pos in range(len(rows)):
        row = rows.iloc[pos]
        try:
            new, made = ledger_events._one(row, old.loc[row["hazard_id"]], who=Identity("导入"),
                                           when=WHEN, note="导入自 imported from x.csv",
                                           versioned=versioned)
        except WorkflowError as exc:
            refused[pos] = str(exc)
            continue
        out.append(new)
        events += made
    return (pd.DataFrame(out, columns=[*rows.columns]),
            pd.DataFrame(events, columns=ledger_events._EVENT_COLUMNS), refused)


def _edited(stored: pd.DataFrame) -> pd.DataFrame:
    """Every kind of change an edited ledger brings, allowed and refused."""
    rows = stored.copy()
    status, level = rows["hazard_status"], rows["hazard_level"]
    closed = rows.index[status == "已销号"]
    todo = rows.index[status == "待整改"]
    doing = rows.index[(status == "整改中") & (level == "一般")]
    major = rows.index[(status == "整改中") & (level == "重大")]
    checking = rows.index[status == "待验收"]
    rows.loc[closed[:5], "responsible_person"] = "新责任人"                  # edit
    rows.loc[closed[5:7], "measures"] = None                                 # emptied
    rows.loc[closed[7:9], "deadline"] = pd.Timestamp("2027-01-15")           # a date
    rows.loc[closed[9:11], "estimated_cost_wan"] = 3.75                      # a number
    rows.loc[closed[11:12], "geometry"] = Point(108.5, 25.6)                 # moved
    rows.loc[closed[12:13], "geometry"] = None                               # removed
    rows.loc[closed[13:15], "row_version"] += 1                              # edited elsewhere
    rows.loc[closed[13:15], "domain"] = "消防"
    rows.loc[todo[:3], "hazard_status"] = "整改中"                            # start …
    rows.loc[todo[:3], "measures"] = "设置护栏"
    rows.loc[todo[:1], "responsible_person"] = None                          # … lacking one
    rows.loc[todo[1:3], "responsible_person"] = "王五"
    rows.loc[todo[3:5], "hazard_status"] = "已销号"                           # no such move
    rows.loc[doing[:2], "hazard_status"] = "待验收"                          # request …
    rows.loc[doing[:1], "evidence"] = "照片"
    rows.loc[doing[1:2], "evidence"] = None                                  # … without evidence
    rows.loc[major[:2], "hazard_status"] = "待验收"                           # a major one …
    rows.loc[major[:2], "evidence"] = "照片"
    for column, value in (("supervising_leader", "县长"), ("funds_wan", 5.0),
                          ("contingency_plan", "预案"), ("measures", "专项整治"),
                          ("deadline", pd.Timestamp("2026-12-31"))):
        rows.loc[major[:1], column] = value                                  # … supervised
        rows.loc[major[1:2], column] = None                                  # … not
    rows.loc[checking[:2], "hazard_status"] = "已销号"                        # close
    rows.loc[checking[:2], "verifier"] = "李四"
    rows.loc[checking[:2], "closed_date"] = pd.Timestamp("2026-10-30")
    rows.loc[checking[2:4], "hazard_status"] = "整改中"                        # returned
    return rows


@pytest.mark.parametrize("versioned", [False, True])
def test_changes_at_once_equal_the_workflow_row_by_row(demo_frames: dict, versioned: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    stored, _ = validate("hazard_ledger", demo_frames["hazard_ledger"])
    rows, _ = validate("hazard_ledger", _edited(stored))
    changed = rows[(rows.drop(columns="geometry").astype(str)
                    != stored.drop(columns="geometry").astype(str)).any(axis=1)
                   | ~rows.geometry.geom_equals_exact(stored.geometry, 0)]
    changed = changed.reset_index(drop=True)
    assert len(changed) > 40
    status = pd.Series("changed", index=changed.index)
    one_by_one = []
    one = ledger_events._one
    monkeypatch.setattr(ledger_events, "_one", lambda *a, **k: one_by_one.append(1) or one(*a, **k))
    written, _, refused = import_events(changed, stored, status, actor="导入",
                                        source="x.csv", versioned=versioned, now=WHEN)
    monkeypatch.setattr(ledger_events, "_one", one)
    want_rows, want_events, want_refused = _row_by_row(changed, stored, versioned=versioned)
    assert len(one_by_one) == len(want_refused), "only refused rows go one by one"
    assert {p: r.reason for p, r in refused.items()} == want_refused
    assert len(want_refused) >= (8 if versioned else 6)
    got = written["hazard_ledger"]
    assert list(got.columns) == list(want_rows.columns) and len(got) == len(want_rows)
    for column in got.columns:
        assert list(texts(got[column].astype(object))) == [text(v) for v in want_rows[column]], \
            column
    pd.testing.assert_frame_equal(written["ledger_events"].astype(object),
                                  want_events.astype(object))
    assert {"修改", "开始整改", "申请验收", "销号", "退回"} <= set(want_events["action"])


def test_texts_are_the_workflows_text() -> None:
    frame = gpd.GeoDataFrame({
        "t": pd.Series(["a", None, ""], dtype="str"),
        "d": pd.to_datetime(["2026-01-02", None, "2026-01-02 08:30:00.5"], format="ISO8601"),
        "x": [1.2, np.nan, 3.0], "n": pd.array([4, None, 4], dtype="Int64"),
        "b": pd.array([True, None, False], dtype="boolean"),
        "o": pd.Series([1, "1", None], dtype=object),
    }, geometry=[Point(108.123456789012, 25.5), None, Point()], crs=4326)
    for column in frame.columns:
        values = frame[column]
        assert list(texts(values)) == [text(v) for v in values.astype(object)], column
