"""Domain rules, each written once: national classes; open, closed, overdue, active.

Every page, KPI, report, export and command asks these functions; none decides such a thing
on its own. Pure functions with no I/O.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

SIZE_ORDER: tuple[str, ...] = ("小型", "中型", "大型", "特大型")
"""Size classes from smallest to largest (规模等级 and 险情等级 share them)."""

THREAT_PEOPLE_BREAKS: tuple[int, int, int] = (100, 500, 1000)
"""People threatened at which 险情 becomes 中型, 大型, 特大型 (国家突发地质灾害应急预案)."""

THREAT_PROPERTY_BREAKS_WAN: tuple[float, float, float] = (500.0, 5000.0, 10000.0)
"""Potential loss (万元) at which 险情 becomes 中型, 大型, 特大型."""

SCALE_VOLUME_BREAKS_10K_M3: dict[str, tuple[float, float, float]] = {
    "滑坡": (10.0, 100.0, 1000.0),
    "不稳定斜坡": (10.0, 100.0, 1000.0),
    "崩塌": (1.0, 10.0, 100.0),
    "泥石流": (2.0, 20.0, 50.0),
}
"""Volume (万m³) at which a site's 规模 becomes 中型, 大型, 特大型, by hazard type
(DZ/T 0261 style); types without volume classes (塌陷, 地裂缝, 沉降) are not listed."""


def _size_index(values: npt.ArrayLike, breaks: tuple[float, float, float]) -> np.ndarray:
    return np.searchsorted(np.asarray(breaks, dtype=float), np.asarray(values, dtype=float),
                           side="right")


def threat_level(people: npt.ArrayLike, property_wan: npt.ArrayLike) -> np.ndarray:
    """Return the 险情等级 of each site: the higher of its people and its property class.

    Missing values count as zero for that criterion.
    """
    p = _size_index(np.nan_to_num(np.asarray(people, dtype=float)), THREAT_PEOPLE_BREAKS)
    w = _size_index(np.nan_to_num(np.asarray(property_wan, dtype=float)),
                    THREAT_PROPERTY_BREAKS_WAN)
    return np.asarray(SIZE_ORDER, dtype=object)[np.maximum(p, w)]


def hazard_scale(hazard_type: str, volume_10k_m3: float) -> str | None:
    """Return the 规模等级 of a site from its volume, or None when the type has no classes."""
    breaks = SCALE_VOLUME_BREAKS_10K_M3.get(hazard_type)
    if breaks is None or np.isnan(volume_10k_m3):
        return None
    return SIZE_ORDER[int(_size_index([volume_10k_m3], breaks)[0])]


# --- the hazard ledger ------------------------------------------------------------------

CLOSED = "已销号"
"""The status of a closed hazard (销号): every other status is open."""
MAJOR = "重大"
"""The level of a major hazard (重大隐患), which needs 挂牌督办."""


def is_closed(ledger: pd.DataFrame) -> pd.Series:
    """Return, per ledger row, whether the hazard is closed (已销号)."""
    return (ledger["hazard_status"] == CLOSED).fillna(False).astype(bool)


def is_open(ledger: pd.DataFrame) -> pd.Series:
    """Return, per ledger row, whether the hazard is still open (not 已销号)."""
    return ~is_closed(ledger)


def is_major(ledger: pd.DataFrame) -> pd.Series:
    """Return, per ledger row, whether the hazard is a major one (重大)."""
    return (ledger["hazard_level"] == MAJOR).fillna(False).astype(bool)


def days_overdue(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Return, per row, whole days from the deadline to the day of ``as_of`` (NA: none).

    Negative while the deadline is still ahead; 0 on the deadline day itself.
    """
    return (as_of.normalize() - ledger["deadline"]).dt.days


def is_overdue(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Return, per row, whether the hazard is overdue on the day of ``as_of``.

    Overdue: still open and its deadline is a day before that day (a hazard due that day is
    not overdue yet; one without a deadline never is).
    """
    late = (days_overdue(ledger, as_of) > 0).fillna(False).astype(bool)
    return is_open(ledger) & late


# --- geohazard sites --------------------------------------------------------------------

ACTIVE = "在册"
"""The status of a site still on the register (written-off sites are 已核销)."""


def active_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """Return the sites still on the register (在册): those warned, scored and counted."""
    return sites[(sites["site_status"] == ACTIVE).fillna(False).astype(bool).to_numpy()]


# --- townships --------------------------------------------------------------------------


def township_names(towns: pd.DataFrame) -> dict[str, str]:
    """Return {township code: name}."""
    return dict(zip(towns["township_code"], towns["township_name"], strict=True))
