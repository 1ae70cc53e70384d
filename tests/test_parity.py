"""One truth per run: the command line and the dashboard give the same numbers.

The pages are run as a user sees them (``AppTest``) and the commands as a scheduled job runs
them (``riskmap.cli.main``), on the same database; every figure shown in both is compared.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from domain.labels import interval_text, rank_text
from domain.rules import active_sites, is_overdue
from geodata.config import load_settings
from geodata.snapshot import Snapshot
from geodata.store import DB_ENV, Store
from riskmap.cli import main
from tests.signin import page_app

ROOT = Path(__file__).resolve().parent.parent


def _page(name: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DB_ENV, str(db))
    return page_app(str(ROOT / "ui" / "pages" / f"{name}.py"),
                             default_timeout=300).run()


def _cli_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()  # what earlier commands printed
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def _dashboard_ranking(db: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    at = _page("overview", db, monkeypatch)
    assert not at.exception, at.exception
    return next(d.value for d in at.dataframe if "排名区间" in d.value.columns)


def _check_scores(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """Compare the overview's ranking with ``riskmap score``'s; return the ranking shown."""
    shown = _dashboard_ranking(db, monkeypatch)
    out = tmp_path / "scores.json"
    assert main(["score", "--json", str(out), "--db", str(db)]) == 0
    cli = json.loads(out.read_text(encoding="utf-8"))
    assert len(cli["townships"]) == len(shown)
    for town, (_, row) in zip(cli["townships"], shown.iterrows(), strict=True):
        assert row["乡镇"] == town["township_name"]
        composite = town["layers"]["composite"]
        assert row["排名"] == rank_text(town["rank"]), town["township_name"]
        assert row["等级"] == composite["class"], town["township_name"]
        if composite["score"] is None:
            assert row["风险分值"] == "—", town["township_name"]
        else:
            assert row["风险分值"] == f"{composite['score']:.2f}"
        assert row["排名区间"] == interval_text(*town["rank_interval"])
        assert row["依据"] == f"{town['layers_scored']}/4 图层"
    return shown


def test_score_command_equals_the_overview(demo_copy: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _check_scores(demo_copy, tmp_path, monkeypatch)


def _overdue_everywhere(db: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> tuple[int, int, int]:
    cli = _cli_json(["ledger", "overdue", "--json", "--db", str(db)], capsys)
    overview = _page("overview", db, monkeypatch)
    tile = int(next(m.value for m in overview.metric if m.label == "超期未整改").replace(",", ""))
    ledger = _page("ledger", db, monkeypatch)
    ledger.toggle[0].set_value(True).run()
    shown = next(c.value for c in ledger.caption if c.value.startswith("显示"))
    return cli["overdue"], tile, int(shown.split()[1].replace(",", ""))


def test_overdue_command_equals_the_tile_and_the_filter(
        demo_copy: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    cli, tile, filtered = _overdue_everywhere(demo_copy, monkeypatch, capsys)
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
        expected = int(is_overdue(snap.table("hazard_ledger"), snap.as_of).sum())
    assert cli == tile == filtered == expected > 0


def test_a_hazard_due_on_the_as_of_day_is_overdue_nowhere(
        demo_copy: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
        ledger = snap.table("hazard_ledger")
        three = ledger[ledger["hazard_status"] != "已销号"].head(3)
        days = [snap.as_of.normalize() + pd.Timedelta(days=k) for k in (-1, 0, 1)]
        store.write("hazard_ledger", three.assign(deadline=days), mode="upsert")
        edited = store.read("hazard_ledger").set_index("hazard_id")
    late = is_overdue(edited, snap.as_of)
    assert late[three["hazard_id"]].tolist() == [True, False, False], "due that day: not yet"
    cli, tile, filtered = _overdue_everywhere(demo_copy, monkeypatch, capsys)
    assert cli == tile == filtered == int(late.sum())


def test_warn_json_accounts_for_every_active_site(demo_copy: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = _cli_json(["warn", "--json", "--db", str(demo_copy)], capsys)
    with Store(demo_copy) as store:
        active = active_sites(store.read("geohazard_sites"))
    counts = out["counts"]
    parts = sum(counts[k] for k in ("1", "2", "3", "4", "none", "unknown"))
    assert parts == counts["sites"] == len(active) == len(out["sites"])
    assert {s["site_id"] for s in out["sites"]} == set(active["site_id"])
    assert counts["none"] > 0, "sites below blue are counted, not left out"
    listed = pd.DataFrame(out["sites"])
    assert listed["township_code"].str.fullmatch(r"\d{12}").all()
    assert listed["township_name"].notna().all()


def test_json_township_codes_are_codes(demo_copy: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    overdue = _cli_json(["ledger", "overdue", "--json", "--db", str(demo_copy)], capsys)
    majors = pd.DataFrame(overdue["overdue_major"])
    assert len(majors) and majors["township_code"].str.fullmatch(r"\d{12}").all()
    assert majors["township_name"].str.endswith(("镇", "乡", "街道")).all()
    prio = _cli_json(["ledger", "priorities", "--json", "--top", "20", "--db",
                      str(demo_copy)], capsys)
    assert all(len(p["township_code"]) == 12 and p["township_name"] for p in prio)


def test_as_of_is_one_rule_for_pages_and_commands(demo_copy: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Without --as-of the commands speak for the demo's own day, as the pages do."""
    out = _cli_json(["warn", "--json", "--db", str(demo_copy)], capsys)
    with Store(demo_copy) as store:
        snap = Snapshot.take(store, load_settings())
    assert pd.Timestamp(out["as_of"]) == snap.now == pd.Timestamp(snap.meta["demo_as_of"])
    overdue = _cli_json(["ledger", "overdue", "--json", "--db", str(demo_copy)], capsys)
    assert pd.Timestamp(overdue["as_of"]) == snap.as_of
    given = _cli_json(["ledger", "overdue", "--json", "--as-of", "2026-09-01", "--db",
                       str(demo_copy)], capsys)
    assert pd.Timestamp(given["as_of"]).date() == pd.Timestamp("2026-09-01").date()
    assert given["overdue"] != overdue["overdue"]


