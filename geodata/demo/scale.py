"""Larger-than-demo data made from the demo, for import tests and benchmarks."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from domain import coords
from domain.schema import FIELDS, get_table


def repeat_ledger(base: pd.DataFrame, rows: int) -> pd.DataFrame:
    """Return ``rows`` ledger rows cycling through ``base`` with fresh IDs and descriptions.

    Descriptions get a numbered suffix so that the rows stay distinct by their natural key.
    """
    reps = -(-rows // len(base))
    big = pd.concat([base] * reps, ignore_index=True).head(rows)
    big["hazard_id"] = [f"B{i:08d}" for i in range(rows)]
    big["hazard_description"] = big["hazard_description"] + "（" + (big.index % 997).astype(
        str) + "）"
    return big


PROVINCE_SIZES: dict[str, int] = {
    "geohazard_sites": 12_000, "hazard_ledger": 300_000, "road_accidents": 60_000,
    "road_segments": 50_000, "relocation_sites": 500,
}
"""Rows per table of the province-sized set (1,500 townships = 75 demo counties)."""


def _key_columns(name: str) -> list[str]:
    """Return what differs between copies of a table.

    Its ID columns (own and referenced), the township code, and the names that key it (a duty
    roster's units, a warehouse).
    """
    table = get_table(name)
    return [c for c in table.columns
            if (c.endswith("_id") and FIELDS[c].type == "text") or c == "township_code"
            or (c in table.primary_key and FIELDS[c].type == "text" and not FIELDS[c].choices)]


def _tile(frame: pd.DataFrame, name: str, k: int, dx: float, dy: float) -> pd.DataFrame:
    out = frame.copy()
    for col in _key_columns(name):
        if col == "township_code":
            out[col] = out[col].str[:4] + f"{k:02d}" + out[col].str[6:]
        else:
            out[col] = f"P{k:02d}-" + out[col].astype(str)
    if isinstance(out, gpd.GeoDataFrame):
        out = out.set_geometry(out.geometry.translate(dx, dy))
    return out


def _resize(frame: pd.DataFrame, name: str, rows: int, seed: int) -> pd.DataFrame:
    """Sample ``rows`` rows (with repeats when growing); repeated IDs get a suffix."""
    picked = frame.sample(n=rows, replace=rows > len(frame), random_state=seed)
    picked = picked.reset_index(drop=True)
    key = get_table(name).primary_key[0]
    again = picked[key].duplicated()
    picked.loc[again, key] = picked.loc[again, key] + "-" + picked.index[again].astype(str)
    return picked


def province(frames: dict[str, pd.DataFrame], *, copies: int = 75,
             sizes: dict[str, int] | None = None, seed: int = 0,
             series: bool = False) -> dict[str, pd.DataFrame]:
    """Return a province-sized set: ``copies`` demo counties side by side, tables resized.

    County ``k`` is shifted by whole county widths (15 to a row, or a square when there are
    more than 225 copies, so that a nation stays within latitudes) and its codes and IDs
    get ``k`` in them;
    the tables named in ``sizes`` are then sampled to those row counts. Monitoring readings
    and rainfall are left out unless ``series`` (scoring does not read them; warnings do).
    """
    sizes = PROVINCE_SIZES if sizes is None else sizes
    across = max(15, math.ceil(math.sqrt(copies)))
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if name == "ledger_events" or (name in ("monitoring_readings", "rainfall")
                                       and not series):
            continue
        parts = [_tile(frame, name, k, 0.75 * (k % across), 0.55 * (k // across))
                 for k in range(copies)]
        out[name] = pd.concat(parts, ignore_index=True)
        if isinstance(frame, gpd.GeoDataFrame):
            out[name] = gpd.GeoDataFrame(out[name], geometry="geometry", crs=frame.crs)
        if name in sizes:
            out[name] = _resize(out[name], name, sizes[name], seed)
    return out


SURVEY_WAVES: tuple[tuple[float, float], ...] = ((4000.0, 120.0), (1000.0, 25.0), (250.0, 5.0))
"""(wavelength m, amplitude m) of the detail added to township borders; the slopes
2πA/λ sum to 0.47 per axis, so the deformation is one-to-one and no border crosses another."""


def _displacement(xy: np.ndarray, seed: int) -> np.ndarray:
    """Return a smooth displacement (metres) of every point: a sum of plane waves."""
    rng = np.random.default_rng(seed)
    out = np.zeros_like(xy)
    for wavelength, amplitude in SURVEY_WAVES:
        for axis in (0, 1):
            angle, phase = rng.uniform(0, np.pi), rng.uniform(0, 2 * np.pi)
            along = xy[:, 0] * np.cos(angle) + xy[:, 1] * np.sin(angle)
            out[:, axis] += amplitude * np.sin(2 * np.pi * along / wavelength + phase)
    return out


def survey_borders(towns: gpd.GeoDataFrame, *, spacing_m: float = 25.0,
                   seed: int = 0) -> gpd.GeoDataFrame:
    """Return the townships with survey-like borders: a vertex every ``spacing_m`` metres.

    The demo's borders are drawn coarse (a vertex every few hundred metres); surveyed
    boundaries carry one every 10–30 m. Every border is densified and bent by one smooth
    displacement field, so neighbours still share identical vertices (a clean coverage:
    no gap, no overlap) and the shapes stay valid.
    """
    work = towns.to_crs(coords.utm_crs(towns))
    shapes = shapely.segmentize(np.asarray(work.geometry.values, dtype=object), spacing_m)
    shapes = shapely.transform(shapes, lambda xy: xy + _displacement(xy, seed))
    moved = gpd.GeoSeries(shapes, crs=work.crs).to_crs(towns.crs)
    snapped = shapely.set_precision(np.asarray(moved.values, dtype=object), 1e-9)
    return towns.set_geometry(gpd.array.from_shapely(snapped, crs=towns.crs))


def province_demo(frames: dict[str, pd.DataFrame], *, series: bool = True
                  ) -> dict[str, pd.DataFrame]:
    """Return the province-sized set with survey-like township borders.

    This is the app's and the benchmarks' province; monitoring readings and rain are
    included unless ``series`` is off.
    """
    detailed = dict(frames, townships=survey_borders(frames["townships"]))
    return province(detailed, series=series)


def _jitter(xy: np.ndarray, k: int, noise_m: float) -> np.ndarray:
    """Return a displacement (metres) of up to ``noise_m`` per point.

    The same for the same point of shape ``k``, another for another shape's copy of it.
    """
    def unit(a: float, b: float) -> np.ndarray:
        return np.modf(np.abs(np.sin(xy[:, 0] * a + xy[:, 1] * b + k * 37.719) * 43758.5453))[0]
    return noise_m * (2 * np.column_stack([unit(0.129898, 0.78233),
                                           unit(0.39346, 0.11135)]) - 1)


def published_borders(towns: gpd.GeoDataFrame, *, noise_m: float = 0.6,
                      seed: int = 0) -> gpd.GeoDataFrame:
    """Return survey-like borders as a published layer holds them, each digitised on its own.

    Every township's vertices move by up to ``noise_m`` independently of the neighbour's copy
    of them: along every shared border, slivers of gap and overlap of a few m² (what makes a
    published layer fail ``shapely.coverage_is_valid``); coordinates at full precision.
    """
    survey = survey_borders(towns, seed=seed)
    metric = coords.utm_crs(survey)
    work = np.asarray(survey.to_crs(metric).geometry.values, dtype=object)
    moved = [shapely.make_valid(shapely.transform(shape, lambda xy, k=k: xy + _jitter(
        xy, k, noise_m))) for k, shape in enumerate(work)]
    back = gpd.GeoSeries(moved, crs=metric).to_crs(towns.crs)
    return towns.set_geometry(back.values)


OSM_CLASSES: tuple[tuple[str, float], ...] = (("县道", 0.1), ("省道", 0.05), ("乡道", 0.25),
                                              ("村道", 0.6))
"""Road classes of OpenStreetMap-like roads and their shares (trunk to track, mapped)."""


def osm_like_roads(towns: gpd.GeoDataFrame, *, per_township: int = 150,
                   length_m: float = 300.0, seed: int = 0) -> gpd.GeoDataFrame:
    """Return road segments as OpenStreetMap exports them.

    Many short ways, a vertex every 10 m, full coordinate precision: ``per_township`` ways
    of about ``length_m`` each, in the classes and shares of ``OSM_CLASSES``.
    """
    rng = np.random.default_rng(seed)
    metric = coords.utm_crs(towns)
    work = towns.to_crs(metric)
    rows, shapes = [], []
    steps = int(length_m // 10)
    for code, shape in zip(work["township_code"], work.geometry, strict=True):
        starts = shape.representative_point()
        minx, miny, maxx, maxy = shape.bounds
        for i in range(per_township):
            x = rng.uniform(minx, maxx) if i else starts.x
            y = rng.uniform(miny, maxy) if i else starts.y
            heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.15, steps))
            xy = np.column_stack([x + np.cumsum(10 * np.cos(heading)),
                                  y + np.cumsum(10 * np.sin(heading))])
            shapes.append(shapely.LineString(np.vstack([[x, y], xy])))
            road_class = rng.choice([c for c, _ in OSM_CLASSES], p=[p for _, p in OSM_CLASSES])
            rows.append({"segment_id": f"OSM-{code}-{i:04d}", "road_code": f"W{i}",
                         "road_name": f"道路{i}", "road_class": road_class,
                         "township_code": code, "length_m": length_m})
    lines = gpd.GeoSeries(shapes, crs=metric).to_crs(towns.crs)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=lines.values, crs=towns.crs)
