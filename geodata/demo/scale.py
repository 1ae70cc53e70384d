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
    """Return the ID columns (own and referenced) and the township code of a table."""
    return [c for c in get_table(name).columns
            if (c.endswith("_id") and FIELDS[c].type == "text") or c == "township_code"]


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
