"""Townships of the demo county: gap-free, non-overlapping, irregular polygons with codes.

Cells are given to the nearest township seat after a smooth warp of the plane, which makes
borders wander like ridge lines; the cells of each township are merged into a polygon and the
whole coverage is simplified together, so neighbours keep sharing exactly the same border.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.demo import names
from geodata.demo.terrain import CELL, ORIGIN, WORK_CRS, Terrain, smooth_noise

COUNTY_CODE = "529901"
"""Fictional 6-digit county code (no real county uses it)."""

COUNTY_POPULATION = 386_000

TOWNSHIP_NAMES: tuple[tuple[str, bool], ...] = (
    ("城关镇", True), ("青龙镇", True), ("白岩镇", True), ("龙泉镇", True), ("双河镇", True),
    ("三江镇", True), ("马场镇", True), ("大坪镇", True), ("岩脚镇", True), ("云雾镇", True),
    ("官渡镇", True), ("石门乡", False), ("高坡乡", False), ("桃源乡", False),
    ("新寨乡", False), ("黄泥乡", False), ("鹿鸣乡", False), ("河口乡", False),
    ("金竹乡", False), ("平寨乡", False),
)
"""(name, is 镇) for each township; the first is the county seat."""


def township_codes() -> list[str]:
    """Return 12-digit codes: towns 100–199 and townships 200–299 after the county code."""
    towns = iter(range(100, 200))
    rural = iter(range(200, 300))
    return [f"{COUNTY_CODE}{next(towns) if town else next(rural):03d}000"
            for _, town in TOWNSHIP_NAMES]


def _seats(rng: np.random.Generator, terrain: Terrain, n: int) -> np.ndarray:
    """Return (n, 2) seat locations: in valleys, spread out, the county seat central."""
    inside = terrain.mask & (terrain.river_distance < 2500)
    cand = np.column_stack([terrain.x[inside], terrain.y[inside]])
    centre = np.array([terrain.x[terrain.mask].mean(), terrain.y[terrain.mask].mean()])
    seat = cand[np.argmin(np.hypot(*(cand - centre).T))]
    chosen = [seat]
    order = rng.permutation(len(cand))
    for min_gap in (9000.0, 7000.0, 5500.0, 4000.0):
        for i in order:
            if len(chosen) == n:
                return np.array(chosen)
            if np.min(np.hypot(*(np.array(chosen) - cand[i]).T)) > min_gap:
                chosen.append(cand[i])
    raise RuntimeError("could not place township seats")


def _labels(rng: np.random.Generator, terrain: Terrain, seats: np.ndarray) -> np.ndarray:
    """Return a grid of township indices (-1 outside the county)."""
    warp_x = 2600 * smooth_noise(rng, terrain.x, terrain.y, wavelengths=(7000, 16000))
    warp_y = 2600 * smooth_noise(rng, terrain.x, terrain.y, wavelengths=(7000, 16000))
    wx, wy = terrain.x + warp_x, terrain.y + warp_y
    dist = np.hypot(wx[..., None] - seats[:, 0], wy[..., None] - seats[:, 1])
    return np.where(terrain.mask, np.argmin(dist, axis=-1), -1)


def polygonize(labels: np.ndarray) -> dict[int, shapely.Geometry]:
    """Return {label: polygon} merging grid cells; runs along each row become one box."""
    boxes: dict[int, list[shapely.Geometry]] = {}
    for r in range(labels.shape[0]):
        row = labels[r]
        edges = np.flatnonzero(np.diff(row)) + 1
        starts = np.concatenate([[0], edges])
        ends = np.concatenate([edges, [len(row)]])
        y0 = ORIGIN[1] + r * CELL
        for s, e in zip(starts, ends, strict=True):
            if row[s] >= 0:
                box = shapely.box(ORIGIN[0] + s * CELL, y0, ORIGIN[0] + e * CELL, y0 + CELL)
                boxes.setdefault(int(row[s]), []).append(box)
    # Every grid point on an edge becomes a vertex, so neighbours share identical vertices.
    return {label: shapely.segmentize(shapely.union_all(parts), CELL)
            for label, parts in boxes.items()}


def _merge_fragments(labels: np.ndarray, terrain: Terrain) -> np.ndarray:
    """Give every detached fragment of a township to the neighbour around it."""
    labels = labels.copy()
    for label, geom in polygonize(labels).items():
        parts = sorted(shapely.get_parts(geom), key=lambda p: p.area, reverse=True)
        for part in parts[1:]:
            inside = shapely.contains_xy(part, terrain.x, terrain.y)
            ring = shapely.contains_xy(part.buffer(CELL * 0.9), terrain.x, terrain.y) & ~inside
            neighbours = labels[ring & (labels >= 0) & (labels != label)]
            if neighbours.size:
                labels[inside] = np.bincount(neighbours).argmax()
    return labels


def make_townships(rng: np.random.Generator, terrain: Terrain) -> tuple[gpd.GeoDataFrame,
                                                                      np.ndarray]:
    """Return the townships (in WORK_CRS, with seats) and the grid of township indices."""
    n = len(TOWNSHIP_NAMES)
    seats = _seats(rng, terrain, n)
    labels = _merge_fragments(_labels(rng, terrain, seats), terrain)
    cells = polygonize(labels)
    shapes = shapely.coverage_simplify(np.array([cells[i] for i in range(n)]), CELL * 2.2)
    frame = gpd.GeoDataFrame({
        "township_code": township_codes(),
        "township_name": [name for name, _ in TOWNSHIP_NAMES],
        "is_county_seat": [i == 0 for i in range(n)],
    }, geometry=shapes, crs=WORK_CRS)
    frame["seat"] = [_seat_inside(shape, seats[i]) for i, shape in enumerate(shapes)]
    frame["area_km2"] = frame.area / 1e6
    frame["population"] = _populations(rng, frame)
    frame["households"] = np.round(frame["population"] / rng.uniform(3.1, 3.7, n)).astype(int)
    frame["lead_name"] = names.people(rng, n)
    frame["lead_phone"] = [names.phone(rng) for _ in range(n)]
    return frame, labels


def _seat_inside(shape: shapely.Geometry, seat: np.ndarray) -> shapely.Point:
    pt = shapely.Point(seat)
    return pt if shape.contains(pt) else shape.representative_point()


def _populations(rng: np.random.Generator, frame: gpd.GeoDataFrame) -> np.ndarray:
    """Split COUNTY_POPULATION by area and noise, the seat holding about a fifth; exact sum."""
    weight = frame["area_km2"].to_numpy() ** 0.7 * rng.lognormal(0, 0.25, len(frame))
    weight[0] = weight[1:].sum() * 0.27
    share = weight / weight.sum() * COUNTY_POPULATION
    pop = np.floor(share).astype(int)
    remainder = COUNTY_POPULATION - pop.sum()
    pop[np.argsort(pop - share, kind="stable")[:remainder]] += 1
    return pop


def township_index(frame: pd.DataFrame) -> dict[str, int]:
    """Return {township_code: position} for a townships frame."""
    return {code: i for i, code in enumerate(frame["township_code"])}
