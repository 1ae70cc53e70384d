"""From raw indicators to 0–10 scores, four-colour classes and overrides.

- Normalise: transform (none / log(1+x) / cube root), divide by the goalpost (the highest
  township, or a fixed value), × 10, capped at 10. Zero stays zero.
- Layer score: the weighted sum of normalised indicators, weights renormalised over the
  indicators that have data; ``coverage`` is the weight share that had data, and below
  ``min_coverage`` the score is not given (NaN). Contributions (weight × normalised value) add
  up to the score exactly.
- Composite: geometric, ``exp(Σ wᵢ ln(1 + Lᵢ)) − 1`` (zeros allowed, 0–10), or arithmetic
  ``Σ wᵢ Lᵢ``; layers without a score are left out and the weights renormalised. Each layer's
  share is its weighted term (ln(1 + Lᵢ) or Lᵢ) over their sum, times the composite.
- Class: breaks cut the score into 低 / 一般 / 较大 / 重大; a township without a score is
  数据不足 (some data, below the minimum coverage) or 无数据 (none), never 低; an override
  raises the class to its floor when its fact is present, whatever the data, and is reported.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from domain.labels import INSUFFICIENT, NO_DATA
from domain.settings.risk import CLASSES, IndicatorSpec, RiskConfig


def transform(values: pd.Series, kind: str) -> pd.Series:
    """Apply an indicator transform; every transform keeps 0 at 0 and keeps order."""
    if kind == "log":
        return np.log1p(values.clip(lower=0))
    if kind == "cbrt":
        return np.cbrt(values)
    return values


def normalise(values: pd.Series, spec: IndicatorSpec) -> pd.Series:
    """Return 0–10 values: transformed, over the transformed goalpost, capped at 10."""
    t = transform(values.astype(float), spec.transform)
    goal = t.max(skipna=True) if spec.goalpost is None else transform(
        pd.Series([spec.goalpost]), spec.transform).iloc[0]
    if not np.isfinite(goal) or goal <= 0:
        return t.where(t.isna(), 0.0)
    return (10 * t / goal).clip(0, 10)


def layer_scores(raw: pd.DataFrame, specs: tuple[IndicatorSpec, ...], *,
                 min_coverage: float, weights: Mapping[str, float] | None = None
                 ) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Return (normalised indicators, score, coverage) of one layer per township.

    ``weights`` overrides the configured indicator weights (used by the robustness runs).
    """
    norm = pd.DataFrame({s.key: normalise(raw[s.key], s) for s in specs}, index=raw.index)
    w = pd.Series({s.key: (weights or {}).get(s.key, s.weight) for s in specs})
    present = norm.notna()
    coverage = (present.astype(float) @ w / w.sum()).clip(0.0, 1.0)
    used = present.astype(float) * w
    score = (norm.fillna(0) * used).sum(axis=1) / used.sum(axis=1).replace(0, np.nan)
    return norm, score.where(coverage >= min_coverage), coverage


def contributions(norm: pd.DataFrame, specs: tuple[IndicatorSpec, ...]) -> pd.DataFrame:
    """Return weight × normalised value per indicator; rows add up to the layer score."""
    w = pd.Series({s.key: s.weight for s in specs})
    used = norm.notna().astype(float) * w
    share = used.div(used.sum(axis=1).replace(0, np.nan), axis=0)
    return norm.fillna(0) * share


def composite_terms(values: np.ndarray, weights: np.ndarray,
                    geometric: bool | np.ndarray) -> np.ndarray:
    """Return each layer's term of the composite, the layers' weights renormalised per row.

    ``values`` is (townships × layers), NaN where a layer has no score, or (runs ×
    townships × layers) with ``weights`` (runs × layers) and ``geometric`` (runs) to score
    many weightings at once. A row without any score has NaN terms.
    """
    have = ~np.isnan(values) * np.asarray(weights, dtype=float)[..., None, :]
    total = have.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w_norm = have / np.where(total == 0, np.nan, total)
    filled = np.nan_to_num(values, nan=0.0)
    geometric = np.asarray(geometric)[..., None, None]
    return w_norm * np.where(geometric, np.log1p(filled), filled)


