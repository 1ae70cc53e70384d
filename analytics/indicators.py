"""Raw indicators per township and layer, computed from the stored tables.

Each ``*_indicators`` function returns a frame indexed by township code with one column per
indicator (raw value, in the unit of ``INDICATORS``) and a frame of facts (plain counts used by
overrides and explanations). Every indicator is built so that a township without the hazard
scores 0, and adding a hazard never lowers it: shares are therefore counted, not divided
(the explanation still reports the shares). An indicator whose source table is empty is NaN
for every township: missing, not zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from analytics.blackspots import find_black_spots
from analytics.firedanger import danger_levels
from analytics.spatial import (
    metric_crs,
    nearest_distance,
    sum_by_township,
    to_metric,
    within_distance,
)
from analytics.sweeps import high_grades, inspected, is_high, window_days
from domain import rules
from domain.schema import PEOPLE_PLACE_KINDS
from domain.settings.risk import RiskConfig

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class IndicatorInfo:
    """Labels, unit and the sentence an indicator contributes to an explanation."""

    zh: str
    en: str
    unit: str
    fact: str
    fact_en: str = ""

    def sentence(self, facts: dict, lang: str = "zh") -> str:
        """Return the indicator's fact about one township in ``lang`` (Chinese if no English)."""
        return (self.fact_en if lang == "en" and self.fact_en else self.fact).format(**facts)


