"""The sweeps (大排查大整治): which places were inspected, what was found, what was fixed.

One rule for each figure, used by the places page, the meeting screen, the risk engine and
the command line:

- a place is **inspected** when its last inspection lies in the sweep window, the
  ``window_days`` up to and including the as-of day (``[places]`` of ``config/risk.toml``:
  ``window_days``);
- a place's **hazards** are the ledger rows whose responsible unit (责任单位, the enterprise's
  name in a ledger) is the place's name, in the same township when both name one;
- a domain's **hazards found** are its ledger rows found in the window, **rectified** those of
  them closed (已销号).

Pure functions on frames: no file, no database.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from domain.rules import is_closed, is_major, is_open
from domain.schema import LEDGER_DOMAINS
from domain.settings.risk import RiskConfig

SWEEP_STATUSES = ("未检查", "已检查", "未发现隐患", "发现隐患", "停业整改")
"""A place's status in the sweep: not inspected in the window, or inspected with its result
(``已检查`` when the register gives no result)."""
NOT_INSPECTED = SWEEP_STATUSES[0]
NO_TOWNSHIP = "—"
"""The group of places and hazards whose township is not given."""


def window_days(config: RiskConfig) -> int:
    """Return the sweep window in days (``[places] inspection_window_days`` of risk.toml)."""
    return int(config.section("places")["inspection_window_days"])


def high_grades(config: RiskConfig) -> tuple[str, ...]:
    """Return the place grades counted as high (``[places] high_grades`` of risk.toml)."""
    return tuple(str(g) for g in config.section("places")["high_grades"])


def _window(as_of: pd.Timestamp, days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the first and last day of the sweep window ending on the as-of day."""
    end = pd.Timestamp(as_of).normalize()
    return end - pd.Timedelta(days=days - 1), end


def inspected(places: pd.DataFrame, *, as_of: pd.Timestamp, window_days: int) -> pd.Series:
    """Return whether each place's last inspection lies in the sweep window."""
    first, last = _window(as_of, window_days)
    when = pd.to_datetime(places["last_inspection_date"], errors="coerce")
    return (when >= first) & (when <= last + pd.Timedelta(days=1) - pd.Timedelta(1))


def sweep_status(places: pd.DataFrame, *, as_of: pd.Timestamp, window_days: int) -> pd.Series:
    """Return each place's status in the sweep (one of ``SWEEP_STATUSES``)."""
    done = inspected(places, as_of=as_of, window_days=window_days)
    result = places["inspection_result"].astype("string").fillna("已检查")
    return pd.Series(result.where(done, NOT_INSPECTED).to_numpy(object), index=places.index)


def is_high(places: pd.DataFrame, high_grades: tuple[str, ...]) -> pd.Series:
    """Return whether each place's grade is one of the high grades."""
    return places["place_grade"].isin(list(high_grades))


def _key(names: pd.Series) -> pd.Series:
    """Return names compared as one: without white space and brackets' width differences."""
    text = names.astype("string").fillna("").str.replace(r"\s+", "", regex=True)
    return text.str.replace("（", "(", regex=False).str.replace("）", ")", regex=False)


