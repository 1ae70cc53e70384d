"""The geohazard warning's configuration, checked and typed (``config/warning.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import ConfigError
from domain.settings.reader import Section

Thresholds = tuple[float, float, float, float]
"""Critical values for levels 4 蓝, 3 黄, 2 橙, 1 红, ascending."""


@dataclass(frozen=True)
class GridSettings:
    """How a rain grid is interpolated to sites (inverse-distance weighting)."""

    power: float
    neighbours: int
    max_distance_m: float


@dataclass(frozen=True)
class WarningSettings:
    """Every setting of the warning; see ``config/warning.toml`` for what each means.

    Attributes:
        method_version: Kept with every warning run.
        evacuate_at: Sites at this level or more severe go on the evacuation list.
        silent_days: Days without inspection (or readings) after which a site is listed.
        decay: Weight of each earlier day's rain in the effective rainfall.
        antecedent_days: Days of observed rain that count.
        by_type: Rain thresholds (mm) by hazard type.
        default: Rain thresholds for a type not listed.
        by_township: Thresholds by township code (override the type's).
        by_site: Thresholds by site ID (override township and type).
        monitoring: Growth thresholds (mm/day) by reading kind.
        grid: Rain-grid interpolation.
    """

    method_version: str
    evacuate_at: int
    silent_days: int
    decay: float
    antecedent_days: int
    by_type: Mapping[str, Thresholds]
    default: Thresholds
    by_township: Mapping[str, Thresholds]
    by_site: Mapping[str, Thresholds]
    monitoring: Mapping[str, Thresholds]
    grid: GridSettings

    def thresholds(self, site_id: str, township: str, hazard_type: str
                   ) -> tuple[Thresholds, str]:
        """Return a site's rain thresholds and where they come from (most specific first)."""
        for source, key, table in (("site", site_id, self.by_site),
                                   ("township", township, self.by_township),
                                   ("type", hazard_type, self.by_type)):
            if key in table:
                return table[key], source
        return self.default, "default"


def _thresholds(section: Section) -> dict[str, Thresholds]:
    with section:
        return {key: _four(section.numbers(key, 4, ascending=True)) for key in section.names()}


def _four(values: tuple[float, ...]) -> Thresholds:
    return (values[0], values[1], values[2], values[3])


def parse_warning(raw: Mapping[str, Any]) -> WarningSettings:
    """Check ``config/warning.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "warning.toml") as top:
        with top.table("rain") as rain:
            decay, days = rain.value("decay", float), rain.value("antecedent_days", int)
        with top.table("thresholds") as table:
            by_type = _thresholds(table.table("type"))
            with table.table("default") as default:
                fallback = _four(default.numbers("mm", 4, ascending=True))
            by_township = _thresholds(table.table("township"))
            by_site = _thresholds(table.table("site"))
        with top.table("grid") as grid:
            interpolation = GridSettings(grid.value("power", float),
                                         grid.value("neighbours", int),
                                         grid.value("max_distance_m", float))
        evacuate_at = top.value("evacuate_at", int)
        if evacuate_at not in (1, 2, 3, 4):
            raise ConfigError(f"warning.toml `evacuate_at` must be a level 1–4: {evacuate_at}")
        return WarningSettings(
            method_version=top.value("method_version", str), evacuate_at=evacuate_at,
            silent_days=top.value("silent_days", int),
            decay=decay, antecedent_days=days, by_type=by_type, default=fallback,
            by_township=by_township, by_site=by_site,
            monitoring=_thresholds(top.table("monitoring")), grid=interpolation)

