"""The risk engine on the demo county: complete, stable, explainable, and as documented."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.engine import LayerMemo, RiskResult, score_county
from analytics.indicators import LAYER_TABLES
from domain.asof import end_of_day
from domain.settings.risk import LAYERS
from geodata.config import load_settings
from geodata.demo import AS_OF

METHOD = Path(__file__).resolve().parent.parent / "docs" / "METHOD.md"


AS_OF_DAY = end_of_day(pd.Timestamp(AS_OF))
"""The demo as the app scores it: the end of its reference day (``domain.asof``)."""


@pytest.fixture(scope="module")
def result(demo: dict) -> RiskResult:
    return score_county(demo, load_settings().risk, as_of=AS_OF_DAY)


def test_every_township_scored_on_every_layer(result: RiskResult, demo: dict) -> None:
    assert len(result.scores) == len(demo["townships"])
    for layer in (*LAYERS, "composite"):
        scores = result.scores[f"{layer}_score"]
        assert scores.notna().all() and scores.between(0, 10).all(), layer
        assert result.scores[f"{layer}_class"].notna().all()
        assert (result.scores[f"{layer}_coverage"] == 1).all()


def test_ranking_is_stable_across_runs(result: RiskResult, demo: dict) -> None:
    again = score_county(demo, load_settings().risk, as_of=AS_OF_DAY)
    pd.testing.assert_frame_equal(again.scores, result.scores)
    assert (result.scores["composite_rank_low"] <= result.scores["composite_rank"]).all()
    assert (result.scores["composite_rank"] <= result.scores["composite_rank_high"]).all()


def test_explanations_add_up_and_speak_chinese(result: RiskResult) -> None:
    for code in result.scores.index:
        for layer in LAYERS:
            why = result.explain(code, layer)
            assert why.indicators["contribution"].sum() == pytest.approx(why.score)
        overall = result.explain(code)
        assert overall.indicators["composite_part"].sum() == pytest.approx(overall.score)
        assert 1 <= len(overall.facts) <= 3
        assert all(re.search(r"[\u4e00-\u9fff]", fact) for fact in overall.facts)


def test_overrides_in_the_demo_are_the_configured_facts(result: RiskResult) -> None:
    major = result.facts["open_major_hazards"] > 0
    fired = result.scores["ledger_overrides"].map(len) > 0
    assert (major == fired).all()
    assert result.scores.loc[major, "ledger_class"].isin(["较大", "重大"]).all()


def test_black_spots_are_found_where_the_demo_planted_them(result: RiskResult,
                                                           demo: dict) -> None:
    from geodata.demo import planted_black_spots

    planted = planted_black_spots()
    assert len(planted) == 10
    segments = demo["road_segments"].set_index("segment_id").to_crs(3857)
    spots = result.black_spots.to_crs(3857)
    assert result.black_spots.crs == "EPSG:4326"
    for segment_id in planted:
        near = spots.distance(segments.geometry.loc[segment_id]) < 1.0
        assert near.any(), f"no black spot on the planted cluster of {segment_id}"
        assert (spots.loc[near, "accidents"] >= 5).all()


def _worked_example() -> tuple[str, dict[str, float]]:
    text = METHOD.read_text(encoding="utf-8")
    block = re.search(r"```worked-example\n(.*?)```", text, re.S)
    assert block, "docs/METHOD.md needs its worked-example block"
    pairs = (line.split("=", 1) for line in block.group(1).strip().splitlines())
    lines = {key.strip(): value.strip() for key, value in pairs}
    code = lines.pop("township_code")
    return code, {key: value if key.endswith("_class") else float(value)
                  for key, value in lines.items()}


def test_worked_example_in_method_doc_matches_the_engine(result: RiskResult) -> None:
    code, numbers = _worked_example()
    table = result.indicators[(result.indicators["township_code"] == code)].set_index(
        ["layer", "indicator"])
    assert numbers.pop("composite_class") == result.scores.loc[code, "composite_class"]
    for key, value in numbers.items():
        if key.endswith("_score"):
            got = result.scores.loc[code, key]
        else:
            layer, indicator, column = key.split(".")
            got = table.loc[(layer, indicator), column]
        assert got == pytest.approx(value, abs=0.005), key
    assert np.isfinite(list(numbers.values())).all()


def _versions(tables: dict, **changed: str) -> dict[str, str]:
    return {name: changed.get(name, "v0") for name in tables}


def test_a_layer_is_worked_out_again_only_when_its_tables_change(demo: dict) -> None:
    config, as_of = load_settings().risk, AS_OF_DAY
    memo = LayerMemo()
    first = score_county(demo, config, as_of=as_of, versions=_versions(demo), memo=memo)
    ledger = demo["hazard_ledger"]
    edited = {**demo, "hazard_ledger": ledger[ledger["hazard_level"] != "重大"]}
    again = score_county(edited, config, as_of=as_of, memo=memo,
                         versions=_versions(demo, hazard_ledger="v1"))
    afresh = score_county(edited, config, as_of=as_of)
    pd.testing.assert_frame_equal(again.scores, afresh.scores)
    pd.testing.assert_frame_equal(again.indicators, afresh.indicators)
    pd.testing.assert_frame_equal(again.facts, afresh.facts)
    assert not again.scores["ledger_score"].equals(first.scores["ledger_score"])
    assert again.danger is first.danger  # the forest-fire layer was not worked out again
    moved = {**edited, "road_accidents": demo["road_accidents"].iloc[::2]}
    third = score_county(moved, config, as_of=as_of, memo=memo,
                         versions=_versions(demo, hazard_ledger="v1", road_accidents="v1"))
    pd.testing.assert_frame_equal(third.scores, score_county(moved, config,
                                                             as_of=as_of).scores)
    assert third.danger is first.danger


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_reads_only_the_tables_it_declares(demo: dict, layer: str) -> None:
    """Every other table emptied, a layer scores as before: its declaration is complete."""
    config, as_of = load_settings().risk, AS_OF_DAY
    keep = {"townships", *LAYER_TABLES[layer]}
    bare = {name: frame if name in keep else frame.iloc[0:0] for name, frame in demo.items()}
    full = score_county(demo, config, as_of=as_of).scores[f"{layer}_score"]
    pd.testing.assert_series_equal(
        score_county(bare, config, as_of=as_of).scores[f"{layer}_score"], full)
