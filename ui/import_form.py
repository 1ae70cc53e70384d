"""The data page's import of one chosen file: what the command line does, on a page.

The file is checked at once and again whenever a choice changes (a dry run of the same
import function): the product recognised, a column-to-field table to change, values for
required columns the file lacks, rows outside the county, a mapping file to reuse or to
save, and the report. Writing is a separate, explicit step.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from domain.schema import FIELDS, get_table
from geodata import profiles
from geodata.importer import STATUS_DEFAULTS, ImportOptions, import_file
from geodata.mapping import dump_mapping, parse_mapping
from geodata.report import ImportReport
from geodata.store import Store
from ui.auth import client_address
from ui.chrome import account, current_lang, tr

CHECKS_KEY = "import_checks"
WRITTEN_KEY = "import_written"
"""The (file, table) pairs this session has written: their button goes."""
LOCATION = ("lon", "lat", "wkt")


def checked(store: Store, table: str, path: Path, options: ImportOptions,
            file_key: str, version: str) -> ImportReport:
    """Return the dry-run report of ``path`` read with ``options``, worked out once each.

    ``version`` is the stored table's (from the page's snapshot): a write since means a new
    check.
    """
    key = (file_key, table, repr(options), version)
    cache: dict[Any, ImportReport] = st.session_state.setdefault(CHECKS_KEY, {})
    if key not in cache:
        cache.clear()  # only the current choices matter
        cache[key] = import_file(store, table, path, replace(options, dry_run=True),
                                 who=account())
    return cache[key]


def _label(name: str) -> str:
    if name == "":
        return tr("import.not_imported")
    if name in LOCATION:
        what = {"lon": ("经度", "longitude"), "lat": ("纬度", "latitude"),
                "wkt": ("几何 WKT", "geometry WKT")}[name]
        return tr("import.location", what=what[current_lang() == "en"])
    return FIELDS[name].label(current_lang())


def _targets(table: str) -> list[str]:
    spec = get_table(table)
    return ["", *spec.columns, *(LOCATION if spec.geometry else ())]


def column_choices(table: str, report: ImportReport, file_key: str) -> dict[str, str]:
    """Draw a field choice per column of the file; return {column: field} the user changed."""
    found = {header: name for name, header in report.headers.items()}
    targets = _targets(table)
    changed: dict[str, str] = {}
    with st.expander(tr("import.columns"), expanded=not report.headers):
        st.caption(tr("import.columns_help"))
        for column in report.file_columns:
            auto = found.get(column, "")
            left, right = st.columns([2, 3])
            left.markdown(f"`{column}`")
            choice = right.selectbox(column, targets, index=targets.index(auto)
                                     if auto in targets else 0, format_func=_label,
                                     key=f"col:{file_key}:{table}:{column}",
                                     label_visibility="collapsed")
            if choice != auto:
                changed[column] = choice
    return changed


def default_values(table: str, report: ImportReport, file_key: str) -> dict[str, str]:
    """Ask a value for each required column the file lacks; return those given."""
    spec = get_table(table)
    filled = set(report.headers) | {STATUS_DEFAULTS.get(table, ("",))[0], "row_version"}
    if len(spec.primary_key) == 1:
        filled.add(spec.primary_key[0])  # IDs are made from the content
    lacking = [c for c in spec.columns if spec.is_required(c) and c not in filled]
    if not lacking or report.rows_read == 0:
        return {}
    st.markdown(f"**{tr('import.defaults')}**")
    st.caption(tr("import.defaults_help"))
    given = {}
    for name in lacking:
        field = FIELDS[name]
        key = f"default:{file_key}:{table}:{name}"
        if field.choices:
            value = st.selectbox(field.label(current_lang()), ["", *field.choices], key=key)
        else:
            value = st.text_input(field.label(current_lang()), key=key).strip()
        if value:
            given[name] = value
    return given


def show_report(report: ImportReport) -> None:
    """The counts, where each column went and every problem, errors first."""
    st.write(tr("summary", rows=report.rows_read, new=report.new, changed=report.changed,
                unchanged=report.unchanged, errors=len(report.errors),
                warnings=len(report.warnings)))
    for note in report.notes:
        st.caption(note)
    if report.changes:
        with st.expander(tr("import.changes", n=report.changed), expanded=True):
            st.dataframe(report.change_frame(current_lang()), hide_index=True)
    if report.file_columns:
        with st.expander(tr("import.where_columns_went")):
            st.dataframe(report.column_frame(current_lang()), hide_index=True)
    if report.problems:
        st.subheader(tr("report"))
        frame = report.to_frame(current_lang())
        severity = frame.columns[3]
        st.dataframe(frame.sort_values(severity, key=lambda s: s.map(
            {"错误": 0, "error": 0}).fillna(1), kind="stable"), hide_index=True)


def mapping_download(table: str, options: ImportOptions, report: ImportReport) -> None:
    """Offer the choices made as a mapping TOML (for the command line or the next upload)."""
    columns = {header: name for name, header in report.headers.items()}
    columns |= {k: v for k, v in options.columns.items()}
    text = dump_mapping(columns=columns, defaults=options.defaults, crs=options.crs,
                        title=f"{get_table(table).zh} {get_table(table).en}: {report.source}")
    st.download_button(tr("import.save_mapping"), text.encode("utf-8"),
                       file_name=f"mapping-{table}.toml", mime="application/toml")


def mapped(options: ImportOptions, upload: Any) -> ImportOptions:
    """Return ``options`` with an uploaded mapping file's choices (None: unchanged)."""
    if upload is None:
        return options
    mapping = parse_mapping(upload.getvalue().decode("utf-8-sig"))
    return replace(options, crs=mapping.get("crs") or options.crs,
                   columns=mapping.get("columns", {}), values=mapping.get("values", {}),
                   defaults=mapping.get("defaults", {}),
                   sheet=mapping.get("sheet") or options.sheet)


def import_form(store: Store, table: str, path: Path, options: ImportOptions,
                file_key: str, version: str = "") -> ImportReport | None:
    """Check ``path`` as rows of ``table`` with the choices on the page; write on request.

    Returns the report of the write, once written (None before).
    """
    report = checked(store, table, path, options, file_key, version)
    if report.profile:
        st.success(tr("import.profile", name=report.profile,
                      table=get_table(table).label(current_lang())))
        chosen: dict[str, str] = {}
    else:
        other = profiles.detect_any(report.file_columns)
        if other is not None:
            st.info(tr("import.other_table", name=other.name,
                       table=get_table(other.table).label(current_lang())))
        chosen = column_choices(table, report, file_key)
    defaults = default_values(table, report, file_key)
    if chosen or defaults:
        options = replace(options, columns={**options.columns, **chosen},
                          defaults={**options.defaults, **defaults})
        report = checked(store, table, path, options, file_key, version)
    show_report(report)
    if not report.profile:
        mapping_download(table, options, report)
    if report.blocked and not options.skip_bad_rows:
        st.error(tr("blocked"))
        return None
    if report.table_errors():
        st.error(tr("blocked_table"))
        return None
    written = st.session_state.setdefault(WRITTEN_KEY, set())
    if (file_key, table) in written:  # no second write of the same file by a second click
        st.success(tr("import.already_written"))
        return None
    if not st.button(tr("confirm"), type="primary"):
        return None
    st.session_state.pop(CHECKS_KEY, None)
    done = import_file(store, table, path, replace(options, dry_run=False), who=account(),
                       address=client_address())
    written.add((file_key, table))
    return done
