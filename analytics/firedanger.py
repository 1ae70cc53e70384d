"""Daily forest-fire danger level (1 低 … 5 极高) per township from fire-weather rows.

Two methods, chosen in ``[forest_fire] danger_method``:

- ``qxt77`` — a points index in the manner of QX/T 77-2007 (森林火险气象等级): points for the
  day's maximum temperature, minimum relative humidity, maximum wind and consecutive days
  without rain, summed, times a season factor and a damping for the day's rain; the index is
  cut into five levels. Every table is configuration (``[forest_fire.qxt77]``).
- ``fwi`` — the Canadian Fire Weather Index (Van Wagner 1987), run day by day per township
  with the daily maximum temperature, minimum humidity and maximum wind standing in for the
  noon observations; FWI is cut into five levels by ``[forest_fire.fwi] level_breaks``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd


def _points(values: np.ndarray, table: Sequence[Sequence[float]], *,
            below: bool = False) -> np.ndarray:
    """Return the points of the last bound a value reaches (or goes under, with ``below``)."""
    out = np.zeros(len(values))
    for bound, points in table:
        hit = values < bound if below else values >= bound
        out = np.where(hit, points, out)
    return out


def qxt77_index(weather: pd.DataFrame, table: Mapping[str, Any]) -> np.ndarray:
    """Return the QX/T 77-style fire-danger index of each weather row."""
    score = (_points(weather["max_temp_c"].to_numpy(float), table["temp_c"])
             + _points(weather["min_rh_pct"].to_numpy(float), table["min_rh_pct_below"],
                       below=True)
             + _points(weather["max_wind_ms"].to_numpy(float), table["wind_ms"])
             + _points(weather["days_without_rain"].to_numpy(float), table["days_without_rain"]))
    rain = weather["precip_mm"].fillna(0).to_numpy(float)
    damping = np.ones(len(rain))
    for bound, factor in table["rain_damping"]:
        damping = np.where(rain >= bound, factor, damping)
    by_month = np.ones(13)  # index = month; 1.0 where the table gives no factor
    for month, factor in table["season_factor"].items():
        by_month[int(month)] = float(factor)
    months = pd.to_datetime(weather["weather_date"]).dt.month.fillna(0).to_numpy(int)
    return score * damping * by_month[months]


def to_levels(index: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Cut an index into levels 1–5 (NaN stays NaN)."""
    levels = np.searchsorted(np.asarray(breaks, dtype=float), index, side="right") + 1.0
    return np.where(np.isnan(index), np.nan, levels)


_DAY_LENGTH_DMC = np.array([6.5, 7.5, 9.0, 12.8, 13.9, 13.9, 12.4, 10.9, 9.4, 8.0, 7.0, 6.0])
_DAY_LENGTH_DC = np.array([-1.6, -1.6, -1.6, 0.9, 3.8, 5.8, 6.4, 5.0, 2.4, 0.4, -1.6, -1.6])


def _ffmc(f0: np.ndarray, t: np.ndarray, h: np.ndarray, w: np.ndarray,
          r: np.ndarray) -> np.ndarray:
    mo = 147.2 * (101.0 - f0) / (59.5 + f0)
    rf = np.maximum(r - 0.5, 1e-9)
    wet = 42.5 * rf * np.exp(-100.0 / (251.0 - mo)) * (1.0 - np.exp(-6.93 / rf))
    wet = np.where(mo > 150.0, wet + 0.0015 * (mo - 150.0) ** 2 * np.sqrt(rf), wet)
    mo = np.where(r > 0.5, np.minimum(mo + wet, 250.0), mo)
    ed = 0.942 * h ** 0.679 + 11.0 * np.exp((h - 100.0) / 10.0) + 0.18 * (21.1 - t) * (
        1.0 - np.exp(-0.115 * h))
    ew = 0.618 * h ** 0.753 + 10.0 * np.exp((h - 100.0) / 10.0) + 0.18 * (21.1 - t) * (
        1.0 - np.exp(-0.115 * h))
    kd = (0.424 * (1.0 - (h / 100.0) ** 1.7) + 0.0694 * np.sqrt(w) * (1.0 - (h / 100.0) ** 8)
          ) * 0.581 * np.exp(0.0365 * t)
    kw = (0.424 * (1.0 - ((100.0 - h) / 100.0) ** 1.7) + 0.0694 * np.sqrt(w) * (
        1.0 - ((100.0 - h) / 100.0) ** 8)) * 0.581 * np.exp(0.0365 * t)
    m = np.where(mo > ed, ed + (mo - ed) * 10.0 ** (-kd),
                 np.where(mo < ew, ew - (ew - mo) * 10.0 ** (-kw), mo))
    return 59.5 * (250.0 - m) / (147.2 + m)


