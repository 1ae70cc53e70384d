"""The spatial extension loads from the installed package, with no network at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import duckdb
import pytest

from domain.errors import StoreError
from geodata import duckdb_spatial
from geodata.store import Store

PROBE = textwrap.dedent("""
    import sys
    # The network must really be gone, or this test proves nothing: no interface but lo.
    lines = open("/proc/net/dev", encoding="ascii").read().splitlines()[2:]
    interfaces = {line.split(":")[0].strip() for line in lines}
    if interfaces - {"lo"}:
        sys.exit(f"the network is not cut: {sorted(interfaces)}")
    from geodata.store import Store
    with Store(sys.argv[1]) as store, store.transaction() as con:
        area = con.execute("SELECT ST_Area(ST_GeomFromText("
                           "'POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))'))").fetchone()[0]
        loaded = con.execute("SELECT loaded FROM duckdb_extensions() "
                             "WHERE extension_name = 'spatial'").fetchone()[0]
    print(area, loaded)
""")


def _offline_command(tmp_path: Path) -> list[str]:
    """Return the probe command inside a network namespace with no interfaces.

    As root a plain new namespace; otherwise one in a user namespace of its own. Where
    neither can be made the test fails: it never runs with the network left on.
    """
    cmd = [sys.executable, "-c", PROBE, str(tmp_path / "offline.duckdb")]
    unshare = shutil.which("unshare")
    assert unshare, "util-linux unshare is needed to cut the network in this test"
    return [unshare, "--net", *([] if os.geteuid() == 0 else ["--map-root-user"]), *cmd]


def test_extension_loads_with_network_unreachable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "http_proxy": "http://127.0.0.1:9",
           "https_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9", "PYTHONPATH": str(Path.cwd())}
    result = subprocess.run(_offline_command(tmp_path), env=env, capture_output=True,
                            text=True, timeout=120, cwd=Path.cwd(), check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["4.0", "True"]
    assert not (home / ".duckdb").exists(), "nothing may be installed into ~/.duckdb"


def test_missing_package_is_one_clear_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duckdb_spatial.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(StoreError) as err:
        duckdb_spatial.extension_file()
    message = str(err.value)
    assert f"pip install duckdb-extension-spatial=={duckdb.__version__}" in message
    assert message.count("\n") == 0


def test_version_mismatch_names_the_version(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setattr(duckdb_spatial.importlib.metadata, "version", lambda name: "0.0.1")
    with pytest.raises(StoreError, match=rf"0\.0\.1 does not match duckdb "
                                         rf"{duckdb.__version__}.*=={duckdb.__version__}"):
        Store(tmp_path / "x.duckdb")


def test_the_extension_is_trusted_only_once_checked_in_this_process() -> None:
    probe = textwrap.dedent("""
        from geodata.duckdb_spatial import connect_config
        from geodata.store import Store
        import sys
        before = connect_config()
        with Store(sys.argv[1]) as store:
            store.read("townships")  # a geometry table: the extension is loaded, checked
        print(before.get("allow_unsigned_extensions"), connect_config().get(
            "allow_unsigned_extensions"))
    """)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", probe, str(Path(tmp) / "x.duckdb")],
                             capture_output=True, text=True, check=True, cwd=Path.cwd(),
                             env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert out.stdout.split() == ["None", "true"]
