"""地质灾害预警 Geohazard warning — a rain scenario, site levels, who must move, what changed."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics.evacuation import evacuation_sheet
from analytics.rainfall import REGIONS, region_townships, scenario_rows
from analytics.warning import (
    WarningInputs,
    WarningRun,
    level_changes,
    warn_county,
    warning_inputs,
)
from domain.errors import RiskMapError
from geodata.files import client_name
from geodata.importer import ImportOptions, read_checked
from geodata.printable import printable_html, printable_xlsx
from geodata.snapshot import Snapshot
from maps.compose import page_map
from maps.layers import circle_points, tooltip_rows
from maps.style import NO_WARNING_COLOUR, UNKNOWN_COLOUR, WARNING_COLOURS
from ui.assets import asset_urls
from ui.chrome import (
    SNAPSHOT_KEY,
    audited,
    base_layers,
    caption,
    current_lang,
    demo_label,
    display,
    need_or_base_map,
    points_or_totals,
    saved_upload,
    show_map,
    show_table,
    start_page,
    text_of,
    tiles,
    too_many,
    tr,
    upload_limit_caption,
)

RAIN_TYPES = ("csv", "xlsx", "geojson", "json")
COUNTER_CSS = "<style>" + "".join(
    f".st-key-level-{k} {{ border-left: 10px solid {c}; padding-left: 10px; }}"
    for k, c in [*WARNING_COLOURS.items(), ("unknown", UNKNOWN_COLOUR)]) + "</style>"
"""Each level's counter edged in the level's colour (the same as on the map)."""


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=SNAPSHOT_KEY)
def _run(snap: Snapshot, now: pd.Timestamp, key: tuple,
         _extra: pd.DataFrame | None) -> WarningRun:
    """Return the warning at ``now`` for the rain source ``key`` (with ``_extra``'s rain)."""
    del key  # a cache key: the rain source
    return warn_county(snap.tables(), as_of=now, settings=snap.settings.warning,
                       extra_rain=_extra, inputs=_inputs(snap, now))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=SNAPSHOT_KEY)
def _inputs(snap: Snapshot, now: pd.Timestamp) -> WarningInputs:
    """Stored rain and instrument levels: the same for every scenario on this data."""
    return warning_inputs(snap.tables(), as_of=now, settings=snap.settings.warning)


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=SNAPSHOT_KEY)
def _region(snap: Snapshot, region: str) -> list[str]:
    """The townships of a region preset, once per version of the townships."""
    return region_townships(snap.table("townships"), region)


def _level(value: object) -> str:
    return tr(f"level.{int(value)}") if pd.notna(value) else tr("level.none")


def _scenario(snap: Snapshot, names: dict[str, str]
              ) -> tuple[tuple, pd.DataFrame | None, str]:
    cols = st.columns([1, 2, 1, 1])
    region = cols[0].selectbox(tr("warn.region"), REGIONS, format_func=text_of("region."),
                               index=1, key="warn_region")
    chosen = cols[1].multiselect(tr("warn.townships"), list(names), format_func=names.get,
                                 placeholder=tr("choose.many"), select_all=False,
                                 default=_region(snap.only("townships"), region),
                                 key=f"warn_towns_{region}")
    hours = cols[2].selectbox(tr("warn.hours"), [24, 72], index=1, key="warn_hours")
    mm = cols[3].number_input(tr("warn.mm"), 0.0, 1000.0, 150.0, step=10.0, key="warn_mm")
    label = tr("warn.scenario_line", hours=hours, mm=mm, n=len(chosen))
    return (("scenario", tuple(sorted(chosen)), hours, mm),
            scenario_rows(chosen, hours=hours, mm=mm, as_of=snap.now), label)


