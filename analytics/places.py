"""Per-feature figures for the pages.

Road segments' risk, relocation sites' surroundings and the forest fire season; pure
functions, distances in metres in a projected CRS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from analytics.spatial import metric_crs, nearest_distance, to_metric
from domain.rules import active_sites


def segment_severity(segments: gpd.GeoDataFrame, accidents: pd.DataFrame, *,
                     as_of: pd.Timestamp, settings: Mapping[str, Any]) -> pd.Series:
    """Return each segment's accident severity per km over the black-spot period.

    No accident loaded at all is no measurement: every severity is NaN (never a reassuring 0).
    """
    if accidents.empty:
        return pd.Series(float("nan"), index=segments.index)
    start = as_of - pd.DateOffset(years=int(settings["black_spots"]["period_years"]))
    recent = accidents[(accidents["accident_time"] > start)
                       & (accidents["accident_time"] <= as_of)]
    weight = (1 + float(settings["death_weight"]) * recent["deaths"].fillna(0)
              + float(settings["injury_weight"]) * recent["injuries"].fillna(0))
    per_segment = weight.groupby(recent["segment_id"].to_numpy()).sum()
    km = segments["length_m"].fillna(0).clip(lower=50) / 1000
    total = segments["segment_id"].map(per_segment).fillna(0)
    return pd.Series(total.to_numpy() / km.to_numpy(), index=segments.index)


def relocation_surroundings(reloc: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
                            facilities: gpd.GeoDataFrame, *, distance_m: float
                            ) -> pd.DataFrame:
    """Return the surroundings of each relocation site.

    Active hazard sites within ``distance_m`` and the people they threaten; the nearest
    shelter and rescue team, by name and metres.
    """
    if reloc.empty:
        return pd.DataFrame(columns=["hazards_near", "people_threatened_near", "shelter_m",
                                     "rescue_m"], index=reloc.index)
    crs = metric_crs(reloc)
    here = to_metric(reloc, crs)
    active = to_metric(active_sites(sites), crs)
    pairs = gpd.sjoin(here[["geometry"]], active[["threatened_people", "geometry"]],
                      predicate="dwithin", distance=distance_m)
    out = pd.DataFrame(index=here.index)
    out["hazards_near"] = pairs.groupby(level=0).size().reindex(here.index, fill_value=0)
    out["people_threatened_near"] = pairs.groupby(level=0)["threatened_people"].sum().reindex(
        here.index, fill_value=0)
    for kind, category in (("shelter", "避难场所"), ("rescue", "救援队伍")):
        targets = to_metric(facilities[facilities["facility_category"] == category], crs)
        out[f"{kind}_m"] = nearest_distance(here, targets).round(0)
        if len(targets):
            hit = gpd.sjoin_nearest(here[["geometry"]], targets[["facility_name", "geometry"]])
            out[f"{kind}_name"] = hit[~hit.index.duplicated()]["facility_name"]
    return out


def fire_season_notice(day: pd.Timestamp, settings: Mapping[str, Any]) -> str | None:
    """Return "key_day", "season" or None for a date, by the forest-fire settings."""
    for key in settings.get("key_days", []):
        month, dom = (int(v) for v in key.split("-"))
        if abs((day.normalize() - pd.Timestamp(day.year, month, dom)).days) <= 3:
            return "key_day"
    return "season" if day.month in settings.get("fire_season_months", []) else None
