"""Charts, Vega-Lite drawn locally: readings with warning thresholds, lines over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from analytics.warning import gauge_series, growth, thresholds_for
from maps.style import WARNING_COLOURS


def _rules(limits: Sequence[float], names: Mapping[int, str]) -> alt.Chart:
    """Return the four thresholds as dashed horizontal lines in the level colours."""
    frame = pd.DataFrame({"limit": list(limits), "level": [names[k] for k in (4, 3, 2, 1)],
                          "colour": [WARNING_COLOURS[k] for k in (4, 3, 2, 1)]})
    return alt.Chart(frame).mark_rule(strokeDash=[6, 4], strokeWidth=2).encode(
        y="limit:Q", color=alt.Color("colour:N", scale=None),
        tooltip=["level:N", "limit:Q"])


def _line(frame: pd.DataFrame, y: str, title: str) -> alt.Chart:
    return alt.Chart(frame).mark_line(point=len(frame) < 60).encode(
        x=alt.X("reading_time:T", title=None), y=alt.Y(f"{y}:Q", title=title),
        tooltip=["reading_time:T", alt.Tooltip(f"{y}:Q", format=".2f")])


def growth_chart(rows: pd.DataFrame, limits: Sequence[float], names: Mapping[int, str],
                 title: str) -> alt.LayerChart:
    """Return the change per day of one kind of reading with its four thresholds."""
    return (_line(growth(rows), "rate", title) + _rules(limits, names)).properties(height=200)


def rain_chart(rows: pd.DataFrame, site: pd.Series, settings: Mapping[str, Any],
               names: Mapping[int, str], title: str) -> alt.LayerChart:
    """Return a gauge's daily rain (bars) and effective rain (line) with the site's thresholds."""
    frame = gauge_series(rows, settings)
    limits = thresholds_for(site.to_frame().T, settings).iloc[0][["t4", "t3", "t2", "t1"]]
    bars = alt.Chart(frame).mark_bar(color="#6baed6").encode(
        x="reading_time:T", y=alt.Y("daily:Q", title=title))
    return (bars + _line(frame, "effective", title) + _rules(limits.tolist(), names)
            ).properties(height=220)


def lines_spec(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Return ``frame`` (one column per line, time as index) as rows and a line chart spec.

    For ``st.vega_lite_chart``, which skips Altair's schema validation (half the time of
    ``st.line_chart`` on every rerun).
    """
    long = frame.rename_axis("time").reset_index().melt("time", var_name="series",
                                                        value_name="value")
    spec = {"mark": {"type": "line", "tooltip": True}, "encoding": {
        "x": {"field": "time", "type": "temporal", "title": None},
        "y": {"field": "value", "type": "quantitative", "title": None},
        "color": {"field": "series", "type": "nominal", "title": None,
                  "sort": list(frame.columns)}}}
    return long, spec
