"""Exact duplicate rows of a file: collapsed into one, with a warning naming them.

Published files repeat rows (NASA's FIRMS files hold the same detection twice); a row equal
in every cell and in its geometry to an earlier one adds nothing. Rows sharing a key but
differing in content are another matter: validation reports those as errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.errors import Problem
from geodata.readers import RawTable

EXAMPLES = 5
"""Row labels named in each warning."""
REASON = ("文件中有与此行完全相同的行（值中列出），已合并为一行 "
          "exact duplicates of this row (listed as the value) were kept once")


def _row_hashes(raw: RawTable) -> np.ndarray:
    frame = raw.frame.astype(object).where(raw.frame.notna(), None).astype(str)
    if raw.geometry is not None:
        frame = frame.assign(__geometry__=[g.wkb_hex if g is not None else ""
                                           for g in raw.geometry.values])
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def collapse(table: str, raw: RawTable) -> tuple[RawTable, list[Problem]]:
    """Return ``raw`` without exact repeats of earlier rows, and a warning per kept row."""
    if len(raw.frame) < 2:
        return raw, []
    codes, _ = pd.factorize(_row_hashes(raw))
    _, first = np.unique(codes, return_index=True)
    keep = np.zeros(len(codes), dtype=bool)
    keep[first] = True
    if keep.all():
        return raw, []
    repeats = pd.Series(np.flatnonzero(~keep)).groupby(codes[~keep]).agg(list)
    position = np.cumsum(keep) - 1  # a kept row's position after the repeats are gone
    problems = []
    for code, rows in repeats.items():
        origin = first[code]
        named = ", ".join(raw.rows[r] for r in rows[:EXAMPLES]) + (
            f" … ({len(rows)})" if len(rows) > EXAMPLES else "")
        problems.append(Problem(table, int(position[origin]), None, f"行 {named}", REASON,
                                "warning"))
    return raw.subset(keep), problems
