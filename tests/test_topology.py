"""Maps that weigh what the screen shows: clean coverage, topology, levels of detail."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from domain import coords
from domain.settings.maps import CoverageSettings
from geodata.demo.scale import osm_like_roads, published_borders
from maps.compose import BaseLayers, base_for_display, base_level_files
from maps.detail import (
    FINEST_DEG,
    LEVEL_FACTOR,
    STEPS_PER_TOLERANCE,
    Detail,
    first_level,
    level_files,
    tolerances,
)
from maps.geometry import clean_coverage
from maps.topology import decode, encode

SETTINGS = CoverageSettings()


def _square(x: float, y: float, side: float = 1.0) -> shapely.Polygon:
    return shapely.box(x, y, x + side, y + side)


@pytest.fixture(scope="module")
def published(demo_frames: dict) -> gpd.GeoDataFrame:
    """The demo's townships as a published layer: survey detail, each digitised alone."""
    return published_borders(demo_frames["townships"])


def _metric(shapes: np.ndarray, crs: object) -> np.ndarray:
    series = gpd.GeoSeries(shapes, crs=crs)
    return np.asarray(series.to_crs(coords.utm_crs(series)).values, dtype=object)


def _overlap_m2(shapes: np.ndarray) -> float:
    """Return the area covered twice or more (m²): the sum of areas less their union's."""
    return float(shapely.area(shapes).sum() - shapely.union_all(shapes).area)


def _holes_m2(shapes: np.ndarray) -> list[float]:
    union = shapely.union_all(shapes)
    return [shapely.Polygon(ring).area for part in shapely.get_parts(union)
            for ring in part.interiors]


def test_a_published_layer_becomes_one_clean_coverage(published: gpd.GeoDataFrame) -> None:
    raw = np.asarray(published.geometry.values, dtype=object)
    assert not shapely.coverage_is_valid(raw), "the sample has slivers, as published"
    before = _metric(raw, published.crs)
    assert _overlap_m2(before) > 100 and len(_holes_m2(before)) > 10

    clean, report = clean_coverage(published, snap_m=SETTINGS.snap_m,
                                   max_change=SETTINGS.max_area_change,
                                   clean_max_vertices=SETTINGS.clean_max_vertices)
    after = _metric(np.asarray(clean.geometry.values, dtype=object), clean.crs)
    assert report.method == "snapped" and report.moved > 1000
    assert shapely.coverage_is_valid(np.asarray(clean.geometry.values, dtype=object))
    assert _overlap_m2(after) < 1.0, "no overlap left (floating-point dust only)"
    assert _holes_m2(after) == [], "no gap left between the townships"
    change = np.abs(shapely.area(after) / shapely.area(before) - 1)
    assert change.max() <= SETTINGS.max_area_change
    assert report.max_change == pytest.approx(change.max(), rel=1e-6)
    assert list(clean["township_code"]) == list(published["township_code"])


def test_gaps_larger_than_the_snapping_distance_stay() -> None:
    """A real hole between townships (10 m wide here) is not closed; slivers are."""
    left = shapely.Polygon([(0, 0), (0.01, 0), (0.01, 0.01), (0, 0.01)])
    near = shapely.Polygon([(0.0100000042, 0), (0.02, 0), (0.02, 0.005),
                            (0.0100000042, 0.005)])  # 0.4 m from the left one: a sliver
    apart = shapely.Polygon([(0.0101, 0.005), (0.02, 0.005), (0.02, 0.01),
                             (0.0101, 0.01)])  # 10 m away: a gap
    frame = gpd.GeoDataFrame({"township_code": ["a", "b", "c"]},
                             geometry=[left, near, apart], crs=4326)
    clean, report = clean_coverage(frame, snap_m=2.0, max_change=0.5,
                                   clean_max_vertices=1000)
    assert report.method in ("snapped", "cleaned")
    shapes = np.asarray(clean.geometry.values, dtype=object)
    assert shapely.coverage_is_valid(shapes)
    assert shapes[0].intersection(shapes[1]).length > 0.004, "a and b share a border now"
    assert shapes[0].distance(shapes[2]) > 5e-5, "the 10 m gap between a and c stays"


