"""The sweeps' and readiness registers' settings, checked and typed (``config/readiness.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import ConfigError
from domain.schema import LEDGER_DOMAINS, PLACE_KINDS
from domain.settings.reader import Section


@dataclass(frozen=True)
class ReadinessSettings:
    """What counts as inspected, overdue and short; see ``config/readiness.toml``.

    Attributes:
        domains: The ledger domain of each place kind.
        revise_years: A plan last revised longer ago is due for revision.
        drill_days: A plan not drilled for longer is due for a drill.
        training_days: A team not trained for longer is due for training.
        minimum: Minimum stock per item of a warehouse not named in ``warehouse_minimum``.
        warehouse_minimum: Minimum stock per item of the warehouses named.
    """

    domains: Mapping[str, str] = field(default_factory=dict)
    revise_years: int = 3
    drill_days: int = 365
    training_days: int = 90
    minimum: Mapping[str, float] = field(default_factory=dict)
    warehouse_minimum: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def minimum_of(self, warehouse: str) -> Mapping[str, float]:
        """Return the minimum stock per item of ``warehouse``."""
        return self.warehouse_minimum.get(warehouse, self.minimum)


def _quantities(section: Section, key: str) -> dict[str, float]:
    with section.table(key) as table:
        return {item: table.value(item, float) for item in table.names()}


def _domains(section: Section) -> dict[str, str]:
    with section.table("domains") as table:
        out = {kind: table.value(kind, str) for kind in table.names()}
    wrong = [f"{k} = {v}" for k, v in out.items() if k not in PLACE_KINDS
             or v not in LEDGER_DOMAINS]
    if wrong or set(out) != set(PLACE_KINDS):
        missing = sorted(set(PLACE_KINDS) - set(out))
        raise ConfigError(f"readiness.toml [sweeps] `domains`: unknown {wrong}, missing "
                          f"{missing}; each place kind ({', '.join(PLACE_KINDS)}) needs one "
                          f"ledger domain ({', '.join(LEDGER_DOMAINS)})")
    return out


def parse_readiness(raw: Mapping[str, Any]) -> ReadinessSettings:
    """Check ``config/readiness.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "readiness.toml") as top:
        with top.table("sweeps") as sweeps:
            domains = _domains(sweeps)
        with top.table("plans") as plans:
            revise, drill = plans.value("revise_years", int), plans.value("drill_days", int)
        with top.table("teams") as teams:
            training = teams.value("training_days", int)
        with top.table("supplies") as supplies, supplies.table("minimum") as minimum:
            default = _quantities(minimum, "default")
            with minimum.table("warehouses") as named:
                by_name = {name: _quantities(named, name) for name in named.names()}
    return ReadinessSettings(domains=domains,
                             revise_years=revise, drill_days=drill, training_days=training,
                             minimum=default, warehouse_minimum=by_name)
