"""Charts, Vega-Lite drawn locally: readings with warning thresholds, lines over time.

Time axes are written in the page's language (``11月2日``, ``Nov 2``), never in the
browser's English month names. Thresholds far above the readings are not drawn (they would
flatten the line); the chart says which were left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from analytics.warning import gauge_series, growth, thresholds_for
from domain.schema import Lang
from maps.style import WARNING_COLOURS

DAY_FORMAT = {"zh": "%-m月%-d日", "en": "%b %-d"}
MONTH_FORMAT = {"zh": "%Y年%-m月", "en": "%b %Y"}
THRESHOLD_REACH = 3.0
HEADROOM = 1.15
"""A threshold is drawn when it is at most this many times the largest reading shown."""


def _time_axis(lang: Lang, *, months: bool = False) -> alt.Axis:
    return alt.Axis(format=(MONTH_FORMAT if months else DAY_FORMAT)[lang], labelAngle=0)


def shown_limits(limits: Sequence[float], peak: float) -> list[int]:
    """Return the positions of ``limits`` close enough to ``peak`` to draw without flattening.

    The lowest threshold is always kept, so the chart shows how far the reading is from it.
    """
    reach = max(peak, 0.0) * THRESHOLD_REACH
    keep = [i for i, v in enumerate(limits) if v <= reach]
    lowest = min(range(len(limits)), key=lambda i: limits[i])
    return sorted(set(keep) | {lowest})


def _rules(limits: Sequence[float], names: Mapping[int, str], peak: float
           ) -> tuple[alt.Chart, alt.Chart]:
    """Return the thresholds near the readings: dashed lines in the level colours, named.

    The value axis reaches a step (``HEADROOM``) above the highest line drawn, reading or
    threshold, so no threshold lies on the chart's top edge where it cannot be told apart.
    """
    levels = (4, 3, 2, 1)
    keep = shown_limits(list(limits), peak)
    frame = pd.DataFrame({"limit": [limits[i] for i in keep],
                          "level": [names[levels[i]] for i in keep]})
    scale = alt.Scale(domain=[names[levels[i]] for i in keep],  # the legend: drawn ones only
                      range=[WARNING_COLOURS[levels[i]] for i in keep])
    top = max([peak, *frame["limit"]]) * HEADROOM
    rules = alt.Chart(frame).mark_rule(strokeDash=[6, 4], strokeWidth=2).encode(
        y="limit:Q",
        color=alt.Color("level:N", scale=scale, title=None, legend=alt.Legend(orient="top")),
        tooltip=["level:N", "limit:Q"])
    # An invisible mark at the top: the axis's data reach it (a scale's domainMax was not
    # honoured once the layers' scales were merged: a threshold still lay on the top edge).
    headroom = alt.Chart(pd.DataFrame({"limit": [top]})).mark_point(opacity=0).encode(
        y="limit:Q")
    return rules, headroom


def _line(frame: pd.DataFrame, y: str, title: str, lang: Lang) -> alt.Chart:
    return alt.Chart(frame).mark_line(point=len(frame) < 60, color="#1f4e79").encode(
        x=alt.X("reading_time:T", title=None, axis=_time_axis(lang)),
        y=alt.Y(f"{y}:Q", title=title),
        tooltip=[alt.Tooltip("reading_time:T", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip(f"{y}:Q", format=".2f")])


def reading_chart(rows: pd.DataFrame, title: str, lang: Lang) -> alt.Chart:
    """Return the readings of one kind over time."""
    frame = rows[["reading_time", "value"]].sort_values("reading_time")
    return _line(frame, "value", title, lang).properties(height=160)


def growth_chart(rows: pd.DataFrame, limits: Sequence[float], names: Mapping[int, str],
                 title: str, lang: Lang = "zh") -> alt.LayerChart:
    """Return the change per day of one kind of reading with its thresholds."""
    frame = growth(rows)
    peak = float(frame["rate"].max()) if len(frame) else 0.0
    return alt.layer(_line(frame, "rate", title, lang), *_rules(limits, names, peak)
                     ).properties(height=200)


def rain_chart(rows: pd.DataFrame, site: pd.Series, settings: Mapping[str, Any],
               names: Mapping[int, str], title: str, lang: Lang = "zh") -> alt.LayerChart:
    """Return a gauge's daily rain (bars) and effective rain (line) with the site's thresholds."""
    frame = gauge_series(rows, settings)
    limits = thresholds_for(site.to_frame().T, settings).iloc[0][["t4", "t3", "t2", "t1"]]
    bars = alt.Chart(frame).mark_bar(color="#6baed6").encode(
        x=alt.X("reading_time:T", title=None, axis=_time_axis(lang)),
        y=alt.Y("daily:Q", title=title))
    peak = float(frame[["daily", "effective"]].max().max()) if len(frame) else 0.0
    return alt.layer(bars, _line(frame, "effective", title, lang),
                     *_rules(limits.tolist(), names, peak)).properties(height=220)


def lines_spec(frame: pd.DataFrame, lang: Lang = "zh", *, months: bool = False
               ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Return ``frame`` (one column per line, time as index) as rows and a line chart spec.

    For ``st.vega_lite_chart``, which skips Altair's schema validation (half the time of
    ``st.line_chart`` on every rerun).
    """
    long = frame.rename_axis("time").reset_index().melt("time", var_name="series",
                                                        value_name="value")
    axis = {"format": (MONTH_FORMAT if months else DAY_FORMAT)[lang], "labelAngle": 0}
    spec = {"mark": {"type": "line", "tooltip": True}, "encoding": {
        "x": {"field": "time", "type": "temporal", "title": None, "axis": axis},
        "y": {"field": "value", "type": "quantitative", "title": None},
        "color": {"field": "series", "type": "nominal", "title": None,
                  "sort": list(frame.columns), "legend": {"orient": "top"}}}}
    return long, spec


def counts_spec(table: pd.DataFrame, height: int = 220
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Return side-by-side bars: a group per row of ``table`` (in order), a bar per column.

    As rows and a Vega-Lite spec for ``st.vega_lite_chart`` (no Altair validation per rerun).
    """
    order = [str(i) for i in table.index]
    long = table.set_axis(order).rename_axis("group").reset_index().melt(
        "group", var_name="series", value_name="count")
    series = list(table.columns)
    spec = {"mark": {"type": "bar", "tooltip": True}, "height": height, "encoding": {
        "x": {"field": "group", "type": "nominal", "sort": order, "title": None,
              "axis": {"labelAngle": 0}},
        "xOffset": {"field": "series", "type": "nominal", "sort": series},
        "y": {"field": "count", "type": "quantitative", "title": None},
        "color": {"field": "series", "type": "nominal", "sort": series, "title": None,
                  "legend": {"orient": "top"}}}}
    return long, spec
