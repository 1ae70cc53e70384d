"""The risk engine on hand-built tiny townships, where the right answer is known by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from analytics.blackspots import find_black_spots
from analytics.engine import score_county
from analytics.firedanger import danger_levels, fwi_index
from analytics.robustness import dominance_pairs, rank_intervals
from analytics.scoring import composite, layer_scores, normalise
from domain.schema import ENTITY_TABLES
from domain.settings.risk import ConfigError, parse_config
from geodata.config import read_toml
from geodata.validate import validate

AS_OF = pd.Timestamp("2026-10-31")
CODES = ["529901100000", "529901101000", "529901102000"]
DEG_PER_M = 1 / 111_320  # latitude degrees per metre, near enough for placing test points


@pytest.fixture(scope="module")
def config():
    return parse_config(read_toml())


def _square(i: int) -> box:
    """Township i: a 0.02° square (about 2 km) side by side along the 26.8° parallel."""
    return box(105.90 + 0.02 * i, 26.80, 105.92 + 0.02 * i, 26.82)


def _centre(i: int, dy_m: float = 0.0) -> Point:
    return Point(105.91 + 0.02 * i, 26.81 + dy_m * DEG_PER_M)


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if "geometry" in frame:
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
    out, problems = validate(name, frame)
    assert not [p for p in problems if p.severity == "error"], problems
    return out


def _site(i: int, sid: str, *, people: int = 50, level: str = "小型", monitor: str | None = "王",
          dy_m: float = 0.0) -> dict:
    return {"site_id": sid, "site_name": sid, "township_code": CODES[i], "hazard_type": "滑坡",
            "threat_level": level, "threatened_people": people, "site_status": "在册",
            "monitor_name": monitor, "last_inspection_date": AS_OF,
            "geometry": _centre(i, dy_m)}


def _tables(sites: list[dict] | None = None, **extra: list[dict]) -> dict[str, pd.DataFrame]:
    towns = _table("townships", [{"township_code": c, "township_name": f"T{i}",
                                  "population": 1000, "geometry": _square(i)}
                                 for i, c in enumerate(CODES)])
    tables = {name: _table(name, []) for name in ENTITY_TABLES}
    tables["townships"] = towns
    tables["geohazard_sites"] = _table("geohazard_sites", sites if sites is not None else [
        _site(0, "S1", people=200, level="中型"), _site(1, "S2")])
    tables["facilities"] = _table("facilities", [
        {"facility_id": "R1", "facility_name": "队", "facility_category": "救援队伍",
         "township_code": CODES[0], "geometry": _centre(0, 2000)}])
    for name, rows in extra.items():
        tables[name] = _table(name, rows)
    return tables


def _score(tables: dict, config, **kw):
    return score_county(tables, config, as_of=AS_OF, robustness=False, **kw)


def test_township_without_hazards_scores_zero(config) -> None:
    result = _score(_tables(), config)
    geo = result.scores["geohazard_score"]
    assert geo[CODES[2]] == 0.0
    assert geo[CODES[0]] > geo[CODES[1]] > 0


def test_adding_a_site_raises_its_score_and_no_other_layer(config) -> None:
    before = _score(_tables(), config).scores
    more = [_site(0, "S1", people=200, level="中型"), _site(1, "S2"), _site(1, "S3",
                                                                          dy_m=300)]
    after = _score(_tables(more), config).scores
    assert after.loc[CODES[1], "geohazard_score"] > before.loc[CODES[1], "geohazard_score"]
    for layer in ("forest_fire", "road", "ledger"):
        pd.testing.assert_series_equal(after[f"{layer}_score"], before[f"{layer}_score"])


def test_contributions_add_up_to_the_score(config) -> None:
    result = _score(_tables(), config)
    sums = result.indicators.groupby(["township_code", "layer"])["contribution"].sum()
    for (code, layer), total in sums.items():
        score = result.scores.loc[code, f"{layer}_score"]
        assert total == pytest.approx(0.0 if np.isnan(score) else score, abs=1e-9)
    shares = result.scores[[f"composite_share_{lay}" for lay in
                            ("geohazard", "forest_fire", "road", "ledger")]].sum(axis=1)
    assert np.allclose(shares, result.scores["composite_score"].fillna(0))


def _ledger_row(status: str, level: str = "重大") -> dict:
    return {"hazard_id": "H1", "domain": "消防", "hazard_description": "x",
            "township_code": CODES[2], "hazard_level": level, "found_date": "2026-09-01",
            "deadline": "2026-12-01", "hazard_status": status, "row_version": 1,
            "geometry": _centre(2)}


@pytest.mark.parametrize(("status", "level", "fires"), [
    ("整改中", "重大", True), ("已销号", "重大", False), ("整改中", "一般", False)])
def test_override_fires_exactly_for_an_open_major_hazard(config, status: str, level: str,
                                                         fires: bool) -> None:
    result = _score(_tables(hazard_ledger=[_ledger_row(status, level)]), config)
    row = result.scores.loc[CODES[2]]
    label = "存在未销号的重大隐患"
    assert (label in row["ledger_overrides"]) is fires
    assert (label in row["composite_overrides"]) is fires
    if fires:
        assert row["composite_class"] in ("较大", "重大")
    assert label not in result.scores.loc[CODES[0], "composite_overrides"]


def test_large_threat_site_override(config) -> None:
    result = _score(_tables([_site(1, "S9", people=600, level="大型")]), config)
    assert result.scores.loc[CODES[1], "geohazard_overrides"] == [
        "有特大型或大型险情的地灾隐患点"]
    assert result.explain(CODES[1], "geohazard").overrides == result.scores.loc[
        CODES[1], "geohazard_overrides"]


def test_distances_are_metres_in_a_projected_crs(config) -> None:
    near = {"facility_id": "F1", "facility_name": "近校", "facility_category": "学校",
            "township_code": CODES[1], "capacity": 300, "geometry": _centre(1, 400)}
    far = {**near, "facility_id": "F2", "facility_name": "远校", "capacity": 7000,
           "geometry": _centre(1, 600)}
    tables = _tables()
    tables["facilities"] = pd.concat([tables["facilities"], _table("facilities", [near, far])],
                                     ignore_index=True)
    result = _score(tables, config)
    raw = result.indicators.set_index(["township_code", "indicator"])["raw"]
    assert raw[(CODES[1], "exposed_people")] == 300, "only the school 400 m away (limit 500 m)"
    # S1 lies 2,000 m from the rescue team and threatens 200 people: 400 person-km.
    assert raw[(CODES[0], "rescue_distance")] == pytest.approx(400, rel=0.01)


def test_black_spot_windows_find_the_planted_cluster_only() -> None:
    road = gpd.GeoDataFrame({"segment_id": ["A"], "road_code": ["X1"],
                             "township_code": [CODES[0]]},
                            geometry=[LineString([(0, 0), (5000, 0)])], crs=32648)
    cluster = [100 + 40 * k for k in range(6)]          # six within 200 m
    scattered = [1500, 2700, 3900, 4800]                # far apart
    xs = cluster + scattered
    acc = gpd.GeoDataFrame({"accident_time": pd.Timestamp("2026-01-01"),
                            "segment_id": [None] * len(xs), "deaths": 0, "injuries": 1},
                           geometry=[Point(x, 10) for x in xs], crs=32648)
    settings_ = {"window_m": 500, "period_years": 3, "min_accidents": 5, "min_deaths": 3}
    spots = find_black_spots(acc, road, as_of=AS_OF, settings=settings_, snap_m=50)
    assert len(spots) == 1
    spot = spots.iloc[0]
    assert spot["accidents"] == 6 and spot["start_m"] <= 100 and spot["end_m"] >= 300
    old = acc.assign(accident_time=pd.Timestamp("2020-01-01"))
    assert find_black_spots(old, road, as_of=AS_OF, settings=settings_, snap_m=50).empty



def test_black_spots_on_a_road_in_pieces() -> None:
    """A road in two pieces: a cluster on the second, too few on the first, deaths count."""
    road = gpd.GeoDataFrame({"segment_id": ["A", "B"], "road_code": ["X1", "X1"],
                             "township_code": [CODES[0]] * 2},
                            geometry=[LineString([(0, 0), (3000, 0)]),
                                      LineString([(0, 2000), (3000, 2000)])], crs=32648)
    xs = [(500, 10), (600, 10), (2000, 1990), (2050, 1990), (2100, 1990), (2150, 1990),
          (2200, 1990)]
    acc = gpd.GeoDataFrame({"accident_time": pd.Timestamp("2026-01-01"),
                            "segment_id": ["A", "A", "B", "B", "B", None, None],
                            "deaths": [2, 1, 0, 0, 0, 0, 0], "injuries": 0},
                           geometry=[Point(x, y) for x, y in xs], crs=32648)
    settings_ = {"window_m": 500, "period_years": 3, "min_accidents": 5, "min_deaths": 3}
    spots = find_black_spots(acc, road, as_of=AS_OF, settings=settings_, snap_m=50)
    assert len(spots) == 2
    by_deaths, by_count = spots.sort_values("deaths", ascending=False).to_dict("records")
    assert by_deaths["accidents"] == 2 and by_deaths["deaths"] == 3
    assert by_deaths["geometry"].distance(Point(550, 0)) < 1
    assert by_count["accidents"] == 5 and by_count["deaths"] == 0
    assert by_count["start_m"] <= 2000 and by_count["end_m"] >= 2200
    assert by_count["geometry"].distance(Point(2100, 2000)) < 1

def _weather(**values: float) -> pd.DataFrame:
    row = {"township_code": "t", "weather_date": pd.Timestamp("2026-01-15"), "max_temp_c": 10,
           "min_rh_pct": 80, "max_wind_ms": 1, "precip_mm": 0, "days_without_rain": 0}
    return pd.DataFrame([row | values])


@pytest.mark.parametrize(("values", "index", "level"), [
    ({"max_temp_c": 26, "min_rh_pct": 25, "max_wind_ms": 6, "days_without_rain": 6}, 63.0, 5),
    ({"max_temp_c": 12, "min_rh_pct": 65, "weather_date": pd.Timestamp("2026-07-15")},
     12 * 0.6, 1),
    ({"max_temp_c": 18, "min_rh_pct": 45, "max_wind_ms": 4, "days_without_rain": 2,
      "precip_mm": 6.0}, (8 + 10 + 10 + 10) * 0.4, 2),
    ({"max_temp_c": 22, "min_rh_pct": 35, "max_wind_ms": 2, "days_without_rain": 3},
     10 + 12 + 5 + 15, 3),
])
def test_fire_danger_matches_hand_computed_days(config, values: dict, index: float,
                                                level: int) -> None:
    out = danger_levels(_weather(**values), config.section("forest_fire"))
    assert out["index"].iloc[0] == pytest.approx(index)
    assert out["level"].iloc[0] == level


def test_fwi_matches_the_published_start_up_day() -> None:
    """Van Wagner & Pickett (1985) test day: 17 °C, 42 %, 25 km/h, no rain → FWI 10.1."""
    day = _weather(max_temp_c=17, min_rh_pct=42, max_wind_ms=25 / 3.6,
                   weather_date=pd.Timestamp("2026-04-13"))
    assert fwi_index(day)[0] == pytest.approx(10.1, abs=0.05)


def test_monte_carlo_is_seeded_and_reproducible(config) -> None:
    norms = {layer: pd.DataFrame({s.key: np.linspace(0, 10, 5) * (k + 1) % 10
                                  for k, s in enumerate(config.layer_indicators(layer))},
                                 index=list("abcde")) for layer in
             ("geohazard", "forest_fire", "road", "ledger")}
    first = rank_intervals(norms, config)
    assert first.equals(rank_intervals(norms, config))
    other = config.with_changes({"robustness": {"seed": 7, "runs": 50}})
    assert (rank_intervals(norms, other)["rank_low"] <= first["rank_high"]).all()


def test_dominance_pairs() -> None:
    layers = pd.DataFrame({"a": [5.0, 4.0, 6.0], "b": [5.0, 3.0, 1.0]}, index=["x", "y", "z"])
    pairs = set(map(tuple, dominance_pairs(layers).to_numpy()))
    assert pairs == {("x", "y")}


def test_dominance_pairs_in_chunks_match_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    layers = pd.DataFrame(rng.integers(0, 4, (40, 3)).astype(float), columns=list("abc"),
                          index=[f"t{i}" for i in range(40)])
    layers.iloc[5, 1] = np.nan  # a township with a missing layer takes part in no pair
    values = layers.to_numpy()
    want = {(layers.index[i], layers.index[j]) for i in range(40) for j in range(40)
            if not np.isnan(values[[i, j]]).any() and (values[i] >= values[j]).all()
            and (values[i] > values[j]).any()}
    monkeypatch.setattr("analytics.robustness.DOMINANCE_CHUNK", 7)
    assert set(map(tuple, dominance_pairs(layers).to_numpy())) == want


def _zone(i: int) -> dict:
    return {"zone_id": f"Z{i}", "zone_name": f"林{i}", "township_code": CODES[i],
            "forest_type": "针叶林", "geometry": _square(i).buffer(-0.005)}


def test_no_table_loaded_is_missing_and_nothing_in_a_township_is_zero(config) -> None:
    scores = _score(_tables(), config).scores
    # No forest zones ever loaded: the forest layer is missing everywhere, never 低.
    assert (scores["forest_fire_coverage"] == 0).all()
    assert (scores["forest_fire_class"] == "无数据").all()
    # Zones loaded, one township with forest: the others have a true zero of forest.
    forested = _score(_tables(forest_zones=[_zone(0)]), config)
    raw = forested.indicators.set_index(["township_code", "indicator"])["raw"]
    assert raw[(CODES[0], "forest_area")] > 0 and raw[(CODES[2], "forest_area")] == 0
    # Forest area (0.2) and people near it (0.15, facilities loaded) are known; no fire
    # weather, fire records, roads, fire stations or water points: the rest is missing.
    assert np.isnan(raw[(CODES[0], "fire_danger")]) and np.isnan(raw[(CODES[0], "past_fires")])
    assert np.isnan(raw[(CODES[0], "roads_in_forest")])
    assert np.allclose(forested.scores["forest_fire_coverage"], 0.35)
    assert (forested.scores["forest_fire_class"] == "数据不足").all()


def test_a_deadly_landslide_without_a_site_register_is_not_low(config) -> None:
    event = {"event_id": "E1", "event_date": "2026-07-01", "hazard_type": "滑坡",
             "deaths": 6, "township_code": CODES[1], "geometry": _centre(1)}
    tables = _tables(sites=[], geohazard_events=[event])
    scores = _score(tables, config).scores
    # Only past disasters (weight 0.15) speak for the layer: below the minimum, 数据不足.
    assert scores.loc[CODES[1], "geohazard_coverage"] == pytest.approx(0.15)
    assert (scores["geohazard_class"] == "数据不足").all()
    assert scores["geohazard_score"].isna().all()
    why = _score(tables, config).indicators.set_index(["township_code", "indicator"])["raw"]
    assert why[(CODES[1], "past_events")] > why[(CODES[0], "past_events")] == 0


def test_a_composite_on_too_few_layers_says_so(config) -> None:
    scores = _score(_tables(), config).scores  # sites only: the geohazard layer (0.3)
    assert (scores["composite_layers"] == 1).all()
    assert np.allclose(scores["composite_coverage"], 0.3)
    assert (scores["composite_class"] == "数据不足").all()
    assert scores["composite_rank"].isna().all()
    empty = {name: frame.iloc[0:0] for name, frame in _tables().items()}
    empty["townships"] = _tables()["townships"]
    nothing = _score(empty, config).scores
    assert (nothing["composite_class"] == "无数据").all()
    assert (nothing["composite_layers"] == 0).all()


def test_config_errors_name_the_entry() -> None:
    raw = read_toml()
    raw["indicators"]["road"]["black_spots"]["transform"] = "square"
    with pytest.raises(ConfigError, match=r"indicators\.road\.black_spots"):
        parse_config(raw)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=8), st.integers(0, 7),
       st.floats(0, 1e6))
def test_normalise_is_bounded_and_monotone(values: list[float], pick: int, extra: float) -> None:
    spec = parse_config(read_toml()).layer_indicators("geohazard")[0]
    base = pd.Series(values)
    pick %= len(values)
    norm = normalise(base, spec)
    assert ((norm >= 0) & (norm <= 10)).all()
    raised = base.copy()
    raised[pick] += extra
    assert normalise(raised, spec)[pick] >= norm[pick] - 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 10), min_size=4, max_size=4), st.integers(0, 3),
       st.floats(0, 10), st.sampled_from(["geometric", "arithmetic"]))
def test_composite_is_bounded_and_monotone(scores: list[float], pick: int, bump: float,
                                           method: str) -> None:
    weights = {"geohazard": 0.3, "forest_fire": 0.2, "road": 0.2, "ledger": 0.3}
    layers = pd.DataFrame([scores], columns=list(weights))
    score, shares = composite(layers, weights, method)
    assert 0 <= score[0] <= 10 + 1e-9
    assert shares.sum(axis=1)[0] == pytest.approx(score[0])
    higher = layers.copy()
    col = list(weights)[pick]
    higher[col] = min(10.0, higher[col][0] + bump)
    assert composite(higher, weights, method)[0][0] >= score[0] - 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=7, max_size=7))
def test_layer_score_is_between_0_and_10(values: list[float]) -> None:
    specs = parse_config(read_toml()).layer_indicators("geohazard")
    raw = pd.DataFrame([values, [0.0] * 7], columns=[s.key for s in specs])
    _, score, coverage = layer_scores(raw, specs, min_coverage=0.5)
    assert ((score >= 0) & (score <= 10 + 1e-9)).all()
    assert score[1] == 0 and (coverage == 1).all()


def test_qxt77_season_factor_by_month() -> None:
    from analytics.firedanger import qxt77_index

    table = {"temp_c": [[0, 0], [20, 10]], "min_rh_pct_below": [[100, 0], [30, 10]],
             "wind_ms": [[0, 0]], "days_without_rain": [[0, 0], [5, 10]],
             "rain_damping": [[5.0, 0.5]], "season_factor": {"1": 1.0, "7": 0.6}}
    weather = pd.DataFrame({"max_temp_c": [25.0] * 3, "min_rh_pct": [20.0] * 3,
                            "max_wind_ms": [1.0] * 3, "days_without_rain": [6.0] * 3,
                            "precip_mm": [0.0] * 3,
                            "weather_date": pd.to_datetime(["2026-01-10", "2026-07-10",
                                                            "2026-03-10"])})
    index = qxt77_index(weather, table)
    assert index[0] > 0
    assert index[1] == pytest.approx(index[0] * 0.6)
    assert index[2] == pytest.approx(index[0]), "a month the table leaves out counts fully"


def test_explanations_and_rules_are_written_in_english_too(config) -> None:
    import re

    from analytics.indicators import INDICATORS

    result = _score(_tables([_site(1, "S9", people=600, level="大型")]), config)
    chinese = result.explain(CODES[1], "geohazard").facts
    english = result.explain(CODES[1], "geohazard", "en").facts
    assert chinese and len(english) == len(chinese)
    assert all(re.search(r"[\u4e00-\u9fff]", f) for f in chinese)
    assert not [f for f in english if re.search(r"[\u4e00-\u9fff]", f)], english
    rule = next(o for o in config.overrides if o.name == "large_threat_site")
    assert rule.shown("zh") == "有特大型或大型险情的地灾隐患点"
    assert rule.shown("en") == "a site of large or extra-large threat"
    assert all(info.fact_en for info in INDICATORS.values()), "each has its English fact"


def _place(i: int, name: str, kind: str, people: int, dy_m: float, **more: object) -> dict:
    return {"place_id": name, "place_name": name, "place_kind": kind, "township_code": CODES[i],
            "place_people": people, "geometry": _centre(i, dy_m), **more}


def _raw(result, layer: str, indicator: str) -> pd.Series:
    table = result.indicators
    rows = table[(table["layer"] == layer) & (table["indicator"] == indicator)]
    return rows.set_index("township_code")["raw"]


def test_a_school_next_to_a_site_is_exposed_from_the_places_register(config) -> None:
    """T0: a school of 300 beside its site (200 m), a care home of 40 at 2 km. The register
    lists schools, so the facilities' school of 999 beside the site is not counted again."""
    school = {"facility_id": "F1", "facility_name": "旧校", "facility_category": "学校",
              "township_code": CODES[0], "capacity": 999, "geometry": _centre(0, 100)}
    tables = _tables()
    tables["facilities"] = pd.concat([tables["facilities"], _table("facilities", [school])])
    without = _raw(_score(tables, config), "geohazard", "exposed_people")
    assert without[CODES[0]] == 999, "without a register: the facilities' school"
    tables["places"] = _table("places", [_place(0, "中心小学", "学校", 300, 200),
                                         _place(0, "敬老院", "养老机构", 40, 2000)])
    exposed = _raw(_score(tables, config), "geohazard", "exposed_people")
    assert exposed[CODES[0]] == 300 and exposed[CODES[1]] == 0


