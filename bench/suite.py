"""Speed and scale, measured side by side with the naive way, at three sizes.

Usage: ``python bench/suite.py [--size county|province|national] [--repeat 3]
[--json FILE]`` (``make bench`` runs county and province). For each size it prints the
median of ``repeat`` runs of:

- import: the size's hazard ledger as CSV through ``geodata.importer.import_file`` into a
  fresh database (rows/s, history events included), then the same ledger a month later, one
  row in ten edited, into that database (rows/s of the file; each edit an event); and
  reading + checking alone (our ``read_checked``) against pandas ``read_csv`` + row-by-row
  validation in Python;
- township assignment: ledger points to townships with ``geopandas.sjoin`` (what scoring
  uses) and ``geodata.locate.township_of`` (what the importer uses: ``contains_xy`` on the
  coordinates) against a DuckDB spatial join (``ST_Contains``, points and polygons loaded);
- scoring: the whole risk engine without the Monte-Carlo, and (not national) with it, as
  the app scores (500 weightings for the rank intervals);
- overview map: build time and payload bytes (the map's HTML and script, what the component
  receives) of ours (townships, rivers, main roads, names, legend; also with every geohazard
  site added as our one-layer symbols) against a plain folium map (full-resolution township
  GeoJSON with every attribute and one ``Marker`` per geohazard site);
- memory: resident size once the data is built, the highest seen while scoring, and the
  process's peak (RSS).

National size is scoring only (no import, no map), as the issue asks. Absolute times drift on
shared machines; the ratios (baseline / ours) are measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from timing import median_time, peak_rss_mb, rss_during, rss_mb

from analytics.engine import score_county
from domain.asof import end_of_day
from domain.schema import FIELDS, TABLES
from geodata.accounts import local_account
from geodata.config import load_settings
from geodata.demo import AS_OF, generate
from geodata.demo.scale import (
    osm_like_roads,
    province,
    province_demo,
    published_borders,
    survey_borders,
)
from geodata.duckdb_spatial import load_spatial
from geodata.exporter import export_frame
from geodata.importer import import_file, read_checked
from geodata.locate import township_of
from geodata.store import Store
from maps.compose import BaseLayers, base_for_display, base_level_files
from maps.layers import symbol_points, tooltip_rows
from maps.offline import AssetUrls
from maps.overview import MapText, overview_map

NOW = end_of_day(pd.Timestamp(AS_OF))
"""The demo's as-of, as the app scores it (domain.asof)."""
NATIONAL_COPIES = 2000
NATIONAL_SIZES = {"geohazard_sites": 300_000, "hazard_ledger": 2_000_000,
                  "road_accidents": 400_000, "road_segments": 500_000,
                  "relocation_sites": 12_000}
URLS = AssetUrls("../leaflet/leaflet.js", "../leaflet/leaflet.css",
                 topo_js="../maptopo/rm-topo.js", levels="../maplevels/")
TEXT = MapText("bench", "class",
               {c: c for c in ("重大", "较大", "一般", "低", "数据不足", "无数据")},
               ("bench",), None, "score", "no data")


def tables_for(size: str, county: dict[str, pd.DataFrame] | None = None
               ) -> dict[str, pd.DataFrame]:
    """Return the synthetic tables of ``size``, built from the demo county."""
    county = county if county is not None else generate()
    if size == "county":
        return dict(county, townships=survey_borders(county["townships"]))
    if size == "province":
        return province_demo(county, series=False)
    return province(county, copies=NATIONAL_COPIES, sizes=NATIONAL_SIZES)


def naive_validate(path: Path) -> int:
    """Read a ledger CSV with pandas and check every cell in a Python loop (the naive way)."""
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    by_label = {FIELDS[c].label(): FIELDS[c] for c in TABLES["hazard_ledger"].columns}
    bad = 0
    for _, row in frame.iterrows():
        for header, value in row.items():
            field = by_label.get(header)
            if field is None or pd.isna(value):
                continue
            try:
                if field.type in ("real", "integer"):
                    number = float(value)
                    bad += field.minimum is not None and number < field.minimum
                elif field.type in ("date", "timestamp"):
                    pd.Timestamp(value)
                elif field.choices is not None:
                    bad += value not in field.choices
            except ValueError:
                bad += 1
    return bad