def test_a_cleaning_that_changes_an_area_too_much_is_not_used() -> None:
    big = _square(0, 0, 0.01)
    tiny = shapely.Polygon([(0.01, 0), (0.0100001, 0), (0.0100001, 0.00001),
                            (0.01, 0.00001)])  # 1 m × 1 m, within snapping distance
    frame = gpd.GeoDataFrame({"township_code": ["a", "b"]},
                             geometry=[big, shapely.affinity.translate(tiny, 3e-6)], crs=4326)
    clean, report = clean_coverage(frame, snap_m=2.0, max_change=0.01,
                                   clean_max_vertices=1000)
    assert report.method == "shapes" and "max_area_change" in report.reason
    assert clean is frame


def test_decoded_shapes_equal_the_encoded_ones_within_the_step() -> None:
    hole = shapely.Polygon(_square(0, 0, 3).exterior, [_square(1, 1).exterior.coords])
    enclave = _square(1, 1)
    island = shapely.MultiPolygon([_square(3, 0), _square(5, 5, 0.5)])
    line = shapely.LineString([(0, 4), (2.5, 4.3), (6, 4)])
    shapes = [hole, enclave, island, line, None]
    step = 0.01
    topo = encode(shapes, step, ids=["h", "e", "i", "l", "n"])
    back = decode(topo)
    for before, after in zip(shapes[:4], back[:4], strict=True):
        assert before.geom_type == after.geom_type
        assert shapely.hausdorff_distance(before, after) <= step * np.sqrt(2) / 2 + 1e-12
    assert back[4] is None
    assert [g["id"] for g in topo["objects"]["shapes"]["geometries"]] == ["h", "e", "i", "l", "n"]
    # the enclave's border is the hole's: one arc, used by both (in either direction)
    hole_arcs = topo["objects"]["shapes"]["geometries"][0]["arcs"][1]
    enclave_arcs = topo["objects"]["shapes"]["geometries"][1]["arcs"][0]
    assert {a if a >= 0 else ~a for a in hole_arcs} == \
        {a if a >= 0 else ~a for a in enclave_arcs}
    assert len(topo["arcs"]) == 5, "outer ring, shared ring, two islands, the line"


def test_shared_borders_are_sent_once(published: gpd.GeoDataFrame) -> None:
    clean, _ = clean_coverage(published, snap_m=2.0, max_change=0.005,
                              clean_max_vertices=SETTINGS.clean_max_vertices)
    shapes = np.asarray(clean.geometry.values, dtype=object)
    topo = encode(shapes, 1e-6)
    arcs_points = sum(len(a) for a in topo["arcs"])
    ring_points = shapely.get_num_coordinates(shapes).sum()
    unique = len(np.unique(shapely.get_coordinates(shapes).round(6), axis=0))
    assert arcs_points < 0.6 * ring_points, "each shared border once, not twice"
    assert arcs_points <= unique * 1.05, "about one point per distinct vertex"
    back = decode(topo)
    worst = max(shapely.hausdorff_distance(a, b) for a, b in zip(shapes, back, strict=True))
    assert worst <= 1e-6 * np.sqrt(2) / 2 + 1e-12


def test_levels_get_finer_down_to_a_pixel_at_the_last_zoom() -> None:
    steps = tolerances((105.0, 26.0, 106.0, 27.0))
    assert steps[0] == pytest.approx(1 / 2000)
    assert all(a / b == pytest.approx(LEVEL_FACTOR) for a, b in itertools.pairwise(steps))
    assert steps[-1] <= FINEST_DEG < steps[-2]
    pixel_at_18 = 360 / 256 / 2 ** 18
    assert steps[-1] <= pixel_at_18


