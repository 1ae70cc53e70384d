"""Where an imported row lies: its township, inside the county or not, a road's length.

Points take the township they fall in; lines the one holding their longest part. A row
farther than the configured margin from every township is outside the county.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from domain.errors import Problem
from domain.rules import township_names
from domain.schema import Table
from geodata import locate


def check_townships(table: Table, frame: gpd.GeoDataFrame, towns: gpd.GeoDataFrame,
                     margin_m: float) -> tuple[list[Problem], np.ndarray]:
    """Fill missing township codes from locations; report disagreements; find outsiders.

    Returns the problems and, per row, whether it lies outside the county (farther than
    ``margin_m`` from every township).
    """
    outside = np.zeros(len(frame), dtype=bool)
    if towns.empty or table.geometry not in {"point", "line"}:
        return [], outside
    located = (frame.geometry.notna() & ~frame.geometry.is_empty).to_numpy()
    outside[located] = locate.beyond(frame.geometry[located], towns.geometry, margin_m)
    if "township_code" not in table.columns:
        return [], outside
    codes = towns["township_code"].to_numpy()
    place = (locate.township_of if table.geometry == "point" else locate.township_of_lines)
    where = place(frame.geometry[located], towns.geometry)
    found = pd.Series(np.where(where >= 0, codes[where], None), index=frame.index[located],
                      dtype=object).reindex(frame.index)
    stated = frame["township_code"] if "township_code" in frame else pd.Series(
        None, index=frame.index, dtype=object)
    name = township_names(towns)
    differs = stated.notna() & found.notna() & (stated != found)
    if table.geometry == "line":
        differs &= False  # a road crossing a border is stated in either township
    problems = [Problem(table.name, int(i), "township_code", stated[i],
                        f"坐标位于 {name[found[i]]}（{found[i]}），与所填乡镇不一致 "
                        f"the location is in {found[i]}", "warning")
                for i in frame.index[differs]]
    frame["township_code"] = stated.where(stated.notna(), found)
    return problems, outside


def outside_rows(table: Table, outside: np.ndarray) -> list[Problem]:
    """One warning per row outside the county that is kept all the same."""
    return [Problem(table.name, int(i), "geometry", None, "位置在本县之外 outside the county",
                    "warning") for i in np.flatnonzero(outside)]


def fill_lengths(table: Table, frame: gpd.GeoDataFrame) -> None:
    """Fill a road segment's missing length from its geometry (metres, in its UTM zone)."""
    if "length_m" not in table.columns or frame.empty:
        return
    given = frame["length_m"] if "length_m" in frame else pd.Series(np.nan, index=frame.index)
    measured = pd.Series(locate.lengths_m(frame.geometry), index=frame.index).round(1)
    frame["length_m"] = given.where(given.notna(), measured)
