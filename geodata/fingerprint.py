"""Content hashes of frames, for data versions and determinism checks."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd


def frame_hash(frame: pd.DataFrame) -> str:
    """Return a SHA-256 of a frame's columns and values, geometry included as WKB.

    Row order matters: sort frames the same way before comparing them.
    """
    flat = pd.DataFrame(frame).copy()
    if isinstance(frame, gpd.GeoDataFrame):
        name = frame.geometry.name
        flat[name] = frame.geometry.to_wkb(hex=True)
    digest = hashlib.sha256(",".join(map(str, flat.columns)).encode())
    digest.update(flat.to_csv(index=False, lineterminator="\n").encode())
    return digest.hexdigest()


def content_hash(frames: Mapping[str, pd.DataFrame]) -> str:
    """Return one SHA-256 over several named frames, in name order."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        digest.update(name.encode())
        digest.update(frame_hash(frames[name]).encode())
    return digest.hexdigest()