def edited_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger as a month later: one row in ten edited (a new responsible person)."""
    edited = ledger.copy()
    edited.loc[edited.index[::10], "responsible_person"] = "新任责任人"
    return edited


def import_figures(ledger: pd.DataFrame, towns: gpd.GeoDataFrame,
                   repeat: int) -> dict[str, float]:
    """Return ledger import rows/s, ours and the naive read + row-by-row validation.

    Ours is ``import_file`` into a database holding the townships (each row's location is
    checked against them), timed from the call to its return: opening the database is not
    importing.
    """
    with tempfile.TemporaryDirectory() as tmp:
        csv = export_frame("hazard_ledger", ledger, Path(tmp) / "ledger.csv")
        template = Path(tmp) / "towns.duckdb"
        with Store(template) as store:
            store.write("townships", towns)

        edited = export_frame("hazard_ledger", edited_ledger(ledger),
                              Path(tmp) / "edited.csv")
        again: list[float] = []

        def ours() -> float:
            db = shutil.copy(template, Path(tmp) / "run.duckdb")
            with Store(db) as store:
                t0 = time.perf_counter()
                report = import_file(store, "hazard_ledger", csv, who=local_account())
                took = time.perf_counter() - t0
                assert report.written, report.summary()
                t0 = time.perf_counter()
                report = import_file(store, "hazard_ledger", edited, who=local_account())
                again.append(time.perf_counter() - t0)
                assert report.changed == len(ledger.index[::10]), report.summary()
            Path(db).unlink()
            return took

        ours_s = statistics.median(ours() for _ in range(repeat))
        towns_frame = gpd.GeoDataFrame(geometry=[], crs=4326)
        check_s = median_time(lambda: read_checked("hazard_ledger", csv, towns_frame), repeat)
        naive_s = median_time(lambda: naive_validate(csv), repeat)
    return {"import_rows": len(ledger), "import_rows_per_s": len(ledger) / ours_s,
            "reimport_rows_per_s": len(ledger) / statistics.median(again),
            "read_check_rows_per_s": len(ledger) / check_s,
            "naive_read_check_rows_per_s": len(ledger) / naive_s,
            "read_check_ratio": naive_s / check_s}


def assign_figures(points: gpd.GeoDataFrame, towns: gpd.GeoDataFrame,
                   repeat: int) -> dict[str, float]:
    """Return point-in-township times: geopandas sjoin, the importer's lookup, DuckDB's join."""
    pts = points[points.geometry.notna()][["geometry"]].reset_index(drop=True)
    polys = towns[["township_code", "geometry"]]

    def ours() -> None:
        gpd.sjoin(pts, polys, predicate="within", how="left")

    import duckdb

    con = duckdb.connect()
    load_spatial(con)

    def duck() -> None:
        con.register("p", pd.DataFrame({"id": np.arange(len(pts)),
                                        "wkb": pts.geometry.to_wkb()}))
        con.register("t", pd.DataFrame({"code": polys["township_code"],
                                        "wkb": polys.geometry.to_wkb()}))
        con.execute("SELECT p.id, t.code FROM (SELECT id, ST_GeomFromWKB(wkb) g FROM p) p "
                    "JOIN (SELECT code, ST_GeomFromWKB(wkb) g FROM t) t "
                    "ON ST_Contains(t.g, p.g)").fetchall()

    ours_s, duck_s = median_time(ours, repeat), median_time(duck, repeat)
    xy_s = median_time(lambda: township_of(pts.geometry, polys.geometry), repeat)
    con.close()
    return {"assign_points": len(pts), "assign_sjoin_s": ours_s, "assign_xy_s": xy_s,
            "assign_duckdb_s": duck_s, "assign_ratio": duck_s / ours_s}


def naive_map(towns: gpd.GeoDataFrame, sites: gpd.GeoDataFrame) -> folium.Map:
    """Return the naive map: full-resolution townships, every attribute, a Marker a site."""
    minx, miny, maxx, maxy = towns.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None)
    folium.GeoJson(towns.drop(columns=[c for c in towns.columns
                                       if towns[c].dtype.kind == "M"])).add_to(m)
    for name, point in zip(sites["site_name"], sites.geometry, strict=True):
        folium.Marker([point.y, point.x], tooltip=str(name)).add_to(m)
    return m


def coarse_townships(size: str, county: dict[str, pd.DataFrame]) -> gpd.GeoDataFrame:
    """Return the size's townships with the demo's own coarse borders (no survey detail)."""
    if size == "county":
        return county["townships"]
    return province({"townships": county["townships"]})["townships"]


def our_map(base: BaseLayers, scores: pd.DataFrame,
            sites: gpd.GeoDataFrame | None = None) -> folium.Map:
    """Return our overview map from a display-ready base, with site symbols if given."""
    towns = base.towns[["township_code", "township_name", "geometry"]].copy()
    towns["score"] = towns["township_code"].map(scores["composite_score"])
    towns["risk_class"] = towns["township_code"].map(scores["composite_class"])
    m = overview_map(towns, URLS, TEXT, rivers=base.rivers, roads=base.roads,
                     details=base.details)
    if sites is not None:
        symbol_points(sites, colours=pd.Series("#d7191c", index=sites.index),
                      symbols=pd.Series("●", index=sites.index),
                      tooltips=tooltip_rows(sites, {"site_name": "name"}),
                      cluster=len(sites) > 200).add_to(m)
    return m


def payload_bytes(m: folium.Map) -> int:
    """Return the bytes of the map's page: its HTML and script, what the component receives."""
    return len(m.get_root().render().encode())


