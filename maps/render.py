"""Rendering folium elements without compiling their output as a template a second time.

branca's ``MacroElement.render`` wraps the text each element renders (a layer's script with
all its GeoJSON, names and tooltips) in a new ``Element``, which compiles it as a Jinja
template before placing it in the page. That costs a full Jinja parse of megabytes of data on
every rerun, and it evaluates any ``{{ … }}`` found in the data: a township named
``{{ 7*7 }}镇`` was drawn as ``49镇``. Here the rendered text is placed as it is; the page's
bytes are otherwise the same (tested).
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement


class RenderedText(Element):
    """Text already rendered, placed in the page as it is (never compiled again)."""

    def __init__(self, text: str) -> None:
        """Hold ``text`` for the page."""
        super().__init__()
        self._name = "RenderedText"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        del kwargs
        return self.text


def render_macro(self: MacroElement, **kwargs: Any) -> None:
    """Render a ``MacroElement``: what branca does, with ``RenderedText`` for the output."""
    figure = self.get_root()
    if not isinstance(figure, Figure):
        raise TypeError("cannot render an element that is not in a Figure")
    macros = self._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html),
                         ("script", figure.script)):
        macro = macros.get(part)
        if macro is not None:
            target.add_child(RenderedText(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


MacroElement.render = render_macro  # every folium layer renders through this
