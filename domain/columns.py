"""Column operations that pandas makes slow on Arrow-backed text, done through pyarrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow_text(values: pd.Series | pd.Index) -> bool:
    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def isin(values: pd.Series, allowed: pd.Series | pd.Index) -> np.ndarray:
    """Return ``values.isin(allowed)`` as a boolean array (a missing value matches one).

    pandas turns every allowed value of an Arrow-backed text column into a Python object
    first; ``pyarrow.compute`` does not (docs/PERFORMANCE.md has the figures).
    """
    if not (_arrow_text(values) and _arrow_text(allowed)):
        return values.isin(allowed).to_numpy(dtype=bool)
    value_set = pa.chunked_array(pa.array(allowed)).combine_chunks()
    found = pc.is_in(pa.chunked_array(pa.array(values)), value_set=value_set)
    return found.to_numpy(zero_copy_only=False).astype(bool)
