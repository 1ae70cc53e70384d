"""Load what the risk engine needs and keep what it computes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Collection

import pandas as pd

from geodata.schema import ENTITY_TABLES
from geodata.store import Store


def load_tables(store: Store) -> dict[str, pd.DataFrame]:
    """Return every entity table of ``store``, keyed by name."""
    return {name: store.read(name) for name in ENTITY_TABLES}


class LoadedTables:
    """Every entity table of one database as last read, each kept with its version.

    After a write only the tables it changed are read again (a province's ledger edit need
    not read 5 million monitoring readings again). The frames are shared, not copied.
    """

    def __init__(self) -> None:
        """Start with nothing read."""
        self._lock = threading.Lock()
        self._held: dict[str, tuple[str, pd.DataFrame]] = {}

    def current(self, store: Store, names: Collection[str] | None = None
                ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        """Return every entity table of ``store`` and its version, reading only what changed.

        The versions are those the frames were read at (``Store.versions``). ``names``:
        only these tables (the base map needs three of them).
        """
        # Versions first: a write landing between them and a read only causes one more read.
        versions = store.versions()
        if names is not None:
            versions = {name: versions[name] for name in names}
        with self._lock:
            for name, version in versions.items():
                held = self._held.get(name)
                if held is None or held[0] != version:
                    self._held[name] = (version, store.read(name))
            held = {name: self._held[name] for name in versions}
        return ({name: frame for name, (_, frame) in held.items()},
                {name: version for name, (version, _) in held.items()})


def reference_time(store: Store, *, day: bool = False) -> pd.Timestamp:
    """Return the time the data speaks for: the demo's own 'now', else the present minute.

    With ``day``, real data speaks for today (midnight) rather than the present minute.
    """
    stamp = store.meta().get("demo_as_of")
    if stamp:
        return pd.Timestamp(stamp)
    now = pd.Timestamp.now()
    return now.normalize() if day else now.floor("min")


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
