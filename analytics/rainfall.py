"""Rainfall for each geohazard site: from site gauges, a rain grid or township figures.

Rainfall rows (the ``rainfall`` table's columns) speak for a site (``site_id``), a grid point
(a point geometry and no ``site_id``) or a township (``township_code``). Each site takes the
most specific figure for each window: its own, else the grid interpolated to it (inverse
distance weighting in metres), else its township's. Hand-entered scenarios are forecast rows
flagged ``scenario`` that replace, for their sites, every stored forecast.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.spatial import metric_crs
from domain.columns import isin
from domain.settings.warning import GridSettings

WINDOW = ["window_end", "window_hours", "rainfall_kind"]
COLUMNS = ["site_id", *WINDOW, "rainfall_mm", "rank", "scenario"]
RANKS = {"site": 0, "grid": 1, "township": 2}
"""Which source wins for a site and window: the lowest rank."""
REGIONS = ("all", "north", "south", "east", "west")


def is_grid(rain: pd.DataFrame) -> pd.Series:
    """Return which rows are grid points: a point geometry and no site."""
    if "geometry" not in rain:
        return pd.Series(False, index=rain.index)
    geoms = gpd.GeoSeries(rain["geometry"], index=rain.index)
    return rain["site_id"].isna() & geoms.notna() & ~geoms.is_empty


def interpolate_grid(grid: pd.DataFrame, sites: gpd.GeoDataFrame, *,
                     settings: GridSettings) -> pd.DataFrame:
    """Return the grid's rain at each site, per window, by inverse distance weighting.

    ``settings`` holds ``power``, ``neighbours`` and ``max_distance_m``; a site with no grid
    point within ``max_distance_m`` gets nothing from the grid. A site on a grid point takes
    that point's value.
    """
    if grid.empty or sites.empty:
        return pd.DataFrame(columns=["site_id", *WINDOW, "rainfall_mm"])
    crs = metric_crs(sites)
    at = sites.to_crs(crs).geometry
    xy_sites = np.column_stack([at.x.to_numpy(), at.y.to_numpy()])
    points = gpd.GeoDataFrame(grid, geometry="geometry", crs=sites.crs).to_crs(crs)
    frames = []
    for window, rows in points.groupby(WINDOW, sort=False):
        xy = np.column_stack([rows.geometry.x.to_numpy(), rows.geometry.y.to_numpy()])
        mm = idw(xy, rows["rainfall_mm"].to_numpy(float), xy_sites,
                 power=settings.power, neighbours=settings.neighbours,
                 max_distance=settings.max_distance_m)
        found = ~np.isnan(mm)
        frames.append(pd.DataFrame({"site_id": sites["site_id"].to_numpy()[found],
                                    **dict(zip(WINDOW, window, strict=True)),
                                    "rainfall_mm": np.round(mm[found], 1)}))
    return pd.concat(frames, ignore_index=True)


def idw(xy: np.ndarray, values: np.ndarray, targets: np.ndarray, *, power: float,
        neighbours: int, max_distance: float, chunk: int = 4096) -> np.ndarray:
    """Return inverse-distance-weighted values at ``targets`` (NaN where no point is near)."""
    out = np.full(len(targets), np.nan)
    k = min(neighbours, len(xy))
    for start in range(0, len(targets), chunk):
        part = targets[start:start + chunk]
        dist = np.hypot(part[:, None, 0] - xy[None, :, 0], part[:, None, 1] - xy[None, :, 1])
        nearest = np.argpartition(dist, k - 1, axis=1)[:, :k]
        d = np.take_along_axis(dist, nearest, axis=1)
        v = values[nearest]
        weight = np.where(d <= max_distance, 1.0 / np.maximum(d, 1e-9) ** power, 0.0)
        with np.errstate(invalid="ignore"):
            est = (weight * v).sum(axis=1) / weight.sum(axis=1)
        exact = d.min(axis=1) < 1e-6
        est[exact] = v[np.arange(len(part)), d.argmin(axis=1)][exact]
        out[start:start + chunk] = est
    return out


def day_end(times: pd.Series) -> pd.Series:
    """Return the end (08:00) of the rain day each time belongs to; 08:00 closes its day."""
    end = (times - pd.Timedelta(hours=8, seconds=1)).dt.normalize() + \
        pd.Timedelta(days=1, hours=8)
    return end.rename("window_end")


def gauge_rows(readings: pd.DataFrame) -> pd.DataFrame:
    """Return site rain gauges' readings (``降雨量``) as observed 24-h rain rows per site.

    Readings are summed per site over each day ending at 08:00 (a reading at 08:00 closes
    its day), whether a gauge reports hourly or daily totals.
    """
    gauge = readings[readings["reading_kind"] == "降雨量"]
    days = gauge.groupby([gauge["site_id"], day_end(gauge["reading_time"])])["value"].sum()
    return days.rename("rainfall_mm").reset_index().assign(
        township_code=None, window_hours=24, rainfall_kind="实况")


def recent(rain: pd.DataFrame, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    """Return the rain rows that can matter at ``as_of``.

    Observed windows ending in the last ``days`` (+3, for 72-h windows) days up to
    ``as_of``, and forecasts still running.
    """
    if "window_end" not in rain or rain.empty:
        return rain
    end = pd.to_datetime(rain["window_end"])
    observed = (rain["rainfall_kind"] == "实况") & (end <= as_of) & (
        end > as_of.normalize() - pd.Timedelta(days=days + 3))
    return rain[observed | ((rain["rainfall_kind"] == "预报") & (end > as_of))]


def per_site(sites: pd.DataFrame, rain: pd.DataFrame, *,
             grid_settings: GridSettings) -> pd.DataFrame:
    """Return the rain rows that apply to each site, each with its source's ``rank``."""
    needed = ["site_id", "township_code", *WINDOW, "rainfall_mm"]
    rain = rain.reindex(columns=list(dict.fromkeys([*needed, *rain.columns])))
    rain = rain.assign(scenario=rain["scenario"].fillna(False).astype(bool)
                       if "scenario" in rain else False)
    grid = is_grid(rain)
    own = rain[isin(rain["site_id"], sites["site_id"])].assign(rank=RANKS["site"])
    town_rows = rain[~grid & rain["site_id"].isna() & rain["township_code"].notna()]
    by_town = town_rows.drop(columns=["site_id"]).merge(
        sites[["site_id", "township_code"]], on="township_code").assign(rank=RANKS["township"])
    parts = [own, by_town]
    if grid.any() and isinstance(sites, gpd.GeoDataFrame):
        parts.append(interpolate_grid(rain[grid], sites, settings=grid_settings)
                     .assign(rank=RANKS["grid"], scenario=False))
    out = pd.concat([p[COLUMNS] for p in parts if len(p)] or [pd.DataFrame(columns=COLUMNS)],
                    ignore_index=True)
    if out.empty:
        return pd.DataFrame({"site_id": pd.Series(dtype=object),
                             "window_end": pd.Series(dtype="datetime64[us]"),
                             "window_hours": pd.Series(dtype=int),
                             "rainfall_kind": pd.Series(dtype=object),
                             "rainfall_mm": pd.Series(dtype=float),
                             "rank": pd.Series(dtype=int), "scenario": pd.Series(dtype=bool)})
    out["scenario"] = out["scenario"].astype(bool)
    return out


