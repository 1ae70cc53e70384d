"""How stable is each township's rank when the weights and the method change?

Monte-Carlo: every run multiplies each layer weight and each indicator weight by a uniform
draw in [1 − jitter, 1 + jitter] (renormalised), optionally draws the composite method, scores
again from the fixed normalised indicators, and ranks. A township's rank interval is the
configured percentiles of its ranks. Seeded, so the same configuration gives the same answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics.scoring import (
    composite_coverage,
    composite_score,
    composite_terms,
    descending_ranks,
)
from domain.settings.risk import LAYERS, RiskConfig


def _layer_draws(norm: pd.DataFrame, weights: np.ndarray, min_cov: float) -> np.ndarray:
    """Return (townships × runs) layer scores for (runs × indicators) weight draws."""
    present = norm.notna().to_numpy(float)
    filled = norm.fillna(0).to_numpy(float)
    used = present @ weights.T
    coverage = used / weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = (filled @ weights.T) / used
    return np.where(coverage >= min_cov, score, np.nan)


RUNS_AT_ONCE = 20
"""Monte-Carlo runs scored together (runs × townships × layers floats at a time)."""


def rank_intervals(norm: Mapping[str, pd.DataFrame], config: RiskConfig) -> pd.DataFrame:
    """Return ``rank_low``, ``rank_median``, ``rank_high`` per township.

    ``norm`` holds each layer's normalised indicators; they do not depend on the weights, so
    every run only re-weights them.
    """
    settings = config.section("robustness")
    rng = np.random.default_rng(int(settings["seed"]))
    runs, jitter = int(settings["runs"]), float(settings["weight_jitter"])
    min_cov = float(config.general.get("min_coverage", 0.0))
    index = next(iter(norm.values())).index
    layer_draws = {}
    for layer in LAYERS:
        base = np.array([s.weight for s in config.layer_indicators(layer)])
        draws = base * rng.uniform(1 - jitter, 1 + jitter, (runs, len(base)))
        layer_draws[layer] = _layer_draws(norm[layer], draws, min_cov)
    lw = np.array([config.layer_weights[layer] for layer in LAYERS])
    lw = lw * rng.uniform(1 - jitter, 1 + jitter, (runs, len(lw)))
    method = config.general.get("composite_method", "geometric")
    geometric = (rng.random(runs) < 0.5) if settings.get("vary_method") else np.full(
        runs, method == "geometric")
    ranks_ = np.empty((runs, len(index)))
    for start in range(0, runs, RUNS_AT_ONCE):  # bounded memory at 40,000 townships
        part = slice(start, start + RUNS_AT_ONCE)
        values = np.stack([layer_draws[lay][:, part].T for lay in LAYERS], axis=-1)
        scores = composite_score(composite_terms(values, lw[part], geometric[part]),
                                 geometric[part])
        scores = np.where(composite_coverage(values, lw[part]) >= min_cov, scores, np.nan)
        ranks_[part] = [descending_ranks(row) for row in scores]
    low, high = settings.get("interval", [5, 95])
    # Ranks actually drawn, widened outward (no interpolated 317.5 that one screen shows as
    # 317 and another as 318): the interval is whole ranks wherever it is shown. A township
    # never scored has no interval.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: no interval
        return pd.DataFrame({
            "rank_low": np.nanpercentile(ranks_, low, axis=0, method="lower"),
            "rank_median": np.nanmedian(ranks_, axis=0),
            "rank_high": np.nanpercentile(ranks_, high, axis=0, method="higher"),
        }, index=index)


DOMINANCE_CHUNK = 512
"""Townships compared at once against all others when looking for dominance pairs."""


def dominance_pairs(layers: pd.DataFrame) -> pd.DataFrame:
    """Return (worse, better) pairs: worse is at least as risky on every layer, riskier on one.

    Their order holds under any weights and any monotone aggregation.
    """
    values = layers.to_numpy(float)
    complete = ~np.isnan(values).any(axis=1)
    values, index = values[complete], layers.index[complete]
    worse, better = [], []
    for start in range(0, len(values), DOMINANCE_CHUNK):  # bounded memory: chunk × n
        part = values[start:start + DOMINANCE_CHUNK]
        ge = (part[:, None, :] >= values[None, :, :]).all(axis=2)
        gt = (part[:, None, :] > values[None, :, :]).any(axis=2)
        w, b = np.nonzero(ge & gt)
        worse.append(w + start)
        better.append(b)
    w, b = (np.concatenate(x) if x else np.array([], dtype=int) for x in (worse, better))
    return pd.DataFrame({"worse": index[w], "better": index[b]})
