"""The demo county 演示县: a deterministic, realistic, fictional mountain county.

``generate(seed)`` returns every table as frames ready for the store; the same seed gives
the same content to the byte. ``build_demo_database`` writes them, labelled as demo data.
Nothing here describes a real place: names, codes and numbers are made up.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from domain.schema import STORAGE_CRS, TABLES
from geodata.demo import (
    forest,
    geohazards,
    ledger,
    places,
    registers,
    roads,
    terrain,
    townships,
    weather,
)
from geodata.store import Store

DEFAULT_SEED = 42
AS_OF = datetime(2026, 10, 31, 18, 0)
"""The demo's 'now': every date in it lies on or before this moment."""
DATASET_LABEL = ("演示县（虚构演示数据）", "Demo County (fictional demo data)")
PROVINCE_LABEL = ("演示省（75 个演示县拼成的虚构演示数据）",
                  "Demo Province (75 copies of the demo county, fictional demo data)")
"""The data set's label in Chinese and in English (``dataset_label``, ``dataset_label_en``)."""
SIZES = ("county", "province")
GENERATOR_VERSION = "4"
"""Raised when the demo changes in a way a user sees (2: its label in each language; 3: the
registers of places and readiness; 4: stable sorts, the same demo on every processor)."""

_PARTS = ("terrain", "townships", "roads", "accidents", "sites", "events", "forest", "fires",
          "weather", "monitoring", "places", "ledger", "registers")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    """Return one independent generator per part, so parts do not disturb each other."""
    children = np.random.SeedSequence(seed).spawn(len(_PARTS))
    return {name: np.random.default_rng(c) for name, c in zip(_PARTS, children, strict=True)}


