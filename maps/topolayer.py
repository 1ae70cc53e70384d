"""Leaflet layers drawn from a topology with levels of detail (``maps/static/rm-topo.js``).

``DetailSource`` puts a layer's level 0 in the page once; any number of ``TopoLayer`` draw
its features with their own properties (the meeting screen's four township layers share one
source). Properties are the page's own values and escaped text (tooltips are HTML escaped
where they are made); they are written into the script as JSON with ``<``, ``>`` and ``&``
escaped, so no text can close the script.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from domain.settings.maps import TileSettings
from maps.detail import Detail, as_drawn
from maps.offline import AssetUrls
from maps.tiles import for_display

STATIC = Path(__file__).parent / "static"
"""The folder of ``rm-topo.js`` (served by the app: ``ui.assets``)."""


def script_json(value: object) -> str:
    """Return ``value`` as JSON safe inside a ``<script>``: no ``<``, ``>`` or ``&``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class DetailSource(JSCSSMixin, MacroElement):
    """A layer's shapes for the map: level 0, and where its finer levels are fetched from."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = rmTopo.source({{ this._parent.get_name() }},"
        " {{ this.spec }}, {{ this.base }});"
        "{% endmacro %}")

    def __init__(self, detail: Detail, levels_url: str) -> None:
        """Draw ``detail``; its finer levels are fetched from ``levels_url``."""
        super().__init__()
        self._name = "DetailSource"
        self.detail = detail
        self.default_js = [("rm_topo", "rm-topo.js")]  # made the app's URL by maps.offline
        self.spec = script_json(detail.spec)
        self.base = json.dumps(levels_url)


class TopoLayer(Layer):
    """The features of a ``DetailSource``, styled from their properties.

    ``style`` (and ``hover``) are JavaScript object expressions in which ``p`` is the
    feature's properties; a ``tip`` property, when present, is the sticky tooltip (HTML
    escaped already).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson(null, {
          interactive: {{ this.interactive|tojson }},
          style: function (f) { var p = f.properties; return {{ this.style }}; },
          onEachFeature: function (f, l) {
            {%- if this.hover %}
            l.on({mouseover: function (e) { e.target.setStyle({{ this.hover }}); },
                  mouseout: function (e) { {{ this.get_name() }}.resetStyle(e.target); }});
            {%- endif %}
          }
        });
        {{ this.get_name() }}.addData({{ this.source }}.features({{ this.props }}));
        {%- if this.tips %}
        {{ this.get_name() }}.bindTooltip(function (l) { return l.feature.properties.tip; },
                                          {sticky: true, className: 'foliumtooltip'});
        {%- endif %}
        {{ this.source }}.add({{ this.get_name() }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, source: DetailSource, *, style: str, name: str,
                 props: Sequence[dict] | None = None, hover: str = "",
                 interactive: bool = True) -> None:
        """Draw ``source``'s features, feature ``i`` with ``props[i]`` (in its ids' order)."""
        super().__init__(name=name, control=False)
        self._name = "TopoLayer"
        self.source = source.get_name()
        self.props = script_json(list(props)) if props is not None else "null"
        self.tips = props is not None and any("tip" in p for p in props)
        self.style, self.hover, self.interactive = style, hover, interactive


def detail_source(frame: gpd.GeoDataFrame, detail: Detail | None, kind: str,
                  urls: AssetUrls, tiles: TileSettings | None,
                  ids: list | None = None) -> DetailSource:
    """Return the map's source of a layer: its ``detail`` when it is this frame's, as drawn.

    Another frame (a page's own, or the base moved for GCJ-02 tiles) is sent at level 0
    alone (``maps.detail.as_drawn``).
    """
    ids = list(range(len(frame))) if ids is None else ids
    shown = for_display(frame, tiles)
    if detail is None or shown is not frame or detail.ids != ids:
        detail = as_drawn(shown.geometry, kind, ids)
    return DetailSource(detail, urls.levels)