PROVINCE_COPIES = 8
"""Demo counties in the province compared here (160 townships; ``make bench`` has 75)."""


@pytest.fixture(scope="module")
def province_db(demo_frames: dict[str, pd.DataFrame],
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A province of ``PROVINCE_COPIES`` demo counties, made as ``make bench``'s 75 are.

    Survey-like township borders, the counties side by side, each table resized to its
    share of the province's sizes (``scale.PROVINCE_SIZES``); no monitoring or rain series
    (scoring does not read them). What is compared, each township's rank, interval, class
    and score, does not depend on the number of counties: 160 townships give three-digit
    ranks and wide intervals. The 75-county province: ``test_bench`` checks its sizes.
    """
    from geodata.demo import AS_OF, GENERATOR_VERSION
    from geodata.demo.scale import PROVINCE_SIZES, province, survey_borders

    detailed = dict(demo_frames, townships=survey_borders(demo_frames["townships"]))
    sizes = {name: rows * PROVINCE_COPIES // 75 for name, rows in PROVINCE_SIZES.items()}
    path = tmp_path_factory.mktemp("province") / "province.duckdb"
    with Store(path) as store:
        store.write_many(province(detailed, copies=PROVINCE_COPIES, sizes=sizes))
        store.set_meta({"dataset": "demo", "dataset_label": "演示省（8 个演示县）",
                        "dataset_label_en": "Demo province (8 demo counties)",
                        "demo_seed": "42", "demo_as_of": AS_OF.isoformat(),
                        "demo_generator_version": GENERATOR_VERSION})
    return path


@pytest.mark.slow
def test_province_scores_agree(province_db: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Every township of a province ranked alike by the command and the overview (ties,
    intervals, three-digit ranks).

    The overdue count is one filter of the ledger at any size: compared on the county.
    """
    db = tmp_path / "province.duckdb"
    shutil.copyfile(province_db, db)
    shown = _check_scores(db, tmp_path, monkeypatch)
    assert len(shown) == 20 * PROVINCE_COPIES
