"""Colours, legend and caption: plain HTML and CSS, readable on a projector."""

from __future__ import annotations

import json
from html import escape

import folium
from branca.element import MacroElement, Template

RISK_COLOURS: dict[str, str] = {"重大": "#d7191c", "较大": "#f97b1d", "一般": "#f5d10f",
                                "低": "#2c7bb6"}
"""The four risk colours (安全风险四色图): red, orange, yellow, blue."""
NO_DATA_COLOUR = "#bdbdbd"
"""Grey: a township not scored for want of enough data (数据不足)."""
NO_DATA_HATCH = "url(#rm-nodata)"
"""Grey hatched: a township with no data at all on the layer (无数据): the SVG pattern of
``HATCH_DEFS``; never a colour of the four."""
HATCH_CSS = "repeating-linear-gradient(45deg, #8c8c8c 0 3px, #e6e6e6 3px 8px)"
"""The same hatch in CSS, for the legend's swatch."""
HATCH_DEFS = (
    '<svg width="0" height="0" style="position:absolute"><defs>'
    '<pattern id="rm-nodata" patternUnits="userSpaceOnUse" width="8" height="8" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#e6e6e6"/>'
    '<rect width="3" height="8" fill="#8c8c8c"/></pattern></defs></svg>')
CLASS_COLOURS: dict[str, str] = {**RISK_COLOURS, "数据不足": NO_DATA_COLOUR,
                                 "无数据": NO_DATA_HATCH}
"""Every class a township can have on a layer: the four colours, and the two without a
score."""
WARNING_COLOURS: dict[int, str] = {1: "#d7191c", 2: "#f97b1d", 3: "#f5d10f", 4: "#2c7bb6"}
"""Geohazard warning levels 1 红 .. 4 蓝."""
NO_WARNING_COLOUR = "#ffffff"
UNKNOWN_COLOUR = "#8c8c8c"


def legend_html(title: str, items: list[tuple[str, str]]) -> str:
    """Return a legend box: a title and (colour, label) rows; labels are escaped."""
    rows = "".join(
        f'<div class="rm-legend-row"><span class="rm-swatch" style="background:'
        f'{HATCH_CSS if colour == NO_DATA_HATCH else colour}"></span>{escape(label)}</div>'
        for colour, label in items)
    return f'<div class="rm-legend"><div class="rm-legend-title">{escape(title)}</div>{rows}</div>'


HIGHLIGHT_COLOUR = "#00e5ff"
"""Outline of the township or site picked in a table or on the map (apart from every class)."""

_BOX_CSS = """
<style>
.rm-legend, .rm-caption { position: absolute; z-index: 1000; background: rgba(255,255,255,.92);
  border: 1px solid #555; border-radius: 6px; padding: 8px 12px; font-family: "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; color: #111; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.rm-legend { bottom: 24px; right: 12px; font-size: 15px; }
.rm-legend-title { font-weight: 700; margin-bottom: 4px; }
.rm-legend-row { display: flex; align-items: center; gap: 8px; line-height: 1.6; }
.rm-swatch { display: inline-block; width: 22px; height: 16px; border: 1px solid #333; }
.rm-caption { top: 10px; left: 56px; font-size: 14px; max-width: 60%; }
.rm-caption b { font-size: 17px; }
.rm-demo { color: #b30000; font-weight: 700; }
.leaflet-interactive:focus, .leaflet-container path:focus { outline: none; }
.rm-label { font: 600 13px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #111;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap; text-align: center; }
</style>
"""


class _Html(MacroElement):
    """Raw HTML placed over the map (legend, caption); the text in it is escaped already."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.getContainer()"
        ".insertAdjacentHTML('beforeend', {{ this.body_js }});"
        "{% endmacro %}")

    def __init__(self, body: str):
        super().__init__()
        self._name = "RiskMapHtml"
        self.body_js = json.dumps(_BOX_CSS + body)


def add_overlay(m: folium.Map, body: str) -> None:
    """Add HTML (already escaped) over the map, inside its container."""
    m.add_child(_Html(body))


def caption_html(title: str, lines: list[str], *, demo_label: str | None) -> str:
    """Return the caption box: title, data date and source lines, and the demo notice."""
    parts = [f"<b>{escape(title)}</b>"] + [f"<div>{escape(line)}</div>" for line in lines]
    if demo_label:
        parts.append(f'<div class="rm-demo">{escape(demo_label)}</div>')
    return f'<div class="rm-caption">{"".join(parts)}</div>'
