"""The meeting briefing's settings, checked and typed (``config/brief.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import ConfigError
from domain.settings.reader import Section


@dataclass(frozen=True)
class BriefingSettings:
    """``config/brief.toml``; each key is documented in the file.

    Attributes:
        issuer: The issuing body printed under the title.
        title: The briefing's title (after the county's name).
        meeting_interval_days: Without ``--since``, compare with the last kept scoring at
            least this many days before the as-of date.
        budget_wan: The priority list's budget (万元).
        top_rows: Rows of the longest lists.
        map_dpi: Resolution of the map images.
    """

    issuer: str = "县安全生产委员会办公室"
    title: str = "全县安全风险形势通报"
    meeting_interval_days: int = 90
    budget_wan: float = 200.0
    top_rows: int = 20
    map_dpi: int = 200


def parse_briefing(raw: Mapping[str, Any]) -> BriefingSettings:
    """Check ``config/brief.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "brief.toml") as top:
        out = BriefingSettings(
            issuer=top.value("issuer", str), title=top.value("title", str),
            meeting_interval_days=top.value("meeting_interval_days", int),
            budget_wan=top.value("budget_wan", float), top_rows=top.value("top_rows", int),
            map_dpi=top.value("map_dpi", int))
    if out.meeting_interval_days < 0 or out.budget_wan < 0 or out.top_rows < 1 \
            or not 50 <= out.map_dpi <= 600:
        raise ConfigError("brief.toml: meeting_interval_days and budget_wan must be ≥ 0, "
                          "top_rows ≥ 1, map_dpi between 50 and 600")
    return out