def _dmc(p0: np.ndarray, t: np.ndarray, h: np.ndarray, r: np.ndarray,
         month: int) -> np.ndarray:
    t = np.maximum(t, -1.1)
    rk = 1.894 * (t + 1.1) * (100.0 - h) * _DAY_LENGTH_DMC[month - 1] * 1e-4
    re = 0.92 * r - 1.27
    mo = 20.0 + np.exp(5.6348 - p0 / 43.43)
    safe = np.maximum(p0, 1e-9)
    b = np.where(p0 <= 33.0, 100.0 / (0.5 + 0.3 * p0),
                 np.where(p0 <= 65.0, 14.0 - 1.3 * np.log(safe), 6.2 * np.log(safe) - 17.2))
    mr = mo + 1000.0 * re / (48.77 + b * re)
    pr = np.maximum(244.72 - 43.43 * np.log(np.maximum(mr - 20.0, 1e-9)), 0.0)
    return np.where(r > 1.5, pr, p0) + rk


def _dc(d0: np.ndarray, t: np.ndarray, r: np.ndarray, month: int) -> np.ndarray:
    t = np.maximum(t, -2.8)
    pe = np.maximum((0.36 * (t + 2.8) + _DAY_LENGTH_DC[month - 1]) / 2.0, 0.0)
    rd = 0.83 * r - 1.27
    qr = 800.0 * np.exp(-d0 / 400.0) + 3.937 * rd
    dr = np.maximum(400.0 * np.log(800.0 / np.maximum(qr, 1e-9)), 0.0)
    return np.where(r > 2.8, dr, d0) + pe


def _fwi(ffmc: np.ndarray, dmc: np.ndarray, dc: np.ndarray, w: np.ndarray) -> np.ndarray:
    mo = 147.2 * (101.0 - ffmc) / (59.5 + ffmc)
    isi = 19.115 * np.exp(-0.1386 * mo) * (1.0 + mo ** 5.31 / 4.93e7) * np.exp(0.05039 * w)
    total = np.maximum(dmc + 0.4 * dc, 1e-9)
    bui = np.where(dmc <= 0.4 * dc, 0.8 * dmc * dc / total,
                   dmc - (1.0 - 0.8 * dc / total) * (0.92 + (0.0114 * dmc) ** 1.7))
    bui = np.maximum(bui, 0.0)
    bb = np.where(bui <= 80.0, 0.1 * isi * (0.626 * bui ** 0.809 + 2.0),
                  0.1 * isi * (1000.0 / (25.0 + 108.64 * np.exp(-0.023 * bui))))
    return np.where(bb > 1.0, np.exp(2.72 * (0.434 * np.log(np.maximum(bb, 1.0))) ** 0.647),
                    bb)


def fwi_index(weather: pd.DataFrame) -> np.ndarray:
    """Return the Canadian FWI of each weather row, the codes carried day to day per township.

    Codes start each township's series at FFMC 85, DMC 6, DC 15 (the standard start-up).
    """
    frame = weather.assign(_pos=np.arange(len(weather))).sort_values(
        ["weather_date", "township_code"])
    codes = frame["township_code"].to_numpy()
    towns = {c: i for i, c in enumerate(pd.unique(codes))}
    state = np.tile([85.0, 6.0, 15.0], (len(towns), 1))
    out = np.full(len(frame), np.nan)
    for day, rows in frame.groupby("weather_date", sort=True):
        idx = np.array([towns[c] for c in rows["township_code"]])
        t = rows["max_temp_c"].to_numpy(float)
        h = np.clip(rows["min_rh_pct"].to_numpy(float), 0.0, 100.0)
        w = rows["max_wind_ms"].to_numpy(float) * 3.6
        r = rows["precip_mm"].fillna(0).to_numpy(float)
        month = pd.Timestamp(day).month
        ffmc = _ffmc(state[idx, 0], t, h, w, r)
        dmc = _dmc(state[idx, 1], t, h, r, month)
        dc = _dc(state[idx, 2], t, r, month)
        state[idx] = np.column_stack([ffmc, dmc, dc])
        out[rows["_pos"].to_numpy()] = _fwi(ffmc, dmc, dc, w)
    return out


def danger_levels(weather: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Return ``township_code, weather_date, index, level`` for every fire-weather row."""
    method = settings.get("danger_method", "qxt77")
    if method == "qxt77":
        index = qxt77_index(weather, settings["qxt77"])
        breaks = settings["qxt77"]["level_breaks"]
    elif method == "fwi":
        index = fwi_index(weather)
        breaks = settings["fwi"]["level_breaks"]
    else:
        raise ValueError(f"unknown fire-danger method {method!r}: use qxt77 or fwi")
    # Columns taken as they are (no object array of 14.6 M codes at national size).
    return pd.DataFrame({"township_code": weather["township_code"].reset_index(drop=True),
                         "weather_date": weather["weather_date"].reset_index(drop=True),
                         "index": index, "level": to_levels(index, breaks)})
