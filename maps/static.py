"""Maps as images, drawn on the server: the briefing's maps and the meeting pack's slides.

The townships in their class colours (the four colours, grey for 数据不足, hatched grey for
无数据), their names, a legend, a scale bar in metres, a north arrow, the title, the data
date and the demo notice. matplotlib's object interface only (no ``pyplot`` state); the
Chinese font is the system's (``fonts-noto-cjk``, installed by the make targets).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path

from domain.briefing import DEMO_NOTICE
from domain.coords import utm_crs
from domain.settings.risk import LAYERS
from maps.style import NO_DATA_COLOUR, RISK_COLOURS

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC", "SimHei",
                "Microsoft YaHei")
"""Fonts with Chinese glyphs, the first found is used."""
MAX_DPI = 300
"""The finest resolution the images are drawn for (``config/brief.toml`` map_dpi ≤ this
draws every visible detail)."""
LABEL_LIMIT = 80
"""Townships named on a map image up to this many (a province's 1,500 names are unreadable
and took most of the drawing time)."""
HATCH = "////"
"""无数据: grey hatched, as on the web maps; never one of the four colours."""


@dataclass(frozen=True)
class StaticText:
    """What a map image says: title, lines under it (county, data date), legend, notice."""

    title: str
    lines: tuple[str, ...]
    legend_title: str
    class_labels: Mapping[str, str]
    demo_label: str | None = None


CJK_SERIF_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "FangSong", "SimSun")


def cjk_family() -> str:
    """Return the family of the first installed font with Chinese glyphs.

    Raises:
        RuntimeError: None is installed (the make targets install ``fonts-noto-cjk``).
    """
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    raise RuntimeError("没有中文字体 no Chinese font: install fonts-noto-cjk (make run does)")


def cjk_font_file(serif: bool = False) -> str:
    """Return the file of the font ``cjk_family`` names (for embedding in a PDF).

    ``serif``: a Chinese serif (宋体-like, for a document's body text) where one is
    installed (``fonts-noto-cjk`` brings Noto Serif CJK), else the same font.
    """
    names = {f.name for f in font_manager.fontManager.ttflist}
    serifs = [f for f in CJK_SERIF_FAMILIES if f in names] if serif else []
    family = serifs[0] if serifs else cjk_family()
    faces = [f for f in font_manager.fontManager.ttflist if f.name == family]
    regular = [f for f in faces if f.weight in (400, "normal", "regular") and f.style == "normal"]
    return (regular or faces)[0].fname


def document_fonts() -> tuple[str, str]:
    """Return the font files of a printed document: headings and tables (sans), body (serif)."""
    return cjk_font_file(), cjk_font_file(serif=True)


def _path(polygon: shapely.Polygon) -> Path:
    """A polygon with its holes as one matplotlib path."""
    rings = [polygon.exterior, *polygon.interiors]
    return Path.make_compound_path(*(Path(np.asarray(r.coords)[:, :2], closed=True)
                                     for r in rings))


def _patches(geometry: shapely.Geometry) -> list[Path]:
    return [_path(p) for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon)]


def _nice_length(width_m: float) -> float:
    """A round scale-bar length near a fifth of the map's width (1, 2 or 5 × 10^n m)."""
    target = width_m / 5
    power = 10 ** np.floor(np.log10(target))
    return float(max(s * power for s in (1, 2, 5) if s * power <= target))


def _scale_bar(ax, bounds: Sequence[float]) -> None:
    minx, miny, maxx, _ = bounds
    length = _nice_length(maxx - minx)
    x0, y0 = minx + (maxx - minx) * 0.04, miny + (maxx - minx) * 0.03
    ax.plot([x0, x0 + length], [y0, y0], color="#111", linewidth=3, solid_capstyle="butt")
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0 + length / 2, y0, text, ha="center", va="bottom", fontsize=9)


