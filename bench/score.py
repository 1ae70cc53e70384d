"""Scoring speed: the demo county and a province-sized synthetic set.

Usage: ``python bench/score.py [--repeat 3]`` (run by ``make bench-score``). Prints the median
time of the whole engine (indicators, scores, classes, overrides, black spots, fire danger)
with and without the 500-run Monte-Carlo, and the peak memory of the process.
"""

from __future__ import annotations

import argparse

import pandas as pd
from timing import median_time, peak_rss_mb

from analytics.engine import score_county
from domain.asof import end_of_day
from geodata.config import load_settings
from geodata.demo import AS_OF, generate
from geodata.demo.scale import province


def _median_seconds(tables: dict, robustness: bool, repeat: int) -> float:
    config = load_settings().risk
    as_of = end_of_day(pd.Timestamp(AS_OF))  # as the app scores the demo (domain.asof)
    return median_time(lambda: score_county(tables, config, as_of=as_of,
                                            robustness=robustness), repeat)


def run(repeat: int) -> None:
    """Print the figures for the county and the province."""
    county = generate()
    sizes = {"county": county, "province": province(county)}
    for label, tables in sizes.items():
        n = {k: len(tables[k]) for k in ("townships", "geohazard_sites", "hazard_ledger",
                                         "road_accidents", "road_segments")}
        plain = _median_seconds(tables, False, repeat)
        full = _median_seconds(tables, True, repeat)
        print(f"{label}: {n}")
        print(f"  scoring {plain:.2f} s; with Monte-Carlo rank intervals {full:.2f} s "
              f"(median of {repeat})")
    peak = peak_rss_mb()
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    run(parser.parse_args().repeat)
