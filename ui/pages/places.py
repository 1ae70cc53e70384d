"""重点场所与专项排查 Places & sweeps — where the places are, which were inspected, progress."""

import hashlib

import pandas as pd
import streamlit as st

from analytics.sweeps import (
    SWEEP_STATUSES,
    hazards_per_place,
    place_hazards,
    sweep_status,
    window_days,
)
from domain.schema import PLACE_KINDS, label
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import circle_points
from ui.assets import asset_urls
from ui.chrome import (
    base_layers,
    caption,
    current_lang,
    display,
    filter_pick,
    need_or_base_map,
    points_or_totals,
    show_map,
    show_table,
    start_page,
    tiles,
    tips,
    tr,
)
from ui.readiness_views import sweep_table
from ui.tables import choice_format, counts_or_dash

STATUS_COLOURS = {"未检查": "#d7191c", "发现隐患": "#f97b1d", "停业整改": "#7b3294",
                  "已检查": "#2c7bb6", "未发现隐患": "#1a9641"}
"""A place's colour by its status in the sweep: red for not inspected, what needs doing."""


def _map(snap: Snapshot, places: pd.DataFrame) -> None:
    located = places[places.geometry.notna() & ~places.geometry.is_empty]
    colours = located["sweep_status"].map(STATUS_COLOURS)
    shown = tips(located.assign(status=located["sweep_status"].map(
        lambda v: tr(f"sweep.{v}"))), ("place_name", "place_kind", "status", "hazards"),
        headings={"status": tr("col.sweep_status"), "hazards": tr("col.place_hazards")})
    layer = points_or_totals(snap, located, lambda p: circle_points(
        display(p), colours=colours.loc[p.index], tooltips=shown.loc[p.index], radius=6,
        name="places"), colour="#d7191c")
    legend = (tr("legend.sweep"), [(c, tr(f"sweep.{k}")) for k, c in STATUS_COLOURS.items()])
    m = page_map(base_layers(snap), asset_urls(),
                 caption(snap, tr("places"), tr("src.places")), legend=legend, layers=[layer],
                 tiles=tiles())
    show_map(m, "places-map")
    if len(located) < len(places):
        st.caption(tr("places.unlocated", n=len(places) - len(located)))


def _table(places: pd.DataFrame, ledger: pd.DataFrame) -> None:
    """The places shown, one picked: its ledger rows below."""
    if places.empty:
        st.caption(tr("table.empty"))
        return
    columns = ["place_name", "place_kind", "township_name", "supervising_department",
               "place_grade", "last_inspection_date", "status", "hazards", "open_hazards"]
    shown = places.assign(status=places["sweep_status"].map(lambda v: tr(f"sweep.{v}")),
                          **{c: counts_or_dash(places[c]) for c in ("hazards", "open_hazards")})
    # keyed by the places shown: a filter change clears the pick (a row number would now
    # point at another place)
    shown_key = hashlib.sha256("|".join(places["place_id"]).encode()).hexdigest()[:12]
    picked = show_table(shown[columns], hide_index=True, on_select="rerun",
                        selection_mode="single-row", key=f"places-table-{shown_key}",
                        headings={"status": tr("col.sweep_status"),
                                  "hazards": tr("col.place_hazards"),
                                  "open_hazards": tr("col.place_open_hazards")})
    rows = picked.selection.rows if picked is not None else []
    if not rows:
        st.caption(tr("places.pick"))
        return
    place = places.iloc[rows[0]]
    st.subheader(tr("places.ledger_of", name=place["place_name"]))
    mine = place_hazards(place, ledger)
    show_table(mine[["hazard_id", "domain", "hazard_description", "hazard_level", "found_date",
                     "deadline", "hazard_status"]], hide_index=True)


snapshot = start_page("places")
if snapshot is not None:
    data = snapshot.tables()
    days = window_days(snapshot.settings.risk)
    places, ledger = data["places"], data["hazard_ledger"]
    if need_or_base_map(snapshot, "places", "places", "src.places"):
        places = places.assign(
            sweep_status=sweep_status(places, as_of=snapshot.as_of,
                                      window_days=days),
            township_name=places["township_code"].map(snapshot.township_names()),
        ).join(hazards_per_place(places, ledger))
        left, right = st.columns(2)
        kind = choice_format("place_kind", current_lang())
        kinds = filter_pick(left, label("places", "place_kind", current_lang()),
                            [k for k in PLACE_KINDS if k in set(places["place_kind"])],
                            format_func=kind, key="places-kind")
        statuses = filter_pick(right, tr("col.sweep_status"), list(SWEEP_STATUSES),
                               format_func=lambda v: tr(f"sweep.{v}"), key="places-status")
        keep = pd.Series(True, index=places.index)
        if kinds:
            keep &= places["place_kind"].isin(kinds)
        if statuses:
            keep &= places["sweep_status"].isin(statuses)
        chosen = places[keep.to_numpy()]
        st.caption(tr("places.window", days=days, n=len(chosen),
                      total=len(places)))
        _map(snapshot, chosen)
        _table(chosen, ledger)
    st.subheader(tr("sweep.progress"))
    sweep_table(snapshot, places, ledger, key="places-progress")
