"""The one import function: any office file into any table, validated, all or nothing.

``import_file`` reads the file, recognises public products (FIRMS, the Global Landslide
Catalog), matches headers, parses values and coordinates, fills townships from locations,
validates against the schema, compares with what is stored (new / changed / unchanged) and
upserts by primary key in one transaction. Nothing is written when an error blocks the
import, unless ``skip_bad_rows`` asks to write the good rows and report the rest. The command
line and the data page both call it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from domain import coords
from domain.access import Account, require_import
from domain.columns import isin
from domain.errors import Problem, RiskMapError
from domain.schema import FIELDS, STORAGE_CRS, Table, get_table
from domain.settings.storage import ImportChecks
from domain.values import (
    choice_lookup,
    fold,
    parse_choices,
    parse_datetimes,
    parse_numbers,
    per_unique,
)
from geodata import (
    audit,
    duplicates,
    locate,
    placing,
    profiles,
    readers,
    townships_import,
)
from geodata.config import load_settings
from geodata.files import file_sha256
from geodata.headers import HeaderMatch, header_score, match_headers
from geodata.ledger_events import import_events
from geodata.report import ImportReport
from geodata.store import Store
from geodata.validate import validate

STATUS_DEFAULTS: dict[str, tuple[str, str]] = {
    "hazard_ledger": ("hazard_status", "待整改"),
    "geohazard_sites": ("site_status", "在册"),
}
"""The status a file without a status column gives every row (reported as a warning): a
ledger sent without one lists hazards still to rectify; a site register lists sites in it."""


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file.

    Attributes:
        crs: What coordinates are in: an EPSG code or WKT (projected Gauss–Krüger included),
            ``gcj02`` or ``bd09``; None means WGS-84/CGCS2000 degrees (or the file's own CRS).
        columns: {header: field} overriding header matching (``lon``/``lat``/``wkt`` too).
        values: {field: {given value: allowed value}} overriding value matching.
        defaults: {field: value} for columns the file lacks (e.g. every row of a KML of
            shelters is a 避难场所).
        sheet: Read only this sheet of a workbook.
        encoding: Text encoding, when detection should be skipped.
        dry_run: Report what would change; write nothing.
        skip_bad_rows: Write the rows without errors; report the others.
        actor: Who is importing, recorded in the ledger history.
        source: The file's name as its sender knows it, for the report and the ledger
            history (default: the name of the path read; an upload is kept under another).
        limits: Memory an import may take (default: ``config/storage.toml``).
        keep_outside: Store rows located outside the county too (they are left out and
            counted by default).
        replace_geometry: Allow replacing a stored township boundary by one of a much
            different area, or by a shape that had to be repaired.
        checks: The margin and shares those checks use (default: ``config/storage.toml``).
    """

    crs: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    encoding: str | None = None
    dry_run: bool = False
    skip_bad_rows: bool = False
    actor: str = "导入 import"
    source: str | None = None
    limits: readers.ReadLimits | None = None
    keep_outside: bool = False
    replace_geometry: bool = False
    checks: ImportChecks | None = None


@dataclass
class Prepared:
    """Rows ready to store (validated) and everything found on the way."""

    frame: pd.DataFrame
    problems: list[Problem]
    header: HeaderMatch | None
    profile: str | None
    notes: list[str]
    outside: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    repaired: set[int] = field(default_factory=set)


def _text(raw: pd.Series) -> pd.Series:
    """Strip white space from text values; leave typed columns (GPKG, Excel) alone."""
    if raw.dtype == object:
        return raw.map(lambda v: v.strip() if isinstance(v, str) else v)
    return raw.str.strip() if pd.api.types.is_string_dtype(raw.dtype) else raw


def _parse_column(name: str, raw: pd.Series,
                  overrides: Mapping[str, str]) -> pd.Series:
    """Parse one column by its field's type; unparsed values stay as given for validation."""
    spec = FIELDS[name]
    if spec.choices is not None:
        lookup = choice_lookup(spec) | {fold(k): v for k, v in overrides.items()}
        # Folding for the lookup drops white space: no stripping of every value first.
        parsed, _ = per_unique(raw, lambda s: parse_choices(s, lookup))
        return parsed
    if spec.type in ("integer", "real"):
        parsed, bad = per_unique(raw, lambda s: parse_numbers(s, spec.unit))
    elif spec.type in ("date", "timestamp"):
        parsed, bad = per_unique(raw, parse_datetimes)
    else:
        return _text(raw)
    return parsed.astype(object).where(~bad, raw) if bad.any() else parsed


