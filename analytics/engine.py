"""The risk engine: every township, every layer, the composite — and why.

``score_county(tables, config, as_of)`` takes the stored tables (GeoDataFrames in EPSG:4326)
and returns a ``RiskResult``: scores, classes, overrides, rank intervals, the indicator
breakdown, plain-Chinese facts, black spots and daily fire-danger levels. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics import indicators as ind
from analytics.config import LAYERS, RiskConfig
from analytics.robustness import dominance_pairs, rank_intervals
from analytics.scoring import (
    apply_overrides,
    classify,
    composite,
    contributions,
    layer_scores,
    ranks,
)

STORAGE_CRS = "EPSG:4326"


@dataclass
class Explanation:
    """Why a township scores what it does on one layer (or the composite)."""

    township_code: str
    layer: str
    score: float
    risk_class: str | None
    coverage: float
    indicators: pd.DataFrame
    overrides: list[str]
    facts: list[str]


@dataclass
class RiskResult:
    """Everything the engine found, with the method version and configuration hash."""

    scores: pd.DataFrame
    indicators: pd.DataFrame
    facts: pd.DataFrame
    black_spots: gpd.GeoDataFrame
    danger: pd.DataFrame
    method_version: str
    config_hash: str
    as_of: pd.Timestamp
    names: dict[str, str] = field(default_factory=dict)

    @property
    def dominance(self) -> pd.DataFrame:
        """Return the (worse, better) township pairs, computed when asked.

        Quadratic in townships (a county's 20 give at most 190 pairs; 40,000 would give
        hundreds of millions), so it is not part of scoring.
        """
        return dominance_pairs(pd.DataFrame({lay: self.scores[f"{lay}_score"]
                                             for lay in LAYERS}))

    def ranked(self) -> pd.DataFrame:
        """Return one row per township, riskiest first, with every layer's score and class."""
        return self.scores.sort_values(["composite_rank", "township_code"])

    def long(self) -> pd.DataFrame:
        """Return one row per township and layer (for storing and charts)."""
        rows = []
        for layer in (*LAYERS, "composite"):
            part = pd.DataFrame({
                "township_code": self.scores.index, "layer": layer,
                "score": self.scores[f"{layer}_score"].to_numpy(),
                "risk_class": self.scores[f"{layer}_class"].to_numpy(),
                "coverage": self.scores[f"{layer}_coverage"].to_numpy(),
                "overrides": self.scores[f"{layer}_overrides"].map("；".join).to_numpy(),
            })
            rows.append(part)
        out = pd.concat(rows, ignore_index=True)
        comp = out["layer"] == "composite"
        for col in ("rank", "rank_low", "rank_high"):
            out[col] = np.where(comp, out["township_code"].map(
                self.scores[f"composite_{col}"]), np.nan)
        return out

    def explain(self, code: str, layer: str = "composite") -> Explanation:
        """Return the explanation of one township on one layer (or the composite)."""
        row = self.scores.loc[code]
        facts = {k: int(v) if isinstance(v, float) and v.is_integer() else v
                 for k, v in self.facts.loc[code].to_dict().items()}
        if layer == "composite":
            table = self.indicators[self.indicators["township_code"] == code].copy()
            share = table["layer"].map({lay: row[f"composite_share_{lay}"] for lay in LAYERS})
            layer_score = table["layer"].map({lay: row[f"{lay}_score"] for lay in LAYERS})
            table["composite_part"] = (table["contribution"] / layer_score.replace(0, np.nan)
                                       * share).fillna(0)
            key = "composite_part"
        else:
            table = self.indicators[(self.indicators["township_code"] == code)
                                    & (self.indicators["layer"] == layer)].copy()
            key = "contribution"
        top = table[table[key] > 0].nlargest(3, key)
        sentences = [ind.INDICATORS[k].fact.format(**facts) for k in top["indicator"]]
        return Explanation(code, layer, float(row[f"{layer}_score"]), row[f"{layer}_class"],
                           float(row[f"{layer}_coverage"]), table.reset_index(drop=True),
                           list(row[f"{layer}_overrides"]), sentences)


