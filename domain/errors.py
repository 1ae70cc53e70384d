"""Domain errors raised by the storage layer, in one small module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


class RiskMapError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(RiskMapError, ValueError):
    """A configuration file has a missing, unknown or invalid entry; the message names it."""


class ConcurrentChangeError(RiskMapError):
    """Rows changed by another writer since they were read; nothing was written."""


class StoreError(RiskMapError):
    """The database cannot be opened, loaded or migrated."""


@dataclass(frozen=True)
class Problem:
    """One problem found in one cell (or row) of incoming data.

    Attributes:
        table: Table the data was meant for.
        row: Zero-based position of the row in the incoming data, or None for the whole table.
        column: Column name, or None when the problem concerns the whole row.
        value: The offending value, as given.
        reason: Human-readable explanation, Chinese first.
        severity: "error" blocks the write; "warning" does not.
    """

    table: str
    row: int | None
    column: str | None
    value: Any
    reason: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        """Return a one-line description naming row, column and value."""
        where = "整表" if self.row is None else f"第 {self.row + 1} 行"
        col = f"列 {self.column}" if self.column else "整行"
        return f"{self.table} {where} {col} 值 {self.value!r}: {self.reason}"


class ValidationError(RiskMapError):
    """Incoming rows break the schema; nothing was written."""

    def __init__(self, problems: list[Problem]):
        """Keep the problems and build a message listing the first few."""
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … 另有 {len(problems) - 20} 个问题" if len(problems) > 20 else ""
        super().__init__(f"数据未写入 (nothing written): {len(problems)} 个问题\n{shown}{more}")