def _location(table: Table, frame: pd.DataFrame, raw: readers.RawTable, header: HeaderMatch,
              crs: str | None) -> tuple[gpd.GeoSeries | None, list[Problem]]:
    if table.geometry is None:
        return None, []
    if raw.geometry is not None:
        return locate.from_geometry(table, raw.geometry, crs)
    if "lon" in frame and "lat" in frame:
        return locate.from_lon_lat(table, frame["lon"], frame["lat"], crs,
                                   (header.fields.get("lon", "lon"),
                                    header.fields.get("lat", "lat")))
    if "wkt" in frame:
        return locate.from_wkt(table, frame["wkt"], crs, header.fields.get("wkt", "wkt"))
    return None, []


def _make_ids(table: Table, frame: pd.DataFrame) -> pd.Series:
    """Return stable IDs from a row's natural key, for files without an ID column."""
    key = table.primary_key[0]
    cols = [c for c in (table.natural_key or frame.columns) if c in frame and c != key]
    if len(frame) == 0:
        return pd.Series([], index=frame.index, dtype=object)
    content = (frame[cols].astype("string").fillna("").agg("|".join, axis=1) if cols
               else pd.Series("", index=frame.index))
    prefix = "".join(w[0] for w in table.name.split("_")).upper()
    return content.map(lambda s: f"{prefix}-{hashlib.sha1(s.encode()).hexdigest()[:12]}")


def _defaults(table: Table, frame: pd.DataFrame) -> list[Problem]:
    """Fill what a file may leave out: an ID, a status (``STATUS_DEFAULTS``)."""
    problems: list[Problem] = []
    key = table.primary_key[0]
    if len(table.primary_key) == 1 and key not in frame and FIELDS[key].type == "text":
        frame[key] = _make_ids(table, frame)
        problems.append(Problem(table.name, None, key, None,
                                "文件无编号列，已按内容生成 no ID column: IDs made from content",
                                "warning"))
    if "row_version" in table.columns and "row_version" not in frame:
        frame["row_version"] = 1
    default = STATUS_DEFAULTS.get(table.name)
    if default and default[0] not in frame and len(frame):
        column, value = default
        frame[column] = value
        problems.append(Problem(table.name, None, column, None,
                                f"文件无状态列，全部按“{value}”登记 no status column: every row "
                                f"taken as {value}", "warning"))
    return problems


def _unused_duplicates(table_name: str, header: HeaderMatch) -> list[Problem]:
    """Say which columns were left out because another column fills the same field."""
    def reason(column: str, target: str) -> str:
        used = header.fields[target]
        label = FIELDS[target].zh if target in FIELDS else target
        return (f"列“{column}”与列“{used}”都对应字段“{label}”：已用“{used}”，“{column}”未导入；"
                f"要用它，请在映射文件 [columns] 中指定 columns {column!r} and {used!r} both "
                f"mean {target}: {used!r} was imported, {column!r} was not")

    return [Problem(table_name, None, None, None, reason(column, target), "warning")
            for column, target in header.duplicates]


def prepare(table_name: str, raw: readers.RawTable, options: ImportOptions,
            towns: gpd.GeoDataFrame) -> Prepared:
    """Turn a raw table into validated rows of ``table_name`` plus every problem found."""
    table = get_table(table_name)
    checks = options.checks or load_settings().storage.checks
    profile = profiles.detect(table_name, list(raw.frame.columns))
    source = profiles.apply(profile, raw.frame) if profile else raw.frame
    header = match_headers(table_name, source.columns, mapping=options.columns,
                           location=table.geometry is not None and raw.geometry is None)
    frame = source[list(header.fields.values())].rename(columns=header.rename())
    problems: list[Problem] = _unused_duplicates(table_name, header)
    for name, value in options.defaults.items():
        if name not in table.columns:
            raise RiskMapError(f"{table_name} 没有字段 has no field {name!r} (defaults)")
        if name not in frame:
            frame[name] = value
    for name in [c for c in frame.columns if c in FIELDS]:
        frame[name] = _parse_column(name, frame[name], options.values.get(name, {}))
    if "township_code" in frame:
        frame["township_code"] = (
            townships_import.township_codes(frame["township_code"], towns)
            if not towns.empty and table_name != "townships"
            else townships_import.normalise_codes(frame["township_code"]))
    geometry, found = _location(table, frame, raw, header, options.crs)
    problems += found
    frame = frame.drop(columns=[c for c in ("lon", "lat", "wkt") if c in frame])
    statistics = table_name == "townships" and geometry is None and len(frame) > 0
    said: set[int | None] = set()
    if statistics:
        frame, found = townships_import.from_statistics(frame, towns)
        problems += found
        said = {p.row for p in found if p.severity == "error"}
        geometry = frame.geometry if "geometry" in frame else None
        frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    problems += _defaults(table, frame)
    outside = np.zeros(len(frame), dtype=bool)
    repaired: set[int] = set()
    if geometry is not None:
        geometry, found = locate.repair(table, geometry.reset_index(drop=True))
        problems += found
        repaired = {p.row for p in found if p.row is not None}
        frame = gpd.GeoDataFrame(frame, geometry=geometry.values, crs=STORAGE_CRS)
        found, outside = placing.check_townships(table, frame, towns, checks.outside_margin_m)
        problems += found
        if options.keep_outside:
            problems += placing.outside_rows(table, outside)
        placing.fill_lengths(table, frame)
        if table_name == "townships" and frame.geometry.notna().any() and not statistics:
            problems += locate.coverage_problems(table, frame.geometry,
                                                 coords.utm_crs(frame.geometry),
                                                 error_share=checks.overlap_error_share,
                                                 sliver_width_m=checks.sliver_width_m)
    checked, found = validate(table_name, frame)
    if said:  # a row (or the file) naming no stored township: all there is to say of it
        found = [] if None in said else [p for p in found if p.row not in said]
    return Prepared(checked, problems + found, header, profile.name if profile else None,
                    list(raw.notes), outside, repaired)


