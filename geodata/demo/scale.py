"""Larger-than-demo data made from the demo, for import tests and benchmarks."""

from __future__ import annotations

import pandas as pd


def repeat_ledger(base: pd.DataFrame, rows: int) -> pd.DataFrame:
    """Return ``rows`` ledger rows cycling through ``base`` with fresh IDs and descriptions.

    Descriptions get a numbered suffix so that the rows stay distinct by their natural key.
    """
    reps = -(-rows // len(base))
    big = pd.concat([base] * reps, ignore_index=True).head(rows)
    big["hazard_id"] = [f"B{i:08d}" for i in range(rows)]
    big["hazard_description"] = big["hazard_description"] + "（" + (big.index % 997).astype(
        str) + "）"
    return big
