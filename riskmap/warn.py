"""``riskmap warn``: geohazard warning levels and the evacuation list, for scheduled jobs."""

from __future__ import annotations

import argparse
import json

import geopandas as gpd
import pandas as pd

from analytics.warning import LEVEL_NAMES, evacuation_list, site_levels, township_rollup
from geodata.config import CONFIG_DIR, read_toml
from geodata.headers import header_score
from geodata.importer import ImportOptions, prepare
from geodata.readers import read_any
from geodata.store import Store


def _rain(store: Store, path: str | None) -> pd.DataFrame:
    """Return the stored rainfall, plus the rows of ``path`` (read, checked, not stored)."""
    stored = store.read("rainfall")
    if not path:
        return stored
    raw = read_any(path, header_score("rainfall"))
    ready = prepare("rainfall", raw, ImportOptions(), store.read("townships")).frame
    return pd.concat([stored, ready], ignore_index=True)


def run_warn(store: Store, args: argparse.Namespace) -> int:
    """Print (or write as JSON) the levels per township and the evacuation list."""
    settings = read_toml(CONFIG_DIR / "warning.toml")
    as_of = pd.Timestamp(args.as_of) if args.as_of else pd.Timestamp.now().floor("s")
    sites = store.read("geohazard_sites")
    levels = site_levels(sites, _rain(store, args.rain), store.read("monitoring_readings"),
                         as_of=as_of, settings=settings)
    evacuate = evacuation_list(levels, gpd.GeoDataFrame(sites), store.read("facilities"))
    towns = township_rollup(levels)
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "method_version":
                          settings["method_version"],
                          "townships": json.loads(towns.reset_index().to_json(
                              orient="records", force_ascii=False)),
                          "evacuation": json.loads(evacuate.to_json(orient="records",
                                                                    force_ascii=False))},
                         ensure_ascii=False, indent=2))
        return 0
    counts = levels["level"].value_counts()
    print(f"地质灾害气象风险预警 geohazard warning · as of {as_of:%Y-%m-%d %H:%M}")
    for level in (1, 2, 3, 4):
        print(f"  {LEVEL_NAMES[level]}: {int(counts.get(level, 0))} 处 sites")
    print(f"  无雨量数据 unknown: {int((levels['state'] == 'unknown').sum())} 处")
    print(f"需转移 to evacuate: {len(evacuate)} 处, {int(evacuate['threatened_people'].sum())} 人")
    if len(evacuate):
        print(evacuate.to_string(index=False))
    return 0