def place_hazards(place: Mapping[str, object], ledger: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger rows of one place: its name as 责任单位, its township when both say."""
    if ledger.empty or not place.get("place_name"):
        return ledger.iloc[:0]
    name = _key(pd.Series([place["place_name"]])).iloc[0]
    same = _key(ledger["responsible_unit"]) == name
    town = place.get("township_code")
    if isinstance(town, str) and town:
        same &= ledger["township_code"].isna() | (ledger["township_code"] == town)
    return ledger[same.to_numpy(bool)]


def hazards_per_place(places: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Return each place's ledger rows counted: ``hazards`` and ``open_hazards`` per place.

    Missing (NA), not 0, while no ledger is loaded.
    """
    if ledger.empty:
        return pd.DataFrame({"hazards": pd.NA, "open_hazards": pd.NA}, index=places.index,
                            dtype="Int64")
    out = pd.DataFrame({"hazards": 0, "open_hazards": 0}, index=places.index, dtype="Int64")
    if places.empty:
        return out
    rows = pd.DataFrame({"unit": _key(ledger["responsible_unit"]),
                         "town": ledger["township_code"].astype("string"),
                         "open": is_open(ledger)})
    keys = pd.DataFrame({"unit": _key(places["place_name"]),
                         "town": places["township_code"].astype("string"),
                         "row": places.index})
    hits = keys.merge(rows, on="unit", suffixes=("", "_ledger"))
    hits = hits[(hits["town"].isna() | hits["town_ledger"].isna()
                 | (hits["town"] == hits["town_ledger"])).to_numpy(bool)]
    counts = hits.groupby("row").agg(hazards=("open", "size"), open_hazards=("open", "sum"))
    out.loc[counts.index, ["hazards", "open_hazards"]] = counts.to_numpy()
    return out


def sweep_progress(places: pd.DataFrame, ledger: pd.DataFrame, *, as_of: pd.Timestamp,
                   window_days: int, domains: Mapping[str, str], by: str | None = None
                   ) -> pd.DataFrame:
    """Return the sweep's progress per ledger domain (and per ``by`` group).

    ``by`` is None (the county), ``township_code`` or ``department`` (a place's supervising
    department, a hazard's lead department). Columns: ``domain``, the group, ``places``,
    ``inspected``, ``inspected_share`` (NaN where the domain has no place registered),
    ``found``, ``major_found``, ``rectified``, ``rectified_share`` (NaN where none found).
    What a register not loaded would count is missing (NA), never 0: the places' columns
    without a places register, the hazards' without a ledger.
    """
    place_group = _group(places, "supervising_department", by)
    hazard_group = _group(ledger, "lead_department", by)
    kinds = places["place_kind"].map(dict(domains))
    done = inspected(places, as_of=as_of, window_days=window_days)
    first, last = _window(as_of, window_days)
    found_day = pd.to_datetime(ledger["found_date"], errors="coerce")
    recent = ledger[((found_day >= first) & (found_day <= last)).to_numpy(bool)]
    keys = ["domain", *([by] if by else [])]
    counted = pd.DataFrame({"domain": kinds, **({by: place_group} if by else {}),
                            "inspected": done.astype(int)}).groupby(keys, dropna=False).agg(
        places=("inspected", "size"), inspected=("inspected", "sum"))
    hazards = pd.DataFrame({"domain": recent["domain"],
                            **({by: hazard_group.loc[recent.index]} if by else {}),
                            "major": is_major(recent).astype(int),
                            "closed": is_closed(recent).astype(int)}
                           ).groupby(keys, dropna=False).agg(
        found=("major", "size"), major_found=("major", "sum"), rectified=("closed", "sum"))
    out = counted.join(hazards, how="outer").fillna(0).astype("Int64").reset_index()
    out["inspected_share"] = (out["inspected"] / out["places"]).where(out["places"] > 0)
    out["rectified_share"] = (out["rectified"] / out["found"]).where(out["found"] > 0)
    for loaded, columns in ((places, ["places", "inspected"]),
                            (ledger, ["found", "major_found", "rectified"])):
        if loaded.empty:
            out[columns] = pd.NA
    order = {d: i for i, d in enumerate(LEDGER_DOMAINS)}
    return out.sort_values(keys, key=lambda s: s.map(order) if s.name == "domain" else s,
                           ignore_index=True)


def _group(frame: pd.DataFrame, department: str, by: str | None) -> pd.Series:
    """Return the column a frame is grouped ``by`` (``department``: its department column)."""
    if by is None:
        return pd.Series(index=frame.index, dtype="string")
    column = department if by == "department" else by
    return frame[column].astype("string").fillna(NO_TOWNSHIP)

