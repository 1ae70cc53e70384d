"""The risk engine's configuration, checked and typed (parsed from ``config/risk.toml``).

Reading the file is the storage layer's job (``geodata.config``); this module turns the
parsed mapping into a ``RiskConfig`` and fails with a message naming the bad entry.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from domain.errors import ConfigError
from domain.labels import RISK_CLASSES
from domain.settings.reader import Section

LAYERS: tuple[str, ...] = ("geohazard", "forest_fire", "road", "ledger")
CLASSES: tuple[str, ...] = RISK_CLASSES
DIMENSIONS: tuple[str, ...] = ("hazard_exposure", "vulnerability", "lack_of_coping")
Transform = Literal["none", "log", "cbrt"]
Method = Literal["geometric", "arithmetic"]


@dataclass(frozen=True)
class IndicatorSpec:
    """How one indicator enters its layer."""

    key: str
    layer: str
    weight: float
    transform: Transform
    goalpost: float | None
    dimension: str


@dataclass(frozen=True)
class Override:
    """A rule raising a township to at least a class when a counted fact is present."""

    name: str
    label: str
    fact: str
    minimum: float
    at_least: str
    layers: tuple[str, ...]
    label_en: str = ""

    def shown(self, lang: str = "zh") -> str:
        """Return the rule's label in ``lang`` (the Chinese one when it has no English)."""
        return self.label_en if lang == "en" and self.label_en else self.label


@dataclass(frozen=True)
class RiskConfig:
    """The whole configuration; ``raw`` keeps the parsed file for hashing and reading."""

    raw: Mapping[str, Any]
    method_version: str
    indicators: tuple[IndicatorSpec, ...]
    layer_weights: Mapping[str, float]
    breaks: tuple[float, float, float]
    overrides: tuple[Override, ...]

    def section(self, name: str) -> Mapping[str, Any]:
        """Return a top-level section of the file, e.g. ``geohazard``."""
        return self.raw.get(name, {})

    @property
    def general(self) -> Mapping[str, Any]:
        """Return the ``[general]`` section."""
        return self.section("general")

    def layer_indicators(self, layer: str) -> tuple[IndicatorSpec, ...]:
        """Return the indicators of one layer, in file order."""
        return tuple(i for i in self.indicators if i.layer == layer)

    @property
    def config_hash(self) -> str:
        """Return a SHA-256 (first 16 hex digits) of the configuration's content."""
        text = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_changes(self, changes: Mapping[str, Any]) -> RiskConfig:
        """Return a copy with top-level sections updated key by key (for tests and what-ifs)."""
        raw = copy.deepcopy(dict(self.raw))
        for key, value in changes.items():
            if isinstance(value, Mapping) and isinstance(raw.get(key), Mapping):
                raw[key] = {**raw[key], **value}
            else:
                raw[key] = value
        return parse_config(raw)