def assign_townships(frame: gpd.GeoDataFrame, towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set ``township_code`` from the township each point lies in (tested in EPSG:4326).

    Points in no township are dropped.
    """
    pts = frame.to_crs(STORAGE_CRS)
    hits = gpd.sjoin(pts[["geometry"]], towns.to_crs(STORAGE_CRS)[["township_code", "geometry"]],
                     predicate="within", how="left")
    hits = hits[~hits.index.duplicated(keep="first")]
    out = frame.copy()
    out["township_code"] = hits["township_code"]
    return out[out["township_code"].notna()].reset_index(drop=True)


def _distance_grid(ter: terrain.Terrain, geoms: shapely.Geometry) -> np.ndarray:
    pts = shapely.points(ter.x.ravel(), ter.y.ravel())
    return shapely.distance(pts, geoms).reshape(ter.x.shape)


def _rivers(ter: terrain.Terrain, county: shapely.Geometry) -> gpd.GeoDataFrame:
    rows = [{"river_id": f"HL{i + 1:02d}", "river_name": name, "river_class": klass,
             "geometry": line.intersection(county)} for i, (name, klass, line) in
            enumerate(ter.rivers)]
    frame = gpd.GeoDataFrame(rows, crs=terrain.WORK_CRS)
    return frame[~frame.is_empty].reset_index(drop=True)


def generate(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Return every entity table of the demo county, keyed by table name, in EPSG:4326."""
    rng = _streams(seed)
    ter = terrain.make_terrain(rng["terrain"])
    towns, labels = townships.make_townships(rng["townships"], ter)
    county = shapely.union_all(towns.geometry.values)
    segs = roads.make_roads(rng["roads"], ter, towns)
    road_distance = _distance_grid(ter, shapely.union_all(segs.geometry.values))
    seat_distance = _distance_grid(ter, shapely.multipoints(list(towns["seat"])))
    sites = assign_townships(geohazards.make_sites(rng["sites"], ter, seat_distance,
                                                   road_distance, as_of=AS_OF.date()), towns)
    geohazards.name_sites(rng["sites"], sites)
    events = assign_townships(geohazards.make_events(rng["events"], ter, sites,
                                                     as_of=AS_OF.date()), towns)
    kinds = forest.forest_grid(rng["forest"], ter)
    zones = forest.make_zones(rng["forest"], ter, labels, kinds, towns)
    towns["forest_cover_pct"] = _forest_cover(towns, zones)
    fires = assign_townships(forest.make_fires(rng["fires"], ter, kinds, road_distance,
                                               as_of=AS_OF.date()), towns)
    days = weather.days_of_year(AS_OF.date())
    rain = weather.daily_rain(rng["weather"], towns, days)
    seat_elev = ter.sample(ter.elevation, np.array([[p.x, p.y] for p in towns["seat"]]))
    town_pos = townships.township_index(towns)
    relocation = assign_townships(places.make_relocation_sites(
        rng["places"], towns, as_of=pd.Timestamp(AS_OF)), towns)
    facilities = assign_townships(places.make_facilities(rng["places"], towns, segs), towns)
    hazards = assign_townships(ledger.make_ledger(rng["ledger"], towns, facilities, segs,
                                                  relocation, as_of=AS_OF), towns)
    steps = ledger.add_history(rng["ledger"], hazards, towns, as_of=AS_OF)
    frames: dict[str, pd.DataFrame] = {
        "townships": towns.drop(columns="seat"),
        "rivers": _rivers(ter, county),
        "geohazard_sites": sites,
        "geohazard_events": events,
        "monitoring_readings": geohazards.monitoring_rows(rng["monitoring"], sites, rain,
                                                          town_pos, days),
        "rainfall": weather.rainfall_rows(rain, towns, days, rng["weather"]),
        "forest_zones": zones,
        "fire_events": fires,
        "fire_weather": weather.fire_weather_rows(rng["weather"], rain, towns, days, seat_elev),
        "road_segments": segs,
        "road_accidents": roads.make_accidents(rng["accidents"], segs, as_of=AS_OF),
        "relocation_sites": relocation,
        "facilities": facilities,
        "hazard_ledger": hazards,
    }
    out = {name: _to_schema(name, frame) for name, frame in frames.items()}
    rows, history = ledger.run_history(out["hazard_ledger"], steps)
    out["hazard_ledger"] = _to_schema("hazard_ledger", rows)
    out["ledger_events"] = _to_schema("ledger_events", history)
    for name in ("road_segments", "forest_zones"):
        out[name] = _clip_to_townships(out[name], out["townships"])
    out |= _registers(rng["registers"], towns, facilities, out["hazard_ledger"])
    return out


def _registers(rng: np.random.Generator, towns: gpd.GeoDataFrame,
               facilities: gpd.GeoDataFrame, ledger_rows: pd.DataFrame
               ) -> dict[str, pd.DataFrame]:
    """Return the sweeps' places and the readiness registers.

    Drawn from their own random stream, after everything else: no other table changes.
    """
    frames = {
        "places": registers.make_places(rng, towns, facilities, ledger_rows, as_of=AS_OF),
        "duty_roster": registers.make_roster(rng, towns, as_of=AS_OF),
        "emergency_plans": registers.make_plans(rng, towns, as_of=AS_OF),
        "rescue_teams": registers.make_teams(rng, facilities, as_of=AS_OF),
        "supplies": registers.make_supplies(rng, facilities),
    }
    return {name: _to_schema(name, frame) for name, frame in frames.items()}


def planted_black_spots(seed: int = DEFAULT_SEED) -> list[str]:
    """Return the IDs of the road segments where the demo planted accident clusters.

    For tests: the engine must find a black spot on each.
    """
    rng = _streams(seed)
    ter = terrain.make_terrain(rng["terrain"])
    towns, _ = townships.make_townships(rng["townships"], ter)
    segs = roads.make_roads(rng["roads"], ter, towns)
    return segs["segment_id"].iloc[roads.planted_spots(rng["accidents"], segs)].tolist()


def _clip_to_townships(frame: gpd.GeoDataFrame, towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Clip each shape to its township again in the storage CRS.

    Shapes were cut at township borders in metres; reprojection can leave their ends a few
    centimetres over the border, which this removes, keeping only the declared geometry kind.
    """
    shapes = towns.set_index("township_code").geometry.loc[frame["township_code"]].values
    clipped = shapely.intersection(frame.geometry.values, shapes)
    dim = shapely.get_dimensions(frame.geometry.values[0])
    keep = [shapely.union_all([p for p in shapely.get_parts(g)
                               if shapely.get_dimensions(p) == dim]) for g in clipped]
    return frame.set_geometry(gpd.array.from_shapely(keep, crs=frame.crs))


def _forest_cover(towns: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> np.ndarray:
    forest_area = zones.area.groupby(zones["township_code"]).sum()
    cover = towns["township_code"].map(forest_area).fillna(0) / towns.area * 100
    return np.round(cover.to_numpy(float), 1)


def _to_schema(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the declared columns in order; reproject geometry to the storage CRS."""
    table = TABLES[name]
    cols = list(table.columns)
    flat = pd.DataFrame(frame.reindex(columns=cols))
    if isinstance(frame, gpd.GeoDataFrame):
        return gpd.GeoDataFrame(flat, geometry=frame.geometry.to_crs(STORAGE_CRS).values,
                                crs=STORAGE_CRS)
    if table.geometry:
        return gpd.GeoDataFrame(flat, geometry=[None] * len(frame), crs=STORAGE_CRS)
    return flat


def build_demo_database(path: str | Path, *, seed: int = DEFAULT_SEED,
                        replace: bool = False, size: str = "county",
                        series: bool = True) -> dict[str, int]:
    """Create the demo database at ``path`` and return the row count of every table.

    ``size`` is ``county`` (the demo county) or ``province`` (``scale.province_demo``: 75
    copies side by side with survey-like borders, for trying the app at province scale;
    without ``series``, its monitoring readings and rain are left out).
    With ``replace`` an existing database at ``path`` is emptied first, in the same
    transaction that writes the demo, so a failure leaves it untouched.
    """
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}; use one of {', '.join(SIZES)}")
    frames = generate(seed)
    label = DATASET_LABEL
    if size == "province":
        from geodata.demo.scale import province_demo

        frames, label = province_demo(frames, series=series), PROVINCE_LABEL
    with Store(path) as store:
        counts = store.write_many(frames, mode="replace" if replace else "append")
        store.set_meta({"dataset": "demo", "dataset_label": label[0],
                        "dataset_label_en": label[1],
                        "demo_seed": str(seed), "demo_as_of": AS_OF.isoformat(),
                        "demo_generator_version": GENERATOR_VERSION})
    return counts