def _north_arrow(ax, family: str) -> None:
    ax.annotate("北 N", xy=(0.95, 0.97), xytext=(0.95, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold", family=family,
                arrowprops={"facecolor": "#111", "width": 4, "headwidth": 12})


def class_map(towns: gpd.GeoDataFrame, classes: Mapping[str, str], text: StaticText, *,
              size_in: tuple[float, float] = (8.0, 7.0)) -> Figure:
    """Return the townships coloured by ``classes`` (township code → class) as a figure.

    The legend holds the four colours, and 数据不足 / 无数据 when a township is so.

    ``towns`` has ``township_code``, ``township_name`` and polygons in WGS 84. A township
    missing from ``classes`` is 无数据. Drawn in the UTM zone of the county (metres).
    """
    family = cjk_family()
    shown = towns.to_crs(utm_crs(towns))
    bounds = shown.total_bounds
    # half a pixel of the image: finer detail cannot show, and a province's surveyed
    # borders drew for minutes (matplotlib walks every vertex of every patch)
    step = (bounds[2] - bounds[0]) / (size_in[0] * MAX_DPI) / 2
    shown = shown.set_geometry(shapely.simplify(np.asarray(shown.geometry.values), step))
    fig = Figure(figsize=size_in)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.84))
    klass = [classes.get(code, "无数据") for code in shown["township_code"]]
    for hatched in (False, True):
        paths, colours, codes = [], [], []
        for geometry, code, k in zip(shown.geometry, shown["township_code"], klass,
                                     strict=True):
            if (k == "无数据") != hatched:
                continue
            parts = _patches(geometry)
            paths += parts
            codes += [code] * len(parts)
            colours += [RISK_COLOURS.get(k, NO_DATA_COLOUR if k == "数据不足" else "#e6e6e6")
                        ] * len(parts)
        layer = PathCollection(paths, facecolors=colours, edgecolors="#333", linewidths=0.6,
                               hatch=HATCH if hatched else None)
        layer.set_urls(codes)  # each shape's township, for whoever checks the drawing
        layer.set_gid("nodata" if hatched else "townships")
        ax.add_collection(layer, autolim=False)
    labelled = shown if len(shown) <= LABEL_LIMIT else shown.iloc[:0]
    for point, name in zip(labelled.representative_point(), labelled["township_name"],
                           strict=True):
        ax.text(point.x, point.y, str(name), ha="center", va="center", fontsize=8,
                family=family, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                                     "alpha": 0.6})
    pad = (bounds[2] - bounds[0]) * 0.03
    ax.set_xlim(bounds[0] - pad, bounds[2] + pad)
    ax.set_ylim(bounds[1] - pad * 3, bounds[3] + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax, bounds)
    _north_arrow(ax, family)
    present = {classes.get(k, "无数据") for k in shown["township_code"]}
    used = [*RISK_COLOURS, *(c for c in ("数据不足", "无数据") if c in present)]
    ax.legend(handles=[_swatch(c, text.class_labels.get(c, c)) for c in used],
              title=text.legend_title, loc="lower right", prop={"family": family, "size": 9},
              title_fontproperties={"family": family, "size": 10, "weight": "bold"},
              framealpha=0.92)
    fig.text(0.5, 0.965, text.title, ha="center", va="center", fontsize=15,
             fontweight="bold", family=family)
    under = "  ·  ".join(text.lines)
    fig.text(0.5, 0.915, under, ha="center", va="center", fontsize=10, family=family)
    if text.demo_label:
        fig.text(0.5, 0.88, text.demo_label, ha="center", va="center", fontsize=11,
                 color="#b30000", fontweight="bold", family=family)
    return fig


def _swatch(klass: str, label: str) -> Patch:
    colour = RISK_COLOURS.get(klass, NO_DATA_COLOUR if klass == "数据不足" else "#e6e6e6")
    return Patch(facecolor=colour, edgecolor="#333", hatch=HATCH if klass == "无数据" else None,
                 label=label)


def png_bytes(fig: Figure, dpi: int) -> bytes:
    """Return the figure as a PNG."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


MAP_TITLES = {"composite": "综合风险", "geohazard": "地质灾害风险", "forest_fire": "森林火灾风险",
              "road": "道路交通风险", "ledger": "隐患台账风险"}
CLASS_LABELS = {c: c for c in (*RISK_COLOURS, "数据不足", "无数据")}


def layer_maps(towns: gpd.GeoDataFrame, classes: Mapping[str, Mapping[str, str]], *,
               lines: tuple[str, ...], notice: str | None, dpi: int) -> dict[str, bytes]:
    """Return a PNG map per layer: ``classes`` maps a layer key to its township classes."""
    return {layer: png_bytes(class_map(towns, by_town, StaticText(
                MAP_TITLES[layer], lines, "风险等级", CLASS_LABELS, notice)), dpi)
            for layer, by_town in classes.items()}


def briefing_maps(towns: gpd.GeoDataFrame, scores: pd.DataFrame, *, county: str | None,
                  as_of: pd.Timestamp, demo: bool, dpi: int) -> dict[str, bytes]:
    """Return the briefing's maps: the composite and every layer, from the engine's scores.

    ``scores`` has a ``<layer>_class`` column per layer, indexed by township code.
    """
    lines = tuple(x for x in (county, f"数据截至 {as_of:%Y-%m-%d}") if x)
    classes = {k: scores[f"{k}_class"].to_dict() for k in ("composite", *LAYERS)}
    return layer_maps(towns, classes, lines=lines, notice=DEMO_NOTICE if demo else None,
                      dpi=dpi)
