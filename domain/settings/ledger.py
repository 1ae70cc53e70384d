"""Rectification priorities' configuration, checked and typed (``config/ledger.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.settings.reader import Section


@dataclass(frozen=True)
class LedgerSettings:
    """Every setting of ``priority = severity × exposure × urgency``; see the file.

    Attributes:
        method_version: Kept with every priority list.
        level_weight: Severity weight by hazard level (重大, 一般).
        domain_weight: Severity weight by ledger domain.
        distance_m: What lies this close to a hazard counts as exposed (metres).
        per_1000_people: Exposure added per 1,000 people near.
        school: Exposure added per school near.
        relocation_site: Exposure added per relocation site near.
        hospital: Exposure added per hospital near.
        township_class: Exposure added when the township's composite class is this.
        overdue_days_scale: Urgency grows by one per this many days overdue …
        overdue_cap: … up to this much.
        due_within_days: A deadline within this many days …
        due_soon: … adds this to the urgency.
        default_cost_wan: Cost assumed for a hazard with no estimate (万元), with a budget.
    """

    method_version: str
    level_weight: Mapping[str, float]
    domain_weight: Mapping[str, float]
    distance_m: float
    per_1000_people: float
    school: float
    relocation_site: float
    hospital: float
    township_class: Mapping[str, float]
    overdue_days_scale: float
    overdue_cap: float
    due_within_days: int
    due_soon: float
    default_cost_wan: float


def _weights(section: Section, key: str) -> dict[str, float]:
    with section.table(key) as table:
        return {k: table.value(k, float) for k in table.names()}


def parse_ledger(raw: Mapping[str, Any]) -> LedgerSettings:
    """Check ``config/ledger.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "ledger.toml") as top:
        with top.table("severity") as sev:
            level, domain = _weights(sev, "level"), _weights(sev, "domain")
        with top.table("exposure") as exp_:
            exposure = {k: exp_.value(k, float) for k in (
                "distance_m", "per_1000_people", "school", "relocation_site", "hospital")}
            town = _weights(exp_, "township_class")
        with top.table("urgency") as urg:
            urgency = {"overdue_days_scale": urg.value("overdue_days_scale", float),
                       "overdue_cap": urg.value("overdue_cap", float),
                       "due_within_days": urg.value("due_within_days", int),
                       "due_soon": urg.value("due_soon", float)}
        with top.table("budget") as budget:
            cost = budget.value("default_cost_wan", float)
        return LedgerSettings(method_version=top.value("method_version", str),
                              level_weight=level, domain_weight=domain, township_class=town,
                              default_cost_wan=cost, **exposure, **urgency)
