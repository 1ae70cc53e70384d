"""Every configuration file, checked and typed: one ``Settings`` per run.

``geodata.config.load_settings`` reads the files of ``config/`` and returns a ``Settings``;
each part is parsed strictly (a missing or unknown key is an error naming it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from domain.settings.briefing import BriefingSettings
from domain.settings.ledger import LedgerSettings
from domain.settings.maps import MapSettings
from domain.settings.readiness import ReadinessSettings
from domain.settings.risk import RiskConfig
from domain.settings.security import SecuritySettings
from domain.settings.storage import StorageSettings
from domain.settings.warning import WarningSettings


@dataclass(frozen=True)
class Settings:
    """The configuration of one run: every file of ``config/``, typed."""

    risk: RiskConfig
    warning: WarningSettings
    ledger: LedgerSettings
    maps: MapSettings
    storage: StorageSettings
    briefing: BriefingSettings = field(default_factory=BriefingSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    readiness: ReadinessSettings = field(default_factory=ReadinessSettings)

    @property
    def digest(self) -> str:
        """Return a short hash of every setting (part of cache keys)."""
        text = repr((self.risk.config_hash, self.warning, self.ledger, self.maps, self.storage,
                     self.readiness))
        return hashlib.sha256(text.encode()).hexdigest()[:16]