def _as_given(problems: list[Problem], raw: pd.DataFrame, header: HeaderMatch
              ) -> list[Problem]:
    """Show each cell problem with the value as written in the file, not as parsed."""
    out = []
    given: dict[str, np.ndarray] = {}
    for p in problems:
        column = header.fields.get(p.column or "")
        if p.row is not None and column is not None and p.row < len(raw):
            if column not in given:
                given[column] = raw[column].to_numpy(dtype=object)
            value = given[column][p.row]
            p = replace(p, value=None if pd.isna(value) else value)
        out.append(p)
    return out


def diff_status(incoming: pd.DataFrame, stored: pd.DataFrame, table: Table) -> pd.Series:
    """Return "new", "changed" or "unchanged" for each incoming row against stored rows."""
    key = list(table.primary_key)
    status = pd.Series("new", index=incoming.index, dtype=object)
    if stored.empty:
        return status
    old = stored.set_index(key)
    if len(key) > 1:
        keys = pd.MultiIndex.from_frame(incoming[key])
        present = keys.isin(old.index)
    else:  # through pyarrow: pandas' isin takes seconds for a province's ledger
        keys = pd.Index(incoming[key[0]])
        present = isin(incoming[key[0]], stored[key[0]])
    if not present.any():
        return status
    old = old.reindex(keys[present])
    new = incoming[present].set_index(key)
    same = np.ones(int(present.sum()), dtype=bool)
    for col in [c for c in table.columns if c not in key and c != "row_version"]:
        a, b = new[col], old[col]
        same &= ((a == b).fillna(False) | (a.isna() & b.isna())).to_numpy()
    if table.geometry:
        a, b = new.geometry.values, old.geometry.values
        same &= (a.geom_equals_exact(b, 1e-9) | (a.isna() & b.isna()))
    status[present] = np.where(same, "unchanged", "changed")
    return status


CHANGES_SHOWN = 2000
"""Changed fields listed in a report, at most (the counts cover every row)."""


def changed_fields(incoming: pd.DataFrame, stored: pd.DataFrame, status: pd.Series,
                   table: Table, rows: list[str]) -> list[tuple[str, str, str, str, str]]:
    """Return (row in the file, key, field, stored value, new value) for each changed field.

    ``rows`` labels each incoming row as in the file. The geometry counts as one field
    (``geometry``, shown as "moved"/"redrawn" without coordinates).
    """
    key = list(table.primary_key)
    changed = np.flatnonzero((status == "changed").to_numpy())
    if len(changed) == 0:
        return []
    old = stored.set_index(key)
    out: list[tuple[str, str, str, str, str]] = []
    for i in changed:
        row = incoming.iloc[i]
        ident = tuple(row[k] for k in key) if len(key) > 1 else row[key[0]]
        before = old.loc[ident]
        for col in [c for c in table.columns if c not in key and c != "row_version"]:
            a, b = before[col], row[col]
            if (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b):
                continue
            out.append((rows[i], "|".join(map(str, ident if len(key) > 1 else [ident])), col,
                        _shown(a), _shown(b)))
        if table.geometry and not _same_shape(before.geometry, row.geometry):
            out.append((rows[i], str(ident), "geometry", "", "位置或图形已变 moved or redrawn"))
        if len(out) >= CHANGES_SHOWN:
            return out[:CHANGES_SHOWN]
    return out


