"""Sign-in, session and single sign-on settings, checked and typed (``config/security.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import ConfigError
from domain.settings.reader import Section


@dataclass(frozen=True)
class SecuritySettings:
    """``config/security.toml``; each key is documented in the file.

    Attributes:
        lockout_failures: Wrong passwords in a row that lock an account.
        lockout_minutes: How long the lock lasts.
        session_idle_minutes: An idle session is signed out after this long.
        session_max_hours: Any session is signed out after this long.
        min_password_length: Shortest password allowed.
        header_enabled: Whether the trusted header signs users in.
        header: The header naming the account.
        proxies: Addresses allowed to set it.
        oidc_enabled: Whether Streamlit's OIDC login is offered.
        oidc_claim: The identity token's claim naming the account.
    """

    lockout_failures: int = 5
    lockout_minutes: int = 15
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    min_password_length: int = 10
    header_enabled: bool = False
    header: str = "X-Remote-User"
    proxies: tuple[str, ...] = ("127.0.0.1",)
    oidc_enabled: bool = False
    oidc_claim: str = "email"


def parse_security(raw: Mapping[str, Any]) -> SecuritySettings:
    """Check ``config/security.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "security.toml") as top:
        with top.table("sign_in") as sign:
            counts = {k: sign.value(k, int) for k in (
                "lockout_failures", "lockout_minutes", "session_idle_minutes",
                "session_max_hours", "min_password_length")}
        with top.table("trusted_header") as head:
            header = (head.value("enabled", bool), head.value("header", str),
                      tuple(str(p) for p in head.raw("proxies")))
        with top.table("oidc") as oidc:
            openid = (oidc.value("enabled", bool), oidc.value("claim", str))
    if min(counts.values()) < 1:
        raise ConfigError(f"security.toml [sign_in]: every value must be ≥ 1: {counts}")
    return SecuritySettings(**counts, header_enabled=header[0], header=header[1],
                            proxies=header[2], oidc_enabled=openid[0], oidc_claim=openid[1])
