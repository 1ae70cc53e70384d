"""The one as-of rule: which day (and which time) every figure speaks for.

- ``as_of``, the end of the reference day: the day the user gives; else the day of the
  demo's stored time; else today. Scores, KPI tiles, overdue counts, the ledger's reports,
  exports and the briefing are all as of it: everything dated that day counts, and a hazard
  is overdue when its deadline is before that day (``domain.rules.is_overdue``).
- ``now``, the reference time of what runs by the hour (the geohazard warning, the age of
  monitoring readings): the time the user gives; else the demo's stored time; else the
  present minute.

Pages and commands never work these out themselves: ``geodata.snapshot.Snapshot`` holds both.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd


def end_of_day(when: pd.Timestamp) -> pd.Timestamp:
    """Return the last second of the day of ``when``."""
    return when.normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def reference_times(stored: str | None, given: object = None, *,
                    clock: pd.Timestamp | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return ``(as_of, now)`` by the rule above.

    Args:
        stored: The data's own reference time (the demo's ``demo_as_of``), if it has one.
        given: What the user chose: a day (``2026-10-31``, a ``date``: ``now`` is then that
            day's end) or a time (``2026-10-31 08:00``).
        clock: The present time (default: the machine's clock).
    """
    if given is not None and str(given).strip():
        when = pd.Timestamp(given)
        now = end_of_day(when) if _is_day(given) else when
    elif stored:
        now = pd.Timestamp(stored)
    else:
        now = (clock if clock is not None else pd.Timestamp.now()).floor("min")
    return end_of_day(now), now


def _is_day(given: object) -> bool:
    """Return whether ``given`` names a day rather than a time of day."""
    if isinstance(given, datetime):
        return False
    return isinstance(given, date) or len(str(given).strip()) <= 10
