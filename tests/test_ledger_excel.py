"""The conventional Excel ledger: export, edit in Excel, re-import changes exactly those rows."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from domain.workflow import replay, text
from geodata.importer import ImportOptions, import_file
from geodata.ledger_excel import ledger_workbook
from geodata.store import Store
from tests.signin import ADMIN


def _export(store: Store) -> bytes:
    towns = store.read("townships")
    names = dict(zip(towns["township_code"], towns["township_name"], strict=True))
    return ledger_workbook(store.read("hazard_ledger"), names, title="演示县隐患排查整治台账",
                           lines=["数据截至 2026-10-31", "演示数据（虚构）"])


def _edit(data: bytes, edits: dict[str, dict[str, object]]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    ws = book.active
    header_row = next(r for r in range(1, 6) if ws.cell(r, 1).value == "序号")
    heads = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(header_row + 1, ws.max_row + 1):
        hid = ws.cell(r, heads["隐患编号"]).value
        for header, value in edits.get(hid, {}).items():
            ws.cell(r, heads[header]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_round_trip_changes_exactly_the_edited_rows(demo_copy: Path,
                                                          tmp_path: Path) -> None:
    with Store(demo_copy) as store:
        before = store.read("hazard_ledger").set_index("hazard_id")
        events_before = len(store.read("ledger_events"))
        data = _export(store)
        waiting = before[(before["hazard_status"] == "待验收")
                         & (before["hazard_level"] == "一般")].index[0]
        doing = before[before["hazard_status"] == "整改中"].index[0]
        edits = {doing: {"整改措施": "加装防护栏并设置警示标志"},
                 waiting: {"整改状态": "已销号", "验收人": "赵验收",
                           "销号时间": pd.Timestamp("2026-10-30").to_pydatetime()}}
        path = tmp_path / "台账.xlsx"
        path.write_bytes(_edit(data, edits))
        report = import_file(store, "hazard_ledger", path, ImportOptions(actor="Excel 编辑者"),
                             who=ADMIN)
        assert report.written and not report.errors, report.summary()
        assert (report.new, report.changed) == (0, 2)
        after = store.read("hazard_ledger").set_index("hazard_id")
        events = store.read("ledger_events")
    diff = [h for h in before.index
            if any(text(before.at[h, c]) != text(after.at[h, c]) for c in before.columns
                   if c != "geometry")]
    assert sorted(diff) == sorted([doing, waiting])
    assert after.at[waiting, "hazard_status"] == "已销号"
    assert after.at[waiting, "row_version"] == before.at[waiting, "row_version"] + 1
    new_events = events[events["actor"] == "Excel 编辑者"]
    assert len(events) - events_before == len(new_events) > 0
    assert set(new_events["hazard_id"]) == {doing, waiting}
    assert set(new_events.loc[new_events["hazard_id"] == waiting, "action"]) == {"销号"}
    rebuilt = replay(events).set_index("hazard_id")
    assert text(rebuilt.at[waiting, "verifier"]) == "赵验收"


def test_excel_refuses_a_forbidden_move_and_a_stale_row(demo_copy: Path,
                                                        tmp_path: Path) -> None:
    from domain.access import Account
    from geodata.ledger import apply

    with Store(demo_copy) as store:
        ledger = store.read("hazard_ledger").set_index("hazard_id")
        data = _export(store)
        todo = ledger[ledger["hazard_status"] == "待整改"].index[0]
        doing = ledger[ledger["hazard_status"] == "整改中"].index[1]
        apply(store, doing, "修改", {"measures": "他人先改"},
              version=int(ledger.at[doing, "row_version"]), who=Account("他人", "admin"))
        path = tmp_path / "台账.xlsx"
        path.write_bytes(_edit(data, {todo: {"整改状态": "已销号"},
                                      doing: {"整改措施": "我的修改"}}))
        before = store.read("hazard_ledger")
        report = import_file(store, "hazard_ledger", path, who=ADMIN)
        assert not report.written
        reasons = " ".join(p.reason for p in report.errors)
        assert "待整改 → 已销号" in reasons and "已被他人修改" in reasons
        assert store.read("hazard_ledger").equals(before), "nothing written"
