"""Shapes as TopoJSON: every shared border sent once, coordinates quantised and delta-encoded.

A township layer as GeoJSON sends each border twice (once for each side) as full decimal
coordinates. As a topology it is a list of arcs, each a border between two junctions sent
once; a shape is a list of arc numbers (``~i``: arc ``i`` reversed). Coordinates are whole
steps of a grid (``transform``) and each point after an arc's first is the step from the one
before: a few digits instead of sixteen. The output follows the TopoJSON specification
(https://github.com/topojson/topojson-specification); the browser decodes it with
``maps/static/rm-topo.js`` (served by the app), ``decode`` here is the same in Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import shapely

_SHIFT = 1 << 32


def _runs(points: np.ndarray, closed: bool) -> np.ndarray:
    """Return ``points`` without consecutive repeats (a ring also without its closing one)."""
    if closed:
        points = points[:-1]
    if len(points) < 2:
        return points
    keep = np.r_[True, (points[1:] != points[:-1]).any(axis=1)]
    points = points[keep]
    if closed and len(points) > 1 and (points[0] == points[-1]).all():
        points = points[:-1]
    return points


def _parts(shape: shapely.Geometry | None, origin: np.ndarray, step: float
           ) -> tuple[str | None, list]:
    """Return the shape's type and its rings or lines as quantised point arrays.

    Polygons: a list of polygons, each a list of rings (open: no closing point); rings
    quantised to fewer than three points are left out, a polygon without its exterior too.
    """
    if shape is None or shape.is_empty:
        return None, []

    def grid(coords: np.ndarray) -> np.ndarray:
        return np.round((coords[:, :2] - origin) / step).astype(np.int64)

    kind = shape.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        polygons = []
        for part in shapely.get_parts(shape):
            rings = [_runs(grid(np.asarray(ring.coords)), True)
                     for ring in (part.exterior, *part.interiors)]
            if len(rings[0]) >= 3:
                polygons.append([r for r in rings[:1]] + [r for r in rings[1:] if len(r) >= 3])
        return ("MultiPolygon" if len(polygons) > 1 else "Polygon") if polygons else None, \
            polygons
    if kind in ("LineString", "MultiLineString"):
        lines = [_runs(grid(np.asarray(line.coords)), False)
                 for line in shapely.get_parts(shape)]
        lines = [line for line in lines if len(line) >= 2]
        return ("MultiLineString" if len(lines) > 1 else "LineString") if lines else None, lines
    raise ValueError(f"cannot encode a {kind} as a topology")


def _keys(points: np.ndarray) -> np.ndarray:
    return points[:, 0] * _SHIFT + points[:, 1]


def _junctions(rings: list[np.ndarray], lines: list[np.ndarray]) -> np.ndarray:
    """Return the points (keys) where arcs must break: where borders meet or part.

    A point met with other neighbours somewhere else is a junction, as are a line's ends.
    """
    keys, before, after = [], [], []
    for seq, closed in [(r, True) for r in rings] + [(s, False) for s in lines]:
        k = _keys(seq)
        keys.append(k)
        before.append(np.roll(k, 1) if closed else np.r_[-1, k[:-1]])
        after.append(np.roll(k, -1) if closed else np.r_[k[1:], -1])
    if not keys:
        return np.empty(0, dtype=np.int64)
    k, b, a = (np.concatenate(x) for x in (keys, before, after))
    seen = np.unique(np.column_stack([k, np.minimum(a, b), np.maximum(a, b)]), axis=0)
    points, ways = np.unique(seen[:, 0], return_counts=True)
    ends = [_keys(line[[0, -1]]) for line in lines]
    return np.unique(np.concatenate([points[ways > 1], *ends]))


class _Arcs:
    """The arcs found so far, each once, looked up in either direction."""

    def __init__(self) -> None:
        self.arcs: list[np.ndarray] = []
        self.index: dict[bytes, int] = {}

    def add(self, arc: np.ndarray) -> int:
        """Return the arc's number (``~n`` when it is arc ``n`` reversed), adding it if new."""
        key = arc.tobytes()
        if key in self.index:
            return self.index[key]
        back = arc[::-1].tobytes()
        if back in self.index:
            return ~self.index[back]
        self.index[key] = len(self.arcs)
        self.arcs.append(arc)
        return len(self.arcs) - 1

    def cut(self, seq: np.ndarray, junctions: np.ndarray, closed: bool) -> list[int]:
        """Return the arc numbers of a ring or line, cut at its junctions (sorted keys)."""
        keys = _keys(seq)
        if len(junctions):  # sorted: a binary search each, not a set built per ring
            found = junctions[np.minimum(np.searchsorted(junctions, keys), len(junctions) - 1)]
            at = np.flatnonzero(found == keys).tolist()
        else:
            at = []
        if closed:
            start = at[0] if at else int(np.argmin(keys))  # a ring alone: a fixed start
            seq = np.roll(seq, -start, axis=0)
            seq = np.vstack([seq, seq[:1]])
            at = [i - start for i in at] if at else []
            at = sorted({0, *[(i + len(keys)) % len(keys) for i in at], len(keys)})
        else:
            at = sorted({0, *at, len(seq) - 1})
        return [self.add(seq[i:j + 1]) for i, j in itertools.pairwise(at)]