def _need(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise ConfigError(f"配置缺少 missing `{key}` in [{where}]")
    return mapping[key]


def _indicator(layer: str, key: str, spec: Mapping[str, Any]) -> IndicatorSpec:
    where = f"indicators.{layer}.{key}"
    weight = float(_need(spec, "weight", where))
    transform = _need(spec, "transform", where)
    goal = _need(spec, "goalpost", where)
    dimension = _need(spec, "dimension", where)
    if weight < 0:
        raise ConfigError(f"[{where}] weight must not be negative: {weight}")
    if transform not in ("none", "log", "cbrt"):
        raise ConfigError(f"[{where}] transform must be none, log or cbrt: {transform!r}")
    if dimension not in DIMENSIONS:
        raise ConfigError(f"[{where}] dimension must be one of {DIMENSIONS}: {dimension!r}")
    if goal != "max" and (not isinstance(goal, int | float) or goal <= 0):
        raise ConfigError(f"[{where}] goalpost must be \"max\" or a positive number: {goal!r}")
    return IndicatorSpec(key, layer, weight, transform, None if goal == "max" else float(goal),
                         dimension)


def _override(spec: Mapping[str, Any]) -> Override:
    where = f"overrides.{spec.get('name', '?')}"
    at_least = _need(spec, "at_least", where)
    if at_least not in CLASSES:
        raise ConfigError(f"[{where}] at_least must be one of {CLASSES}: {at_least!r}")
    layers = tuple(_need(spec, "layers", where))
    unknown = set(layers) - {*LAYERS, "composite"}
    if unknown:
        raise ConfigError(f"[{where}] unknown layers {sorted(unknown)}")
    return Override(_need(spec, "name", where), spec.get("label", spec["name"]),
                    _need(spec, "fact", where), float(_need(spec, "min", where)), at_least,
                    layers, spec.get("label_en", ""))


LEAF = None
SECTIONS: Mapping[str, Any] = {
    "method_version": LEAF, "indicators": LEAF, "overrides": LEAF,
    "general": {"metric_crs": LEAF, "min_coverage": LEAF, "recency_half_life_years": LEAF,
                "composite_method": LEAF},
    "classes": {"breaks": LEAF},
    "composite": {"weights": LEAF},
    "distances": {"exposure_m": LEAF, "forest_near_m": LEAF, "snap_m": LEAF, "chemical_m": LEAF},
    "places": {"inspection_window_days": LEAF, "high_grades": LEAF},
    "geohazard": {"threat_weight": LEAF, "type_weight": LEAF, "inspection_days": LEAF,
                  "event_death_weight": LEAF},
    "forest_fire": {"danger_method": LEAF, "danger_window_days": LEAF, "key_area_weight": LEAF,
                    "fire_season_months": LEAF, "key_days": LEAF,
                    "qxt77": {"temp_c": LEAF, "min_rh_pct_below": LEAF, "wind_ms": LEAF,
                              "days_without_rain": LEAF, "rain_damping": LEAF,
                              "season_factor": LEAF, "level_breaks": LEAF},
                    "fwi": {"level_breaks": LEAF}},
    "road": {"death_weight": LEAF, "injury_weight": LEAF, "flag_weight": LEAF,
             "segment_breaks": LEAF,
             "black_spots": {"window_m": LEAF, "period_years": LEAF, "min_accidents": LEAF,
                             "min_deaths": LEAF}},
    "ledger": {"level_weight": LEAF, "overdue_days_scale": LEAF, "overdue_cap": LEAF},
    "robustness": {"runs": LEAF, "weight_jitter": LEAF, "vary_method": LEAF, "seed": LEAF,
                   "interval": LEAF},
}
"""Every key of ``config/risk.toml``: tables by their keys, values as LEAF. The sections are
read by the analytics as mappings (``RiskConfig.section``); indicators and overrides by the
parser below."""


def _check_keys(section: Section, spec: Mapping[str, Any]) -> None:
    """Refuse a key the spec does not name, and a key it names that is missing."""
    with section:
        for key, inner in spec.items():
            if inner is LEAF:
                section.raw(key)
            else:
                _check_keys(section.table(key), inner)


def parse_config(raw: Mapping[str, Any]) -> RiskConfig:
    """Check a parsed configuration and return it typed.

    Raises:
        ConfigError: An entry is missing, unknown or invalid; the message names it.
    """
    _check_keys(Section(raw, "risk.toml"), SECTIONS)
    indicators = []
    for layer in LAYERS:
        specs = _need(_need(raw, "indicators", "top level"), layer, "indicators")
        indicators += [_indicator(layer, key, spec) for key, spec in specs.items()]
        if sum(s.weight for s in indicators if s.layer == layer) <= 0:
            raise ConfigError(f"[indicators.{layer}] weights must not all be zero")
    weights = dict(_need(_need(raw, "composite", "top level"), "weights", "composite"))
    if set(weights) != set(LAYERS) or min(weights.values()) < 0:
        raise ConfigError(f"[composite.weights] needs non-negative weights for {LAYERS}")
    breaks = tuple(float(b) for b in _need(_need(raw, "classes", "top level"), "breaks",
                                           "classes"))
    if len(breaks) != 3 or list(breaks) != sorted(breaks):
        raise ConfigError(f"[classes] breaks must be three ascending numbers: {breaks}")
    method = raw.get("general", {}).get("composite_method", "geometric")
    if method not in ("geometric", "arithmetic"):
        raise ConfigError(f"[general] composite_method must be geometric or arithmetic: "
                          f"{method!r}")
    return RiskConfig(raw, str(_need(raw, "method_version", "top level")), tuple(indicators),
                      weights, breaks, tuple(_override(o) for o in raw.get("overrides", [])))
