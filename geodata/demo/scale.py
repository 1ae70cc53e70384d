"""Larger-than-demo data made from the demo, for import tests and benchmarks."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geodata.schema import FIELDS, get_table


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

    County ``k`` is shifted by whole county widths and its codes and IDs get ``k`` in them;
    the tables named in ``sizes`` are then sampled to those row counts. Monitoring readings
    and rainfall are left out unless ``series`` (scoring does not read them; warnings do).
    """
    sizes = PROVINCE_SIZES if sizes is None else sizes
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if name == "ledger_events" or (name in ("monitoring_readings", "rainfall")
                                       and not series):
            continue
        parts = [_tile(frame, name, k, 0.75 * (k % 15), 0.55 * (k // 15))
                 for k in range(copies)]
        out[name] = pd.concat(parts, ignore_index=True)
        if isinstance(frame, gpd.GeoDataFrame):
            out[name] = gpd.GeoDataFrame(out[name], geometry="geometry", crs=frame.crs)
        if name in sizes:
            out[name] = _resize(out[name], name, sizes[name], seed)
    return out
