"""Keep what the risk engine computes: one stored run per scoring asked to be saved."""

from __future__ import annotations

import uuid

import pandas as pd

from geodata.store import Store


def save_scores(store: Store, long: pd.DataFrame, *, as_of: pd.Timestamp,
                method_version: str, config_hash: str,
                computed_at: pd.Timestamp | None = None) -> str:
    """Store one engine run (one row per township and layer); return its run ID."""
    when = (computed_at or pd.Timestamp.now()).floor("s")
    run_id = f"{when:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    rows = long.assign(run_id=run_id, computed_at=when, as_of=pd.Timestamp(as_of),
                       method_version=method_version, config_hash=config_hash)
    store.write("risk_scores", rows)
    return run_id
