"""Levels of detail: the first paint carries what the fitted view shows, finer shapes on zoom.

Level 0 is simplified to about one pixel of the layer's fitted view and travels with the map
(as a topology, ``maps.topology``). Each finer level keeps a quarter of the tolerance of the
one before (two zoom steps), down to ``FINEST_DEG``, under a pixel at the map's last zoom;
it is cut into chunks of features by where they lie, each chunk a small topology file,
listed in an index. The browser (``maps/static/rm-topo.js``) fetches the index when the user
first zooms in, then, as the user zooms and pans, the chunks of the level the zoom needs
that the view touches, and redraws those features with them: styles, tooltips and clicks
stay those of the features.

The files are built here, once per version of the shapes; the app serves them
(``ui.assets``). Their names carry a hash of the shapes and of this program's settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from maps.topology import encode

FIRST_PIXELS = 2000
"""Level 0's tolerance is the layer's extent over this: one pixel of its fitted view on a
2,000-pixel-wide screen."""
FINEST_DEG = 6e-6
"""The finest level's tolerance is at most this (degrees, about 0.6 m): a pixel at zoom 18."""
LEVEL_FACTOR = 4
"""Each level's tolerance is the previous one's over this: two zoom steps."""
STEPS_PER_TOLERANCE = 5
"""A level's coordinate grid is its tolerance over this (a point moves ≤ a tenth of it)."""
KINDS = ("coverage", "polygons", "lines")
"""How shapes are simplified: as a coverage (neighbours keep one border), each polygon on
its own (topology kept), lines (Douglas-Peucker)."""


@dataclass(frozen=True)
class Detail:
    """What a map carries of a layer's levels: level 0 and where the finer ones are.

    Attributes:
        spec: ``{"key", "ids", "first": level 0 as a topology, "t": [tolerance of each
            level, coarse to fine]}``; the finer levels are ``level_files``'s.
    """

    spec: dict

    @property
    def key(self) -> str:
        """Return the hash naming this layer's files."""
        return str(self.spec["key"])

    @property
    def ids(self) -> list:
        """Return the features' ids in order (township codes, or part numbers)."""
        return list(self.spec["ids"])

    def parts(self) -> pd.DataFrame:
        """Return the detail as a one-cell frame, for keeping."""
        return pd.DataFrame({"spec": [json.dumps(self.spec, separators=(",", ":"))]})

    @classmethod
    def from_parts(cls, frame: pd.DataFrame) -> Detail:
        """Return the detail ``parts`` gave."""
        return cls(json.loads(frame["spec"].iloc[0]))


def first_tolerance(bounds: Sequence[float]) -> float:
    """Return level 0's tolerance (degrees) for a layer of these bounds."""
    minx, miny, maxx, maxy = bounds
    return max(FINEST_DEG, max(maxx - minx, maxy - miny) / FIRST_PIXELS)


def tolerances(bounds: Sequence[float]) -> list[float]:
    """Return every level's tolerance, coarse to fine (the last at most ``FINEST_DEG``)."""
    out = [first_tolerance(bounds)]
    while out[-1] > FINEST_DEG:
        out.append(out[-1] / LEVEL_FACTOR)
    return out


def simplified(shapes: np.ndarray, tolerance: float, kind: str) -> np.ndarray:
    """Return ``shapes`` simplified to ``tolerance`` as ``kind`` says (see ``KINDS``)."""
    if not len(shapes):
        return shapes
    if kind == "coverage":
        return shapely.coverage_simplify(shapes, tolerance)
    return shapely.simplify(shapes, tolerance, preserve_topology=kind == "polygons")


def levels_of(shapes: np.ndarray, kind: str) -> list[tuple[float, np.ndarray]]:
    """Return (tolerance, shapes) per level, coarse to fine.

    Each level is simplified from the next finer one: the finest works on every vertex,
    the others on fewer and fewer.
    """
    out: list[tuple[float, np.ndarray]] = []
    current = shapes
    for tolerance in reversed(tolerances(_bounds(shapes))):
        current = simplified(current, tolerance, kind)
        out.append((tolerance, current))
    return out[::-1]


def _key(shapes: np.ndarray, kind: str) -> str:
    digest = hashlib.sha256(f"{kind}|{FIRST_PIXELS}|{FINEST_DEG}|{LEVEL_FACTOR}|"
                            f"{STEPS_PER_TOLERANCE}|{len(shapes)}".encode())
    for wkb in shapely.to_wkb(shapes):
        digest.update(wkb or b"-")
    return digest.hexdigest()[:20]


