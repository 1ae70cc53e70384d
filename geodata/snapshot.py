"""What one rerun of a page, or one command, works from: a snapshot, taken once.

A ``Snapshot`` holds the store, the version of each table it covers, the as-of day and time
(``domain.asof``: one rule for every page and command), the settings and the metadata. The
page chrome takes one per rerun (``ui.chrome.snapshot``) and the command line one per command
(``riskmap.cli``); everything below takes it. It is the only cache key: ``key`` names the
database, the versions of the tables covered, the as-of day and the settings, and ``only``
narrows it to the tables a result depends on, so that a ledger edit leaves the base map's
key (and cache) as it was.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from domain.asof import reference_times
from domain.rules import township_names
from domain.schema import ENTITY_TABLES
from domain.settings import Settings
from geodata.store import Store


class LoadedTables:
    """Every entity table of one database as last read, each kept with its version.

    After a write only the tables it changed are read again (a province's ledger edit need
    not read 5 million monitoring readings again). The frames are shared, not copied: no one
    may modify them (``tests/test_pages.py`` checks that no page does).
    """

    def __init__(self) -> None:
        """Start with nothing read."""
        self._lock = threading.Lock()
        self._held: dict[str, tuple[str, pd.DataFrame]] = {}

    def read(self, store: Store, versions: Mapping[str, str]) -> dict[str, pd.DataFrame]:
        """Return the tables named in ``versions``, reading those not held at that version.

        A table read now may be newer than its version says (a write landing between the
        versions and the read); it is then read once more on the next snapshot.
        """
        with self._lock:
            stale = [name for name, version in versions.items()
                     if self._held.get(name, ("",))[0] != version]
            if stale:
                with store.session():  # one opening of the file for all of them
                    for name in stale:
                        self._held[name] = (versions[name], store.read(name))
            return {name: self._held[name][1] for name in versions}


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The store, its table versions, the as-of day and time, and the settings of one run.

    Attributes:
        store: The database.
        versions: The version of each table covered (``Store.versions``).
        as_of: The end of the reference day (``domain.asof``).
        now: The reference time, for what runs by the hour.
        settings: Every configuration file, typed.
        meta: The database's metadata (data set label, demo marker).
        loaded: Where tables are read through (shared by the runs of one database).
    """

    store: Store
    versions: Mapping[str, str]
    as_of: pd.Timestamp
    now: pd.Timestamp
    settings: Settings
    meta: Mapping[str, str]
    loaded: LoadedTables = field(default_factory=LoadedTables, repr=False)

    @classmethod
    def take(cls, store: Store, settings: Settings, *, given: object = None,
             loaded: LoadedTables | None = None,
             clock: pd.Timestamp | None = None) -> Snapshot:
        """Return the snapshot of ``store`` now (two queries: counts and metadata).

        ``given``: the day or time the user chose, if any (``domain.asof``).
        """
        with store.session():  # one opening of the file for both
            meta = store.meta()
            versions = store.versions(meta)
        as_of, now = reference_times(meta.get("demo_as_of"), given, clock=clock)
        return cls(store, versions, as_of, now, settings, meta, loaded or LoadedTables())

    @property
    def key(self) -> Hashable:
        """Return what identifies this snapshot's data: database, versions, day, settings."""
        return (self.store.db.text, tuple(sorted(self.versions.items())), self.as_of,
                self.settings.digest)

    @property
    def data_version(self) -> str:
        """Return a short fingerprint of the entity tables' versions (a kept scoring's)."""
        text = repr(sorted((n, v) for n, v in self.versions.items() if n in ENTITY_TABLES))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def only(self, *names: str) -> Snapshot:
        """Return the snapshot of only the tables ``names`` (its key names only theirs)."""
        return replace(self, versions={name: self.versions[name] for name in names})

    def tables(self, names: Collection[str] | None = None) -> dict[str, pd.DataFrame]:
        """Return the tables covered (or ``names`` of them), shared: never modify them."""
        wanted = self.versions if names is None else {n: self.versions[n] for n in names}
        return self.loaded.read(self.store, wanted)

    def table(self, name: str) -> pd.DataFrame:
        """Return one table (shared: never modify it)."""
        return self.tables((name,))[name]

    @property
    def demo(self) -> bool:
        """Return whether the database holds the fictional demo county."""
        return self.meta.get("dataset") == "demo"

    @property
    def dataset_label(self) -> str:
        """Return the data set's label (the county's name), empty when it has none."""
        return self.meta.get("dataset_label", "")

    def label(self, lang: str = "zh") -> str:
        """Return the data set's label in ``lang`` (the stored one when it has no English)."""
        english = self.meta.get("dataset_label_en", "") if lang == "en" else ""
        return english or self.dataset_label

    def township_names(self) -> dict[str, str]:
        """Return {township code: name} of the stored townships."""
        return township_names(self.table("townships"))

    def counts(self) -> dict[str, int]:
        """Return the row count of every entity table covered (from its version)."""
        return {name: int(version.split(":", 1)[0]) for name, version in self.versions.items()
                if name in ENTITY_TABLES}
