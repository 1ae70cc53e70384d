"""Read configuration files shipped in ``config/`` (the risk engine's ``risk.toml``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from geodata.errors import RiskMapError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
RISK_CONFIG = CONFIG_DIR / "risk.toml"
MAP_CONFIG = CONFIG_DIR / "map.toml"
STORAGE_CONFIG = CONFIG_DIR / "storage.toml"


def read_toml(path: str | Path | None = None) -> dict[str, Any]:
    """Return the parsed TOML at ``path``.

    The default is ``config/risk.toml``, the risk engine's; ``MAP_CONFIG`` holds map settings.
    """
    path = Path(path) if path is not None else RISK_CONFIG
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RiskMapError(f"无法读取配置 cannot read configuration {path}: {exc}") from exc
