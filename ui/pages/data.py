"""数据管理 Data — import a file through the import function; download any table."""

import streamlit as st

from domain.access import may_import
from domain.errors import RiskMapError
from domain.schema import ENTITY_TABLES
from geodata.exporter import FORMATS, export_bytes
from geodata.files import client_name
from geodata.importer import ImportOptions
from geodata.report import ImportReport
from geodata.snapshot import Snapshot
from ui.chrome import (
    account,
    audited,
    base_layers,
    current_lang,
    saved_upload,
    start_page,
    table_name,
    text_of,
    tr,
    upload_limit_caption,
)
from ui.import_form import import_form, mapped

CRS_CHOICES = ("wgs84", "gcj02", "bd09", "other")
UPLOAD_TYPES = ("csv", "xlsx", "geojson", "json", "gpkg", "kml", "zip")


def _options(skip: bool, source: str, keep_outside: bool, replace_geometry: bool
             ) -> ImportOptions:
    choice = st.session_state.get("crs_choice", "wgs84")
    crs = {"wgs84": None, "gcj02": "gcj02", "bd09": "bd09"}.get(choice)
    if choice == "other":
        crs = st.session_state.get("crs_other") or None
    return ImportOptions(crs=crs, skip_bad_rows=skip, keep_outside=keep_outside,
                         replace_geometry=replace_geometry, actor="数据管理页 data page",
                         source=client_name(source))


def _import(snap: Snapshot) -> None:
    st.subheader(tr("upload"))
    who = account()
    allowed = [t for t in ENTITY_TABLES if may_import(who, t)]
    if not allowed:  # the store refuses too (geodata.importer): this spares a useless form
        st.info(tr("auth.import_none", role=who.role_label(current_lang())))
        return
    table = st.selectbox(tr("entity"), allowed, format_func=table_name())
    upload = st.file_uploader(tr("upload"), type=UPLOAD_TYPES)
    upload_limit_caption()
    st.radio(tr("crs"), CRS_CHOICES, key="crs_choice", horizontal=True,
             format_func=text_of("crs."))
    if st.session_state.get("crs_choice") == "other":
        st.text_input("EPSG", key="crs_other", placeholder="EPSG:4544")
    skip = st.checkbox(tr("skip_bad"))
    keep_outside = st.checkbox(tr("import.keep_outside"))
    replace_geometry = (st.checkbox(tr("import.replace_geometry")) if table == "townships"
                        else False)
    mapping = st.file_uploader(tr("import.mapping_file"), type=["toml"])
    if upload is None:
        return
    try:
        options = mapped(_options(skip, upload.name, keep_outside, replace_geometry), mapping)
        with saved_upload(upload, UPLOAD_TYPES) as path:
            done = import_form(snap.store, table, path, options, upload.file_id,
                               snap.versions.get(table, ""))
        if done is not None:
            _written(done)
    except RiskMapError as exc:
        st.error(str(exc))


def _written(done: ImportReport) -> None:
    if done.written:
        st.success(tr("written"))
    elif not done.blocked:
        st.info(tr("import.nothing_changed"))
    else:
        st.error(tr("blocked"))


def _download(store) -> None:
    st.subheader(tr("download"))
    cols = st.columns(2)
    table = cols[0].selectbox(tr("entity"), ENTITY_TABLES, key="download_table",
                              format_func=table_name())
    suffix = cols[1].selectbox(tr("format"), sorted(set(FORMATS) - {".json"}))
    wanted = (table, suffix, current_lang())
    if st.button(tr("prepare")):  # exporting a big table takes a moment: only on request
        st.session_state["export"] = (wanted, export_bytes(store, table, suffix,
                                                           lang=current_lang()))
    prepared = st.session_state.get("export")
    if prepared is not None and prepared[0] == wanted:  # not a file of another choice
        name, content = prepared[1]
        st.download_button(f"{tr('download')} {name}", audited(lambda: content, name),
                           file_name=name)


def _map_borders(snap: Snapshot) -> None:
    """Say what making the township borders one coverage did for the maps (with sizes)."""
    if not snap.counts().get("townships"):
        return
    report = base_layers(snap).coverage
    snap_m = snap.settings.maps.coverage.snap_m
    st.caption(f"**{tr('coverage.title')}** · " + tr(
        f"coverage.{report.method}", moved=f"{report.moved:,}", snap=f"{snap_m:g}",
        share=f"{report.max_change:.3%}", m2=f"{report.max_change_m2:,.0f}",
        reason=report.reason))


snapshot = start_page("data", guide=False)  # where a county's first files go in
if snapshot is not None:
    _import(snapshot)
    _map_borders(snapshot)
    _download(snapshot.store)
