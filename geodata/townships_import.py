"""Townships on import: codes as written, names for codes, statistics, boundary guard.

Codes are taken as offices write them (numbers, 9 digits), names stand for codes, a
statistics table without geometry updates stored townships, and replacing a stored boundary
by a very different or repaired one must be asked for.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from domain import coords
from domain.errors import Problem
from domain.rules import township_names
from domain.schema import STORAGE_CRS
from domain.settings.storage import ImportChecks
from domain.values import fold, per_unique

NO_BOUNDARY = ("还没有乡镇边界：不带边界的乡镇表只能更新已导入的乡镇，请先导入乡镇边界图层 "
               "no township boundaries yet: a table without geometry only updates stored "
               "townships; import the township boundary layer first")

NO_KEY = ("没有乡镇代码或乡镇名称列：请指明哪一列是乡镇代码或名称 no column gives the township's "
          "code or name: say which one does")


def normalise_codes(raw: pd.Series) -> pd.Series:
    """Return township codes as 12-digit text where they can be.

    Numbers read from a file (``529901100000.0``) lose their decimals; a 9-digit township
    code (county 6 + township 3, as some layers carry it in ``XZQDM``) gains the ``000`` of
    the 12-digit statistical code. Anything else stays as given, for validation to name.
    """
    def one(value: object) -> object:
        if isinstance(value, float) and np.isfinite(value) and value == int(value):
            value = int(value)
        if isinstance(value, int | np.integer):
            value = str(value)
        if isinstance(value, str):
            text = value.strip()
            return text + "000" if len(text) == 9 and text.isdigit() else text
        return value

    return raw.astype(object).map(one)


def township_codes(raw: pd.Series, towns: pd.DataFrame) -> pd.Series:
    """Accept township names (城关镇, 城关) where codes are expected."""
    lookup: dict[str, str] = {}
    for code, name in township_names(towns).items():
        lookup[fold(name)] = code
        lookup[fold(name).removesuffix("街道").rstrip("镇乡")] = code

    def by_name(text: pd.Series) -> tuple[pd.Series, pd.Series]:
        is_code = text.astype(str).str.fullmatch(r"\d{12}")
        named = text.map(lambda v: lookup.get(fold(v)) if isinstance(v, str) else None)
        return text.where(is_code | named.isna(), named), pd.Series(False, index=text.index)

    return per_unique(normalise_codes(raw), by_name)[0]


def from_statistics(frame: pd.DataFrame, towns: gpd.GeoDataFrame
                    ) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Complete rows of a table without geometry from the stored townships they name.

    Each row names a stored township by code or name; its other given cells replace the
    stored ones, everything else (the name and the boundary included) stays. A row naming
    no stored township is an error (the only one said of that row).
    """
    if towns.empty:
        return gpd.GeoDataFrame(frame), [Problem("townships", None, "geometry", None,
                                                 NO_BOUNDARY)]
    if "township_code" not in frame and "township_name" not in frame:
        return gpd.GeoDataFrame(frame), [Problem("townships", None, "township_code", None,
                                                 NO_KEY)]
    named = frame.get("township_code", pd.Series(None, index=frame.index, dtype=object))
    if "township_name" in frame:
        named = named.where(named.notna(), frame["township_name"])
    codes = township_codes(named, towns)
    known = codes.isin(towns["township_code"])
    problems = [Problem("townships", int(i), "township_code" if "township_code" in frame
                        else "township_name", named[i],
                        "未找到此乡镇（按代码或名称）：请核对，或先导入乡镇边界 no stored township "
                        "has this code or name") for i in frame.index[~known]]
    stored = towns.set_index("township_code")
    base = stored.reindex(codes.where(known)).reset_index(drop=True)
    # Code and name identify the township: the boundary layer's name stays (河西 is 河西镇).
    given = frame.drop(columns=["township_code", "township_name"],
                       errors="ignore").reset_index(drop=True)
    merged = base.drop(columns=given.columns, errors="ignore").join(given)
    merged.insert(0, "township_code", codes.where(known, named).to_numpy())
    for column in given.columns:  # a cell left empty keeps the stored value
        merged[column] = given[column].where(given[column].notna(), base.get(column))
    geometry = gpd.GeoSeries(base.geometry.values, crs=STORAGE_CRS)
    return gpd.GeoDataFrame(merged.drop(columns="geometry"), geometry=geometry.values,
                            crs=STORAGE_CRS), problems


def boundary_changes(incoming: gpd.GeoDataFrame, stored: gpd.GeoDataFrame,
                     repaired: set[int], checks: ImportChecks, *,
                     replace: bool) -> list[Problem]:
    """Check each stored township boundary the file would replace.

    A new area differing by more than the configured share, or a shape that had to be
    repaired (a bow-tie becomes two triangles), is an error naming both areas unless
    ``replace``; then it is a warning with the same figures.
    """
    if stored.empty:
        return []
    share = checks.geometry_change_share
    old = stored.set_index("township_code").geometry
    rows = [i for i, code in enumerate(incoming["township_code"]) if code in old.index]
    if not rows:
        return []
    new = incoming.geometry.iloc[rows]
    metric = coords.utm_crs(incoming)
    new_km2 = new.to_crs(metric).area.to_numpy() / 1e6
    old_km2 = gpd.GeoSeries(old.loc[incoming["township_code"].iloc[rows]].values,
                            crs=STORAGE_CRS).to_crs(metric).area.to_numpy() / 1e6
    found = []
    for i, a, b in zip(rows, old_km2, new_km2, strict=True):
        change = abs(b - a) / a if a > 0 else float(b > 0)
        if change <= share and i not in repaired:
            continue
        why = "新边界是修复后的图形 the new shape was repaired" if i in repaired else (
            f"面积变化 {change:.0%}，超过 {share:.0%} area changes by more than {share:.0%}")
        found.append(Problem(
            "townships", i, "geometry", f"{a:,.2f} km² → {b:,.2f} km²",
            f"将替换已存边界：{why}" + ("" if replace else
                                    "；确认替换请加 --replace-geometry (the stored boundary is "
                                    "kept unless --replace-geometry)"),
            "warning" if replace else "error"))
    return found