def _shown(value: object) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _same_shape(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    return bool(a.equals_exact(b, 1e-9))


def with_shapefile_fields(options: ImportOptions, path: Path) -> ImportOptions:
    """Add the short-name mapping an export wrote beside a shapefile (explicit ones win)."""
    fields = path.with_suffix(".fields.csv")
    if path.suffix.lower() not in {".shp", ".dbf"} or not fields.exists():
        return options
    mapping = pd.read_csv(fields, dtype=str, encoding="utf-8-sig")
    columns = dict(zip(mapping["short"], mapping["field"], strict=True)) | dict(options.columns)
    return replace(options, columns=columns)


def _read_and_check(table_name: str, path: str | Path, options: ImportOptions,
                    towns: gpd.GeoDataFrame, say: Callable[[str], None]
                    ) -> tuple[Prepared, ImportReport]:
    """Read ``path`` and check it as rows of ``table_name``; nothing is stored."""
    say(f"读取 reading {path}")
    try:
        raw = readers.read_any(path, header_score(table_name), sheet=options.sheet,
                               encoding=options.encoding, limits=options.limits)
    except readers.ReadError as exc:
        raise readers.ReadError(_as_sent(str(exc), Path(path), options.source)) from exc
    say(f"校验 checking {len(raw.frame):,} rows")
    rows_read = len(raw.frame)
    raw = _skip_other_rows(table_name, raw)
    set_aside = {"other": rows_read - len(raw.frame)}
    prepared = prepare(table_name, raw, options, towns)
    left_out: list[Problem] = []
    if prepared.outside.any() and not options.keep_outside:
        left_out = [_left_out(table_name, raw, prepared.outside, options)]
        raw = raw.subset(~prepared.outside)
    set_aside["outside"] = rows_read - set_aside["other"] - len(raw.frame)
    before = len(raw.frame)
    raw, collapsed = duplicates.collapse(table_name, raw)
    set_aside["repeats"] = before - len(raw.frame)
    if left_out or collapsed:
        prepared = prepare(table_name, raw, options, towns)
    header = prepared.header
    if header and not prepared.profile:
        prepared.problems = _as_given(prepared.problems, raw.frame, header)
    prepared.problems = left_out + collapsed + prepared.problems
    report = ImportReport(table_name, options.source or str(path), rows_read, raw.rows,
                          prepared.problems, profile=prepared.profile, notes=prepared.notes,
                          ignored_columns=header.ignored if header else [],
                          headers=header.fields if header else {},
                          file_columns=[str(c) for c in raw.frame.columns],
                          set_aside={k: n for k, n in set_aside.items() if n})
    return prepared, report


def _skip_other_rows(table_name: str, raw: readers.RawTable) -> readers.RawTable:
    """Leave out the rows a recognised product holds that are not for this table."""
    profile = profiles.detect(table_name, list(raw.frame.columns))
    what = profiles.skipped(profile, raw.frame)
    if what.isna().all():
        return raw
    counts = what.dropna().value_counts()
    kinds = "、".join(f"{kind} {n:,}" for kind, n in counts.items())
    note = (f"跳过 {int(counts.sum()):,} 行非{get_table(table_name).zh}要素 skipped rows that "
            f"are not {get_table(table_name).en.lower()}: {kinds}")
    kept = raw.subset(what.isna().to_numpy())
    return replace(kept, notes=(*kept.notes, note))


def _left_out(table_name: str, raw: readers.RawTable, outside: np.ndarray,
              options: ImportOptions) -> Problem:
    """The one warning for the rows left out as outside the county, with a few of them."""
    rows = np.flatnonzero(outside)
    margin = (options.checks or load_settings().storage.checks).outside_margin_m
    examples = ", ".join(raw.rows[r] for r in rows[:duplicates.EXAMPLES])
    return Problem(table_name, None, "geometry",
                   f"行 {examples}" + (" …" if len(rows) > duplicates.EXAMPLES else ""),
                   f"{len(rows):,} 行位于本县乡镇边界 {margin:,.0f} 米之外，未导入"
                   f"（值中为示例行）；要导入这些行：命令行加 --keep-outside，数据管理页勾选"
                   f"“也导入位于本县之外的行” {len(rows):,} rows lie outside the county and "
                   "were left out (--keep-outside, or the data page's choice, keeps them)",
                   "warning")


def _as_sent(message: str, path: Path, source: str | None) -> str:
    """Return ``message`` with the path read replaced by the name the sender knows.

    An upload is kept under a made-up name in a temporary folder: neither reaches the user.
    """
    name = source or path.name
    for where in (str(path.resolve()), str(path)):
        message = message.replace(where, name)
    return message.replace(f"/vsizip/{name}", name).replace(path.name, name)


def read_checked(table_name: str, path: str | Path, towns: gpd.GeoDataFrame,
                 options: ImportOptions | None = None) -> pd.DataFrame:
    """Return the rows of ``path`` as valid rows of ``table_name``, without storing them.

    For data used once (a rainfall scenario file): the same reading and checks as an
    import. Raises ``RiskMapError`` with the report (row as in the file, column as headed,
    value as written) when any row is bad.
    """
    prepared, report = _read_and_check(table_name, path, options or ImportOptions(), towns,
                                       lambda _message: None)
    if report.blocked:
        raise RiskMapError(report.summary(limit=20))
    return prepared.frame


def import_file(store: Store, table_name: str, path: str | Path,
                options: ImportOptions | None = None, *, who: Account,
                progress: Callable[[str], None] | None = None,
                address: str = "") -> ImportReport:
    """Import ``path`` into ``table_name`` of ``store``; return the report (see module doc).

    ``who`` must be allowed to import into the table (``domain.access.require_import``:
    ``AccessDenied`` before the file is read otherwise). ``progress`` is told each stage as
    it starts (reading, checking, writing). A written import is audited with the file's
    SHA-256 and counts (``address``: the importer's).
    """
    audit.refusing(store, who.user_name, lambda: require_import(who, table_name),
                   address=address)
    say = progress or (lambda _message: None)
    options = with_shapefile_fields(options or ImportOptions(), Path(path))
    table = get_table(table_name)
    towns = store.read("townships")
    prepared, report = _read_and_check(table_name, path, options, towns, say)
    frame = prepared.frame
    if table_name == "townships" and len(frame):
        report.problems += townships_import.boundary_changes(
            frame, store.read_keys(table_name, frame), prepared.repaired,
            options.checks or load_settings().storage.checks,
            replace=options.replace_geometry)
    if report.blocked and not options.skip_bad_rows:
        return report
    kept = list(range(len(frame)))
    if options.skip_bad_rows:
        bad = set(report.error_rows())
        kept = [i for i in kept if i not in bad]
        frame = frame.iloc[kept].reset_index(drop=True)
    report.skipped = len(prepared.frame) - len(frame)
    if report.table_errors():
        return report
    stored = store.read_keys(table_name, frame)
    status = diff_status(frame, stored, table)
    report.count_changes(status)
    report.changes = changed_fields(frame, stored, status, table,
                                    [report.row_labels[i] for i in kept])
    changed = (status != "unchanged").to_numpy()
    writes: dict[str, pd.DataFrame] = {table_name: frame[changed]}
    registered = None
    if table_name == "hazard_ledger" and changed.any():
        header = prepared.header.fields if prepared.header else {}
        writes, registered, refused = import_events(
            frame[changed], stored, status[changed], actor=options.actor,
            source=options.source or Path(path).name, versioned="row_version" in header)
        report.problems += [replace(p, row=kept[p.row]) for p in refused.values()]
        if refused and not options.skip_bad_rows:
            return report
        report.skipped += len(refused)
    if options.dry_run or not changed.any():
        return report
    fresh = len(registered.rows) if registered is not None else 0
    say(f"写入 writing {len(writes[table_name]) + fresh:,} rows")
    # The file's rows were validated on reading and registrations are made from them: they
    # go in unchecked. Rows changed through the workflow are rebuilt from records, so then
    # everything is checked again.
    rebuilt = table_name == "hazard_ledger" and (status[changed] != "new").any()
    # The ledger's changes were worked out from the rows as read: if another writer (the
    # app, another import) has changed one since, nothing is written.
    read_at = None
    if table_name == "hazard_ledger":
        written = isin(stored["hazard_id"], frame.loc[changed, "hazard_id"])
        read_at = stored.loc[written, ["hazard_id", "row_version"]]
    store.write_many(writes, mode="upsert", registered=registered,
                     valid=set() if rebuilt else {table_name}, read_at=read_at)
    report.written = True
    audit.record(store, who.user_name, "import",
                 f"{table_name} ← {Path(path).name} sha256 {file_sha256(path)[:16]}: "
                 f"{report.counts_text()}", address=address)
    return report
