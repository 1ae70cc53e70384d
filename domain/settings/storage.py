"""Limits on the files County Risk Map accepts, checked and typed (``config/storage.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.settings.reader import Section


@dataclass(frozen=True)
class BackupLimits:
    """How much a backup may unpack to, and how tightly a member may be packed.

    Attributes:
        max_unpacked_mb: All members together, unpacked (MB).
        max_ratio: Unpacked size over packed size of any one member over 1 MB.
    """

    max_unpacked_mb: float
    max_ratio: float


@dataclass(frozen=True)
class ReadLimits:
    """How much memory importing a file may take.

    Attributes:
        memory_mb: The most an import may be expected to need (MB).
        memory_per_byte: Memory an import takes per byte of file, by suffix (no dot).
    """

    memory_mb: float
    memory_per_byte: Mapping[str, float]

    def need_mb(self, size_mb: float, suffix: str) -> float:
        """Return the memory (MB) importing ``size_mb`` of a ``suffix`` file is expected to take."""
        per_byte = self.memory_per_byte.get(suffix, max(self.memory_per_byte.values()))
        return size_mb * per_byte


@dataclass(frozen=True)
class ImportChecks:
    """What an import checks a file's locations against.

    Attributes:
        outside_margin_m: A row farther than this (m) outside every township is outside.
        geometry_change_share: A township boundary replaced with an area change above this
            share (or by a repaired shape) needs to be asked for.
        overlap_error_share: Townships overlapping by more than this share of the smaller
            one's area is an error.
        sliver_width_m: Gaps between townships narrower than this (on average) are reported
            together in one line.
    """

    outside_margin_m: float = 1000.0
    geometry_change_share: float = 0.05
    overlap_error_share: float = 0.01
    sliver_width_m: float = 2.0


@dataclass(frozen=True)
class LockWait:
    """How long a process keeps trying a database file another process holds.

    Attributes:
        seconds: Give up (and say who holds it) after this long.
        every: Try again this often (seconds).
    """

    seconds: float = 60.0
    every: float = 0.05


@dataclass(frozen=True)
class StorageSettings:
    """``config/storage.toml``: the database lock, backup and import limits."""

    database: LockWait
    backup: BackupLimits
    read: ReadLimits
    checks: ImportChecks = ImportChecks()


def parse_storage(raw: Mapping[str, Any]) -> StorageSettings:
    """Check ``config/storage.toml`` as parsed and return it typed.

    Raises:
        ConfigError: A setting is missing, unknown or invalid; the message names it.
    """
    with Section(raw, "storage.toml") as top:
        with top.table("database") as d:
            database = LockWait(d.value("lock_wait_s", float), d.value("retry_every_s", float))
        with top.table("backup") as b:
            backup = BackupLimits(b.value("max_unpacked_mb", float), b.value("max_ratio", float))
        with top.table("import") as i:
            with i.table("memory_per_byte") as per:
                factors = {k: per.value(k, float) for k in per.names()}
            read = ReadLimits(i.value("memory_mb", float), factors)
            checks = ImportChecks(i.value("outside_margin_m", float),
                                  i.value("geometry_change_share", float),
                                  i.value("overlap_error_share", float),
                                  i.value("sliver_width_m", float))
    return StorageSettings(database, backup, read, checks)
