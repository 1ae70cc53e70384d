"""总览 Overview — the county in four colours, headline figures, ranking, and why."""

from html import escape

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analytics.kpi import KPI_SOURCE
from domain.labels import NOT_SCORED, RISK_CLASSES, interval_text, layers_text, rank_text
from domain.loading import next_to_load
from domain.schema import TABLES
from domain.settings.risk import LAYERS
from geodata.snapshot import Snapshot
from maps.overview import MapText, meeting_map, overview_map
from maps.style import CLASS_COLOURS
from ui.assets import asset_urls
from ui.briefing import briefing_downloads
from ui.chrome import (
    as_of_text,
    base_layers,
    current_lang,
    cycle_seconds,
    demo_banner,
    demo_label,
    getting_started,
    header_line,
    headline_figures,
    last_pick,
    leave_meeting,
    meeting_mode,
    page_snapshot,
    risk,
    settings,
    text_of,
    tiles,
    tr,
)
from ui.compare import baseline, changes, moves, trend
from ui.readiness_views import meeting_strip

LAYER_KEYS = ("composite", *LAYERS)


ALL_FIGURES = ("hazards_found", "rectification_rate", "hazards_overdue", "major_open",
               "geohazard_sites", "people_threatened", "relocation_sites", "relocation_people")