INDICATORS: dict[str, IndicatorInfo] = {
    "threat_sites": IndicatorInfo("险情加权隐患点", "threat-weighted sites", "点",
                                  "{n_sites} 处在册隐患点（其中大型及以上险情 "
                                  "{large_threat_sites} 处）",
                                  "{n_sites} active sites ({large_threat_sites} of large or extra-"
                                  "large threat)"),
    "threatened_people": IndicatorInfo("受威胁人数", "people threatened", "人",
                                       "隐患点威胁 {threatened_people:,.0f} 人",
                                       "sites threaten {threatened_people:,.0f} people"),
    "past_events": IndicatorInfo("历史灾情（近期加权）", "past disasters, recent weigh more",
                                 "起", "近十年发生地质灾害 {n_events} 起、死亡 {event_deaths} 人",
                                 "{n_events} geological disasters and {event_deaths} deaths in ten"
                                 " years"),
    "exposed_people": IndicatorInfo("隐患点附近的安置点、学校、医院、养老机构人数",
                                    "people in relocation sites, schools, hospitals, care homes "
                                    "near sites",
                                    "人", "隐患点 {exposure_m:.0f} 米内有安置点、学校、医院、"
                                    "养老机构 {exposed_people:,.0f} 人",
                                    "{exposed_people:,.0f} people in relocation sites, schools, "
                                    "hospitals and care homes within {exposure_m:.0f} m of a site"),
    "unmonitored_people": IndicatorInfo("无监测员隐患点威胁人数",
                                        "people threatened by sites without a monitor", "人",
                                        "{unmonitored_sites} 处隐患点无群测群防员",
                                        "{unmonitored_sites} sites without a community monitor"),
    "uninspected_sites": IndicatorInfo("超期未巡查隐患点", "sites not inspected recently", "点",
                                       "{uninspected_sites} 处隐患点超过 {inspection_days} "
                                       "天未巡查",
                                       "{uninspected_sites} sites not inspected for over "
                                       "{inspection_days} days"),
    "rescue_distance": IndicatorInfo("受威胁人数×距最近救援队伍", "people × km to rescue team",
                                     "人·km", "受威胁群众距最近救援队伍平均 {rescue_km:.1f} 公里",
                                     "threatened people are {rescue_km:.1f} km from the nearest "
                                     "rescue team on average"),
    "forest_area": IndicatorInfo("林区面积（重点防火区加权）", "forest area, key areas weighted",
                                 "ha", "林区 {forest_ha:,.0f} 公顷（森林覆盖 {forest_pct:.0f}%），"
                                 "重点防火区 {key_ha:,.0f} 公顷",
                                 "{forest_ha:,.0f} ha of forest ({forest_pct:.0f}% cover), "
                                 "{key_ha:,.0f} ha in key fire areas"),
    "fire_danger": IndicatorInfo("近期森林火险等级（按林地比例）",
                                 "recent fire-danger level, by forest share", "级",
                                 "近 {danger_days} 天平均森林火险等级 {danger_level:.1f} 级",
                                 "mean fire-danger level {danger_level:.1f} over the last "
                                 "{danger_days} days"),
    "past_fires": IndicatorInfo("历史火情与热点（每平方公里林地，近期加权）",
                                "past fires and hotspots per km² of forest", "起/km²",
                                "近五年火情 {n_fires} 起、卫星热点 {n_hotspots} 个",
                                "{n_fires} fires and {n_hotspots} satellite hotspots in five "
                                "years"),
    "ignition_pressure": IndicatorInfo("林区附近人员与场所", "people and venues near forest",
                                       "人", "林区 {forest_near_m:.0f} 米内安置群众、学校和场所 "
                                       "{near_forest_people:,.0f} 人",
                                       "{near_forest_people:,.0f} people in settlements, schools "
                                       "and venues within {forest_near_m:.0f} m of forest"),
    "roads_in_forest": IndicatorInfo("穿越林区道路", "road length through forest", "km",
                                     "{forest_road_km:.1f} 公里道路穿越林区",
                                     "{forest_road_km:.1f} km of road through forest"),
    "fire_team_distance": IndicatorInfo("林区面积×距最近扑火力量", "forest km² × km to fire team",
                                        "km²·km", "林区距最近消防或森林消防队平均 "
                                        "{fire_team_km:.1f} 公里",
                                        "forest lies {fire_team_km:.1f} km from the nearest fire "
                                        "team on average"),
    "water_distance": IndicatorInfo("林区面积×距最近取水点", "forest km² × km to water source",
                                    "km²·km", "林区距最近取水点平均 {water_km:.1f} 公里",
                                    "forest lies {water_km:.1f} km from the nearest water source "
                                    "on average"),
    "accident_severity": IndicatorInfo("每公里事故（死亡加权）",
                                       "accidents per km, deaths weighted", "起/km",
                                       "近三年交通事故 {n_accidents} 起、死亡 "
                                       "{accident_deaths} 人（路网 {road_km:.0f} 公里）",
                                       "{n_accidents} road accidents and {accident_deaths} deaths "
                                       "in three years ({road_km:.0f} km of road)"),
    "dangerous_length": IndicatorInfo("危险路段长度", "dangerous-section length", "km",
                                      "临水临崖、急弯陡坡、长下坡路段 {danger_km:.1f} 公里",
                                      "{danger_km:.1f} km of sections by water or cliffs, sharp "
                                      "bends or long descents"),
    "passenger_danger": IndicatorInfo("客运线路上的危险路段", "dangerous sections on bus routes",
                                      "km", "农村客运线路经过危险路段 "
                                      "{passenger_danger_km:.1f} 公里",
                                      "rural bus routes run {passenger_danger_km:.1f} km on "
                                      "dangerous sections"),
    "black_spots": IndicatorInfo("事故多发点段", "road black spots", "处",
                                 "事故多发点段 {black_spots} 处",
                                 "{black_spots} road black spots"),
    "open_weighted": IndicatorInfo("未销号隐患（等级、超期加权）",
                                   "open hazards weighted by level and overdue days", "项",
                                   "未销号隐患 {open_hazards} 项（重大 {open_major_hazards} 项）",
                                   "{open_hazards} open hazards ({open_major_hazards} major)"),
    "overdue": IndicatorInfo("超期未整改隐患", "overdue open hazards", "项",
                             "{overdue_hazards} 项隐患超过整改时限，整改率 {rectified_pct:.0f}%",
                             "{overdue_hazards} hazards past their deadline; rectification rate "
                             "{rectified_pct:.0f}%"),
    "uninspected_high_grade": IndicatorInfo(
        "排查期内未检查的高等级场所", "high-grade places not inspected in the sweep", "处",
        "{uninspected_high_grade} 处高等级场所在排查期（{window_days} 天）内未检查",
        "{uninspected_high_grade} high-grade places not inspected in the sweep's "
        "{window_days} days"),
    "chemical_exposure": IndicatorInfo(
        "危化品企业附近的安置点人数", "people in relocation sites near hazardous chemicals", "人",
        "危化品企业 {chemical_m:.0f} 米内的安置点住有 {chemical_exposed_people:,.0f} 人",
        "{chemical_exposed_people:,.0f} people live in relocation sites within {chemical_m:.0f} m"
        " of a hazardous-chemicals enterprise"),
    "unsupervised_major": IndicatorInfo("无挂牌督办领导的重大隐患",
                                        "open major hazards without a supervising leader", "项",
                                        "{unsupervised_major} 项重大隐患未落实挂牌督办",
                                        "{unsupervised_major} major hazards without a supervising "
                                        "leader"),
}