def encode(shapes: Sequence[shapely.Geometry | None], step: float, *,
           ids: Sequence[object] | None = None) -> dict:
    """Return ``shapes`` as a TopoJSON topology with one object, ``shapes``.

    Coordinates are quantised to ``step`` (degrees; a point moves at most half a step along
    each axis) from the shapes' south-west corner. Geometry ``i`` is ``shapes[i]`` (null
    when empty or collapsed by the grid); ``ids`` become the geometries' ``id``.
    """
    present = [s for s in shapes if s is not None and not s.is_empty]
    bounds = shapely.total_bounds(np.asarray(present, dtype=object)) if present \
        else np.zeros(4)
    origin = np.floor(bounds[:2] / step) * step
    parts = [_parts(s, origin, step) for s in shapes]
    rings = [r for kind, ps in parts if kind and "Polygon" in kind for p in ps for r in p]
    lines = [s for kind, ps in parts if kind and "Line" in kind for s in ps]
    junctions = _junctions(rings, lines)
    arcs = _Arcs()
    geometries = []
    for n, (kind, ps) in enumerate(parts):
        geometry: dict = {"type": kind}
        if kind in ("Polygon", "MultiPolygon"):
            polygons = [[arcs.cut(r, junctions, True) for r in p] for p in ps]
            geometry["arcs"] = polygons[0] if kind == "Polygon" else polygons
        elif kind is not None:
            lines_arcs = [arcs.cut(s, junctions, False) for s in ps]
            geometry["arcs"] = lines_arcs[0] if kind == "LineString" else lines_arcs
        if ids is not None:
            geometry["id"] = ids[n]
        geometries.append(geometry)
    encoded = []
    for arc in arcs.arcs:
        delta = np.vstack([arc[:1], np.diff(arc, axis=0)])
        encoded.append(delta.tolist())
    return {"type": "Topology",
            "transform": {"scale": [step, step], "translate": [float(origin[0]),
                                                                float(origin[1])]},
            "objects": {"shapes": {"type": "GeometryCollection", "geometries": geometries}},
            "arcs": encoded}


def _absolute(topo: dict) -> list[np.ndarray]:
    scale = np.asarray(topo["transform"]["scale"], dtype=float)
    shift = np.asarray(topo["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(arc, dtype=float).reshape(-1, 2), axis=0) * scale + shift
            for arc in topo["arcs"]]


def _stitch(arcs: list[np.ndarray], numbers: list[int]) -> np.ndarray:
    pieces = [arcs[n] if n >= 0 else arcs[~n][::-1] for n in numbers]
    return np.vstack([pieces[0], *(p[1:] for p in pieces[1:])])


def decode(topo: dict) -> list[shapely.Geometry | None]:
    """Return the shapes of a topology's ``shapes`` object (what ``rm-topo.js`` draws)."""
    arcs = _absolute(topo)
    out: list[shapely.Geometry | None] = []
    for g in topo["objects"]["shapes"]["geometries"]:
        kind = g["type"]
        if kind == "Polygon":
            out.append(shapely.Polygon(*_rings(arcs, g["arcs"])))
        elif kind == "MultiPolygon":
            out.append(shapely.MultiPolygon([_rings(arcs, p) for p in g["arcs"]]))
        elif kind == "LineString":
            out.append(shapely.LineString(_stitch(arcs, g["arcs"])))
        elif kind == "MultiLineString":
            out.append(shapely.MultiLineString([_stitch(arcs, s) for s in g["arcs"]]))
        else:
            out.append(None)
    return out


def _rings(arcs: list[np.ndarray], polygon: list[list[int]]) -> tuple:
    rings = [_stitch(arcs, ring) for ring in polygon]
    return rings[0], rings[1:]