def test_every_feature_is_in_one_chunk_of_every_level_and_within_its_tolerance(
        published: gpd.GeoDataFrame) -> None:
    clean, _ = clean_coverage(published, snap_m=2.0, max_change=0.005,
                              clean_max_vertices=SETTINGS.clean_max_vertices)
    codes = clean["township_code"].tolist()
    first, detail = first_level(clean.geometry, "coverage", codes)
    files = level_files(clean.geometry, "coverage")
    spec = detail.spec
    assert spec["ids"] == codes and len(spec["t"]) >= 3
    index = json.loads(files.pop(f"{spec['key']}/index.json"))["levels"]
    assert len(index) == len(spec["t"]) and index[0] == [], "level 0 is the map's own"
    named = {chunk[4] for level in index for chunk in level}
    assert named == set(files), "the index names exactly the chunk files built"
    full = np.asarray(clean.geometry.values, dtype=object)
    level0 = decode(spec["first"])
    for shape, drawn in zip(full, level0, strict=True):
        assert shapely.hausdorff_distance(shape, drawn) <= 1.5 * spec["t"][0]
    assert shapely.get_num_coordinates(first).sum() < shapely.get_num_coordinates(full).sum()
    for k, chunks in enumerate(index[1:], start=1):
        t = spec["t"][k]
        seen: list[int] = []
        for *box, name in chunks:
            topo = json.loads(files[name])
            ids = [g["id"] for g in topo["objects"]["shapes"]["geometries"]]
            seen += ids
            for i, drawn in zip(ids, decode(topo), strict=True):
                assert shapely.hausdorff_distance(full[i], drawn) <= \
                    1.5 * t + t / STEPS_PER_TOLERANCE
                assert shapely.box(*box).contains(drawn), f"level {k}: in its chunk's box"
        assert sorted(seen) == list(range(len(full))), f"level {k}: each feature once"


def test_the_base_keeps_its_details_and_the_report(published: gpd.GeoDataFrame,
                                                   demo_frames: dict) -> None:
    towns = demo_frames["townships"].set_geometry(published.geometry.values)
    roads = osm_like_roads(towns, per_township=20)
    base = base_for_display(towns, demo_frames["rivers"], roads)
    assert base.coverage.method == "snapped"
    assert set(base.details) == {"towns", "rivers", "roads"}
    assert base.details["towns"].ids == towns["township_code"].tolist()
    again = BaseLayers.from_parts(base.parts())
    assert again.details == base.details and again.coverage == base.coverage
    files = base_level_files(towns, demo_frames["rivers"], roads)
    indexes = {f"{d.key}/index.json" for d in base.details.values()}
    assert indexes <= set(files), "each layer's index is built"
    named = {c[4] for name in indexes for lv in json.loads(files[name])["levels"] for c in lv}
    assert named | indexes == set(files)
    assert isinstance(Detail.from_parts(base.details["roads"].parts()), Detail)


def test_the_first_paint_is_ten_times_lighter_than_the_naive_map(
        published: gpd.GeoDataFrame, demo_frames: dict) -> None:
    """On a published-like county (slivers, survey detail, OSM-like roads), as bench/suite.py."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import suite

    towns = demo_frames["townships"].set_geometry(published.geometry.values)
    base = base_for_display(towns, demo_frames["rivers"], osm_like_roads(towns))
    scores = pd.DataFrame({"composite_score": 1.0, "composite_class": "低"},
                          index=towns["township_code"])
    ours = suite.payload_bytes(suite.our_map(base, scores))
    naive = suite.payload_bytes(suite.naive_map(towns, demo_frames["geohazard_sites"]))
    assert naive / ours >= 10, f"{naive:,} / {ours:,} bytes"


def test_the_import_sums_slivers_in_one_line_and_names_real_gaps(
        published: gpd.GeoDataFrame) -> None:
    from domain.schema import get_table
    from geodata.locate import coverage_problems

    towns = published.copy()
    inside = towns.geometry.iloc[5].representative_point()
    metric = coords.utm_crs(towns)
    square = gpd.GeoSeries([inside], crs=4326).to_crs(metric).buffer(25, cap_style="square")
    hole = square.to_crs(4326).iloc[0]  # a 50 m × 50 m hole: a real gap
    towns.loc[5, "geometry"] = towns.geometry.iloc[5].difference(hole)
    problems = coverage_problems(get_table("townships"), towns.geometry, metric,
                                 sliver_width_m=2.0)
    gaps = [p for p in problems if "gap between townships" in p.reason]
    slivers = [p for p in problems if "slivers between" in p.reason]
    assert len(slivers) == 1 and int(slivers[0].value.replace(",", "")) > 100
    assert len(gaps) == 1 and "2,500 m²" in gaps[0].reason
