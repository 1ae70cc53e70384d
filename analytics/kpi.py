"""Headline figures for the KPI tiles of the overview (and the briefing, and the CLI)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from domain.rules import active_sites, is_closed, is_major, is_overdue

KPI_TABLES = ("hazard_ledger", "geohazard_sites", "relocation_sites")
KPI_SOURCE = {"hazards_found": "hazard_ledger", "rectification_rate": "hazard_ledger",
              "hazards_overdue": "hazard_ledger", "major_open": "hazard_ledger",
              "geohazard_sites": "geohazard_sites", "people_threatened": "geohazard_sites",
              "relocation_sites": "relocation_sites", "relocation_people": "relocation_sites"}
"""The table each headline figure counts: a table never loaded gives no figure, not 0."""
"""The tables the figures count (their versions key the cache)."""


def county_kpis(tables: Mapping[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, float]:
    """Return ledger, geohazard and relocation headline figures for the whole county."""
    ledger = tables["hazard_ledger"]
    closed = is_closed(ledger)
    major_open = ~closed & is_major(ledger)
    active = active_sites(tables["geohazard_sites"])
    reloc = tables["relocation_sites"]
    return {
        "hazards_found": len(ledger),
        "hazards_closed": int(closed.sum()),
        "rectification_rate": float(closed.mean() * 100) if len(ledger) else 0.0,
        "hazards_overdue": int(is_overdue(ledger, as_of).sum()),
        "major_open": int(major_open.sum()),
        "major_supervised": int((major_open & ledger["supervising_leader"].notna()).sum()),
        "geohazard_sites": len(active),
        "people_threatened": int(active["threatened_people"].sum()),  # NA counts nothing
        "relocation_sites": len(reloc),
        "relocation_people": int(reloc["people"].sum()),
    }
