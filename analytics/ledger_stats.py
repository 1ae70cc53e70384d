"""Who is behind: rectification by department, township and domain; trends; 红黑榜.

Open, closed and overdue are ``domain.rules``'. Days to close run from the found date to the
closed date.
"""

from __future__ import annotations

import pandas as pd

from domain.rules import days_overdue, is_closed, is_major, is_overdue

GROUPS = ("lead_department", "township_code", "domain")


def _flags(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    closed = is_closed(ledger)
    return pd.DataFrame({
        "found": 1, "closed": closed.astype(int),
        "open": (~closed).astype(int),
        "overdue": is_overdue(ledger, as_of).astype(int),
        "days_to_close": (ledger["closed_date"] - ledger["found_date"]).dt.days.where(closed),
    }, index=ledger.index)


def rectification(ledger: pd.DataFrame, by: str, as_of: pd.Timestamp) -> pd.DataFrame:
    """Return per ``by`` group: found, closed, rate (%), open, overdue, mean days to close."""
    flags = _flags(ledger, as_of)
    groups = flags.groupby(ledger[by].fillna("（未填）").to_numpy())
    out = groups[["found", "closed", "open", "overdue"]].sum()
    out["rate"] = (out["closed"] / out["found"] * 100).round(1)
    out["days_to_close"] = groups["days_to_close"].mean().round(1)
    out.index.name = by
    return out.sort_values(["rate", "overdue"], ascending=[True, False])


def monthly(ledger: pd.DataFrame, as_of: pd.Timestamp, months: int = 24) -> pd.DataFrame:
    """Return per month (last ``months``): hazards found, closed, and open at month end."""
    end = as_of.to_period("M")
    index = pd.period_range(end=end, periods=months, freq="M")
    if ledger.empty:
        zeros = pd.DataFrame(0, index=index.to_timestamp(), columns=["found", "closed", "open"])
        return zeros.astype(int)
    found = ledger["found_date"].dt.to_period("M").value_counts()
    closed = ledger["closed_date"].dropna().dt.to_period("M").value_counts()
    every = pd.period_range(min(found.index.min(), index[0]), end, freq="M")
    net = (found.reindex(every, fill_value=0) - closed.reindex(every, fill_value=0)).cumsum()
    out = pd.DataFrame({"found": found.reindex(index, fill_value=0),
                        "closed": closed.reindex(index, fill_value=0),
                        "open": net.reindex(index)}, index=index)
    out.index = out.index.to_timestamp()
    return out.astype(int)


def red_black(table: pd.DataFrame, *, n: int = 5, min_found: int = 10
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the best and the worst ``n`` groups (红榜, 黑榜) with at least ``min_found``.

    Best: highest rectification rate, then fewest overdue, then fastest to close; worst:
    the reverse.
    """
    counted = table[table["found"] >= min_found]
    order = counted.sort_values(["rate", "overdue", "days_to_close"],
                                ascending=[False, True, True])
    return order.head(n), order.iloc[::-1].head(n)


def overdue_major(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Return the overdue major hazards, most overdue first, with the supervising leader."""
    flags = _flags(ledger, as_of)
    hit = ledger[(flags["overdue"] == 1) & is_major(ledger)]
    out = hit[["hazard_id", "domain", "hazard_description", "township_code", "lead_department",
               "responsible_unit", "deadline", "hazard_status", "supervising_leader"]].copy()
    out.insert(7, "days_overdue", days_overdue(hit, as_of))
    return out.sort_values("days_overdue", ascending=False).reset_index(drop=True)