def map_figures(tables: dict[str, pd.DataFrame], scores: pd.DataFrame,
                coarse: gpd.GeoDataFrame, repeat: int) -> dict[str, float]:
    """Return build time and payload bytes of our overview map and of the naive map.

    Ours is built as the app builds it: the base (townships, rivers, main roads) simplified
    once per data version (timed apart), then the map from it on every rerun. The ratio is
    also given against the demo's own coarse borders (ours then built from them too).
    """
    sites = tables["geohazard_sites"]
    made: dict[str, BaseLayers] = {}

    def base() -> None:
        made["base"] = base_for_display(tables["townships"], tables["rivers"],
                                        tables["road_segments"])

    base_s = median_time(base, repeat)
    built: dict[str, int] = {}
    ours_s = median_time(lambda: built.update(ours=payload_bytes(our_map(made["base"], scores))),
                         repeat)
    naive_s = median_time(lambda: built.update(
        naive=payload_bytes(naive_map(tables["townships"], sites))), repeat)
    with_sites = payload_bytes(our_map(made["base"], scores, sites))
    coarse_base = base_for_display(coarse, tables["rivers"], tables["road_segments"])
    coarse_ratio = payload_bytes(naive_map(coarse, sites)) / payload_bytes(
        our_map(coarse_base, scores))
    levels_s = median_time(lambda: built.update(levels=sum(map(len, base_level_files(
        tables["townships"], tables["rivers"], tables["road_segments"]).values()))), 1)
    return {"map_base_s": base_s, "map_build_s": ours_s, "map_payload_mb": built["ours"] / 1e6,
            "map_with_sites_payload_mb": with_sites / 1e6,
            "naive_map_build_s": naive_s, "naive_map_payload_mb": built["naive"] / 1e6,
            "payload_ratio": built["naive"] / built["ours"],
            "payload_ratio_with_sites": built["naive"] / with_sites,
            "payload_ratio_coarse_borders": coarse_ratio,
            "map_levels_s": levels_s, "map_levels_mb": built["levels"] / 1e6}


