"""Saving ledger changes: version checks, all-or-nothing batches, evidence files, history."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from domain.access import Account
from domain.workflow import WorkflowError, replay, text
from geodata.ledger import Attachment, ConflictError, apply, batch, evidence_root, register
from geodata.store import Store
from tests.signin import ADMIN

A = Account("甲", "admin", department="县住建局")
B = Account("乙", "admin", department="县应急管理局")


def _open(store: Store, status: str, level: str = "一般") -> pd.Series:
    ledger = store.read("hazard_ledger")
    return ledger[(ledger["hazard_status"] == status)
                  & (ledger["hazard_level"] == level)].iloc[0]


def test_the_second_of_two_editors_is_refused_and_nothing_is_lost(demo_copy: Path) -> None:
    with Store(demo_copy) as store:
        row = _open(store, "整改中")
        seen = int(row["row_version"])
        apply(store, row["hazard_id"], "修改", {"measures": "甲的措施"}, version=seen, who=A)
        with pytest.raises(ConflictError, match=r"甲.*measures.*甲的措施") as refused:
            apply(store, row["hazard_id"], "修改", {"measures": "乙的措施"}, version=seen,
                  who=B)
        assert "nothing saved" in str(refused.value)
        after = store.read("hazard_ledger", {"hazard_id": row["hazard_id"]}).iloc[0]
        assert after["measures"] == "甲的措施" and after["row_version"] == seen + 1
        events = store.read("ledger_events", {"hazard_id": row["hazard_id"]})
        assert "乙的措施" not in set(events["new_value"].dropna())


def test_a_full_rectification_through_the_store_replays(demo_copy: Path) -> None:
    photo = Attachment("整改后.jpg", b"\xff\xd8 demo photo bytes")
    with Store(demo_copy) as store:
        new = register(store, {"domain": "消防", "hazard_description": "<b>通道</b>堵塞",
                               "hazard_level": "一般", "township_code": "529901100000",
                               "found_date": pd.Timestamp("2026-10-01"),
                               "deadline": pd.Timestamp("2026-10-20"),
                               "lead_department": "县消防救援大队",
                               "responsible_unit": "某商店"}, who=A)
        hid = new["hazard_id"]
        steps = [("开始整改", {"measures": "清理", "responsible_person": "丙"}, None, ()),
                 ("申请验收", {"evidence": "照片"}, None, (photo,)),
                 ("销号", {"verifier": "丁", "closed_date": pd.Timestamp("2026-10-15")}, None,
                  ())]
        version = 1
        for action, values, note, files in steps:
            row = apply(store, hid, action, values, version=version, who=A, note=note,
                        files=files)
            version = row["row_version"]
        stored = store.read("hazard_ledger", {"hazard_id": hid}).iloc[0]
        events = store.read("ledger_events", {"hazard_id": hid})
        files = store.read("evidence_files", {"hazard_id": hid})
        root = evidence_root(store)
    assert stored["hazard_status"] == "已销号" and stored["row_version"] == 4
    rebuilt = replay(events).iloc[0]
    assert all(text(rebuilt[c]) == text(stored[c]) for c in stored.index if c != "geometry")
    digest = hashlib.sha256(photo.data).hexdigest()
    assert files["file_sha256"].tolist() == [digest]
    assert (root.parent / files["stored_path"].iloc[0]).read_bytes() == photo.data
    linked = events[events["event_id"] == files["event_id"].iloc[0]]
    assert linked["action"].tolist() == ["申请验收"]


def test_a_batch_is_all_or_nothing(demo_copy: Path) -> None:
    with Store(demo_copy) as store:
        ledger = store.read("hazard_ledger")
        todo = ledger[(ledger["hazard_status"] == "待整改")
                      & (ledger["hazard_level"] == "一般")].head(3)
        doing = ledger[ledger["hazard_status"] == "整改中"].head(1)
        picked = [(h, int(v)) for h, v in zip(pd.concat([todo, doing])["hazard_id"],
                                               pd.concat([todo, doing])["row_version"],
                                               strict=True)]
        values = {"measures": "统一整改", "responsible_person": "戊"}
        with pytest.raises(WorkflowError, match=f"{doing['hazard_id'].iloc[0]}.*不能"):
            batch(store, picked, "开始整改", values, who=A)
        assert (store.read("hazard_ledger").set_index("hazard_id").loc[
            todo["hazard_id"], "hazard_status"] == "待整改").all(), "nothing saved"
        done = batch(store, picked[:3], "开始整改", values, who=A)
        assert [r["hazard_status"] for r in done] == ["整改中"] * 3


def test_backup_carries_evidence_files(demo_copy: Path, tmp_path: Path) -> None:
    from geodata.backup import backup, restore

    photo = Attachment("现场.png", b"\x89PNG evidence")
    with Store(demo_copy) as store:
        row = _open(store, "整改中")
        apply(store, row["hazard_id"], "申请验收", {"evidence": "现场照片"},
              version=int(row["row_version"]), who=A, files=[photo])
        backup(store, tmp_path / "b.zip", who=ADMIN)
    target = tmp_path / "elsewhere" / "r.duckdb"
    with Store(target) as store:
        restore(store, tmp_path / "b.zip", who=ADMIN)
        stored = store.read("evidence_files")
    assert (target.parent / stored["stored_path"].iloc[0]).read_bytes() == photo.data
