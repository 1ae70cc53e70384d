"""Read the configuration files shipped in ``config/`` into typed settings.

``load_settings`` reads every file and returns one ``domain.settings.Settings``; each file is
documented key by key in the file itself (``tests/test_settings.py`` checks that every key is
documented and read).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from domain.errors import RiskMapError
from domain.settings import Settings
from domain.settings.briefing import parse_briefing
from domain.settings.ledger import parse_ledger
from domain.settings.maps import parse_maps
from domain.settings.readiness import parse_readiness
from domain.settings.risk import parse_config
from domain.settings.security import parse_security
from domain.settings.storage import parse_storage
from domain.settings.warning import parse_warning

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
RISK_CONFIG = CONFIG_DIR / "risk.toml"
WARNING_CONFIG = CONFIG_DIR / "warning.toml"
LEDGER_CONFIG = CONFIG_DIR / "ledger.toml"
MAP_CONFIG = CONFIG_DIR / "map.toml"
STORAGE_CONFIG = CONFIG_DIR / "storage.toml"
BRIEF_CONFIG = CONFIG_DIR / "brief.toml"
SECURITY_CONFIG = CONFIG_DIR / "security.toml"
READINESS_CONFIG = CONFIG_DIR / "readiness.toml"


def read_toml(path: str | Path | None = None) -> dict[str, Any]:
    """Return the parsed TOML at ``path`` (default: ``config/risk.toml``)."""
    path = Path(path) if path is not None else RISK_CONFIG
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RiskMapError(f"无法读取配置 cannot read configuration {path}: {exc}") from exc


def load_settings(*, risk: str | Path | None = None) -> Settings:
    """Return every setting of ``config/`` (``risk``: another risk configuration file).

    Raises:
        RiskMapError: A file cannot be read, or a setting is missing, unknown or invalid.
    """
    return Settings(risk=parse_config(read_toml(risk or RISK_CONFIG)),
                    warning=parse_warning(read_toml(WARNING_CONFIG)),
                    ledger=parse_ledger(read_toml(LEDGER_CONFIG)),
                    maps=parse_maps(read_toml(MAP_CONFIG)),
                    storage=parse_storage(read_toml(STORAGE_CONFIG)),
                    briefing=parse_briefing(read_toml(BRIEF_CONFIG)),
                    security=parse_security(read_toml(SECURITY_CONFIG)),
                    readiness=parse_readiness(read_toml(READINESS_CONFIG)))