def test_high_grade_places_not_inspected_and_people_near_chemicals(config) -> None:
    """T0: a grade-1 depot inspected 100 days ago (window 90) and a grade-3 one never; a
    relocation site of 120 people 600 m from the depot (within 1,000 m). T1: a grade-2 mine
    inspected 10 days ago, a relocation site of 80 far from any depot."""
    places = [_place(0, "油库", "危化品企业", 10, 0, place_grade="一级",
                     last_inspection_date=AS_OF - pd.Timedelta(days=100)),
              _place(0, "加油站", "危化品企业", 5, 5000, place_grade="三级"),
              _place(1, "采石场", "非煤矿山", 20, 0, place_grade="二级",
                     last_inspection_date=AS_OF - pd.Timedelta(days=10))]
    reloc = [{"reloc_id": f"A{i}", "reloc_name": f"安置点{i}", "township_code": CODES[i],
              "people": people, "geometry": _centre(i, dy)}
             for i, people, dy in ((0, 120, 600), (1, 80, 0))]
    result = _score(_tables(places=places, relocation_sites=reloc), config)
    assert _raw(result, "ledger", "uninspected_high_grade").to_dict() == {
        CODES[0]: 1, CODES[1]: 0, CODES[2]: 0}
    assert _raw(result, "ledger", "chemical_exposure").to_dict() == {
        CODES[0]: 120, CODES[1]: 0, CODES[2]: 0}
    no_register = _score(_tables(relocation_sites=reloc), config)
    assert _raw(no_register, "ledger", "uninspected_high_grade").isna().all(), \
        "no register: not measured, never 0"
