"""Serve Leaflet and its plugins from installed packages, so maps need no internet.

Leaflet and MarkerCluster come from the ``xstatic-leaflet*`` packages, Leaflet.heat from the
copy folium ships in its ``templates`` folder.

Each asset folder is declared as a Streamlit component: Streamlit then serves its files, with
their proper types, under ``/component/<name>/``. The map frame lives at
``/component/streamlit_folium.st_folium/``, so a relative ``../<name>/`` reaches them.

The maps' own script (``maps/static/rm-topo.js``) is served the same way, and so are the
finer levels of detail of the base map (``maps.detail``): written by ``publish_levels`` into a
folder of this process's own (made at start, removed at exit), named by a hash of the shapes.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import folium
import streamlit.components.v1 as components
import xstatic.pkg.leaflet as leaflet
import xstatic.pkg.leaflet_markercluster as cluster

from maps.offline import AssetUrls
from maps.topolayer import STATIC

_LEVELS_DIR = Path(tempfile.mkdtemp(prefix="riskmap-levels-"))
atexit.register(shutil.rmtree, _LEVELS_DIR, ignore_errors=True)
_LEVEL_NAME = re.compile(r"[0-9a-f]{20}/([0-9]+-[0-9]+-[0-9]+|index)\.json")
"""What a level file is called (``maps.detail``): nothing else is written."""

_LEAFLET = components.declare_component("leaflet", path=leaflet.BASE_DIR)
_CLUSTER = components.declare_component("markercluster", path=cluster.BASE_DIR)
_FOLIUM = components.declare_component("folium_js",
                                       path=str(Path(folium.__file__).parent / "templates"))
_TOPO = components.declare_component("maptopo", path=str(STATIC))
_TOPO_VERSION = hashlib.sha256((STATIC / "rm-topo.js").read_bytes()).hexdigest()[:12]
"""In the script's URL: a browser holding an older copy fetches this one after an upgrade."""
_LEVELS = components.declare_component("maplevels", path=str(_LEVELS_DIR))


def _base(component: object) -> str:
    return f"../{component.name}/"  # type: ignore[attr-defined]


def asset_urls() -> AssetUrls:
    """Return where the map frame loads Leaflet and its plugins from."""
    lf, mc = _base(_LEAFLET), _base(_CLUSTER)
    return AssetUrls(leaflet_js=lf + "leaflet.js", leaflet_css=lf + "leaflet.css",
                     cluster_js=mc + "leaflet.markercluster.js",
                     cluster_css=(mc + "MarkerCluster.css", mc + "MarkerCluster.Default.css"),
                     heat_js=_base(_FOLIUM) + "leaflet_heat.min.js",
                     topo_js=f"{_base(_TOPO)}rm-topo.js?v={_TOPO_VERSION}",
                     levels=_base(_LEVELS))


def publish_levels(files: Mapping[str, bytes]) -> int:
    """Write level files where the maps fetch them; return how many were new.

    Each is written whole under another name and then renamed, so a browser never reads
    half a file. Names are checked against what ``maps.detail`` makes.
    """
    new = 0
    for name, data in files.items():
        if not _LEVEL_NAME.fullmatch(name):
            raise ValueError(f"not a level file name: {name!r}")
        target = _LEVELS_DIR / name
        if target.exists():
            continue
        target.parent.mkdir(exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(target)
        new += 1
    return new