def _upload(towns: pd.DataFrame) -> tuple[tuple, pd.DataFrame | None, str]:
    upload = st.file_uploader(tr("warn.source.file"), type=RAIN_TYPES,
                              help=tr("warn.file_help"), key="warn_file")
    upload_limit_caption()
    if upload is None:
        return ("stored",), None, tr("warn.source.stored")
    try:
        with saved_upload(upload, RAIN_TYPES) as path:
            rain = read_checked("rainfall", path, towns,
                                ImportOptions(source=client_name(upload.name)))
    except RiskMapError as exc:
        st.error(str(exc))
        return ("stored",), None, tr("warn.source.stored")
    return ("file", upload.file_id, upload.size), rain, client_name(upload.name)


def _counts(run: WarningRun) -> None:
    """The number of sites at each level, each counter in its level's colour."""
    counts = run.counts()
    st.markdown(COUNTER_CSS, unsafe_allow_html=True)
    cols = st.columns(6)
    for col, level in zip(cols, (1, 2, 3, 4), strict=False):
        col.container(key=f"level-{level}").metric(tr(f"level.{level}"),
                                                    f"{counts[str(level)]:,}")
    cols[4].container(key="level-unknown").metric(tr("level.unknown"),
                                                  f"{counts['unknown']:,}")
    cols[5].metric(tr("kpi.evacuate"), f"{counts['people']:,}")


def _map(snap: Snapshot, run: WarningRun, towns: pd.DataFrame, sites: pd.DataFrame,
         line: str, simulated: bool) -> None:
    roll = run.townships.reindex(towns["township_code"])
    fill = roll["level"].map(WARNING_COLOURS).fillna(NO_WARNING_COLOUR)
    town_tips = tooltip_rows(roll.reset_index(), {"township_name": tr("township"),
                                                  "level": tr("col.level"),
                                                  **{f"level_{k}": tr(f"level.{k}")
                                                     for k in (1, 2, 3, 4)}})
    levels = run.levels.set_index("site_id")
    shown = sites.set_index("site_id").loc[levels.index].reset_index()
    colours = levels["level"].map(WARNING_COLOURS).where(levels["state"] != "unknown",
                                                         UNKNOWN_COLOUR).fillna("#ffffff")
    site_tips = tooltip_rows(levels.reset_index(), {"site_name": tr("site_record"),
                                                    "level": tr("col.level"),
                                                    "effective": tr("col.effective")})
    legend = (tr("legend.warning"), [(WARNING_COLOURS[k], tr(f"level.{k}")) for k in (1, 2, 3, 4)]
              + [(NO_WARNING_COLOUR, tr("level.none")), (UNKNOWN_COLOUR, tr("level.unknown"))])
    title = f"{tr('warning')} · {tr('scenario.mark')}" if simulated else tr("warning")
    cap = caption(snap, title, tr("src.scenario") if simulated else tr("src.warning"))
    cap = replace(cap, lines=(tr("warn.as_of", time=f"{run.as_of:%Y-%m-%d %H:%M}"), line,
                              *cap.lines[1:]))
    if too_many(len(shown), "map.warned_only"):  # mark the sites that matter, roll-up the rest
        warned = (levels["level"] <= 2).fillna(False).to_numpy(dtype=bool)
        shown, colours, site_tips = shown[warned], colours[warned], site_tips[warned]
    layer = points_or_totals(snap, shown, lambda s: circle_points(
        display(s), colours=colours.to_numpy(), tooltips=site_tips, radius=6,
        name="warning-sites", outline=("#000000", 2.5)), colour=WARNING_COLOURS[2])
    m = page_map(base_layers(snap), asset_urls(), cap, legend=legend, layers=[layer],
                 fill=fill, tooltips=town_tips, tiles=tiles())
    show_map(m, "warning-map")


