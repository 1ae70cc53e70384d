"""Export → import gives back what was exported, for every entity and format; backups too."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from domain.errors import RiskMapError
from domain.schema import ENTITY_TABLES, TABLES
from geodata.backup import backup, restore
from geodata.exporter import export_frame, short_names
from geodata.fingerprint import content_hash
from geodata.importer import import_file
from geodata.store import WRITTEN_PREFIX, Store
from tests.signin import ADMIN

FORMATS = ["csv", "xlsx", "gpkg", "geojson", "shp"]


def _sample(frame: pd.DataFrame, n: int = 60) -> pd.DataFrame:
    return frame.iloc[:: max(len(frame) // n, 1)].head(n).reset_index(drop=True)


def assert_same(a: pd.DataFrame, b: pd.DataFrame, table: str, *, tolerance: float) -> None:
    """Rows equal column by column; floats and coordinates within ``tolerance`` (relative)."""
    assert len(a) == len(b)
    for col in TABLES[table].columns:
        x, y = a[col], b[col]
        both_missing = x.isna() & y.isna()
        if x.dtype == "float64":
            close = np.isclose(x, y, rtol=tolerance, atol=0) | both_missing
        else:
            close = (x == y).fillna(False) | both_missing
        assert close.all(), f"{col}: {x[~close].head(3).tolist()} ≠ {y[~close].head(3).tolist()}"
    if TABLES[table].geometry:
        ga, gb = a.geometry, b.geometry
        present = ga.notna()
        assert (gb.notna() == present).all()
        assert ga[present].geom_equals_exact(gb[present], tolerance * 180).all()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", ENTITY_TABLES)
def test_export_then_import_is_equal(table: str, fmt: str, demo_frames: dict,
                                     tmp_path: Path) -> None:
    rows = _sample(demo_frames[table])
    with Store(tmp_path / "a.duckdb") as source:
        source.write(table, rows)
        expected = source.read(table)
    if fmt == "shp" and table == "ledger_events":
        with pytest.raises(RiskMapError, match="254 字节上限"):
            export_frame(table, expected, tmp_path / f"{table}.{fmt}")
        expected = expected[expected["field_name"] != "*"].reset_index(drop=True)
    path = export_frame(table, expected, tmp_path / f"{table}.{fmt}")
    with Store(tmp_path / "b.duckdb") as target:
        report = import_file(target, table, path, who=ADMIN)
        assert report.written and not report.errors, report.summary()
        back = target.read(table)
    # Excel keeps 15–16 significant digits, not the 17 a double needs.
    assert_same(back, expected, table, tolerance=1e-15 if fmt == "xlsx" else 0.0)


def test_shapefile_export_is_excel_and_gis_friendly(demo_frames: dict, tmp_path: Path) -> None:
    path = export_frame("geohazard_sites", _sample(demo_frames["geohazard_sites"]),
                        tmp_path / "sites.shp")
    assert path.with_suffix(".cpg").read_text().strip().upper() in {"UTF-8", "UTF8"}
    mapping = pd.read_csv(tmp_path / "sites.fields.csv", encoding="utf-8-sig")
    assert mapping["short"].map(lambda s: len(s.encode())).max() <= 10
    assert mapping["short"].is_unique
    assert set(mapping["field"]) == set(TABLES["geohazard_sites"].columns)
    read = gpd.read_file(path)
    assert set(read.columns) - {"geometry"} == set(mapping["short"])


def test_short_names_stay_unique() -> None:
    names = short_names(["threatened_households", "threatened_people", "threatened_property_wan"])
    assert list(names.values()) == ["threatened", "threatene1", "threatene2"]


def test_csv_export_opens_in_excel_with_chinese_headers(demo_frames: dict,
                                                        tmp_path: Path) -> None:
    path = export_frame("hazard_ledger", _sample(demo_frames["hazard_ledger"]),
                        tmp_path / "ledger.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["隐患编号", "行业领域", "隐患描述"]
    assert header[-2:] == ["经度", "纬度"]


def test_backup_then_restore_gives_identical_content(demo_copy: Path, tmp_path: Path) -> None:
    with Store(demo_copy) as store:  # writable: the backup is audited
        original = {name: store.read(name) for name in ENTITY_TABLES}
        counts = backup(store, tmp_path / "demo.zip", who=ADMIN)
        meta = store.meta()
    assert counts == {**{k: len(v) for k, v in original.items()}, "risk_scores": 0,
                      "risk_indicators": 0, "evidence_files": 0}
    with Store(tmp_path / "restored.duckdb") as empty:
        restore(empty, tmp_path / "demo.zip", who=ADMIN)
        restored = {name: empty.read(name) for name in ENTITY_TABLES}
        assert empty.is_demo() and empty.meta()["demo_seed"] == meta["demo_seed"]
        stamps = {k: v for k, v in empty.meta().items() if k.startswith(WRITTEN_PREFIX)}
        assert stamps and not stamps.items() & meta.items()  # fresh: written here, now
    assert content_hash(restored) == content_hash(original)
