"""The risk engine: every township, every layer, the composite — and why.

``score_county(tables, config, as_of)`` takes the stored tables (GeoDataFrames in EPSG:4326)
and returns a ``RiskResult``: scores, classes, overrides, rank intervals, the indicator
breakdown, plain-Chinese facts, black spots and daily fire-danger levels. Pure: no I/O.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics import indicators as ind
from analytics.robustness import dominance_pairs, rank_intervals
from analytics.scoring import (
    apply_overrides,
    classify,
    composite,
    composite_coverage,
    contributions,
    layer_scores,
    ranks,
)
from domain.rules import township_names
from domain.schema import STORAGE_CRS
from domain.settings.risk import LAYERS, RiskConfig


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
    _points: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    _split: dict[str, pd.DataFrame] | None = field(default=None, init=False, repr=False,
                                                   compare=False)

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

    def with_points(self) -> pd.DataFrame:
        """Return ``indicators`` with ``points``: what each adds to its township's composite.

        A layer's share of the composite is split among its indicators by their contributions.
        Worked out once per result (a province's JSON explains 1,500 townships): do not
        modify the frame returned.
        """
        if self._points is None:
            self._points = self._worked_points()
        return self._points

    def _by_township(self) -> dict[str, pd.DataFrame]:
        """Return ``with_points`` split by township, once per result."""
        if self._split is None:
            self._split = {str(code): part for code, part in
                           self.with_points().groupby("township_code", sort=False)}
        return self._split

    def _worked_points(self) -> pd.DataFrame:
        table = self.indicators
        codes = table["township_code"]
        share = pd.Series(0.0, index=table.index)
        layer_score = pd.Series(np.nan, index=table.index)
        for lay in LAYERS:
            on = table["layer"] == lay
            share[on] = codes[on].map(self.scores[f"composite_share_{lay}"]).to_numpy()
            layer_score[on] = codes[on].map(self.scores[f"{lay}_score"]).to_numpy()
        points = table["contribution"] / layer_score.replace(0, np.nan) * share
        return table.assign(points=points.fillna(0))

    def kept_points(self) -> pd.DataFrame:
        """Return one row per township and indicator as ``risk_indicators`` keeps them."""
        table = self.with_points()
        return pd.DataFrame({"township_code": table["township_code"], "layer": table["layer"],
                             "indicator": table["indicator"], "raw_value": table["raw"],
                             "points": table["points"]})

    def parts(self) -> dict[str, pd.DataFrame]:
        """Return the result as named frames, for keeping (``from_parts`` rebuilds it)."""
        about = pd.DataFrame({"method_version": [self.method_version],
                              "config_hash": [self.config_hash], "as_of": [self.as_of]})
        names = pd.DataFrame({"township_code": list(self.names),
                              "township_name": list(self.names.values())}, dtype=object)
        return {"scores": self.scores, "indicators": self.indicators, "facts": self.facts,
                "black_spots": self.black_spots, "danger": self.danger, "about": about,
                "names": names}

    @classmethod
    def from_parts(cls, parts: Mapping[str, pd.DataFrame]) -> RiskResult:
        """Return the result ``parts`` gave (override lists as lists again)."""
        scores = parts["scores"].copy()
        for layer in (*LAYERS, "composite"):
            scores[f"{layer}_overrides"] = scores[f"{layer}_overrides"].map(list)
        about = parts["about"].iloc[0]
        names = parts["names"]
        return cls(scores, parts["indicators"], parts["facts"], parts["black_spots"],
                   parts["danger"], str(about["method_version"]), str(about["config_hash"]),
                   pd.Timestamp(about["as_of"]),
                   dict(zip(names["township_code"], names["township_name"], strict=True)))

    def explain(self, code: str, layer: str = "composite", lang: str = "zh") -> Explanation:
        """Return one township's explanation on a layer (or the composite), facts in ``lang``."""
        row = self.scores.loc[code]
        facts = {k: int(v) if isinstance(v, float) and v.is_integer() else v
                 for k, v in self.facts.loc[code].to_dict().items()}
        if layer == "composite":
            table = self._by_township().get(code, self.with_points().iloc[0:0]).rename(
                columns={"points": "composite_part"}).reset_index(drop=True)
            key = "composite_part"
        else:
            table = self.indicators[(self.indicators["township_code"] == code)
                                    & (self.indicators["layer"] == layer)].copy()
            key = "contribution"
        top = table[table[key] > 0].nlargest(3, key)
        sentences = [ind.INDICATORS[k].sentence(facts, lang) for k in top["indicator"]]
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


INDICATORS: dict[str, Callable[[ind.Inputs], tuple]] = {
    "geohazard": ind.geohazard_indicators, "forest_fire": ind.fire_indicators,
    "road": ind.road_indicators, "ledger": ind.ledger_indicators,
}
"""Each layer's indicator function: (raw, facts), plus fire's danger and road's black spots."""


class LayerMemo:
    """Each layer's indicators as last worked out, and what they were worked out from.

    Kept by the caller from one ``score_county`` to the next: a layer whose tables (by the
    versions the caller gives), scoring date and configuration have not changed is not
    worked out again — after a ledger edit only the ledger layer is.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._held: dict[str, tuple[Hashable, tuple]] = {}

    def get(self, layer: str, key: Hashable, make: Callable[[], tuple]) -> tuple:
        """Return the layer's outputs held for ``key``, or ``make()`` them and hold those."""
        with self._lock:
            held = self._held.get(layer)
        if held is not None and held[0] == key:
            return held[1]
        made = make()
        with self._lock:
            self._held[layer] = (key, made)
        return made


def _layer_raw(inp: ind.Inputs, versions: Mapping[str, str] | None,
               memo: LayerMemo | None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame,
                                                gpd.GeoDataFrame, pd.DataFrame]:
    outputs = {}
    for layer, indicators in INDICATORS.items():
        names = ind.LAYER_TABLES[layer]
        def make(indicators: Callable = indicators, names: tuple = names) -> tuple:
            return indicators(inp.only(names))
        if memo is None or versions is None:
            outputs[layer] = make()
        else:
            key = (tuple(versions[n] for n in ("townships", *names)), inp.as_of,
                   inp.config.config_hash)
            outputs[layer] = memo.get(layer, key, make)
    raw = {layer: out[0] for layer, out in outputs.items()}
    facts = pd.concat([out[1] for out in outputs.values()], axis=1)
    return (raw, facts.loc[:, ~facts.columns.duplicated()], outputs["road"][2],
            outputs["forest_fire"][2])


def score_county(tables: Mapping[str, pd.DataFrame], config: RiskConfig, *,
                 as_of: pd.Timestamp, robustness: bool = True,
                 versions: Mapping[str, str] | None = None,
                 memo: LayerMemo | None = None) -> RiskResult:
    """Score every township on every layer and overall; see the module docstring.

    With ``versions`` (a signature of each table's content) and a ``memo`` kept from the
    last call, only the layers whose tables changed are worked out again.
    """
    if tables["townships"].empty:
        return _nothing_scored(config, pd.Timestamp(as_of))
    inp = ind.prepare_inputs(tables, config, pd.Timestamp(as_of))
    raw, facts, spots, danger = _layer_raw(inp, versions, memo)
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
    cov = composite_coverage(layers.to_numpy(float), np.array(
        [config.layer_weights[lay] for lay in LAYERS], dtype=float))
    cov = pd.Series(cov, index=layers.index)
    score = score.where(cov >= min_cov)  # on too few layers: 数据不足, not a low score
    shares = shares.mul(score.notna().astype(float), axis=0)
    _add_layer(scores, "composite", score, cov, facts, config)
    scores["composite_layers"] = layers.notna().sum(axis=1)
    for lay in LAYERS:
        scores[f"composite_share_{lay}"] = shares[lay]
    scores["composite_rank"] = ranks(score)
    if robustness:
        intervals = rank_intervals(norms, config)
        scores["composite_rank_low"] = intervals["rank_low"]
        scores["composite_rank_high"] = intervals["rank_high"]
    else:
        scores["composite_rank_low"] = scores["composite_rank_high"] = scores["composite_rank"]
    names = township_names(inp.towns)
    scores.insert(0, "township_name", scores.index.map(names))
    return RiskResult(scores, pd.concat(breakdown, ignore_index=True), facts,
                      spots.to_crs(STORAGE_CRS) if len(spots) else spots, danger,
                      config.method_version, config.config_hash,
                      pd.Timestamp(as_of), names)


def _nothing_scored(config: RiskConfig, as_of: pd.Timestamp) -> RiskResult:
    """Return the result for a county without townships yet: every table empty."""
    columns = ["township_name", *(f"{lay}_{part}" for lay in (*LAYERS, "composite")
                                  for part in ("score", "class", "coverage", "overrides")),
               *(f"composite_share_{lay}" for lay in LAYERS), "composite_layers",
               "composite_rank", "composite_rank_low", "composite_rank_high"]
    scores = pd.DataFrame(columns=columns, index=pd.Index([], name="township_code"))
    breakdown = pd.DataFrame(columns=["township_code", "layer", "dimension", "indicator",
                                      "label_zh", "label_en", "unit", "raw", "normalised",
                                      "weight", "contribution"])
    return RiskResult(scores, breakdown, pd.DataFrame(index=scores.index),
                      gpd.GeoDataFrame(geometry=[], crs=STORAGE_CRS),
                      pd.DataFrame(columns=["township_code", "weather_date", "index", "level"]),
                      config.method_version, config.config_hash, as_of, {})


def _add_layer(scores: pd.DataFrame, layer: str, score: pd.Series, coverage: pd.Series,
               facts: pd.DataFrame, config: RiskConfig) -> None:
    classes, fired = apply_overrides(classify(score, config.breaks, coverage), facts, layer,
                                     config)
    scores[f"{layer}_score"] = score
    scores[f"{layer}_class"] = classes
    scores[f"{layer}_coverage"] = coverage
    scores[f"{layer}_overrides"] = fired