def _evacuation(snap: Snapshot, run: WarningRun, names: dict[str, str], line: str,
                simulated: bool) -> None:
    mark = tr("scenario.suffix") if simulated else ""
    st.subheader(tr("evac.title") + mark)
    if run.evacuation.empty:
        st.success(tr("evac.none"))
        return
    evac = run.evacuation
    st.markdown(tr("evac.total", sites=f"{len(evac):,}",
                   households=f"{int(evac['threatened_households'].fillna(0).sum()):,}",
                   people=f"{int(evac['threatened_people'].fillna(0).sum()):,}",
                   red=int((evac["level"] == 1).sum()), orange=int((evac["level"] == 2).sum())))
    shown = evacuation_sheet(evac, names, current_lang())
    st.dataframe(shown, hide_index=True)
    title = tr("evac.title") + mark
    lines = [tr("warn.as_of", time=f"{run.as_of:%Y-%m-%d %H:%M}"), line,
             *([demo_label(snap)] if demo_label(snap) else [])]
    cols = st.columns(2)
    stem = f"evacuation{'-scenario' if simulated else ''}-{run.as_of:%Y%m%d%H%M}"
    # Built when clicked: laying out a province's list on every rerun cost a second.
    cols[0].download_button(tr("evac.xlsx"), audited(
        lambda: printable_xlsx(shown, title, lines), f"{stem}.xlsx"),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="evac_xlsx")
    cols[1].download_button(tr("evac.html"), audited(
        lambda: printable_html(shown, title, lines), f"{stem}.html"),
        file_name=f"{stem}.html", mime="text/html", key="evac_html")


def _save(line: str, levels: pd.DataFrame) -> None:
    """Keep the warning now shown as a baseline to compare with (a button's callback)."""
    st.session_state.setdefault("warn_saved", {})[line] = levels
    st.session_state["warn_compare"] = line


def _changes(run: WarningRun, names: dict[str, str], line: str) -> None:
    """Compare with a baseline the user saved: never with whatever the controls passed by."""
    st.subheader(tr("changes"))
    saved = st.session_state.setdefault("warn_saved", {})
    cols = st.columns([3, 1])
    base = cols[0].selectbox(tr("compare.with"), list(saved), index=None, key="warn_compare",
                             placeholder=tr("compare.none"))
    cols[1].button(tr("compare.save"), on_click=_save, args=(line, run.levels),
                   key="warn_save", help=tr("compare.save_help"))
    if base is None:
        st.caption(tr("compare.how"))
        return
    moved = level_changes(saved[base], run.levels)
    if moved.empty:
        st.info(tr("changes.none", prev=base))
        return
    up = int((moved["change"] == "raised").sum())
    st.write(tr("changes.summary", up=up, down=len(moved) - up, prev=base))
    st.dataframe(pd.DataFrame({
        tr("col.site_name"): moved["site_name"],
        tr("township"): moved["township_code"].map(names),
        tr("col.before"): moved["before"].map(_level), tr("col.after"): moved["after"].map(_level),
        tr("col.change"): moved["change"].map(lambda c: tr(f"change.{c}"))}), hide_index=True)


snapshot = start_page("warning")
if snapshot is not None and need_or_base_map(snapshot, "geohazard_sites", "warning", "src.warning"):
    data = snapshot.tables()
    towns = data["townships"]
    names = snapshot.township_names()
    source = st.radio(tr("warn.source"), ["stored", "scenario", "file"], horizontal=True,
                      format_func=text_of("warn.source."), key="warn_source")
    if source == "scenario":
        key, extra, line = _scenario(snapshot, names)
    elif source == "file":
        key, extra, line = _upload(towns)
    else:
        key, extra, line = ("stored",), None, tr("warn.source.stored")
    simulated = source == "scenario"
    if simulated:
        st.warning(tr("scenario.banner", line=line), icon=":material/science:")
    run = _run(snapshot, snapshot.now, key, extra)
    _counts(run)
    _map(snapshot, run, towns, data["geohazard_sites"], line, simulated)
    _evacuation(snapshot, run, names, line, simulated)
    _changes(run, names, line)
    st.subheader(tr("rollup"))
    roll = run.townships.assign(level=run.townships["level"].map(_level))
    show_table(roll, hide_index=True, headings={
        "level": tr("col.level"), "unknown": tr("level.unknown"),
        **{f"level_{k}": tr(f"level.{k}") for k in (1, 2, 3, 4)}})
