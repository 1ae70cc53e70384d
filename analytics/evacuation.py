"""Who must move when a geohazard warning is issued, and where they go."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.spatial import metric_crs
from domain.labels import NOBODY_ON_DUTY, SHORT_OF_ROOM, heading, warning_label
from domain.schema import Lang, labels

NEAREST = 16
"""Shelters looked at first for each site (all of them when none of these has room)."""


def evacuation_list(levels: pd.DataFrame, sites: gpd.GeoDataFrame, facilities: pd.DataFrame,
                    townships: pd.DataFrame, *, worst: int = 2,
                    on_duty: pd.Series | None = None) -> pd.DataFrame:
    """Return every site at level ``worst`` or more severe, with whom to move and call.

    Threatened households and people, the monitor's name and phone, the township's lead,
    who is on duty in the township that day (``on_duty``: ``analytics.readiness.duty_officers``;
    ``NOBODY_ON_DUTY`` where the roster names no one, NA without a roster), and a shelter:
    sites are served in order (most severe, then most people), each from the nearest shelter
    whose remaining capacity (capacity − occupants − people already sent there) holds all its
    people, else the nearest with any room left, flagged ``short``. Distances in metres in a
    projected CRS; ``shelter_remaining`` is the room left before this site's people arrive.
    """
    hit = levels[levels["level"].notna() & (levels["level"] <= worst)]
    out = hit[["site_id", "site_name", "township_code", "level", "threatened_households",
               "threatened_people"]].sort_values(["level", "threatened_people"],
                                                 ascending=[True, False], ignore_index=True)
    located = sites.set_index("site_id").loc[out["site_id"]]
    out["monitor_name"] = located["monitor_name"].to_numpy()
    out["monitor_phone"] = located["monitor_phone"].to_numpy()
    leads = townships.set_index("township_code").reindex(out["township_code"])
    for column in ("lead_name", "lead_phone"):
        out[column] = (leads[column].to_numpy() if column in leads
                       else pd.Series(pd.NA, index=out.index))
    duty = (out["township_code"].map(on_duty).astype(object).fillna(NOBODY_ON_DUTY[0])
            if on_duty is not None else pd.Series(pd.NA, index=out.index, dtype=object))
    out["duty_officer"] = duty.to_numpy()
    shelters = facilities[facilities["facility_category"] == "避难场所"]
    columns = ["shelter", "shelter_m", "shelter_remaining", "short"]
    if not len(out) or not len(shelters):
        return out.assign(**{c: pd.NA for c in columns})
    points = gpd.GeoDataFrame(geometry=located.geometry.values, crs=sites.crs)
    crs = metric_crs(points)
    return pd.concat([out, _allocate(points.to_crs(crs), shelters.to_crs(crs),
                                     out["threatened_people"].fillna(0).to_numpy(int))],
                     axis=1)


def _allocate(points: gpd.GeoDataFrame, shelters: gpd.GeoDataFrame,
              people: np.ndarray) -> pd.DataFrame:
    """Send each point's people, in order, to the nearest shelter with room for them."""
    dist = _distances(points, shelters)
    occupied = shelters.get("occupants", pd.Series(0, index=shelters.index))
    room = (pd.to_numeric(shelters["capacity"], errors="coerce").fillna(0)
            - pd.to_numeric(occupied, errors="coerce").fillna(0)).clip(lower=0).to_numpy(
        float, copy=True)
    names = shelters["facility_name"].to_numpy()
    k = min(NEAREST, dist.shape[1])
    near = np.argpartition(dist, k - 1, axis=1)[:, :k] if k < dist.shape[1] else \
        np.tile(np.arange(dist.shape[1]), (len(dist), 1))
    rows = []
    for i, need in enumerate(people):
        order = near[i][np.argsort(dist[i, near[i]], kind="stable")]
        if not (room[order] >= need).any():
            order = np.argsort(dist[i], kind="stable")
        fits = order[room[order] >= need]
        some = order[room[order] > 0]
        pick = fits[0] if len(fits) else (some[0] if len(some) else order[0])
        rows.append((names[pick], round(float(dist[i, pick])), int(room[pick]),
                     bool(room[pick] < need)))
        room[pick] = max(room[pick] - need, 0)
    return pd.DataFrame(rows, columns=["shelter", "shelter_m", "shelter_remaining", "short"])


def _distances(points: gpd.GeoDataFrame, shelters: gpd.GeoDataFrame) -> np.ndarray:
    """Return the matrix of distances (CRS units) from each point to each shelter."""
    a = np.column_stack([points.geometry.x, points.geometry.y])
    b = np.column_stack([shelters.geometry.x, shelters.geometry.y])
    return np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])


SHEET_COLUMNS = ("level", "site_name", "township_name", "threatened_households",
                 "threatened_people", "monitor_name", "monitor_phone", "lead_name",
                 "lead_phone", "duty_officer", "shelter", "shelter_m", "shelter_remaining", "short")
"""The evacuation list as printed: the columns in order."""


def evacuation_sheet(evacuation: pd.DataFrame, names: Mapping[str, str],
                     lang: Lang = "zh") -> pd.DataFrame:
    """Return the evacuation list as people read it: named levels, townships and headings.

    The same sheet on the warning page, in its downloads and from ``riskmap warn``.
    """
    table = evacuation.assign(
        township_name=evacuation["township_code"].map(names),
        level=evacuation["level"].map(lambda v: warning_label(int(v), lang) if pd.notna(v)
                                      else ""),
        short=evacuation["short"].map(lambda v: SHORT_OF_ROOM[lang == "en"] if v is True
                                      else ""),
        duty_officer=evacuation["duty_officer"].map(
            lambda v: "" if pd.isna(v) else NOBODY_ON_DUTY[lang == "en"]
            if v == NOBODY_ON_DUTY[0] else v))
    sites = labels("geohazard_sites", lang)
    return pd.DataFrame(table[list(SHEET_COLUMNS)]).rename(columns={
        c: sites[c] if c in sites else heading(c, lang) for c in SHEET_COLUMNS})
