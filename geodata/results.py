"""Keep what the risk engine computes: one stored run per scoring asked to be saved."""

from __future__ import annotations

import uuid
from typing import Protocol

import pandas as pd

from geodata.store import Store


def save_scores(store: Store, long: pd.DataFrame, *, as_of: pd.Timestamp,
                method_version: str, config_hash: str, data_version: str | None = None,
                computed_at: pd.Timestamp | None = None,
                points: pd.DataFrame | None = None) -> str:
    """Store one engine run and return its run ID.

    ``long``: one row per township and layer (``RiskResult.long``); ``points``: one per
    township and indicator (``RiskResult.kept_points``), kept so that a later comparison can
    say which indicators moved. Both in one transaction.
    """
    when = (computed_at or pd.Timestamp.now()).floor("s")
    run_id = f"{when:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    rows = long.assign(run_id=run_id, computed_at=when, as_of=pd.Timestamp(as_of),
                       method_version=method_version, config_hash=config_hash,
                       data_version=data_version)
    frames = {"risk_scores": rows}
    if points is not None:
        frames["risk_indicators"] = points.assign(run_id=run_id)
    store.write_many(frames)
    return run_id


def keep_once(store: Store, long: pd.DataFrame, *, as_of: pd.Timestamp, method_version: str,
              config_hash: str, data_version: str,
              points: pd.DataFrame | None = None) -> str | None:
    """Keep a scoring unless one of the same data, configuration and day is kept already.

    Every scoring of a new data version is kept this way (by the app and every command that
    scores); returns the new run's ID, or None when nothing new was kept. A scoring in which
    no township has a score (borders alone, nothing measured) is not kept: there is nothing
    to compare a later one with.
    """
    if not long["score"].notna().any():
        return None
    where = {"data_version": data_version, "config_hash": config_hash}
    kept = store.read("risk_scores", where)
    if len(kept) and (pd.to_datetime(kept["as_of"]) == pd.Timestamp(as_of)).any():
        return None
    return save_scores(store, long, as_of=as_of, method_version=method_version,
                       config_hash=config_hash, data_version=data_version, points=points)


class Scoring(Protocol):
    """What is kept of an engine run (``analytics.engine.RiskResult``)."""

    method_version: str
    config_hash: str

    def long(self) -> pd.DataFrame:
        """One row per township and layer."""

    def kept_points(self) -> pd.DataFrame:
        """One row per township and indicator."""


def keep(store: Store, scoring: Scoring, *, as_of: pd.Timestamp, data_version: str,
         always: bool = False) -> str | None:
    """Keep ``scoring`` with its indicator points: ``always``, or once (``keep_once``)."""
    how = save_scores if always else keep_once
    return how(store, scoring.long(), as_of=as_of, method_version=scoring.method_version,
               config_hash=scoring.config_hash, data_version=data_version,
               points=scoring.kept_points())


def kept_before(store: Store, cutoff: pd.Timestamp
                ) -> tuple[pd.DataFrame | None, pd.Timestamp | None]:
    """Return the last scoring kept with an as-of date on or before ``cutoff``, and that date.

    (None, None) when none was kept that early.
    """
    runs = store.read("risk_scores")
    early = runs[pd.to_datetime(runs["as_of"]) <= cutoff] if len(runs) else runs
    if early.empty:
        return None, None
    last = early.sort_values(["as_of", "computed_at"]).iloc[-1]
    return runs[runs["run_id"] == last["run_id"]].copy(), pd.Timestamp(last["as_of"])


def kept_runs(store: Store) -> pd.DataFrame:
    """Return every kept scoring, latest first: ``run_id``, ``as_of``, ``computed_at``."""
    runs = store.read("risk_scores")
    return (runs[["run_id", "as_of", "computed_at"]].drop_duplicates("run_id")
            .sort_values(["as_of", "computed_at"], ascending=False).reset_index(drop=True))


def kept_run(store: Store, run_id: str) -> pd.DataFrame:
    """Return one kept scoring in long form (as ``RiskResult.long`` gives it)."""
    return store.read("risk_scores", {"run_id": run_id})



def kept_points(store: Store, run_id: str) -> pd.DataFrame:
    """Return the indicator points kept with a scoring (empty for scorings kept before 7)."""
    return store.read("risk_indicators", {"run_id": run_id})