def _breakdown(layer: str, raw: pd.DataFrame, norm: pd.DataFrame,
               contrib: pd.DataFrame, config: RiskConfig) -> pd.DataFrame:
    parts = []
    for spec in config.layer_indicators(layer):
        info = ind.INDICATORS[spec.key]
        parts.append(pd.DataFrame({
            "township_code": raw.index, "layer": layer, "dimension": spec.dimension,
            "indicator": spec.key, "label_zh": info.zh, "label_en": info.en, "unit": info.unit,
            "raw": raw[spec.key].to_numpy(), "normalised": norm[spec.key].to_numpy(),
            "weight": spec.weight, "contribution": contrib[spec.key].to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)


def _layer_raw(inp: ind.Inputs) -> tuple[dict[str, pd.DataFrame], pd.DataFrame,
                                         gpd.GeoDataFrame, pd.DataFrame]:
    geo_raw, geo_facts = ind.geohazard_indicators(inp)
    fire_raw, fire_facts, danger = ind.fire_indicators(inp)
    road_raw, road_facts, spots = ind.road_indicators(inp)
    ledger_raw, ledger_facts = ind.ledger_indicators(inp)
    raw = {"geohazard": geo_raw, "forest_fire": fire_raw, "road": road_raw,
           "ledger": ledger_raw}
    facts = pd.concat([geo_facts, fire_facts, road_facts, ledger_facts], axis=1)
    return raw, facts.loc[:, ~facts.columns.duplicated()], spots, danger


def score_county(tables: dict[str, pd.DataFrame], config: RiskConfig, *,
                 as_of: pd.Timestamp, robustness: bool = True) -> RiskResult:
    """Score every township on every layer and overall; see the module docstring."""
    inp = ind.prepare_inputs(tables, config, pd.Timestamp(as_of))
    raw, facts, spots, danger = _layer_raw(inp)
    min_cov = float(config.general.get("min_coverage", 0.0))
    scores = pd.DataFrame(index=inp.index)
    breakdown, norms = [], {}
    for layer in LAYERS:
        specs = config.layer_indicators(layer)
        norms[layer], score, cov = layer_scores(raw[layer], specs, min_coverage=min_cov)
        breakdown.append(_breakdown(layer, raw[layer], norms[layer],
                                    contributions(norms[layer], specs), config))
        _add_layer(scores, layer, score, cov, facts, config)
    layers = pd.DataFrame({lay: scores[f"{lay}_score"] for lay in LAYERS})
    score, shares = composite(layers, config.layer_weights,
                              config.general.get("composite_method", "geometric"))
    cov = (layers.notna().astype(float) @ pd.Series(config.layer_weights) / sum(
        config.layer_weights.values())).clip(0.0, 1.0)
    _add_layer(scores, "composite", score, cov, facts, config)
    for lay in LAYERS:
        scores[f"composite_share_{lay}"] = shares[lay]
    scores["composite_rank"] = ranks(score)
    if robustness:
        intervals = rank_intervals(norms, config)
        scores["composite_rank_low"] = intervals["rank_low"]
        scores["composite_rank_high"] = intervals["rank_high"]
    else:
        scores["composite_rank_low"] = scores["composite_rank_high"] = scores["composite_rank"]
    names = dict(zip(inp.towns["township_code"], inp.towns["township_name"], strict=True))
    scores.insert(0, "township_name", scores.index.map(names))
    return RiskResult(scores, pd.concat(breakdown, ignore_index=True), facts,
                      spots.to_crs(STORAGE_CRS) if len(spots) else spots, danger,
                      config.method_version, config.config_hash,
                      pd.Timestamp(as_of), names)


def _add_layer(scores: pd.DataFrame, layer: str, score: pd.Series, coverage: pd.Series,
               facts: pd.DataFrame, config: RiskConfig) -> None:
    classes, fired = apply_overrides(classify(score, config.breaks), facts, layer, config)
    scores[f"{layer}_score"] = score
    scores[f"{layer}_class"] = classes
    scores[f"{layer}_coverage"] = coverage
    scores[f"{layer}_overrides"] = fired
