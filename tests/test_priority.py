"""Rectification priorities known by hand, and the budget's choice against random picks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from analytics.priority import as_if_fixed, choose, ledger_weight, priorities
from geodata.config import load_settings

SETTINGS = load_settings().ledger
AS_OF = pd.Timestamp("2026-10-31")
SCHOOL = Point(106.0, 27.0)


def _ledger(*rows: dict) -> gpd.GeoDataFrame:
    base = {"township_code": "T", "domain": "消防", "hazard_level": "一般",
            "hazard_status": "整改中", "hazard_description": "x", "lead_department": "d",
            "deadline": AS_OF + pd.Timedelta(days=30)}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=frame["geometry"].tolist(),
                            crs=4326)


FACILITIES = gpd.GeoDataFrame({"facility_category": ["学校"], "capacity": [800]},
                              geometry=[SCHOOL], crs=4326)
NO_RELOC = gpd.GeoDataFrame({"people": []}, geometry=[], crs=4326)


def _rank(ledger: gpd.GeoDataFrame, classes: pd.Series | None = None) -> pd.DataFrame:
    classes = pd.Series(dtype=object) if classes is None else classes
    return priorities(ledger, FACILITIES, NO_RELOC, classes, as_of=AS_OF,
                      settings=SETTINGS).set_index("hazard_id")


def test_the_same_hazard_nearer_a_school_ranks_higher() -> None:
    out = _rank(_ledger({"hazard_id": "NEAR", "geometry": Point(106.002, 27.0)},
                        {"hazard_id": "FAR", "geometry": Point(106.05, 27.0)}))
    assert out.loc["NEAR", "rank"] == 1 and out.loc["FAR", "rank"] == 2
    assert out.loc["NEAR", "exposure"] == pytest.approx(1 + 0.3 + 0.8 * 0.2)
    assert "学校1" in out.loc["NEAR", "why"] and "约800人" in out.loc["NEAR", "why"]


def test_overdue_ranks_higher_and_says_so() -> None:
    far = Point(106.5, 27.5)
    out = _rank(_ledger({"hazard_id": "LATE", "geometry": far,
                         "deadline": AS_OF - pd.Timedelta(days=45)},
                        {"hazard_id": "ONTIME", "geometry": far}))
    assert out.loc["LATE", "rank"] == 1
    assert out.loc["LATE", "urgency"] == pytest.approx(1 + 45 / 30)
    assert "已超期45天" in out.loc["LATE", "why"]


def test_major_and_red_township_and_closed_left_out() -> None:
    far = Point(106.5, 27.5)
    out = _rank(_ledger({"hazard_id": "M", "hazard_level": "重大", "geometry": far},
                        {"hazard_id": "R", "township_code": "RED", "geometry": far},
                        {"hazard_id": "C", "hazard_status": "已销号", "geometry": far}),
                pd.Series({"RED": "重大"}))
    assert list(out.index) == ["M", "R"], "3 × 1.3 > 1.3 × 1.5; closed hazards are not ranked"
    assert "所在乡镇综合风险重大" in out.loc["R", "why"]


def test_choice_never_exceeds_the_budget() -> None:
    ranked = pd.DataFrame({"hazard_level": ["一般"] * 4, "days_overdue": [0, 40, 0, 90]})
    cost = pd.Series([1.0, 3.0, 2.0, 10.0])
    weight = pd.Series([1.0, 3.0, 1.0, 4.0])
    for budget in (0.5, 1.0, 3.5, 6.0, 10.0, 100.0):
        picked = choose(ranked, cost, budget, weight)
        assert cost[picked].sum() <= budget
    assert choose(ranked, cost, 10.0, weight).tolist() == [True, True, True, False]


def test_budget_choice_beats_random_picks_on_the_demo(demo_frames: dict) -> None:
    config = load_settings().risk
    frames = demo_frames
    ranked = priorities(frames["hazard_ledger"], frames["facilities"],
                        frames["relocation_sites"], pd.Series(dtype=object), as_of=AS_OF,
                        settings=SETTINGS)
    cost = ranked["hazard_id"].map(frames["hazard_ledger"].set_index("hazard_id")[
        "estimated_cost_wan"]).fillna(SETTINGS.default_cost_wan)
    budget = 100.0
    picked = choose(ranked, cost, budget, ledger_weight(ranked, config))
    assert 0 < cost[picked].sum() <= budget

    def removed(ids: list[str]) -> float:
        table = as_if_fixed(frames, ids, config, as_of=AS_OF)
        return float((table["composite_before"] - table["composite_after"]).sum())

    ours = removed(ranked.loc[picked, "hazard_id"].tolist())
    rng = np.random.default_rng(0)
    randoms = []
    for _ in range(5):
        order = rng.permutation(len(ranked))
        within = order[np.cumsum(cost.to_numpy()[order]) <= budget]
        randoms.append(removed(ranked["hazard_id"].iloc[within].tolist()))
    assert ours > max(randoms), (ours, randoms)
    assert ours > 0


def test_reasons_read_in_full() -> None:
    """Each part of a reason, in order, and nothing for what does not apply."""
    far = Point(106.5, 27.5)
    out = _rank(_ledger(
        {"hazard_id": "ALL", "hazard_level": "重大", "geometry": Point(106.002, 27.0),
         "township_code": "R", "deadline": AS_OF - pd.Timedelta(days=3)},
        {"hazard_id": "SOON", "geometry": far, "deadline": AS_OF + pd.Timedelta(days=2)},
        {"hazard_id": "NONE", "geometry": far}), pd.Series({"R": "重大"}))
    level, domain = SETTINGS.level_weight, SETTINGS.domain_weight
    distance = int(SETTINGS.distance_m)
    assert out.loc["ALL", "why"] == (
        f"重大隐患×{level['重大']:g}·消防×{domain['消防']:g}；{distance}米内学校1，约800人；"
        "所在乡镇综合风险重大；已超期3天")
    plain = f"一般隐患×{level['一般']:g}·消防×{domain['消防']:g}"
    assert out.loc["SOON", "why"] == plain + "；临近整改时限"
    assert out.loc["NONE", "why"] == plain
