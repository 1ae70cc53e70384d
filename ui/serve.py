"""Start the app: ``python -m ui.serve [Streamlit options]`` (``make run``, docs/DEPLOY.md).

Streamlit's own ``streamlit run app.py``, with a warm-up beside it: while the server starts,
a thread imports the libraries the pages use and reads the database's kept results for the
as-of day into memory (``geodata.derived``: the simplified base map, the engine's result,
the headline figures), so that the first visitor after a start or restart finds them there.
Nothing is worked out by the warm-up: a result not kept yet is worked out by the first page
that needs it, and kept for the next start. A warm-up that fails costs only time: the log
says why.

The warm-up imports no module of ``ui``: those declare Streamlit components, which must be
declared once the server runs (the first page run imports them).
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time
from pathlib import Path

from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"
_LOG = logging.getLogger(__name__)
WARM_IMPORTS = ("maps.compose", "maps.overview", "maps.static", "analytics.engine",
                "analytics.brief_figures", "geodata.briefing", "altair")
"""What the pages import that takes seconds (folium, geopandas, matplotlib, python-docx,
Altair) and declares no Streamlit component."""


def warm() -> None:
    """Import the libraries, then read the database's kept results (never raises)."""
    started = time.perf_counter()
    try:
        for name in WARM_IMPORTS:
            importlib.import_module(name)
        from analytics.kpi import KPI_TABLES
        from geodata import derived
        from geodata.config import load_settings
        from geodata.snapshot import Snapshot
        from geodata.store import Store, database

        db = database()
        if not db.exists():
            return
        store = Store(db.text)
        snap = Snapshot.take(store, load_settings())
        keys = (derived.base_key(snap), derived.risk_key(snap),
                derived.figures_key(snap, KPI_TABLES))
        found = sum(derived.load(store, key) is not None for key in keys)
        print(f"预热 warm-up: {found}/{len(keys)} 项已保存的结果读入内存 kept results read "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)
    except Exception:
        _LOG.exception("warm-up failed; the first visit reads or works out what it needs")


def main(argv: list[str] | None = None) -> None:
    """Start the warm-up thread, then Streamlit on ``app.py`` with ``argv``'s options."""
    threading.Thread(target=warm, name="riskmap-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