LAYER_TABLES: dict[str, tuple[str, ...]] = {
    "geohazard": ("geohazard_sites", "geohazard_events", "facilities", "relocation_sites",
                  "places"),
    "forest_fire": ("forest_zones", "fire_weather", "fire_events", "facilities",
                    "relocation_sites", "road_segments"),
    "road": ("road_segments", "road_accidents"),
    "ledger": ("hazard_ledger", "places", "relocation_sites"),
}
"""The tables each layer's indicators read besides the townships (``Inputs.only`` holds a
layer to them): a change to any other table leaves the layer's indicators as they were."""


@dataclass
class Inputs:
    """The stored tables, the scoring date and the configuration; tables read in metres.

    Each table is projected to ``crs`` when first read, so a layer scored again alone
    projects only its own tables.
    """

    towns: gpd.GeoDataFrame
    tables: Mapping[str, pd.DataFrame]
    as_of: pd.Timestamp
    config: RiskConfig
    crs: pyproj.CRS
    readable: frozenset[str] | None = None
    projected: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def index(self) -> pd.Index:
        """Return the township codes, the index of every indicator frame."""
        return pd.Index(self.towns["township_code"], name="township_code")

    def only(self, names: tuple[str, ...]) -> Inputs:
        """Return these inputs restricted to the tables ``names`` (projections shared)."""
        return replace(self, readable=frozenset(names))

    def table(self, name: str) -> pd.DataFrame:
        """Return a stored table in the metric CRS (empty frame when absent).

        Raises:
            KeyError: The inputs are restricted (``only``) and ``name`` is not among them.
        """
        if self.readable is not None and name not in self.readable:
            raise KeyError(f"{name} is not among the tables this layer declares")
        if name not in self.projected:
            frame = self.tables.get(name, pd.DataFrame())
            self.projected[name] = to_metric(frame, self.crs) if isinstance(
                frame, gpd.GeoDataFrame) and not frame.empty else frame
        return self.projected[name]

    def sums(self, values: pd.Series, codes: pd.Series) -> pd.Series:
        """Return per-township sums of ``values`` (0 where none)."""
        return sum_by_township(values.astype(float), codes, self.index)

    def counts(self, mask: pd.Series, codes: pd.Series) -> pd.Series:
        """Return per-township counts of rows where ``mask`` holds."""
        return self.sums(mask.astype(float), codes).astype(int)


def prepare_inputs(tables: Tables, config: RiskConfig, as_of: pd.Timestamp) -> Inputs:
    """Return the inputs of a scoring: townships in the metric CRS, other tables as read."""
    towns = tables["townships"]
    crs = metric_crs(towns, config.general.get("metric_crs", "auto"))
    return Inputs(towns.to_crs(crs), tables, as_of, config, crs)


def _recency(times: pd.Series, as_of: pd.Timestamp, half_life_years: float) -> pd.Series:
    age_years = (as_of - pd.to_datetime(times)).dt.days.clip(lower=0) / 365.25
    return 0.5 ** (age_years / half_life_years)


