"""Charts: monitoring readings with the configured thresholds; lines over time."""

from __future__ import annotations

import pandas as pd

from geodata.config import load_settings
from ui.charts import growth_chart, lines_spec, rain_chart, shown_limits

SETTINGS = load_settings().warning
NAMES = {k: f"L{k}" for k in (1, 2, 3, 4)}
TIMES = pd.date_range("2026-07-01 08:00", periods=4, freq="D")


def _data(spec: dict) -> list[list[dict]]:
    return [rows for name, rows in spec["datasets"].items()]


def test_growth_chart_has_the_rates_and_the_four_thresholds() -> None:
    rows = pd.DataFrame({"reading_time": TIMES, "value": [1.0, 2.0, 4.0, 10.0]})
    spec = growth_chart(rows, SETTINGS.monitoring["裂缝宽度"], NAMES, "mm").to_dict()
    data = _data(spec)
    rates = next(d for d in data if d and "rate" in d[0])
    limits = next(d for d in data if d and "limit" in d[0])
    assert [r["rate"] for r in rates] == [1.0, 2.0, 6.0]
    assert tuple(r["limit"] for r in limits) == SETTINGS.monitoring["裂缝宽度"]


def test_rain_chart_uses_the_sites_own_thresholds() -> None:
    rows = pd.DataFrame({"reading_time": TIMES, "value": [100.0, 0.0, 0.0, 300.0]})
    site = pd.Series({"site_id": "S", "township_code": "T", "hazard_type": "泥石流"})
    spec = rain_chart(rows, site, SETTINGS, NAMES, "mm").to_dict()
    data = _data(spec)
    limits = next(d for d in data if d and "limit" in d[0])
    assert tuple(r["limit"] for r in limits) == SETTINGS.by_type["泥石流"]
    eff = next(d for d in data if d and "effective" in d[0])
    assert eff[-1]["effective"] == 300 + 100 * 0.84 ** 3


def test_lines_spec_draws_one_line_per_column_in_order() -> None:
    frame = pd.DataFrame({"发现": [3, 1], "销号": [0, 2]}, index=TIMES[:2])
    long, spec = lines_spec(frame)
    assert long.to_dict("records") == [
        {"time": TIMES[0], "series": "发现", "value": 3},
        {"time": TIMES[1], "series": "发现", "value": 1},
        {"time": TIMES[0], "series": "销号", "value": 0},
        {"time": TIMES[1], "series": "销号", "value": 2}]
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("time", "value")
    assert encoding["color"]["sort"] == ["发现", "销号"]
    assert encoding["color"]["legend"], "each line named in a legend"


def test_time_axes_speak_the_pages_language() -> None:
    assert lines_spec(pd.DataFrame({"a": [1]}, index=TIMES[:1]), "zh", months=True
                      )[1]["encoding"]["x"]["axis"]["format"] == "%Y年%-m月"
    assert lines_spec(pd.DataFrame({"a": [1]}, index=TIMES[:1]), "en"
                      )[1]["encoding"]["x"]["axis"]["format"] == "%b %-d"
    rows = pd.DataFrame({"reading_time": TIMES, "value": [1.0, 2.0, 4.0, 10.0]})
    spec = growth_chart(rows, SETTINGS.monitoring["裂缝宽度"], NAMES, "mm", "zh").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == "%-m月%-d日"


def test_thresholds_far_above_the_readings_are_left_out_but_the_lowest_stays() -> None:
    assert shown_limits([1.0, 2.0, 5.0, 10.0], 6.0) == [0, 1, 2, 3]
    assert shown_limits([1.0, 2.0, 5.0, 10.0], 1.0) == [0, 1]
    assert shown_limits([50.0, 80.0, 120.0, 200.0], 0.5) == [0], "the lowest always"
    rows = pd.DataFrame({"reading_time": TIMES, "value": [0.0, 0.1, 0.2, 0.3]})
    spec = growth_chart(rows, SETTINGS.monitoring["累计位移"], NAMES, "mm").to_dict()
    limits = next(d for d in _data(spec) if d and "limit" in d[0])
    assert [r["limit"] for r in limits] == [2.0], "20 mm/day would flatten 0.1 mm/day"
    assert [r["level"] for r in limits] == ["L4"]
    legend = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert legend["encoding"]["color"]["scale"]["domain"] == ["L4"], "no legend for lines unseen"


def test_no_threshold_lies_on_the_charts_top_edge() -> None:
    rows = pd.DataFrame({"reading_time": TIMES, "value": [0.0, 1.0, 2.0, 3.0]})
    limits = SETTINGS.monitoring["裂缝宽度"]
    spec = growth_chart(rows, limits, NAMES, "mm").to_dict()
    limits_drawn = [d for d in _data(spec) if d and "level" in d[0]]
    reach = [d for d in _data(spec) if d and list(d[0]) == ["limit"]]
    assert max(r["limit"] for r in reach[0]) > max(r["limit"] for r in limits_drawn[0]) * 1.1


def test_counts_spec_keeps_the_rows_order_and_names_each_series() -> None:
    from ui.charts import counts_spec

    table = pd.DataFrame({"火情": [2, 0], "热点": [1, 5]}, index=["12月", "1月"])
    long, spec = counts_spec(table)
    assert spec["encoding"]["x"]["sort"] == ["12月", "1月"], "not sorted alphabetically"
    assert spec["encoding"]["color"]["legend"] and spec["encoding"]["color"]["sort"] == [
        "火情", "热点"]
    assert long["count"].tolist() == [2, 0, 1, 5]
