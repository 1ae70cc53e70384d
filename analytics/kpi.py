"""Headline figures for the KPI tiles of the overview."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def county_kpis(tables: Mapping[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, float]:
    """Return ledger, geohazard and relocation headline figures for the whole county."""
    ledger = tables["hazard_ledger"]
    closed = ledger["hazard_status"] == "已销号"
    open_ = ~closed
    major_open = open_ & (ledger["hazard_level"] == "重大")
    sites = tables["geohazard_sites"]
    active = sites[sites["site_status"] == "在册"]
    reloc = tables["relocation_sites"]
    return {
        "hazards_found": len(ledger),
        "hazards_closed": int(closed.sum()),
        "rectification_rate": float(closed.mean() * 100) if len(ledger) else 0.0,
        "hazards_overdue": int((open_ & (ledger["deadline"] < as_of.normalize())).sum()),
        "major_open": int(major_open.sum()),
        "major_supervised": int((major_open & ledger["supervising_leader"].notna()).sum()),
        "geohazard_sites": len(active),
        "people_threatened": int(active["threatened_people"].fillna(0).sum()),
        "relocation_sites": len(reloc),
        "relocation_people": int(reloc["people"].fillna(0).sum()),
    }
