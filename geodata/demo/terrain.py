"""Synthetic mountain terrain of the demo county: a grid of elevation, slope and rivers.

Everything is computed in a projected CRS (metres). Rivers are drawn first as meandering
lines; elevation rises away from them and carries ridge noise, so valleys follow rivers and
valley sides are steep, as in a karst-mountain county of south-west China.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString

WORK_CRS = "EPSG:32648"
"""UTM zone 48N: the projected CRS the demo is built in (metres)."""

ORIGIN = (560_000.0, 2_950_000.0)
"""South-west corner of the grid in WORK_CRS (about 105.6°E, 26.7°N)."""

CELL = 250.0
NX, NY = 260, 190
WIDTH, HEIGHT = NX * CELL, NY * CELL


@dataclass(frozen=True)
class Terrain:
    """The county grid: cell centres, elevation (m), slope (degrees) and county mask."""

    x: np.ndarray
    y: np.ndarray
    elevation: np.ndarray
    slope: np.ndarray
    river_distance: np.ndarray
    mask: np.ndarray
    rivers: list[tuple[str, str, LineString]]

    def cell_of(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (row, col) indices of the cells containing (n, 2) ``points``."""
        col = np.clip(((points[:, 0] - ORIGIN[0]) // CELL).astype(int), 0, NX - 1)
        row = np.clip(((points[:, 1] - ORIGIN[1]) // CELL).astype(int), 0, NY - 1)
        return row, col

    def sample(self, field: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Return the value of grid ``field`` at each of (n, 2) ``points``."""
        row, col = self.cell_of(points)
        return field[row, col]


def smooth_noise(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, *,
                 wavelengths: tuple[float, float], waves: int = 12) -> np.ndarray:
    """Return a smooth random field in about [-1, 1]: a sum of random plane waves."""
    total = np.zeros_like(x, dtype=float)
    for _ in range(waves):
        wavelength = rng.uniform(*wavelengths)
        angle = rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / wavelength
        phase = rng.uniform(0, 2 * np.pi)
        total += np.cos(k * (np.cos(angle) * x + np.sin(angle) * y) + phase)
    return total / np.sqrt(waves / 2) / 2


def _meander(rng: np.random.Generator, start: tuple[float, float], heading: float,
             length: float, *, step: float = 400.0, wiggle: float = 0.35) -> LineString:
    points = [start]
    angle = heading
    for _ in range(int(length / step)):
        angle += rng.normal(0, wiggle) - 0.25 * (angle - heading)
        x, y = points[-1]
        points.append((x + step * np.cos(angle), y + step * np.sin(angle)))
    return LineString(points)


RIVER_NAMES = ("清水河", "龙江", "白水河", "石门河", "桃源河", "金竹河", "马场河", "黄泥河",
               "鹿鸣河")


def _rivers(rng: np.random.Generator) -> list[tuple[str, str, LineString]]:
    """Return (name, class, line) of a main river crossing west–east and its tributaries."""
    y0 = ORIGIN[1] + HEIGHT * rng.uniform(0.42, 0.55)
    main = _meander(rng, (ORIGIN[0] - 2000, y0), 0.0, WIDTH + 4000, wiggle=0.25)
    rivers = [(RIVER_NAMES[0], "干流", main)]
    fractions = np.sort(rng.uniform(0.08, 0.92, size=len(RIVER_NAMES) - 1))
    for i, frac in enumerate(fractions):
        mouth = main.interpolate(frac, normalized=True)
        side = 1 if i % 2 == 0 else -1
        heading = side * np.pi / 2 + rng.normal(0, 0.35)
        trib = _meander(rng, (mouth.x, mouth.y), heading, rng.uniform(9000, 20000))
        rivers.append((RIVER_NAMES[i + 1], "支流", trib))
    return rivers


def _county_mask(rng: np.random.Generator, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    cx, cy = ORIGIN[0] + WIDTH / 2, ORIGIN[1] + HEIGHT / 2
    dx, dy = (x - cx) / (WIDTH * 0.46), (y - cy) / (HEIGHT * 0.45)
    theta = np.arctan2(dy, dx)
    radius = 1.0
    for harmonic in range(2, 7):
        radius = radius + rng.uniform(0.02, 0.07) * np.cos(harmonic * theta
                                                           + rng.uniform(0, 2 * np.pi))
    return np.hypot(dx, dy) < radius


def make_terrain(rng: np.random.Generator) -> Terrain:
    """Build the terrain grid, its rivers and the county mask."""
    cols = ORIGIN[0] + (np.arange(NX) + 0.5) * CELL
    rows = ORIGIN[1] + (np.arange(NY) + 0.5) * CELL
    x, y = np.meshgrid(cols, rows)
    rivers = _rivers(rng)
    lines = shapely.MultiLineString([line for _, _, line in rivers])
    distance = shapely.distance(shapely.points(x.ravel(), y.ravel()), lines).reshape(x.shape)
    ridges = smooth_noise(rng, x, y, wavelengths=(6000, 30000))
    hills = smooth_noise(rng, x, y, wavelengths=(2500, 7000))
    rough = smooth_noise(rng, x, y, wavelengths=(900, 2200))
    north = (y - ORIGIN[1]) / HEIGHT
    away = 1 - np.exp(-distance / 1200)
    elevation = (520 + 180 * north + 900 * (1 - np.exp(-distance / 2200))
                 + away * (260 * ridges + 230 * hills + 90 * rough))
    gy, gx = np.gradient(elevation, CELL)
    slope = np.degrees(np.arctan(np.hypot(gx, gy)))
    mask = _county_mask(rng, x, y)
    return Terrain(x, y, elevation, slope, distance, mask, rivers)


def sample_cells(rng: np.random.Generator, terrain: Terrain, weights: np.ndarray,
                 n: int) -> np.ndarray:
    """Return (n, 2) points drawn from grid cells in proportion to ``weights``, jittered.

    Cells outside the county mask have zero weight.
    """
    w = np.where(terrain.mask, np.clip(weights, 0, None), 0.0).ravel()
    idx = rng.choice(w.size, size=n, p=w / w.sum())
    jitter = rng.uniform(-CELL / 2, CELL / 2, size=(n, 2))
    return np.column_stack([terrain.x.ravel()[idx], terrain.y.ravel()[idx]]) + jitter


def as_points(xy: np.ndarray) -> np.ndarray:
    """Return shapely Points for (n, 2) coordinates."""
    return shapely.points(xy[:, 0], xy[:, 1])