def composite_coverage(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return the share of the layers' weight that has a score, per township (0–1).

    ``values`` and ``weights`` as in ``composite_terms``; a composite resting on less than
    ``min_coverage`` of the weight is not given.
    """
    weights = np.asarray(weights, dtype=float)
    have = (~np.isnan(values)) * weights[..., None, :]
    return np.clip(have.sum(axis=-1) / weights.sum(axis=-1, keepdims=True), 0.0, 1.0)


def composite_score(terms: np.ndarray, geometric: bool | np.ndarray) -> np.ndarray:
    """Return the composite score from ``composite_terms`` (NaN for a row without scores)."""
    added = np.nansum(terms, axis=-1)
    score = np.where(np.asarray(geometric)[..., None], np.expm1(added), added)
    return np.where(np.isnan(terms).all(axis=-1), np.nan, score)


def composite(layers: pd.DataFrame, weights: Mapping[str, float],
              method: str) -> tuple[pd.Series, pd.DataFrame]:
    """Return the composite score and each layer's share of it (shares add up to it)."""
    w = pd.Series(weights, dtype=float).reindex(layers.columns).fillna(0).to_numpy()
    geometric = method == "geometric"
    values = composite_terms(layers.to_numpy(float), w, geometric)
    score = pd.Series(composite_score(values, geometric), index=layers.index)
    terms = pd.DataFrame(values, index=layers.index, columns=layers.columns)
    total = terms.sum(axis=1).replace(0, np.nan)
    shares = terms.div(total, axis=0).mul(score, axis=0).fillna(0)
    return score, shares


def classify(score: pd.Series, breaks: tuple[float, float, float],
             coverage: pd.Series | None = None) -> pd.Series:
    """Return 低 / 一般 / 较大 / 重大 for each score; where there is none, why.

    A township without a score is 数据不足 when some of its data is there (``coverage`` > 0,
    below the minimum) and 无数据 when none is: never 低.
    """
    idx = np.searchsorted(np.asarray(breaks), score.to_numpy(float), side="right")
    labels = np.asarray(CLASSES, dtype=object)[np.clip(idx, 0, 3)]
    some = (coverage.reindex(score.index).fillna(0) > 0).to_numpy() if coverage is not None \
        else np.zeros(len(score), dtype=bool)
    missing = np.where(some, INSUFFICIENT, NO_DATA)
    return pd.Series(np.where(score.isna(), missing, labels), index=score.index, dtype=object)


def apply_overrides(classes: pd.Series, facts: pd.DataFrame, layer: str,
                    config: RiskConfig) -> tuple[pd.Series, pd.Series]:
    """Raise classes to the floor of every override that fires; return (classes, fired).

    ``fired`` holds, per township, the labels of the overrides that raised or held the class.
    """
    rank = {c: i for i, c in enumerate(CLASSES)}  # 数据不足 and 无数据 rank below 低
    out = classes.copy()
    fired = pd.Series([[] for _ in classes.index], index=classes.index, dtype=object)
    for rule in config.overrides:
        if layer not in rule.layers or rule.fact not in facts:
            continue
        hit = facts[rule.fact].reindex(classes.index).fillna(0) >= rule.minimum
        for code in classes.index[hit]:
            current = out[code]
            if rank.get(current, -1) < rank[rule.at_least]:
                out[code] = rule.at_least
            fired[code] = [*fired[code], rule.label]
    return out, fired


def descending_ranks(scores: np.ndarray) -> np.ndarray:
    """Return 1 for the highest score; ties share the better rank; NaN stays NaN."""
    order = np.sort(-scores[~np.isnan(scores)])
    ranked = np.searchsorted(order, -scores, side="left") + 1.0
    return np.where(np.isnan(scores), np.nan, ranked)


def ranks(score: pd.Series) -> pd.Series:
    """Return 1 for the riskiest township; ties share the better rank."""
    return pd.Series(descending_ranks(score.to_numpy(float)), index=score.index,
                     name=score.name)
