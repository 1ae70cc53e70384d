"""Classification rules fixed by national standards, shared by import, demo and analytics.

Pure functions with no I/O, so ``analytics`` may import this module as it does the schema.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

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
