"""Point folium at Leaflet files served by the app itself, never at a CDN."""

from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import Element


@dataclass(frozen=True)
class AssetUrls:
    """Where the browser finds each asset, relative to the map's frame."""

    leaflet_js: str
    leaflet_css: str
    cluster_js: str = ""
    cluster_css: tuple[str, ...] = ()
    heat_js: str = ""
    topo_js: str = ""
    levels: str = ""
    """Where the finer levels of detail are fetched from (``maps.detail``)."""

    def for_map(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Return (default_js, default_css) for a folium Map."""
        return [("leaflet", self.leaflet_js)], [("leaflet_css", self.leaflet_css)]


def make_offline(element: Element, urls: AssetUrls) -> Element:
    """Replace the CDN assets of a map or plugin (and its children) with local ones."""
    if isinstance(element, folium.Map):
        element.default_js, element.default_css = urls.for_map()
    elif type(element).__name__ == "MarkerCluster":
        element.default_js = [("markerclusterjs", urls.cluster_js)]
        element.default_css = [(f"markercluster_{i}", href)
                               for i, href in enumerate(urls.cluster_css)]
    elif type(element).__name__ == "HeatMap":
        element.default_js = [("leaflet-heat.js", urls.heat_js)]
    elif type(element).__name__ == "DetailSource":
        element.default_js = [("rm_topo", urls.topo_js)]
    for child in getattr(element, "_children", {}).values():
        make_offline(child, urls)
    return element


def asset_urls(element: Element) -> list[str]:
    """Return every JS and CSS URL a map (and its children) asks the browser to load."""
    found = [src for _, src in getattr(element, "default_js", [])]
    found += [href for _, href in getattr(element, "default_css", [])]
    for child in getattr(element, "_children", {}).values():
        found += asset_urls(child)
    return found
