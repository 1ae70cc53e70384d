"""Load DuckDB's extensions (spatial, postgres) from installed PyPI packages, never the network."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import duckdb

from domain.errors import StoreError

PACKAGE = "duckdb-extension-spatial"
POSTGRES_PACKAGE = "duckdb-extension-postgres-scanner"
OFFLINE_CONFIG: dict[str, str] = {
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
}
"""Connection settings that stop DuckDB from fetching any extension by itself."""


def _install_hint(package: str) -> str:
    return f"pip install {package}=={duckdb.__version__}"


def _package_file(package: str, name: str) -> Path:
    """Return the extension file ``name`` shipped by the installed PyPI ``package``.

    Raises:
        StoreError: The package is missing, its version differs from duckdb's, or the file
            for this duckdb version is not inside it.
    """
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or spec.origin is None:
        raise StoreError(
            f"The DuckDB extension package {package} is not installed: run "
            f"`{_install_hint(package)}` (it must match duckdb {duckdb.__version__})."
        )
    version = importlib.metadata.version(package)
    if version != duckdb.__version__:
        raise StoreError(
            f"{package} {version} does not match duckdb {duckdb.__version__}: run "
            f"`{_install_hint(package)}`."
        )
    path = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / name
    if not path.is_file():
        raise StoreError(f"{package} {version} has no extension file at {path}: reinstall it "
                         f"with `{_install_hint(package)}`.")
    return path


def extension_file() -> Path:
    """Return the spatial extension file shipped by the installed package."""
    return _package_file(PACKAGE, "spatial.duckdb_extension")


def postgres_extension_file() -> Path:
    """Return the PostgreSQL extension file shipped by the installed package."""
    return _package_file(POSTGRES_PACKAGE, "postgres_scanner.duckdb_extension")


_VERIFIED: set[tuple[str, int, int]] = set()
"""The extension files (path, size, modification time) whose signature DuckDB has checked
in this process."""


def _identity(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns


def connect_config() -> dict[str, str]:
    """Return the settings of a new connection: offline, and trusting a checked extension.

    DuckDB checks the extension's signature on every load, which reads the whole 80 MB file
    (about 0.15 s); a connection is opened for every read or write. So the first load in a
    process is checked, and later connections load the same, unchanged file without the
    check again.
    """
    checked = _identity(extension_file()) in _VERIFIED
    return {**OFFLINE_CONFIG, **({"allow_unsigned_extensions": "true"} if checked else {})}


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """Load the spatial extension into ``con`` from the package file."""
    path = extension_file()
    con.load_extension(str(path))
    _VERIFIED.add(_identity(path))


def load_postgres(con: duckdb.DuckDBPyConnection) -> None:
    """Load the PostgreSQL extension into ``con`` from the package file."""
    con.load_extension(str(postgres_extension_file()))
