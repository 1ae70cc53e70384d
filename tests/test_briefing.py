"""The meeting briefing: Word and PDF from the same content, its maps, and what changed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from analytics import indicators as ind
from analytics.briefing import arrow, class_changes, ledger_at, moved_text, rank_moves
from domain.schema import ENTITY_TABLES
from geodata.config import load_settings
from geodata.snapshot import Snapshot
from geodata.store import Store
from maps.static import StaticText, class_map
from riskmap.cli import main
from riskmap.scoring import score
from tests.signin import page_app

SECTIONS = ("一、总体情况", "二、乡镇风险排名", "三、与上次通报相比",
            "四、隐患排查整治与红黑榜", "五、地质灾害预警与避险转移", "六、森林火险形势",
            "七、道路交通", "八、整改优先级与预算安排", "九、数据说明")


def _long(rows: list[tuple[str, str, float, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["township_code", "layer", "score", "risk_class", "rank"])


def test_class_changes_lists_exactly_the_townships_whose_class_moved() -> None:
    before = _long([("A", "composite", 6.1, "重大", 1), ("B", "composite", 5.2, "较大", 2),
                    ("C", "composite", 4.5, "一般", 3), ("A", "geohazard", 7.0, "重大", 0),
                    ("B", "geohazard", 5.0, "较大", 0), ("B", "road", 5.0, "较大", 0)])
    now = _long([("A", "composite", 6.3, "重大", 2), ("B", "composite", 6.4, "重大", 1),
                 ("C", "composite", 3.9, "低", 3), ("A", "geohazard", 7.2, "重大", 0),
                 ("B", "geohazard", 8.0, "重大", 0), ("B", "road", 5.5, "较大", 0)])
    changes = class_changes(now, before)
    assert changes.index.tolist() == ["B", "C"]
    assert changes.loc["B", ["class_before", "class_now", "rank_before", "rank_now"]].tolist() \
        == ["较大", "重大", 2, 1]
    assert changes.loc["B", "moved"] == (("geohazard", 3.0), ("road", 0.5)), "most moved first"
    assert moved_text(changes.loc["B", "moved"]) == "地质灾害 +3.00；道路交通 +0.50"
    assert rank_moves(now, before).map(arrow).to_dict() == {"A": "↓1", "B": "↑1", "C": "→"}
    assert arrow(float("nan"), "new") == "new"


def test_the_reason_of_a_class_change_is_the_indicators_that_moved_most() -> None:
    before = _long([("B", "composite", 5.2, "较大", 2)])
    now = _long([("B", "composite", 6.4, "重大", 1)])
    points = {  # composite points of each indicator, as RiskResult.kept_points keeps them
        "before": pd.DataFrame({"township_code": "B", "indicator": [
            "unsupervised_major", "threat_sites", "black_spots"], "points": [1.0, 2.0, 2.2]}),
        "now": pd.DataFrame({"township_code": "B", "indicator": [
            "unsupervised_major", "threat_sites", "black_spots"], "points": [2.5, 1.7, 2.2]})}
    changes = class_changes(now, before, (points["now"], points["before"]))
    assert changes.loc["B", "moved"] == (("unsupervised_major", 1.5), ("threat_sites", -0.3))
    labels = [ind.INDICATORS[k] for k in ("unsupervised_major", "threat_sites")]
    assert moved_text(changes.loc["B", "moved"], "en") == \
        f"{labels[0].en} +1.50; {labels[1].en} -0.30"
    old = class_changes(now, before, (points["now"], pd.DataFrame()))
    assert old.loc["B", "moved"] == (), "kept without indicators: by layers (none here)"


def test_kept_points_add_up_to_the_composite(demo_db: Path) -> None:
    with Store(demo_db, read_only=True) as store:
        result = score(Snapshot.take(store, load_settings()))
    total = result.kept_points().groupby("township_code")["points"].sum()
    pd.testing.assert_series_equal(total, result.scores["composite_score"], check_names=False)


def test_ledger_at_counts_by_the_ledgers_own_dates() -> None:
    ledger = pd.DataFrame({
        "found_date": pd.to_datetime(["2026-01-05", "2026-02-01", "2026-05-01", "2026-01-10"]),
        "closed_date": pd.to_datetime(["2026-03-01", None, None, "2026-01-20"]),
        "hazard_level": ["重大", "重大", "重大", "一般"]})
    then = ledger_at(ledger, pd.Timestamp("2026-02-15"))
    assert then == {"rate": pytest.approx(100 / 3), "major_open": 2, "majors_new": 1,
                    "majors_closed": 1}


def test_the_map_draws_every_township_with_a_legend(demo_db: Path) -> None:
    with Store(demo_db, read_only=True) as store:
        towns = Snapshot.take(store, load_settings()).table("townships")
    classes = dict.fromkeys(towns["township_code"].iloc[:5], "重大")  # the rest: 无数据
    fig = class_map(towns, classes, StaticText("综合风险", ("数据截至 2026-10-31",), "风险等级",
                                               {"重大": "重大", "无数据": "无数据"}, "演示数据"))
    ax = fig.axes[0]
    layers = {c.get_gid(): c for c in ax.collections if c.get_gid()}
    drawn = {code for layer in layers.values() for code in layer.get_urls()}
    assert drawn == set(towns["township_code"]), "every township drawn"
    assert layers["nodata"].get_hatch(), "无数据 hatched, not painted low"
    assert set(layers["nodata"].get_urls()) == set(towns["township_code"].iloc[5:])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["重大", "较大", "一般", "低", "无数据"]
    texts = {t.get_text() for t in fig.texts} | {t.get_text() for t in ax.texts}
    assert "演示数据" in texts and set(towns["township_name"]) <= texts


@pytest.fixture(scope="module")
def briefed(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's briefing as Word and PDF, after an earlier scoring kept in the database."""
    folder = tmp_path_factory.mktemp("brief")
    db = folder / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    assert main(["score", "--save", "--no-robustness", "--as-of", "2026-06-30",
                 "--db", str(db)]) == 0
    out = {"db": db, "docx": folder / "b.docx", "pdf": folder / "b.pdf"}
    assert main(["brief", "--out", str(out["docx"]), "--format", "png", "--db", str(db)]) == 0
    assert main(["brief", "--out", str(out["pdf"]), "--db", str(db)]) == 0
    return out


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_the_word_briefing_holds_every_section_and_the_engines_ranking(
        briefed: dict[str, Path]) -> None:
    text = _paragraphs(briefed["docx"])
    assert [t for t in text if t in SECTIONS] == list(SECTIONS)
    assert "演示数据（虚构）" in text
    doc = Document(str(briefed["docx"]))
    ranking = next(t for t in doc.tables if t.rows[0].cells[2].text == "乡镇")
    shown = [(r.cells[2].text, r.cells[3].text, r.cells[4].text) for r in ranking.rows[1:]]
    with Store(briefed["db"], read_only=True) as store:
        result = score(Snapshot.take(store, load_settings()))
    table = result.ranked()
    assert shown == [(n, c, f"{s:.2f}") for n, c, s in zip(
        table["township_name"], table["composite_class"], table["composite_score"],
        strict=True)]
    assert len(doc.inline_shapes) == 5, "the composite map and one per layer"
    from analytics.warning import silent_sites

    with Store(briefed["db"], read_only=True) as store:
        snap = Snapshot.take(store, load_settings())
        quiet = silent_sites(snap.table("geohazard_sites"), snap.table("monitoring_readings"),
                             as_of=snap.now, days=snap.settings.warning.silent_days)
    assert any(f"“静默”隐患点{len(quiet)}处" in t for t in text), "silent sites, one count"
    assert "PAGE" in doc.sections[0].footer._element.xml, "pages numbered"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTIONS), "sections are headings (Word's outline)"
    assert round(doc.sections[0].page_width.cm, 1) == 21.0, "A4, as the PDF"
    assert all("w:tblHeader" in t.rows[0]._tr.xml for t in doc.tables), "headings repeat"


