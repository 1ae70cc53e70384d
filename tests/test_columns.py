"""Column helpers: the same answers as pandas, fast on Arrow-backed text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from domain.columns import isin


@pytest.mark.parametrize("allowed", [["a", "c"], ["a", None], ["b"], [], ["q"]])
def test_isin_matches_pandas_missing_values_included(allowed: list) -> None:
    values = pd.Series(["a", None, "b", "c", "z", "a"], dtype="str")
    wanted = pd.Series(allowed, dtype="str")
    got = isin(values, wanted)
    assert got.dtype == bool
    assert got.tolist() == values.isin(wanted).tolist()
    assert isin(values, pd.Index(wanted)).tolist() == got.tolist()


def test_isin_on_random_ids_and_other_dtypes() -> None:
    rng = np.random.default_rng(7)
    values = pd.Series([f"S{n}" for n in rng.integers(0, 5000, 20000)], dtype="str")
    allowed = pd.Series([f"S{n}" for n in rng.integers(0, 5000, 3000)], dtype="str")
    assert (isin(values, allowed) == values.isin(allowed).to_numpy()).all()
    numbers = pd.Series([1, 2, 3])
    assert isin(numbers, pd.Series([2, 5])).tolist() == [False, True, False]
