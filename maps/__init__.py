"""Folium maps built from GeoDataFrames: pure functions, no Streamlit, no I/O.

Every map loads Leaflet from the app's own server (``maps.offline``), draws no web tiles
unless configured, and escapes every user-entered text it shows.
"""

from maps import render as _render  # noqa: F401  (renders layers without re-templating)
