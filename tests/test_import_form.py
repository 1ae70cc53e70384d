"""The data page's import form (AppTest): what the command line does, on a page.

The form is run on a chosen file (the uploader itself is the browser's; ``test_browser``
uploads through it): the product recognised, the column table, defaults for required
columns the file lacks, a re-check whenever a choice changes, the mapping file to save.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from geodata.importer import import_file
from geodata.mapping import dump_mapping, parse_mapping
from geodata.store import Store
from tests.signin import ADMIN, function_app

SelectboxT = Selectbox[str]
SAMPLES = Path(__file__).parent / "samples"


def _form(db: str, table: str, sample: str) -> None:
    from pathlib import Path

    import streamlit as st

    from geodata.importer import ImportOptions
    from geodata.store import Store
    from ui.import_form import import_form

    with Store(db) as store:
        done = import_form(store, table, Path(sample), ImportOptions(), "file-1")
    if done is not None:
        st.write(f"WRITTEN {done.written} {done.new}")


def _app(db: Path, table: str, sample: str) -> AppTest:
    return function_app(_form, args=(str(db), table, str(SAMPLES / sample)),
                                 default_timeout=60).run()


@pytest.fixture
def county(tmp_path: Path) -> Path:
    path = tmp_path / "county.duckdb"
    with Store(path) as store:
        assert import_file(store, "townships", SAMPLES / "official_townships.geojson",
                           who=ADMIN).written
    return path


def _column_box(at: AppTest, column: str) -> SelectboxT:
    return next(box for box in at.selectbox if box.label == column)


def test_the_official_layer_is_matched_and_written(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    at = _app(db, "townships", "official_townships.geojson")
    assert not at.exception
    assert _column_box(at, "code").value == "township_code"
    assert _column_box(at, "Name").value == "township_name"
    assert _column_box(at, "gml_id").value == ""
    assert any("共 9 行：新增 9" in m.value for m in at.markdown)
    at.button[0].click().run()
    assert any(m.value == "WRITTEN True 9" for m in at.markdown)
    with Store(db, read_only=True) as store:
        assert store.count("townships") == 9
    at.run()
    assert not [b for b in at.button if b.label == "确认写入"], "no second write of the file"
    assert any("已写入" in s.value for s in at.success)


def test_changing_a_column_checks_again(tmp_path: Path) -> None:
    at = _app(tmp_path / "empty.duckdb", "townships", "official_townships.geojson")
    _column_box(at, "Name").set_value("").run()
    assert any("township_name" in str(d.value.to_dict()) or "乡镇名称" in
               str(d.value.to_dict()) for d in at.dataframe)
    assert at.error and "有错误" in at.error[0].value, "a required column is now missing"
    _column_box(at, "Name").set_value("township_name").run()
    assert not at.error


def test_a_public_product_is_said_and_needs_no_table(county: Path) -> None:
    at = _app(county, "road_segments", "osm_roads.geojson")
    assert not at.exception
    assert at.success[0].value == "识别为 OpenStreetMap 格式的公路路段：无需映射"
    assert not any(box.label == "highway" for box in at.selectbox), "no column table"
    assert any("footway 1" in c.value for c in at.caption)


def test_a_required_column_the_file_lacks_gets_a_value_for_every_row(county: Path,
                                                                     tmp_path: Path) -> None:
    import pandas as pd

    sites = pd.read_excel(SAMPLES / "sites_no_status.xlsx", header=1).drop(columns="灾害类型")
    path = tmp_path / "no_type.csv"
    sites.to_csv(path, index=False)
    at = function_app(_form, args=(str(county), "geohazard_sites", str(path)),
                               default_timeout=60).run()
    assert at.error, "no hazard type: refused"
    kind = next(box for box in at.selectbox if box.label == "灾害类型")
    kind.set_value("滑坡").run()
    assert not at.error
    at.button[0].click().run()
    with Store(county, read_only=True) as store:
        assert set(store.read("geohazard_sites")["hazard_type"]) == {"滑坡"}


def test_a_saved_mapping_reads_back_to_the_same_choices() -> None:
    text = dump_mapping(columns={"名 称": "site_name", "备注": "", 'a"b': "township_code"},
                        defaults={"hazard_type": "滑坡"}, crs="EPSG:4545", title="隐患点")
    assert parse_mapping(text) == {"crs": "EPSG:4545",
                                   "columns": {"名 称": "site_name", "备注": "",
                                               'a"b': "township_code"},
                                   "defaults": {"hazard_type": "滑坡"}}


def test_a_product_for_another_table_says_which(county: Path) -> None:
    at = _app(county, "townships", "osm_roads.geojson")
    assert at.info[0].value == ("这个文件看起来是 OpenStreetMap 格式的公路路段："
                                "请在上面把数据表选为“公路路段”。")


def test_a_dry_run_lists_each_changed_field_old_and_new(county: Path, tmp_path: Path) -> None:
    import pandas as pd

    with Store(county) as store:
        assert import_file(store, "geohazard_sites", SAMPLES / "sites_no_status.xlsx",
                           who=ADMIN).written
    sites = pd.read_excel(SAMPLES / "sites_no_status.xlsx", header=1)
    sites.loc[0, "威胁人数"] = 52
    path = tmp_path / "sites_later.csv"
    sites.to_csv(path, index=False)
    at = function_app(_form, args=(str(county), "geohazard_sites", str(path)),
                               default_timeout=60).run()
    changes = next(d.value for d in at.dataframe if "原值" in d.value.columns)
    assert changes[["行", "字段", "原值", "新值"]].to_numpy().tolist() == [
        ["2", "威胁人数 (人)", "46", "52"]]
    assert any("将变更的 1 行" in e.label for e in at.expander)
