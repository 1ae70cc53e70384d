"""Results worked out from the data, kept in the database to be reused (``derived_results``).

A result (the risk engine's, the simplified base map, the headline figures) is a few tables,
each kept as a Parquet file under one key: a digest of everything it was worked out from —
the versions of the tables it reads, the as-of day, the settings and the program itself. An
app server just started, or a second one on the same database, finds it under that key and
reads it in a fraction of the time working it out takes; a change to any of those gives
another key, so a stale result is never found. The latest ``KEEP`` of each kind are kept.

Parquet, not pickle: whoever can write to the database must not be able to run code on the
app servers by writing a result.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from functools import cache
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from domain.errors import RiskMapError
from domain.schema import ENTITY_TABLES
from geodata.snapshot import Snapshot
from geodata.store import Store

BASE_TABLES = ("townships", "rivers", "road_segments")
"""The tables of the vector base map (townships, rivers, main roads)."""
KEEP = 6
"""Results kept per kind: a few as-of days and data versions side by side."""
PROGRAM = ("analytics", "domain", "geodata", "maps")
"""The packages whose code shapes a result: any change to them gives every result a new key."""
HELD = 8
"""Results read from the database held in this process's memory, the latest used."""
_HELD: OrderedDict[str, dict[str, pd.DataFrame]] = OrderedDict()
_HELD_LOCK = threading.Lock()
_META = b"riskmap"
_LOG = logging.getLogger(__name__)
T = TypeVar("T")


@cache
def program_digest() -> str:
    """Return a digest of the source of ``PROGRAM`` (read once per process)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in PROGRAM:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_of(snap: Snapshot, kind: str, tables: Collection[str], *extra: object) -> str:
    """Return the key of a ``kind`` result worked out from ``tables`` of ``snap``.

    It covers those tables' versions, the program and ``extra``: whatever else the result
    depends on (the as-of day, the settings, an option of the engine).
    """
    parts = (kind, program_digest(), sorted((n, snap.versions[n]) for n in tables), *extra)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def base_key(snap: Snapshot) -> str:
    """Return the key of the simplified base map.

    The versions of ``BASE_TABLES`` and how borders are cleaned (``config/map.toml``).
    """
    return key_of(snap, "base", BASE_TABLES, repr(snap.settings.maps.coverage))


def figures_key(snap: Snapshot, tables: Collection[str]) -> str:
    """Return the key of the headline figures counted from ``tables`` as of the as-of day."""
    return key_of(snap, "figures", tables, snap.as_of.isoformat())


def risk_key(snap: Snapshot, *, robustness: bool = True) -> str:
    """Return the key of the risk engine's result.

    It covers every entity table, the as-of day and time, the risk configuration (its
    hash: a ``--config`` of another file gives another key) and whether rank intervals were
    worked out (the app always does).
    """
    return key_of(snap, "risk", [n for n in snap.versions if n in ENTITY_TABLES],
                  snap.as_of.isoformat(), snap.settings.risk.config_hash, robustness)


def encode(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` (index, dtypes and, for a GeoDataFrame, geometry and CRS) as Parquet.

    Columns of Python objects (text as the engine leaves it, lists) come back as objects.
    """
    meta: dict[str, object] = {"objects": [str(c) for c, kind in frame.dtypes.items()
                                           if kind == "object" and c != "geometry"]}
    flat = frame
    if isinstance(frame, gpd.GeoDataFrame):
        name = frame.geometry.name
        flat = pd.DataFrame(frame.drop(columns=name))
        flat[name] = shapely.to_wkb(frame.geometry.values)
        meta |= {"geometry": name, "crs": frame.crs.to_json() if frame.crs else ""}
    table = pa.Table.from_pandas(flat)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           _META: json.dumps(meta).encode()})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def decode(data: bytes) -> pd.DataFrame:
    """Return the frame ``encode`` wrote."""
    table = pq.read_table(pa.BufferReader(data))
    meta = json.loads((table.schema.metadata or {}).get(_META, b"{}"))
    frame = table.to_pandas()
    for column in meta.get("objects", []):
        frame[column] = frame[column].astype(object)
    name = meta.get("geometry")
    if not name:
        return frame
    geometry = shapely.from_wkb(frame.pop(name).to_numpy(dtype=object))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=frame.index,
                                                          name=name),
                            crs=meta["crs"] or None)


def load(store: Store, key: str) -> dict[str, pd.DataFrame] | None:
    """Return the parts of the result kept under ``key``, or None when there is none.

    Read once per process (``HELD`` are held in memory: a key names one content for good);
    the frames are shared, never modify them.
    """
    with _HELD_LOCK:
        if key in _HELD:
            _HELD.move_to_end(key)
            return _HELD[key]
    rows = store.read("derived_results", {"derived_key": key})
    if rows.empty:
        return None
    parts = {part: decode(data) for part, data in zip(rows["derived_part"], rows["payload"],
                                                      strict=True)}
    with _HELD_LOCK:
        _HELD[key] = parts
        while len(_HELD) > HELD:
            _HELD.popitem(last=False)
    return parts


def save(store: Store, kind: str, key: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Keep ``frames`` as the ``kind`` result under ``key`` (replacing one kept there)."""
    parts = pd.DataFrame({"derived_key": key, "derived_part": list(frames),
                          "derived_kind": kind, "computed_at": pd.Timestamp.now(),
                          "payload": [encode(f) for f in frames.values()]})
    store.write_derived(parts, keep=KEEP)


def forget(store: Store) -> None:
    """Drop every kept result (they are worked out again when next asked for)."""
    empty = pd.DataFrame({c: [] for c in ("derived_key", "derived_part", "derived_kind",
                                          "computed_at", "payload")})
    store.write_many({"derived_results": empty}, mode="replace")


def remembered(store: Store, kind: str, key: str, make: Callable[[], T],
               parts: Callable[[T], Mapping[str, pd.DataFrame]],
               rebuild: Callable[[Mapping[str, pd.DataFrame]], T]) -> T:
    """Return the ``kind`` result kept under ``key``, or ``make()`` it and keep it.

    ``parts`` turns a result into named frames and ``rebuild`` turns them back. A database
    that cannot be read or written for this (a read-only file, a busy one, a result kept by
    an older program that no longer reads) only costs the time of working it out again:
    the log says so, the caller gets its result.
    """
    try:
        kept = load(store, key)
        if kept is not None:
            return rebuild(kept)
    except (RiskMapError, KeyError, ValueError, TypeError, pa.ArrowException) as exc:
        _LOG.warning("kept %s result not reused: %s", kind, exc)
    made = make()
    try:
        save(store, kind, key, parts(made))
    except RiskMapError as exc:
        _LOG.warning("%s result not kept: %s", kind, exc)
    return made