def _cells(shapes: np.ndarray, level: int) -> dict[str, np.ndarray]:
    """Return feature indices by cell of level ``level``'s grid (by their box's centre).

    The grid has ``LEVEL_FACTOR ** level`` cells a side over the shapes' extent: about one
    view at that level's zoom. Computed from the full shapes, so the map's index and the
    files agree.
    """
    cells = LEVEL_FACTOR ** level
    boxes = shapely.bounds(shapes)
    present = ~np.isnan(boxes[:, 0])
    if not present.any():
        return {}
    minx, miny = np.nanmin(boxes[:, 0]), np.nanmin(boxes[:, 1])
    width = max(np.nanmax(boxes[:, 2]) - minx, 1e-12)
    height = max(np.nanmax(boxes[:, 3]) - miny, 1e-12)
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    ix = np.clip(((cx - minx) / width * cells).astype(int, copy=False), 0, cells - 1)
    iy = np.clip(((cy - miny) / height * cells).astype(int, copy=False), 0, cells - 1)
    index = np.flatnonzero(present)
    groups = pd.Series(index).groupby([ix[present], iy[present]]).agg(list)
    return {f"{x}-{y}": np.asarray(members) for (x, y), members in groups.items()}


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _values(shapes: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    values = shapes.values if isinstance(shapes, gpd.GeoSeries) else shapes
    return np.asarray(values, dtype=object)


def first_level(shapes: gpd.GeoSeries, kind: str, ids: Sequence[object] | None = None
                ) -> tuple[np.ndarray, Detail]:
    """Return level 0 of ``shapes`` (WGS-84 degrees) and the map's part of their detail.

    The map carries level 0 as a topology and every level's tolerance; where the finer
    levels' chunks are (``<key>/index.json``) and the chunks are ``level_files``'s, fetched
    when the user first zooms in. ``ids`` name the features (default: their positions).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    values = _values(shapes)
    steps = tolerances(_bounds(values))
    first = simplified(values, steps[0], kind)
    spec = {"key": _key(values, kind),
            "ids": list(range(len(values))) if ids is None else list(ids),
            "first": encode(first, steps[0] / STEPS_PER_TOLERANCE), "t": steps}
    return first, Detail(spec)


def _bounds(values: np.ndarray) -> np.ndarray:
    present = values[~shapely.is_empty(values) & ~shapely.is_missing(values)]
    return shapely.total_bounds(present) if len(present) else np.zeros(4)


def level_files(shapes: gpd.GeoSeries, kind: str) -> dict[str, bytes]:
    """Return the files of every finer level of ``shapes`` and their index.

    ``<key>/index.json`` lists, per level, its chunks (box grown by level 0's tolerance,
    file name); ``<key>/<level>-<cell>.json`` is a chunk. Seconds for a county, a minute
    or so for a province: built once per version of the shapes, beside the app (the map
    draws level 0 meanwhile).
    """
    values = _values(shapes)
    key = _key(values, kind)
    files: dict[str, bytes] = {}
    levels = levels_of(values, kind)
    margin = levels[0][0]
    boxes = shapely.bounds(values)
    index: list[list] = [[]]
    for k, (tolerance, level) in enumerate(levels[1:], start=1):
        chunks = []
        for cell, members in _cells(values, k).items():
            name = f"{key}/{k}-{cell}.json"
            files[name] = _json(encode(level[members], tolerance / STEPS_PER_TOLERANCE,
                                       ids=members.tolist()))
            box = boxes[members]
            grown = (box[:, 0].min() - margin, box[:, 1].min() - margin,
                     box[:, 2].max() + margin, box[:, 3].max() + margin)
            chunks.append([*(round(float(v), 5) for v in grown), name])
        index.append(chunks)
    files[f"{key}/index.json"] = _json({"levels": index})
    return files


def as_drawn(shapes: gpd.GeoSeries, kind: str, ids: Sequence[object] | None = None) -> Detail:
    """Return level 0 alone: no finer levels are built or fetched.

    For shapes the map gets otherwise than from the base map (a layer a page builds, or the
    base moved for GCJ-02 tiles): simplified to level 0 (already simplified ones hardly
    change) and encoded.
    """
    values = _values(shapes)
    tolerance = first_tolerance(_bounds(values))
    present = values[~shapely.is_empty(values) & ~shapely.is_missing(values)]
    if kind == "coverage" and not shapely.coverage_is_valid(values):
        kind = "polygons"  # not one clean coverage: each polygon on its own
    first = simplified(values, tolerance, kind) if len(present) else values
    return Detail({"key": _key(values, kind),
                   "ids": list(range(len(values))) if ids is None else list(ids),
                   "first": encode(first, tolerance / STEPS_PER_TOLERANCE), "t": [tolerance]})
