"""The validation report of an import: every problem with row, column, value and reason.

Readable in the terminal (``summary``), exportable as XLSX or CSV (``save``), and a plain
DataFrame for the UI (``to_frame``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from domain.errors import Problem
from domain.schema import FIELDS, Lang, get_table
from geodata.formulas import write_csv
from geodata.printable import plain_xlsx

_COLUMNS = {"zh": ("行", "列", "值", "级别", "原因"),
            "en": ("row", "column", "value", "severity", "reason")}
_PLACE = {"zh": {"lon": "经度（位置）", "lat": "纬度（位置）", "wkt": "几何（位置）"},
          "en": {"lon": "longitude (location)", "lat": "latitude (location)",
                 "wkt": "geometry (location)"}}
_SET_ASIDE = {"other": "非本表要素 not for this table", "outside": "县外 outside the county",
              "repeats": "重复行 exact repeats"}
_SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error",
                                                               "warning": "warning"}}


@dataclass
class ImportReport:
    """What an import found and did.

    Attributes:
        table: Target table.
        source: File imported.
        rows_read: Data rows in the file.
        row_labels: Where each row came from in the file (``5``, ``城关镇!7``).
        problems: Every problem, errors and warnings.
        profile: A public product recognised (FIRMS, Global Landslide Catalog), if any.
        notes: What the reader noticed (sheets skipped).
        ignored_columns: File columns matching no field.
        headers: {field: header in the file}.
        file_columns: Every column of the file, in its order.
        changes: (row in the file, key, field, stored value, new value) of each changed
            field, the first ``geodata.importer.CHANGES_SHOWN`` of them.
        set_aside: Rows left out before checking, by why: ``other`` (not for this table, as
            a recognised product says), ``outside`` (the county), ``repeats`` (exact
            duplicates of a row kept).
        new: Rows whose key is not stored yet.
        changed: Rows whose key is stored with other values.
        unchanged: Rows identical to what is stored.
        written: Whether anything was written.
        skipped: Rows left out by ``skip_bad_rows``.
    """

    table: str
    source: str
    rows_read: int
    row_labels: list[str]
    problems: list[Problem]
    profile: str | None = None
    notes: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    file_columns: list[str] = field(default_factory=list)
    set_aside: dict[str, int] = field(default_factory=dict)
    changes: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    written: bool = False
    skipped: int = 0

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that block an import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the problems that do not block an import."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def blocked(self) -> bool:
        """Return whether errors stop the import (without ``skip_bad_rows``)."""
        return bool(self.errors)

    def error_rows(self) -> list[int]:
        """Return the positions of rows with at least one error."""
        return sorted({p.row for p in self.errors if p.row is not None})

    def table_errors(self) -> list[Problem]:
        """Return errors about the whole file (no row), which no skipping can get past."""
        return [p for p in self.errors if p.row is None]

    def count_changes(self, status: pd.Series) -> None:
        """Record the new / changed / unchanged counts."""
        counts = status.value_counts()
        self.new, self.changed, self.unchanged = (int(counts.get(k, 0))
                                                  for k in ("new", "changed", "unchanged"))

    def _column(self, column: str | None, lang: Lang) -> str:
        if column is None:
            return ""
        if column in self.headers:
            return self.headers[column]
        return FIELDS[column].label(lang) if column in FIELDS else column

    def _row(self, row: int | None) -> str:
        if row is None:
            return ""
        return self.row_labels[row] if row < len(self.row_labels) else str(row + 1)

    def to_frame(self, lang: Lang = "zh") -> pd.DataFrame:
        """Return one line per problem: row (as in the file), column, value, severity, reason."""
        names = _COLUMNS[lang]
        return pd.DataFrame(
            [(self._row(p.row), self._column(p.column, lang),
              "" if p.value is None else str(p.value), _SEVERITY[lang][p.severity], p.reason)
             for p in self.problems],
            columns=list(names),
        )

    def change_frame(self, lang: Lang = "zh") -> pd.DataFrame:
        """Return each changed field of each changed row: stored value → new value."""
        heads = {"zh": ["行", "编号", "字段", "原值", "新值"],
                 "en": ["row", "key", "field", "stored", "new"]}[lang]
        rows = [(row, key, FIELDS[f].label(lang) if f in FIELDS else f, old, new)
                for row, key, f, old, new in self.changes]
        return pd.DataFrame(rows, columns=heads)

    def column_frame(self, lang: Lang = "zh") -> pd.DataFrame:
        """Return where each column of the file went: the field it fills, or why none."""
        used = {header: name for name, header in self.headers.items()}
        none = {"zh": "（未导入）", "en": "(not imported)"}[lang]
        profile = {"zh": f"（按 {self.profile} 格式读取）",
                   "en": f"(read as {self.profile})"}[lang] if self.profile else None
        rows = [(column, FIELDS[used[column]].label(lang) if used.get(column) in FIELDS
                 else _PLACE[lang].get(used.get(column, "")) or profile or none)
                for column in self.file_columns]
        heads = {"zh": ["文件中的列", "导入为"], "en": ["column in the file", "imported as"]}
        return pd.DataFrame(rows, columns=heads[lang])

    def counts_text(self) -> str:
        """The counts in one line: rows read, new, changed, unchanged, skipped."""
        return (f"读 read {self.rows_read} · 新增 new {self.new} · 变更 changed {self.changed}"
                f" · 未变 unchanged {self.unchanged} · 跳过 skipped {self.skipped}")

    def summary(self, *, limit: int = 30, examples: int = 3) -> str:
        """Return a terminal-readable account of the import.

        Errors come first, up to ``limit`` of them; warnings follow grouped by kind, each
        kind with its count and ``examples`` rows.
        """
        state = ("已写入 written" if self.written else "未写入 nothing written")
        lines = [
            f"{self.source} → {self.table}: {self.rows_read} 行 rows read; {state}",
            f"  新增 new {self.new} · 变更 changed {self.changed} · 未变 unchanged "
            f"{self.unchanged} · 跳过 skipped {self.skipped}",
            f"  错误 errors {len(self.errors)} · 警告 warnings {len(self.warnings)}",
        ]
        if self.set_aside:
            lines.insert(2, "  另有未检查的行 also set aside: " + " · ".join(
                f"{_SET_ASIDE[k]} {n:,}" for k, n in self.set_aside.items()))
        if self.profile:
            spec = get_table(self.table)
            lines.append(f"  识别为 recognised as: {self.profile} {spec.zh} {spec.en.lower()}")
        if self.file_columns and self.profile:
            lines.append(f"  列 columns: {len(self.file_columns)} 列均按 {self.profile} 格式读取 "
                         f"read as {self.profile}")
        elif self.file_columns:
            columns = self.column_frame()
            lines.append("  列 columns: " + " · ".join(
                f"{c} → {f}" for c, f in columns.itertuples(index=False)))
        lines += [f"  {note}" for note in self.notes]
        frame = self.to_frame()
        errors = frame[frame["级别"] == _SEVERITY["zh"]["error"]]
        lines += [_line(p) for _, p in errors.head(limit).iterrows()]
        if len(errors) > limit:
            lines.append(f"  … 另有 {len(errors) - limit} 条错误 more errors (use --report FILE)")
        warnings = frame[frame["级别"] == _SEVERITY["zh"]["warning"]]
        for reason, group in warnings.groupby("原因", sort=False):
            lines.append(f"  [警告 warning ×{len(group)}] {reason}")
            lines += ["    " + _line(p, reason=False).strip()
                      for _, p in group.head(examples).iterrows() if p["行"] or p["值"]]
        return "\n".join(lines)

    def save(self, path: str | Path, lang: Lang = "zh") -> None:
        """Write the problem list as XLSX or CSV (for Excel: ``geodata.formulas.write_csv``)."""
        path = Path(path)
        frame = self.to_frame(lang)
        if path.suffix.lower() == ".xlsx":
            plain_xlsx(frame, path)
        else:
            write_csv(frame, path)


def _line(p: pd.Series, *, reason: bool = True) -> str:
    """Return one problem as a report line: where, which column, which value, why."""
    where = f"行 {p['行']} " if p["行"] else ""
    col = f"列 {p['列']} " if p["列"] else ""
    value = f"值 {p['值']!r} " if p["值"] else ""
    why = f"— {p['原因']}" if reason else ""
    return f"  [{p['级别']}] {where}{col}{value}{why}".rstrip()