def geohazard_indicators(inp: Inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the geological-hazard indicators and facts per township."""
    cfg = inp.config.section("geohazard")
    dist_m = float(inp.config.section("distances")["exposure_m"])
    sites = inp.table("geohazard_sites")
    events, event_score = _events(inp, float(cfg["event_death_weight"]))
    if sites.empty:  # no register: only the past disasters speak for the layer
        raw = _nothing(inp, "geohazard", missing=True).assign(past_events=event_score)
        return raw, _event_facts(inp, events).assign(large_threat_sites=0)
    sites = rules.active_sites(sites)
    codes = sites["township_code"]
    weight = (sites["threat_level"].map(cfg["threat_weight"]).fillna(1.0)
              * sites["hazard_type"].map(cfg["type_weight"]).fillna(1.0))
    people = sites["threatened_people"].fillna(0).astype(float)
    no_monitor = sites["monitor_name"].isna()
    days = (inp.as_of - sites["last_inspection_date"]).dt.days
    stale = days.gt(cfg["inspection_days"]) | days.isna()
    rescue_km = _nearest_km(sites, _facilities(inp, "救援队伍"))
    exposed = _exposed_people(inp, sites, dist_m)
    raw = pd.DataFrame({
        "threat_sites": inp.sums(weight, codes),
        "threatened_people": inp.sums(people, codes),
        "past_events": event_score,
        "exposed_people": exposed,
        "unmonitored_people": inp.sums(people.where(no_monitor, 0.0), codes),
        "uninspected_sites": inp.sums(stale.astype(float), codes),
        "rescue_distance": inp.sums(people * rescue_km, codes) if rescue_km.notna().all()
        else np.nan,
    }, index=inp.index)
    facts = pd.DataFrame({
        "n_sites": inp.counts(pd.Series(True, index=sites.index), codes),
        "large_threat_sites": inp.counts(sites["threat_level"].isin(["大型", "特大型"]), codes),
        "threatened_people": raw["threatened_people"],
        **_event_facts(inp, events),
        "exposed_people": exposed.fillna(0), "exposure_m": dist_m,
        "unmonitored_sites": inp.counts(no_monitor, codes),
        "uninspected_sites": inp.counts(stale, codes),
        "inspection_days": int(cfg["inspection_days"]),
        "rescue_km": (inp.sums(people * rescue_km.fillna(0), codes)
                      / inp.sums(people, codes).replace(0, np.nan)).fillna(0),
    }, index=inp.index)
    return raw, facts


def _event_facts(inp: Inputs, events: pd.DataFrame) -> pd.DataFrame:
    """Past disasters per township: how many, and how many died."""
    return pd.DataFrame({
        "n_events": inp.counts(pd.Series(True, index=events.index), events["township_code"]),
        "event_deaths": inp.sums(events["deaths"].fillna(0),
                                 events["township_code"]).astype(int)}, index=inp.index)


def _nothing(inp: Inputs, layer: str, *, missing: bool) -> pd.DataFrame:
    """Return the indicators of ``layer``: NaN for every township when data is missing."""
    keys = [i.key for i in inp.config.layer_indicators(layer)]
    return pd.DataFrame(np.nan if missing else 0.0, index=inp.index, columns=keys)


def _events(inp: Inputs, death_weight: float) -> tuple[pd.DataFrame, pd.Series]:
    """Return past disasters and their recency- and death-weighted sum per township."""
    events = inp.table("geohazard_events")
    if events.empty:
        return pd.DataFrame({"township_code": [], "deaths": []}), pd.Series(
            np.nan, index=inp.index)
    half = float(inp.config.general.get("recency_half_life_years", 3.0))
    score = _recency(events["event_date"], inp.as_of, half) * (
        1 + death_weight * events["deaths"].fillna(0))
    return events, inp.sums(score, events["township_code"])


def _facilities(inp: Inputs, *categories: str) -> gpd.GeoDataFrame:
    fac = inp.table("facilities")
    if fac.empty:
        return gpd.GeoDataFrame(geometry=[], crs=inp.crs)
    return fac[fac["facility_category"].isin(categories)]


def _nearest_km(points: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.Series:
    if len(points) == 0:
        return pd.Series(dtype=float)
    return nearest_distance(points, targets) / 1000.0


def _people_places(inp: Inputs) -> gpd.GeoDataFrame:
    """Return the schools, hospitals and care homes with their people (``_people``), located.

    From the places register when it lists any of them (students, patients, residents), else
    the facilities' schools and hospitals (their capacity): never both, so no one counts twice.
    """
    places = inp.table("places")
    if not places.empty:
        kept = places[places["place_kind"].isin(PEOPLE_PLACE_KINDS).to_numpy(bool)]
        kept = kept[kept.geometry.notna() & ~kept.geometry.is_empty]
        if len(kept):
            return kept.assign(_people=kept["place_people"].fillna(0).astype(float))
    facilities = _facilities(inp, "学校", "医院")
    return facilities.assign(_people=facilities["capacity"].fillna(0).astype(float)) \
        if not facilities.empty else facilities


def _exposed_people(inp: Inputs, sites: gpd.GeoDataFrame, dist_m: float) -> pd.Series:
    """People in relocation sites, schools, hospitals and care homes near an active site.

    Within ``dist_m``; schools, hospitals and care homes as ``_people_places`` gives them.
    Missing (NaN) when no relocation site, facility or place was ever loaded.
    """
    reloc = inp.table("relocation_sites")
    if reloc.empty and inp.table("facilities").empty and inp.table("places").empty:
        return pd.Series(np.nan, index=inp.index)
    places = _people_places(inp)
    parts = []
    if not reloc.empty:
        parts.append(reloc.assign(_people=reloc["people"].fillna(0).astype(float)))
    if not places.empty:
        parts.append(places)
    if not parts or len(sites) == 0:
        return pd.Series(0.0, index=inp.index)
    exposed = pd.concat(parts, ignore_index=True)
    near = within_distance(exposed, sites, dist_m)
    return inp.sums(exposed["_people"].where(near, 0.0), exposed["township_code"])


def fire_indicators(inp: Inputs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the forest-fire indicators, facts and the daily danger levels."""
    cfg = inp.config.section("forest_fire")
    near_m = float(inp.config.section("distances")["forest_near_m"])
    zones = inp.table("forest_zones")
    area_km2 = inp.towns.set_index("township_code").area / 1e6
    if zones.empty:
        forest_ha = key_ha = pd.Series(0.0, index=inp.index)
    else:
        ha = zones.area / 1e4
        forest_ha = inp.sums(ha, zones["township_code"])
        key_ha = inp.sums(ha.where(zones["key_fire_area"].fillna(False).astype(bool), 0.0),
                          zones["township_code"])
    share = (forest_ha / 100 / area_km2).clip(0, 1)
    weather = inp.table("fire_weather")
    levels, danger = _recent_danger(inp, weather, cfg)
    fires = inp.table("fire_events")
    half = float(inp.config.general.get("recency_half_life_years", 3.0))
    fire_w = _recency(fires["fire_time"], inp.as_of, half) if not fires.empty else None
    forest_km2 = (forest_ha / 100).replace(0, np.nan)
    raw = pd.DataFrame({
        "forest_area": forest_ha + (float(cfg["key_area_weight"]) - 1) * key_ha,
        "fire_danger": danger * share,
        "past_fires": (inp.sums(fire_w, fires["township_code"].fillna("")) / forest_km2
                       ).fillna(0) if fire_w is not None else np.nan,
        "ignition_pressure": _near_forest_people(inp, zones, near_m),
        "roads_in_forest": _roads_in_forest(inp, zones),
        "fire_team_distance": _zone_distance(inp, zones, "消防站", "森林消防队"),
        "water_distance": _zone_distance(inp, zones, "取水点"),
    }, index=inp.index)
    if zones.empty:  # no forest loaded: the layer is missing, not a county without forest
        raw = _nothing(inp, "forest_fire", missing=True)
    src = fires if not fires.empty else pd.DataFrame({"fire_source": [], "township_code": []})
    facts = pd.DataFrame({
        "forest_ha": forest_ha, "key_ha": key_ha, "forest_pct": share * 100,
        "danger_level": danger.fillna(0), "danger_days": int(cfg["danger_window_days"]),
        "n_fires": inp.counts(src["fire_source"] == "上报火情", src["township_code"]),
        "n_hotspots": inp.counts(src["fire_source"] == "卫星热点", src["township_code"]),
        "forest_near_m": near_m,
        "near_forest_people": raw["ignition_pressure"].fillna(0),
        "forest_road_km": raw["roads_in_forest"].fillna(0),
        "fire_team_km": (raw["fire_team_distance"] / forest_km2).fillna(0),
        "water_km": (raw["water_distance"] / forest_km2).fillna(0),
    }, index=inp.index)
    return raw, facts, levels


def _recent_danger(inp: Inputs, weather: pd.DataFrame, cfg: Mapping[str, Any]
                   ) -> tuple[pd.DataFrame, pd.Series]:
    if weather.empty:
        return pd.DataFrame(), pd.Series(np.nan, index=inp.index)
    levels = danger_levels(weather, cfg)
    start = inp.as_of - pd.Timedelta(days=int(cfg["danger_window_days"]))
    dates = pd.to_datetime(levels["weather_date"])
    recent = levels[(dates > start) & (dates <= inp.as_of)]
    danger = recent.groupby("township_code")["level"].mean().reindex(inp.index)
    return levels, danger


def _near_forest_people(inp: Inputs, zones: gpd.GeoDataFrame, near_m: float) -> pd.Series:
    reloc = inp.table("relocation_sites")
    if reloc.empty and inp.table("facilities").empty:
        return pd.Series(np.nan, index=inp.index)  # neither loaded: missing, not nobody
    venues = _facilities(inp, "学校", "人员密集场所", "医院")
    parts = [f.assign(_people=f[col].fillna(0).astype(float)) for f, col in
             ((reloc, "people"), (venues, "capacity")) if not f.empty]
    if zones.empty or not parts:
        return pd.Series(0.0, index=inp.index)
    places = pd.concat(parts, ignore_index=True)
    near = within_distance(places, zones, near_m)
    return inp.sums(places["_people"].where(near, 0.0), places["township_code"])


def _roads_in_forest(inp: Inputs, zones: gpd.GeoDataFrame) -> pd.Series:
    roads = inp.table("road_segments")
    if zones.empty or roads.empty:
        return pd.Series(0.0 if zones.empty else np.nan, index=inp.index)
    pieces = gpd.overlay(roads[["township_code", "geometry"]], zones[["geometry"]],
                         how="intersection", keep_geom_type=True)
    return inp.sums(pieces.length / 1000, pieces["township_code"])


def _zone_distance(inp: Inputs, zones: gpd.GeoDataFrame, *categories: str) -> pd.Series:
    """Forest km² × km from each zone to the nearest facility of ``categories``."""
    if zones.empty:
        return pd.Series(0.0, index=inp.index)
    targets = _facilities(inp, *categories)
    if targets.empty:
        return pd.Series(np.nan, index=inp.index)
    centres = gpd.GeoDataFrame({"township_code": zones["township_code"].to_numpy()},
                               geometry=zones.representative_point().values, crs=inp.crs)
    km = nearest_distance(centres, targets).to_numpy() / 1000
    return inp.sums(pd.Series(zones.area.to_numpy() / 1e6 * km), centres["township_code"])


def road_indicators(inp: Inputs) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """Return the road indicators, facts and the black spots found."""
    cfg = inp.config.section("road")
    roads = inp.table("road_segments")
    accidents = inp.table("road_accidents")
    if roads.empty:
        return (_nothing(inp, "road", missing=True), pd.DataFrame(index=inp.index),
                gpd.GeoDataFrame(geometry=[], crs=inp.crs))
    km = roads.length / 1000
    flags = roads[list(cfg["flag_weight"])].fillna(False).astype(float)
    danger_km = km * (flags @ pd.Series(cfg["flag_weight"]))
    any_flag = flags.sum(axis=1) > 0
    road_km = inp.sums(km, roads["township_code"])
    spots = find_black_spots(accidents, roads, as_of=inp.as_of, settings=cfg["black_spots"],
                             snap_m=float(inp.config.section("distances")["snap_m"])) \
        if not accidents.empty else gpd.GeoDataFrame(geometry=[], crs=inp.crs)
    period = inp.as_of - pd.DateOffset(years=int(cfg["black_spots"]["period_years"]))
    recent = accidents[accidents["accident_time"] > period] if not accidents.empty else accidents
    severity = (1 + float(cfg["death_weight"]) * recent["deaths"].fillna(0)
                + float(cfg["injury_weight"]) * recent["injuries"].fillna(0)) \
        if len(recent) else pd.Series(dtype=float)
    raw = pd.DataFrame({
        "accident_severity": (inp.sums(severity, recent["township_code"]) / road_km.replace(
            0, np.nan)).fillna(0) if not accidents.empty else np.nan,
        "dangerous_length": inp.sums(danger_km, roads["township_code"]),
        "passenger_danger": inp.sums(km.where(any_flag & roads["passenger_route"].fillna(
            False).astype(bool), 0.0), roads["township_code"]),
        "black_spots": inp.counts(pd.Series(True, index=spots.index), spots["township_code"])
        if len(spots) else (0.0 if not accidents.empty else np.nan),
    }, index=inp.index)
    facts = pd.DataFrame({
        "n_accidents": inp.counts(pd.Series(True, index=recent.index),
                                  recent.get("township_code", pd.Series(dtype=str))),
        "accident_deaths": inp.sums(recent["deaths"].fillna(0), recent["township_code"]).astype(
            int) if len(recent) else 0,
        "road_km": road_km, "danger_km": inp.sums(km.where(any_flag, 0.0),
                                                  roads["township_code"]),
        "passenger_danger_km": raw["passenger_danger"], "black_spots": raw["black_spots"]
        .fillna(0).astype(int),
    }, index=inp.index)
    return raw, facts, spots


def _place_indicators(inp: Inputs) -> tuple[pd.Series, pd.Series]:
    """Return high-grade places not inspected in the sweep, and people near chemicals.

    The second: people in relocation sites within ``chemical_m`` of a hazardous-chemicals
    enterprise. Both missing (NaN) where the places register was never loaded; the second
    also where relocation sites never were (a register without such an enterprise: 0).
    """
    places = inp.table("places")
    if places.empty:
        return pd.Series(np.nan, index=inp.index), pd.Series(np.nan, index=inp.index)
    late = is_high(places, high_grades(inp.config)) & ~inspected(
        places, as_of=inp.as_of, window_days=window_days(inp.config))
    uninspected = inp.sums(late.astype(float), places["township_code"].fillna(""))
    reloc = inp.table("relocation_sites")
    if reloc.empty:
        return uninspected, pd.Series(np.nan, index=inp.index)
    chemicals = places[(places["place_kind"] == "危化品企业").to_numpy(bool)]
    chemicals = chemicals[chemicals.geometry.notna() & ~chemicals.geometry.is_empty]
    near = within_distance(reloc, chemicals,
                           float(inp.config.section("distances")["chemical_m"]))
    return uninspected, inp.sums(reloc["people"].fillna(0).astype(float).where(near, 0.0),
                                 reloc["township_code"])


def open_weight(levels: pd.Series, overdue_days: pd.Series,
                cfg: Mapping[str, Any]) -> pd.Series:
    """Return an open hazard's weight: level weight × (1 + days overdue / scale, capped)."""
    factor = 1 + (overdue_days / float(cfg["overdue_days_scale"])).clip(
        upper=float(cfg["overdue_cap"]))
    return levels.map(cfg["level_weight"]).fillna(1.0) * factor


def ledger_indicators(inp: Inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the hidden-hazard ledger indicators and facts per township."""
    cfg = inp.config.section("ledger")
    ledger = inp.table("hazard_ledger")
    if ledger.empty:  # no ledger: the places, if loaded, still speak for the layer
        uninspected, exposed = _place_indicators(inp)
        return _nothing(inp, "ledger", missing=True).assign(
            uninspected_high_grade=uninspected, chemical_exposure=exposed), pd.DataFrame(
            {"open_major_hazards": 0}, index=inp.index)
    codes = ledger["township_code"].fillna("")
    is_open = rules.is_open(ledger)
    overdue_days = rules.days_overdue(ledger, inp.as_of).clip(lower=0).fillna(0)
    overdue = rules.is_overdue(ledger, inp.as_of)
    major_open = is_open & rules.is_major(ledger)
    unsupervised = major_open & ledger["supervising_leader"].isna()
    total = inp.counts(pd.Series(True, index=ledger.index), codes)
    closed = inp.counts(~is_open, codes)
    raw = pd.DataFrame({
        "open_weighted": inp.sums(open_weight(ledger["hazard_level"], overdue_days, cfg)
                                  .where(is_open, 0.0), codes),
        "overdue": inp.sums(overdue.astype(float), codes),
        "unsupervised_major": inp.sums(unsupervised.astype(float), codes),
    }, index=inp.index)
    uninspected, exposed = _place_indicators(inp)
    raw["uninspected_high_grade"], raw["chemical_exposure"] = uninspected, exposed
    facts = pd.DataFrame({
        "uninspected_high_grade": uninspected.fillna(0).astype(int),
        "window_days": window_days(inp.config),
        "chemical_exposed_people": exposed.fillna(0),
        "chemical_m": float(inp.config.section("distances")["chemical_m"]),
        "open_hazards": inp.counts(is_open, codes),
        "open_major_hazards": inp.counts(major_open, codes),
        "overdue_hazards": inp.counts(overdue, codes),
        "unsupervised_major": inp.counts(unsupervised, codes),
        "rectified_pct": (closed / total.replace(0, np.nan) * 100).fillna(100.0),
    }, index=inp.index)
    return raw, facts