def test_the_briefing_compares_with_the_scoring_kept_before(briefed: dict[str, Path]) -> None:
    text = _paragraphs(briefed["docx"])
    at = text.index("三、与上次通报相比")
    assert text[at + 1] == "比较基准：2026年6月30日保存的评估结果。"
    assert text[at + 3].startswith("此后新增重大隐患")
    if "等级变化的乡镇及原因" in text:  # the earlier scoring kept its indicators: named
        assert "“主要变化”列出综合分变动最大的指标及其分值变化。" in text


def test_the_pdf_has_the_same_sections_in_chinese_and_renders(briefed: dict[str, Path],
                                                              tmp_path: Path) -> None:
    text = subprocess.run(["pdftotext", str(briefed["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    for title in SECTIONS:
        assert title in text
    with Store(briefed["db"], read_only=True) as store:
        names = store.read("townships")["township_name"]
    assert all(name in text for name in names)
    fonts = subprocess.run(["pdffonts", str(briefed["pdf"])], capture_output=True, text=True,
                           check=True).stdout
    assert "CJK" in fonts and " yes yes " in fonts, "the Chinese font embedded (subset)"
    assert "NotoSerifCJKSC" in fonts, "the body in a serif (as 仿宋), installed by make"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(briefed["pdf"]),
                    str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_the_pdf_never_breaks_a_number_across_lines(briefed: dict[str, Path]) -> None:
    text = subprocess.run(["pdftotext", str(briefed["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    numbers = {n for p in _paragraphs(briefed["docx"])
               for n in re.findall(r"\d[\d,.:/\-]*\d", p)}
    assert len(numbers) > 20
    assert sorted(n for n in numbers if n not in text) == []


def test_the_meeting_pack_writes_each_map_as_an_image(briefed: dict[str, Path]) -> None:
    images = sorted(p.name for p in briefed["docx"].parent.glob("b-*.png"))
    assert images == ["b-composite.png", "b-forest_fire.png", "b-geohazard.png",
                      "b-ledger.png", "b-road.png"]


def test_a_database_with_townships_only_gets_a_briefing_saying_what_is_missing(
        demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "towns.duckdb"
    shutil.copyfile(demo_db, db)
    with Store(db) as store:
        store.write_many({t: store.read(t).iloc[0:0] for t in ENTITY_TABLES
                          if t != "townships"}, mode="replace")
        store.set_meta({"dataset": "real", "demo_as_of": "", "dataset_label": "测试县"})
    out = tmp_path / "b.docx"
    assert main(["brief", "--out", str(out), "--db", str(db)]) == 0
    text = "\n".join(_paragraphs(out))
    assert "尚未导入：" in text and "不代表风险低" in text
    assert "尚未导入隐患台账" in text and "尚未导入地质灾害隐患点" in text
    assert "演示数据" not in text
    assert "排查各类隐患" not in text, "no ledger: no figure of 0 hazards, 0% rectified"
    assert "尚未导入火险气象数据，无法给出火险展望。" in text
    assert "（上次会议）或更早保存的评估结果，无法比较" in text, "why there is no comparison"
    heads = [c.text for c in Document(str(out)).tables[0].rows[0].cells]
    assert heads[:2] == ["排名", "乡镇"], "nothing to compare with: no empty 变化 column"


def test_the_overviews_download_is_the_commands_briefing(briefed: dict[str, Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Same database, same kept scorings: the page's Word file says what the command's says."""
    from geodata.store import DB_ENV
    from ui.briefing import _file

    monkeypatch.setenv(DB_ENV, str(briefed["db"]))
    root = Path(__file__).resolve().parent.parent
    at = page_app(str(root / "ui" / "pages" / "overview.py"), default_timeout=120).run()
    assert not at.exception
    buttons = [e.proto.label for e in at.get("download_button")]
    assert buttons == ["下载通报（Word，可编辑）", "下载通报（PDF）"]
    from analytics.brief_figures import comparison_cutoff
    from geodata.results import kept_before

    with Store(briefed["db"], read_only=True) as store:
        snap = Snapshot.take(store, load_settings())
        before, when = kept_before(store, comparison_cutoff(snap.as_of, None, 90))
        page = _file(snap, score(snap), "docx", before, when)()  # the page's default choice
        declined = _file(snap, score(snap), "docx", None, None)()  # 不比较 chosen
    none_file = briefed["docx"].parent / "declined.docx"
    none_file.write_bytes(declined)
    assert "本通报未与此前保存的评估结果比较。" in _paragraphs(none_file), \
        "declined, not 'nothing was kept'"
    cli = briefed["docx"].parent / "again.docx"
    assert main(["brief", "--out", str(cli), "--db", str(briefed["db"])]) == 0
    page_file = briefed["docx"].parent / "page.docx"
    page_file.write_bytes(page)
    assert _paragraphs(page_file) == _paragraphs(cli)


def test_the_overview_compares_with_the_kept_scoring_before_the_last_meeting(
        briefed: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:

    from geodata.store import DB_ENV

    monkeypatch.setenv(DB_ENV, str(briefed["db"]))
    root = Path(__file__).resolve().parent.parent
    at = page_app(str(root / "ui" / "pages" / "overview.py"), default_timeout=120)
    at.run()
    pick = at.selectbox(key="compare_run")
    assert pick.format_func(pick.value).startswith("2026-06-30 的评估"), "the briefing's default"
    ranking = at.dataframe[0].value
    assert list(ranking.columns[:2]) == ["排名", "名次变化"]
    assert set(ranking["名次变化"]) <= {"→", "新"} | {f"{a}{n}" for a in "↑↓" for n in range(1, 21)}
    with Store(briefed["db"], read_only=True) as store:
        code = store.read("townships")["township_code"].iloc[0]
    at.session_state["overview-pick-composite"] = {"rows": [], "click": None, "pick": code}
    at.run()
    assert "历次评估趋势" in " ".join(m.value for m in at.markdown)
    assert any(c.value.startswith("2026-06-30 以来新增重大隐患") for c in at.caption)
    charts = at.get("vega_lite_chart")
    assert charts, "the township's trend is drawn"
    pick.set_value("").run()
    assert "名次变化" not in at.dataframe[-1].value.columns, "no comparison, no column"


def test_each_new_data_version_is_scored_and_kept_once(demo_db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:

    from geodata.results import kept_runs
    from geodata.store import DB_ENV

    db = tmp_path / "kept.duckdb"
    shutil.copyfile(demo_db, db)
    for _ in range(2):
        assert main(["score", "--no-robustness", "--db", str(db)]) == 0
    with Store(db, read_only=True) as store:
        assert len(kept_runs(store)) == 1, "the same data: kept once"
    monkeypatch.setenv(DB_ENV, str(db))
    root = Path(__file__).resolve().parent.parent
    page_app(str(root / "ui" / "pages" / "overview.py"), default_timeout=120).run()
    with Store(db) as store:
        assert len(kept_runs(store)) == 1, "the app scores the same data: nothing new"
        ledger = store.read("hazard_ledger")
        store.write("hazard_ledger", ledger.iloc[:-1], mode="replace")  # a new data version
    page_app(str(root / "ui" / "pages" / "overview.py"), default_timeout=120).run()
    with Store(db, read_only=True) as store:
        runs = store.read("risk_scores")
    assert runs["run_id"].nunique() == 2 and runs["data_version"].nunique() == 2
