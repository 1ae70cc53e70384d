"""Warning speed: the demo county and the province-sized set, stored rain and a scenario.

Usage: ``python bench/warning.py [--repeat 3]`` (run by ``make bench-warning``). Prints the
median time of a whole warning run (rain per site incl. gauges, levels, roll-up, evacuation
list with shelter allocation) and, for the province, a run with a gridded rain file of
10 km points interpolated to every site.
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import numpy as np
import pandas as pd
from timing import median_time, peak_rss_mb

from analytics.rainfall import scenario_rows
from analytics.spatial import metric_crs
from analytics.warning import warn_county
from geodata.config import load_settings
from geodata.demo import AS_OF, generate
from geodata.demo.scale import province

SETTINGS = load_settings().warning
NOW = pd.Timestamp(AS_OF)


def _grid(towns: gpd.GeoDataFrame, spacing_m: float = 10_000) -> gpd.GeoDataFrame:
    """Return forecast grid points every ``spacing_m`` over the townships' extent."""
    crs = metric_crs(towns)
    x0, y0, x1, y1 = towns.to_crs(crs).total_bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, spacing_m), np.arange(y0, y1, spacing_m))
    mm = np.random.default_rng(0).gamma(2.0, 30.0, xs.size)
    pts = gpd.GeoDataFrame({"site_id": None, "township_code": None,
                            "window_end": NOW + pd.Timedelta(hours=24), "window_hours": 24,
                            "rainfall_kind": "预报", "rainfall_mm": mm},
                           geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs=crs)
    return pts.to_crs(4326)


def _median(tables: dict, extra: pd.DataFrame | None, repeat: int) -> tuple[float, int]:
    runs: list = []
    seconds = median_time(lambda: runs.append(warn_county(
        tables, as_of=NOW, settings=SETTINGS, extra_rain=extra)), repeat)
    return seconds, len(runs[-1].evacuation)


def run(repeat: int) -> None:
    """Print the figures for the county and the province."""
    county = generate()
    for label, tables in {"county": county, "province": province(county, series=True)}.items():
        sites = len(tables["geohazard_sites"])
        stored, _ = _median(tables, None, repeat)
        heavy = scenario_rows(tables["townships"]["township_code"].tolist(), hours=72,
                              mm=150, as_of=NOW)
        scen, listed = _median(tables, heavy, repeat)
        grid = _grid(tables["townships"])
        gridded, _ = _median(tables, grid, repeat)
        print(f"{label}: {sites:,} sites, {len(tables['monitoring_readings']):,} readings")
        print(f"  stored rain {stored:.2f} s; 150 mm/72 h everywhere {scen:.2f} s "
              f"({listed:,} sites to evacuate); {len(grid):,}-point rain grid {gridded:.2f} s "
              f"(median of {repeat})")
    peak = peak_rss_mb()
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    run(parser.parse_args().repeat)