def daily_observed(keyed: pd.DataFrame) -> pd.DataFrame:
    """Return observed rain per site and day (``key``, ``day``, ``mm``).

    A 24-h window belongs to the day it ends on (a window ending at 08:00 is that morning's
    report). A longer observed window (e.g. 72 h) with no 24-h figure for its days is spread
    evenly over them. For each site and day the most specific source wins, then a true 24-h
    figure over a spread one, then the larger value.
    """
    obs = keyed[keyed["rainfall_kind"] == "实况"]
    days = (obs["window_hours"] // 24).clip(lower=1).astype(int)
    spread = obs.loc[obs.index.repeat(days)].copy()
    back = spread.groupby(level=0).cumcount()
    spread["day"] = (spread["window_end"] - pd.Timedelta(hours=1)).dt.normalize() - \
        pd.to_timedelta(back, unit="D")
    spread["mm"] = spread["rainfall_mm"] / spread["window_hours"].clip(lower=24) * 24
    spread["split"] = spread["window_hours"] > 24
    best = spread.sort_values(["rank", "split", "mm"], ascending=[True, True, False])
    best = best.drop_duplicates(["site_id", "day"])
    return pd.DataFrame({"key": best["site_id"], "day": best["day"], "mm": best["mm"]})


def forecast_in_force(keyed: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Return per site the forecast total (mm) that counts: the largest window in force.

    In force: the window ends after ``as_of`` and began no more than 24 h before it. A
    window longer than 24 h counts in full (its rain all falls before the window ends). For
    each window the most specific source wins; a site with a scenario uses only the scenario.
    """
    fc = keyed[(keyed["rainfall_kind"] == "预报") & (keyed["window_end"] > as_of)]
    start = fc["window_end"] - pd.to_timedelta(fc["window_hours"], unit="h")
    fc = fc[start >= as_of - pd.Timedelta(hours=24)]
    with_scenario = fc.loc[fc["scenario"], "site_id"].unique()
    fc = fc[fc["scenario"] | ~fc["site_id"].isin(with_scenario)]
    fc = fc.sort_values("rank").drop_duplicates(["site_id", "window_end", "window_hours"])
    return fc.groupby("site_id")["rainfall_mm"].max()


def scenario_rows(codes: Sequence[str], *, hours: int, mm: float,
                  as_of: pd.Timestamp) -> pd.DataFrame:
    """Return a hand-entered scenario: ``mm`` over the next ``hours`` in each township."""
    return pd.DataFrame({"rainfall_id": [f"情景-{c}" for c in codes], "township_code": list(codes),
                         "site_id": None, "window_end": as_of + pd.Timedelta(hours=hours),
                         "window_hours": hours, "rainfall_kind": "预报",
                         "rainfall_mm": float(mm), "scenario": True})


def region_townships(towns: gpd.GeoDataFrame, region: str) -> list[str]:
    """Return the codes of the townships whose centre lies in ``region`` of the county.

    ``region`` is ``all``, ``north``, ``south``, ``east`` or ``west``: the half beyond the
    county's centre (centres in a projected CRS).
    """
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")
    centres = towns.to_crs(metric_crs(towns)).geometry.centroid
    x, y = centres.x, centres.y
    keep = {"all": x == x, "north": y > y.mean(), "south": y <= y.mean(),
            "east": x > x.mean(), "west": x <= x.mean()}[region]
    return towns.loc[keep.to_numpy(), "township_code"].tolist()