def published_figures(tables: dict[str, pd.DataFrame], scores: pd.DataFrame,
                      repeat: int) -> dict[str, float]:
    """Return the map figures on the published-like sample, side by side with the naive map.

    ``tables`` hold it (``published_tables``): borders with slivers between neighbours, and
    OpenStreetMap-like roads. Base (cleaning, level 0), rerender, payload; the finer levels'
    files (built beside the app) timed once.
    """
    towns, sites = tables["townships"], tables["geohazard_sites"]
    made: dict[str, BaseLayers] = {}
    built: dict[str, int] = {}

    def base() -> None:
        made["base"] = base_for_display(towns, tables["rivers"], tables["road_segments"])

    base_s = median_time(base, repeat)
    ours_s = median_time(lambda: built.update(ours=payload_bytes(our_map(made["base"], scores))),
                         repeat)
    naive_s = median_time(lambda: built.update(naive=payload_bytes(naive_map(towns, sites))),
                          repeat)
    levels_s = median_time(lambda: built.update(levels=sum(map(len, base_level_files(
        towns, tables["rivers"], tables["road_segments"]).values()))), 1)
    return {"published_vertices": int(shapely.get_num_coordinates(
                np.asarray(towns.geometry.values, dtype=object)).sum()),
            "published_roads": len(tables["road_segments"]),
            "published_vertices_snapped": made["base"].coverage.moved,
            "published_base_s": base_s, "published_build_s": ours_s,
            "published_payload_mb": built["ours"] / 1e6,
            "published_naive_build_s": naive_s,
            "published_naive_payload_mb": built["naive"] / 1e6,
            "published_payload_ratio": built["naive"] / built["ours"],
            "published_levels_s": levels_s, "published_levels_mb": built["levels"] / 1e6}


def published_tables(size: str, county: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the size's tables as published: sliver borders and OpenStreetMap-like roads."""
    towns = published_borders(county["townships"])
    roads = osm_like_roads(towns)
    frames = dict(county, townships=towns, road_segments=roads)
    return frames if size == "county" else province(frames)


def run_size(size: str, *, repeat: int, county: dict[str, pd.DataFrame] | None = None,
             maps_only: bool = False) -> dict[str, float]:
    """Return every figure of one size (national: scoring only; ``maps_only``: the maps)."""
    county = county if county is not None else generate()
    t0 = time.perf_counter()
    tables = tables_for(size, county)
    figures: dict[str, float] = {"generate_s": time.perf_counter() - t0,
                                 "townships": len(tables["townships"]),
                                 "geohazard_sites": len(tables["geohazard_sites"]),
                                 "ledger_rows": len(tables["hazard_ledger"])}
    config = load_settings().risk
    figures["data_rss_mb"] = rss_mb()
    with rss_during(figures, "scoring_rss_mb"):
        result = score_county(tables, config, as_of=NOW, robustness=False)
        figures["scoring_s"] = median_time(
            lambda: score_county(tables, config, as_of=NOW, robustness=False), repeat)
    if size != "national" and not maps_only:
        # As the app scores: with the Monte-Carlo rank intervals (500 weightings).
        figures["scoring_with_intervals_s"] = median_time(
            lambda: score_county(tables, config, as_of=NOW), repeat)
        figures |= import_figures(tables["hazard_ledger"], tables["townships"], repeat)
        figures |= assign_figures(tables["hazard_ledger"], tables["townships"], repeat)
    if size != "national":
        figures |= map_figures(tables, result.scores, coarse_townships(size, county), repeat)
        published = published_tables(size, county)
        figures |= published_figures(published, result.scores, repeat)
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def print_figures(size: str, figures: dict[str, float]) -> None:
    """Print one size's figures, one per line."""
    print(f"== {size} ==")
    for key, value in figures.items():
        shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
        print(f"  {key:26s} {shown}")


def main() -> None:
    """Run the sizes asked for; print and optionally write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", action="append", choices=("county", "province", "national"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--maps-only", action="store_true",
                        help="only the map figures (clean and published-like samples)")
    args = parser.parse_args()
    county = generate()
    out = {}
    for size in args.size or ["county", "province"]:
        out[size] = run_size(size, repeat=args.repeat, county=county,
                             maps_only=args.maps_only)
        print_figures(size, out[size])
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    assert all(math.isfinite(v) for f in out.values() for v in f.values())


if __name__ == "__main__":
    main()