def _kpis(snap: Snapshot, *, keys: tuple[str, ...] = ALL_FIGURES, per_row: int = 8) -> None:
    figures = headline_figures(snap)
    cols = [c for _ in range(len(keys) // per_row) for c in st.columns(per_row)]
    counts = snap.counts()
    for col, key in zip(cols, keys, strict=True):
        source = KPI_SOURCE[key]
        if not counts.get(source):  # never loaded: no figure, not a reassuring 0
            col.metric(tr(f"kpi.{key}"), "—", help=tr("kpi.not_loaded",
                                                     table=TABLES[source].label(current_lang())))
            continue
        value = figures[key]
        shown = f"{value:.1f}%" if key == "rectification_rate" else f"{value:,}"
        delta = None
        if key == "major_open":
            delta = f"{tr('kpi.major_supervised')} {figures['major_supervised']}"
        col.metric(tr(f"kpi.{key}"), shown, delta, delta_color="off")


def _map_text(snap: Snapshot, result, layer: str) -> MapText:
    labels = {c: tr(f"class.{c}") for c in (*RISK_CLASSES, *NOT_SCORED)}
    county = snap.label(current_lang())
    lines = (*([county] if county else []),
             as_of_text(snap))
    return MapText(tr(f"layer.{layer}"), tr("legend"), labels, lines, demo_label(snap),
                   tr("score"), tr("no_data"))


def _map(snap: Snapshot, result, layer: str, chosen: str | None) -> None:
    base = base_layers(snap)
    m = overview_map(_layer_towns(snap, result, layer), asset_urls(),
                     _map_text(snap, result, layer), rivers=base.rivers, roads=base.roads,
                     tiles=tiles(), highlight=chosen, details=base.details)
    st_folium(m, height=620, use_container_width=True, key=f"overview-{layer}",
              render=False, returned_objects=["last_active_drawing"])
    # the method under the map for whoever checks a figure; not on it
    st.caption(tr("method", version=result.method_version, hash=result.config_hash))


def _ranking(result, layer: str, before: pd.DataFrame | None) -> None:
    table = result.ranked()
    shown = pd.DataFrame({  # what a laptop shows without scrolling sideways comes first
        tr("rank"): table["composite_rank"].map(rank_text),
        tr("township"): table["township_name"],
        tr("class"): table[f"{layer}_class"].map(lambda c: tr(f"class.{c}")),
        tr("score"): table[f"{layer}_score"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
        tr("rank_interval"): [interval_text(lo, hi) for lo, hi in
                              zip(table["composite_rank_low"], table["composite_rank_high"],
                                  strict=True)],
        tr("col.basis"): _data_column(table, layer),
        tr("overrides"): table[f"{layer}_overrides"].map(
            lambda labels: tr("list.sep").join(_rule(label) for label in labels)),
    })
    if before is not None:  # the rank's move beside the rank
        shown.insert(1, tr("col.rank_move"), moves(result, before).reindex(table.index).to_numpy())
    small = st.column_config.Column(width="small")
    st.dataframe(shown, hide_index=True, on_select="rerun", selection_mode="single-row",
                 key=f"ranking-{layer}",
                 column_config={name: small for name in shown.columns[:-1]})


def _rule(label: str) -> str:
    """An override's label (as the scores hold it, in Chinese) in the page's language."""
    rules = {rule.label: rule for rule in settings().risk.overrides}
    return rules[label].shown(current_lang()) if label in rules else label


def _data_column(table: pd.DataFrame, layer: str) -> pd.Series:
    """What a township's figure rests on: layers of the composite, or the layer's coverage."""
    if layer == "composite":
        return table["composite_layers"].map(
            lambda n: layers_text(int(n), len(LAYERS), current_lang()))
    return table[f"{layer}_coverage"].map(lambda c: f"{c:.0%}")


def _explain(result, code: str, layer: str) -> None:
    why = result.explain(code, layer, current_lang())
    name = result.names.get(code, code)
    score = "—" if why.score != why.score else f"{why.score:.2f}"
    st.subheader(f"{name} · {tr(f'layer.{layer}')} · {score} · "
                 f"{tr(f'class.{why.risk_class}')}")
    if why.risk_class in NOT_SCORED:
        st.info(tr(f"why.{why.risk_class}", coverage=f"{why.coverage:.0%}"))
    for fact in why.facts:
        st.markdown(f"- {fact}")
    for rule in why.overrides:
        st.warning(f"{tr('overrides')}: {_rule(rule)}")
    # the indicators that weigh most first, and what a laptop shows without scrolling sideways
    cols = ["label_zh" if current_lang() == "zh" else "label_en", "contribution", "raw",
            "normalised", "weight", "layer"]
    frame = why.indicators[cols].sort_values("contribution", ascending=False)
    frame["layer"] = frame["layer"].map(lambda v: tr(f"layer.{v}"))
    frame["raw"] = frame["raw"].map(lambda v: "—" if pd.isna(v) else f"{v:,.2f}")
    frame["normalised"] = frame["normalised"].map(lambda v: "—" if pd.isna(v) else f"{v:.3f}")
    top = frame["contribution"].max()  # NaN when no indicator has data: a township unmeasured
    frame = frame.round(3).rename(columns={
        cols[0]: tr("indicator"), "raw": tr("raw"), "normalised": tr("normalised"),
        "weight": tr("weight"), "contribution": tr("contribution"), "layer": tr("layer")})
    st.dataframe(frame, hide_index=True, column_config={
        tr("indicator"): st.column_config.Column(width="medium"),
        tr("contribution"): st.column_config.ProgressColumn(
            format="%.3f", min_value=0.0,
            max_value=float(top) if pd.notna(top) and top > 0 else 1e-9)})


MEETING_FIGURES = ("rectification_rate", "hazards_overdue", "major_open", "people_threatened")
"""The key figures of the meeting screen's side strip."""
TOP_TOWNSHIPS = 5


def _top(result, layer: str) -> None:
    """The first townships of the ranking on ``layer``, in large type with their class."""
    table = result.ranked().sort_values(f"{layer}_score", ascending=False, na_position="last")
    table = table[table[f"{layer}_score"].notna()]  # a township not scored is not "highest"
    rows = []
    for i, (name, klass) in enumerate(zip(table["township_name"], table[f"{layer}_class"],
                                          strict=True), start=1):
        if i > TOP_TOWNSHIPS:
            break
        chip = f'<span class="rm-chip" style="background:{CLASS_COLOURS.get(klass, "#ccc")}">'
        rows.append(f"<tr><td>{i}</td><td>{escape(str(name))}</td>"
                    f"<td>{chip}</span>{escape(tr(f'class.{klass}'))}</td></tr>")
    body = f'<table>{"".join(rows)}</table>' if rows else escape(tr("meeting.top_none"))
    st.markdown(f'<div class="rm-top"><div class="rm-top-title">{escape(tr("meeting.top"))}'
                f'</div>{body}</div>', unsafe_allow_html=True)


def _layer_towns(snap: Snapshot, result, layer: str):
    towns = base_layers(snap).towns[["township_code", "township_name", "geometry"]].copy()
    towns["score"] = towns["township_code"].map(result.scores[f"{layer}_score"])
    towns["risk_class"] = towns["township_code"].map(result.scores[f"{layer}_class"])
    return towns


def _meeting(snap: Snapshot, result) -> None:
    """Big screen, one window high: the map, a strip of key figures and the top townships.

    Every layer is on the map; its buttons switch between them at once, or they cycle by
    themselves (``?cycle=20``), in the browser: no reload, no blank frame.
    """
    county = snap.label(current_lang())
    notice = f" · {demo_label(snap)}" if demo_label(snap) else ""
    st.markdown(
        f'<div class="rm-head"><b>{escape(county or tr("app_title"))}</b> · '
        f'{escape(as_of_text(snap))} · '
        f'{escape(tr("meeting.now", time=f"{pd.Timestamp.now():%Y-%m-%d %H:%M}"))}'
        f'<span class="rm-demo">{escape(notice)}</span></div>', unsafe_allow_html=True)
    left, right = st.columns([4, 1], gap="small")
    with left:
        base = base_layers(snap)
        m = meeting_map([(_layer_towns(snap, result, layer), _map_text(snap, result, layer))
                         for layer in LAYER_KEYS], asset_urls(), rivers=base.rivers,
                        roads=base.roads, tiles=tiles(), cycle_s=cycle_seconds(),
                        details=base.details)
        st_folium(m, height=640, use_container_width=True, key="overview-meeting",
                  render=False, returned_objects=[])
        meeting_strip(snap)
    with right:
        _kpis(snap, keys=MEETING_FIGURES, per_row=1)
        _top(result, "composite")
        st.button(tr("meeting.leave"), on_click=leave_meeting, key="leave_meeting")


def _picked(result, layer: str) -> str | None:
    """Return the township last picked on ``layer``, on the map or in the ranking.

    Whichever happened last wins; both are read before the map is drawn, so it can show it.
    """
    ranking = st.session_state.get(f"ranking-{layer}")
    rows = list(ranking.selection.rows) if ranking else []
    drawn = st.session_state.get(f"overview-{layer}") or {}
    click = ((drawn.get("last_active_drawing") or {}).get("properties") or {}).get(
        "township_code")
    return last_pick(f"overview-pick-{layer}", rows, lambda r: result.ranked().index[r], click)


def _desk(snap: Snapshot, result) -> None:
    layer = st.segmented_control(tr("layer"), LAYER_KEYS, default="composite",
                                 format_func=text_of("layer."), key="layer") \
        or "composite"
    with st.container(key="rm-figures"):
        _kpis(snap)
    chosen = _picked(result, layer)
    left, right = st.columns([3, 2])
    with left:
        _map(snap, result, layer, chosen)
    with right:  # the reason beside the map, then the ranking
        if chosen:
            _explain(result, chosen, layer)
            trend(snap, chosen)
        else:
            st.info(tr("pick_township"))
        st.subheader(tr("ranking"))
        before, when = baseline(snap)
        _ranking(result, layer, before)
    if before is not None:  # the full width: a laptop's right column cut the reasons off
        changes(snap, result, before, when)
    briefing_downloads(snap, result, before, when)


snapshot = page_snapshot()
if snapshot is not None and not snapshot.counts().get("townships"):
    st.title(tr("app_title"))
    getting_started(snapshot)
elif snapshot is not None:
    if meeting_mode():
        _meeting(snapshot, risk(snapshot))
    else:
        st.title(tr("app_title"))
        header_line(snapshot)
        demo_banner(snapshot)
        if next_to_load(snapshot.counts()):
            with st.expander(tr("start.title")):
                getting_started(snapshot)
        _desk(snapshot, risk(snapshot))
