"""The throwaway PostgreSQL + PostGIS cluster of a test run, and a database per test.

``make test`` starts one cluster (``scripts/throwaway-postgres.sh``) and names it in
``$RISKMAP_TEST_PG``; a run without it (pytest called directly) starts its own for each test
process and removes it at the end. Without PostgreSQL installed the PostgreSQL tests fail
(they never skip): ``make install-test`` installs it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from geodata.connection import forget

ENV = "RISKMAP_TEST_PG"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "throwaway-postgres.sh"
EMPTY_TEMPLATE = "riskmap_empty"
"""A database with PostGIS and the current schema, copied for each test that needs one."""


@contextmanager
def cluster() -> Iterator[str]:
    """Yield the URL of the run's cluster (``$RISKMAP_TEST_PG``, or one started now)."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="riskmap-pg-"))
    started = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True,
                             text=True, check=False)
    if started.returncode != 0:
        raise RuntimeError(f"cannot start PostgreSQL for the tests: {started.stderr}")
    try:
        yield started.stdout.split()[-1]
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], capture_output=True, check=False)


def with_name(url: str, name: str) -> str:
    """Return ``url`` naming the database ``name`` instead."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin(url: str, *statements: str) -> None:
    """Run ``statements`` one by one, outside any transaction, on the server of ``url``."""
    for statement in statements:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", with_name(url, "postgres"),
                        "-c", statement], check=True, capture_output=True)


def copy_of(url: str, template: str) -> str:
    """Create a new database copying ``template``; return its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin(url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return with_name(url, name)


def drop(url: str) -> None:
    """Close this process's connections to the database of ``url`` and drop it."""
    forget(url)
    name = urlsplit(url).path.lstrip("/")
    admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_template(url: str, name: str) -> str:
    """Create an empty database ``name`` with PostGIS (dropping one left over); its URL."""
    admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    target = with_name(url, name)
    subprocess.run(["psql", "-q", "-d", target, "-c", "CREATE EXTENSION IF NOT EXISTS postgis"],
                   check=True, capture_output=True)
    return target


def seal(url: str) -> None:
    """Close this process's connections to a template, so that it can be copied."""
    forget(url)
