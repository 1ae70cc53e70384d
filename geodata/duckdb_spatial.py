"""Load DuckDB's spatial extension from the installed PyPI package, never from the network."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import duckdb

from domain.errors import StoreError

PACKAGE = "duckdb-extension-spatial"
OFFLINE_CONFIG: dict[str, str] = {
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
}
"""Connection settings that stop DuckDB from fetching any extension by itself."""


def _install_hint() -> str:
    return f"pip install {PACKAGE}=={duckdb.__version__}"


def extension_file() -> Path:
    """Return the spatial extension file shipped by the installed package.

    Raises:
        StoreError: The package is missing, its version differs from duckdb's, or the file
            for this duckdb version is not inside it.
    """
    spec = importlib.util.find_spec("duckdb_extension_spatial")
    if spec is None or spec.origin is None:
        raise StoreError(
            f"The DuckDB spatial extension package is not installed: run "
            f"`{_install_hint()}` (it must match duckdb {duckdb.__version__})."
        )
    version = importlib.metadata.version(PACKAGE)
    if version != duckdb.__version__:
        raise StoreError(
            f"{PACKAGE} {version} does not match duckdb {duckdb.__version__}: run "
            f"`{_install_hint()}`."
        )
    path = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}"
    path = path / "spatial.duckdb_extension"
    if not path.is_file():
        raise StoreError(f"{PACKAGE} {version} has no extension file at {path}: reinstall it "
                         f"with `{_install_hint()}`.")
    return path


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
