"""Serve Leaflet and its plugins from installed packages, so maps need no internet.

Leaflet and MarkerCluster come from the ``xstatic-leaflet*`` packages, Leaflet.heat from the
copy folium ships in its ``templates`` folder.

Each asset folder is declared as a Streamlit component: Streamlit then serves its files, with
their proper types, under ``/component/<name>/``. The map frame lives at
``/component/streamlit_folium.st_folium/``, so a relative ``../<name>/`` reaches them.
"""

from __future__ import annotations

from pathlib import Path

import folium
import streamlit.components.v1 as components
import xstatic.pkg.leaflet as leaflet
import xstatic.pkg.leaflet_markercluster as cluster

from maps.offline import AssetUrls

_LEAFLET = components.declare_component("leaflet", path=leaflet.BASE_DIR)
_CLUSTER = components.declare_component("markercluster", path=cluster.BASE_DIR)
_FOLIUM = components.declare_component("folium_js",
                                       path=str(Path(folium.__file__).parent / "templates"))


def _base(component: object) -> str:
    return f"../{component.name}/"  # type: ignore[attr-defined]


def asset_urls() -> AssetUrls:
    """Return where the map frame loads Leaflet and its plugins from."""
    lf, mc = _base(_LEAFLET), _base(_CLUSTER)
    return AssetUrls(leaflet_js=lf + "leaflet.js", leaflet_css=lf + "leaflet.css",
                     cluster_js=mc + "leaflet.markercluster.js",
                     cluster_css=(mc + "MarkerCluster.css", mc + "MarkerCluster.Default.css"),
                     heat_js=_base(_FOLIUM) + "leaflet_heat.min.js")
