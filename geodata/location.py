"""Where the data lives: a DuckDB file (one machine) or a PostgreSQL URL (a shared server).

``$RISKMAP_DB`` and every ``--db`` take either: a path (``data/riskmap.duckdb``) or
``postgresql://user@host:port/dbname``. A shared database keeps its evidence files in a
folder every app server mounts: ``$RISKMAP_FILES`` (default ``data/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DB_ENV = "RISKMAP_DB"
FILES_ENV = "RISKMAP_FILES"
DEFAULT_DB = Path("data") / "riskmap.duckdb"
POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class Database:
    """A database location, as given: a file path or a PostgreSQL URL.

    Attributes:
        text: The path or URL as given (a URL may carry a password: never show it).
    """

    text: str

    @property
    def is_postgres(self) -> bool:
        """Return whether this is a PostgreSQL server rather than a DuckDB file."""
        return urlsplit(self.text).scheme in POSTGRES_SCHEMES

    @property
    def path(self) -> Path:
        """Return the DuckDB file (for a PostgreSQL URL: ``ValueError``)."""
        if self.is_postgres:
            raise ValueError(f"{self} is a PostgreSQL database, not a file")
        return Path(self.text)

    def exists(self) -> bool:
        """Return whether the file exists (a server is taken to exist; opening it tells)."""
        return self.is_postgres or self.path.exists()

    @property
    def name(self) -> str:
        """Return a short name to show: the file name, or ``host:port/dbname``."""
        if not self.is_postgres:
            return self.path.name
        parts = urlsplit(self.text)
        return f"{parts.hostname or 'localhost'}{f':{parts.port}' if parts.port else ''}" \
               f"{parts.path or '/'}"

    @property
    def files_dir(self) -> Path:
        """Return the folder of the evidence files: beside the file, or ``$RISKMAP_FILES``."""
        if self.is_postgres:
            return Path(os.environ.get(FILES_ENV) or DEFAULT_DB.parent)
        return self.path.parent

    def __str__(self) -> str:
        """Return the location to show: a URL without its password."""
        if not self.is_postgres:
            return self.text
        parts = urlsplit(self.text)
        if parts.password is None:
            return self.text
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))


def database(given: str | Path | Database | None = None) -> Database:
    """Return the location ``given``, else ``$RISKMAP_DB``, else ``data/riskmap.duckdb``."""
    if isinstance(given, Database):
        return given
    if given is not None and str(given):
        return Database(str(given))
    return Database(os.environ.get(DB_ENV) or str(DEFAULT_DB))
