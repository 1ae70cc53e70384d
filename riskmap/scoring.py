"""``riskmap score``: run the risk engine on a snapshot and report the ranking."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from analytics.engine import RiskResult, score_county
from domain.labels import interval_text, rank_text
from domain.settings.risk import LAYERS
from geodata.derived import remembered, risk_key
from geodata.formulas import write_csv
from geodata.results import keep
from geodata.snapshot import Snapshot

LAYER_ZH = {"geohazard": "地灾", "forest_fire": "森林火灾", "road": "道路", "ledger": "隐患",
            "composite": "综合"}


def score(snap: Snapshot, *, robustness: bool = True) -> RiskResult:
    """Return the risk engine's result for the snapshot, as the dashboard scores it.

    The very result the dashboard shows when one is kept for the snapshot's data, day and
    settings (``geodata.derived``); else worked out and kept for the dashboard.
    """
    def make() -> RiskResult:
        return score_county(snap.tables(), snap.settings.risk, as_of=snap.as_of,
                            robustness=robustness)
    return remembered(snap.store, "risk", risk_key(snap, robustness=robustness), make,
                      RiskResult.parts, RiskResult.from_parts)


def ranked_table(result: RiskResult) -> pd.DataFrame:
    """Return the ranking as a flat table: rank, interval, township, layer scores, class.

    A layer without a score shows its class instead (数据不足 or 无数据).
    """
    table = result.ranked()
    out = pd.DataFrame({
        "排名 rank": table["composite_rank"].map(rank_text),
        "区间 interval": [interval_text(lo, hi) for lo, hi in
                        zip(table["composite_rank_low"], table["composite_rank_high"],
                            strict=True)],
        "乡镇 township": table["township_name"],
        "代码 code": table.index,
    })
    for layer in (*LAYERS, "composite"):  # no score: why (数据不足 / 无数据), never a blank
        score = table[f"{layer}_score"].round(2).astype(object)
        out[LAYER_ZH[layer]] = score.where(score.notna(), table[f"{layer}_class"]).to_numpy()
    out["等级 class"] = table["composite_class"]
    out["依据 layers"] = table["composite_layers"].map(lambda n: f"{int(n)}/{len(LAYERS)}")
    out["升级 overrides"] = table["composite_overrides"].map(lambda v: "；".join(v))
    return out.reset_index(drop=True)


def as_json(result: RiskResult) -> dict:
    """Return the results, with each township's explanation, as plain data."""
    towns = []
    for code in result.ranked().index:
        row = result.scores.loc[code]
        layers = {layer: {"score": _num(row[f"{layer}_score"]),
                          "class": row[f"{layer}_class"],
                          "coverage": _num(row[f"{layer}_coverage"]),
                          "overrides": list(row[f"{layer}_overrides"])}
                  for layer in (*LAYERS, "composite")}
        towns.append({"township_code": code, "township_name": row["township_name"],
                      "rank": _int(row["composite_rank"]),
                      "rank_interval": [_int(row["composite_rank_low"]),
                                        _int(row["composite_rank_high"])],
                      "layers_scored": int(row["composite_layers"]),
                      "layers": layers, "why": result.explain(code).facts})
    return {"as_of": result.as_of.isoformat(), "method_version": result.method_version,
            "config_hash": result.config_hash, "townships": towns,
            "black_spots": len(result.black_spots),
            "dominance_pairs": result.dominance.to_dict("records")}


def _int(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def _num(value: object) -> float | None:
    """A number as JSON: six decimals (rounding it again to two gives what the page shows)."""
    return None if pd.isna(value) else round(float(value), 6)


def run_score(snap: Snapshot, args: argparse.Namespace) -> int:
    """Score the snapshot as the command line asks; return the exit code."""
    result = score(snap, robustness=not args.no_robustness)
    table = ranked_table(result)
    print(f"风险评估 risk scores · as of {snap.as_of:%Y-%m-%d} · method "
          f"{result.method_version} · config {result.config_hash}")
    print(table.to_string(index=False))
    if args.csv:
        write_csv(table, args.csv)
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(result), ensure_ascii=False, indent=2),
                                   encoding="utf-8")
    # a new data version is always kept, --save keeps every time
    run = keep(snap.store, result, as_of=snap.as_of, data_version=snap.data_version,
               always=args.save)
    if run:
        print(f"已保存 saved as run {run}")
    return 0
