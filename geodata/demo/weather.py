"""A year of daily rain and fire weather per township, consistent with each other.

Rain follows the monsoon of south-west China (wet May–September, a few storms in June–August)
and is heavier in the north of the county. Fire weather derives from the same rain: days
without rain, humidity and temperature all answer to it.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

RAIN_DAY_PROBABILITY = np.array([.35, .35, .45, .55, .6, .65, .55, .5, .45, .5, .4, .35])
RAIN_MEAN_MM = np.array([4, 5, 7, 10, 16, 22, 20, 16, 12, 9, 6, 4], dtype=float)
WINDOW_END_HOUR = 8
"""Daily rainfall is the 24 h ending at 08:00 of its day, as Chinese weather services report it
(so the last observation, 08:00 on the demo's as-of day, precedes its 18:00 'now')."""


def days_of_year(as_of: date) -> pd.DatetimeIndex:
    """Return the 365 days ending on ``as_of``."""
    return pd.date_range(end=pd.Timestamp(as_of), periods=365, freq="D")


def daily_rain(rng: np.random.Generator, towns: gpd.GeoDataFrame,
               days: pd.DatetimeIndex) -> np.ndarray:
    """Return rain (mm) per day (rows) and township (columns)."""
    month = days.month.to_numpy() - 1
    wet = rng.random(len(days)) < RAIN_DAY_PROBABILITY[month]
    county = np.where(wet, rng.gamma(0.8, RAIN_MEAN_MM[month] / 0.8), 0.0)
    summer = np.flatnonzero(np.isin(month, [5, 6, 7]))
    storms = rng.choice(summer, size=4, replace=False)
    county[storms] = rng.uniform(60, 140, size=4)
    county[np.minimum(storms + 1, len(days) - 1)] += rng.uniform(20, 60, size=4)
    ys = np.array([p.y for p in towns["seat"]])
    north = (ys - ys.min()) / max(np.ptp(ys), 1.0)
    factor = 0.8 + 0.45 * north
    local = rng.lognormal(0, 0.35, size=(len(days), len(towns)))
    showers = (rng.random((len(days), len(towns))) < 0.04) * rng.gamma(1.0, 6.0,
                                                                       (len(days), len(towns)))
    return np.round(county[:, None] * factor[None, :] * local + showers, 1)


def rainfall_rows(rain: np.ndarray, towns: gpd.GeoDataFrame, days: pd.DatetimeIndex,
                  rng: np.random.Generator) -> pd.DataFrame:
    """Return observed 24 h rain per township and day, plus 24 h and 72 h forecasts."""
    codes = towns["township_code"].to_numpy()
    ends = days + pd.Timedelta(hours=WINDOW_END_HOUR)
    observed = pd.DataFrame({
        "rainfall_id": [f"SK{c}{d:%Y%m%d}" for d in days for c in codes],
        "township_code": np.tile(codes, len(days)),
        "window_end": np.repeat(ends, len(codes)),
        "window_hours": 24,
        "rainfall_kind": "实况",
        "rainfall_mm": rain.ravel(),
    })
    issued = ends[-1]
    forecasts = [
        pd.DataFrame({
            "rainfall_id": [f"YB{hours}{c}{issued:%Y%m%d}" for c in codes],
            "township_code": codes,
            "window_end": issued + pd.Timedelta(hours=hours),
            "window_hours": hours,
            "rainfall_kind": "预报",
            "rainfall_mm": np.round(rng.gamma(1.2, 3.0 * hours / 24, len(codes)), 1),
        })
        for hours in (24, 72)
    ]
    return pd.concat([observed, *forecasts], ignore_index=True)


def days_without_rain(rain: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Return, per day and township, the count of consecutive days with < 0.1 mm."""
    out = np.zeros_like(rain, dtype=int)
    run = start.astype(int)
    for i in range(rain.shape[0]):
        run = np.where(rain[i] < 0.1, run + 1, 0)
        out[i] = run
    return out


def fire_weather_rows(rng: np.random.Generator, rain: np.ndarray, towns: gpd.GeoDataFrame,
                      days: pd.DatetimeIndex, seat_elevation: np.ndarray) -> pd.DataFrame:
    """Return daily fire weather per township derived from its rain."""
    n_days, n_towns = rain.shape
    dry = days_without_rain(rain, rng.integers(0, 5, n_towns))
    doy = days.day_of_year.to_numpy()[:, None]
    month = days.month.to_numpy()[:, None]
    temp = (18 + 10 * np.sin(2 * np.pi * (doy - 105) / 365)
            - 0.006 * (seat_elevation[None, :] - 900)
            + np.where(rain < 0.1, 1.5, np.where(rain > 10, -3.0, 0.0))
            + rng.normal(0, 2.2, (n_days, n_towns)))
    rh = (80 - 2.4 * np.minimum(dry, 15) + 0.5 * np.minimum(rain, 20)
          - np.where(np.isin(month, [2, 3, 4]), 8, 0) + rng.normal(0, 7, (n_days, n_towns)))
    wind = rng.gamma(2.0, 1.2, (n_days, n_towns)) + np.where(np.isin(month, [3, 4]), 1.0, 0.0)
    return pd.DataFrame({
        "township_code": np.tile(towns["township_code"].to_numpy(), n_days),
        "weather_date": np.repeat(days, n_towns),
        "max_temp_c": np.round(temp, 1).ravel(),
        "min_rh_pct": np.round(np.clip(rh, 12, 98), 0).ravel(),
        "max_wind_ms": np.round(np.clip(wind, 0.3, 15), 1).ravel(),
        "precip_mm": rain.ravel(),
        "days_without_rain": dry.ravel(),
    })
