"""The overview's comparison with a kept scoring: rank moves, class changes, a trend.

Scorings are kept by ``riskmap score --save`` and by every meeting briefing. The default
baseline is the briefing's: the last kept at least ``meeting_interval_days`` before the
as-of date (``config/brief.toml``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.brief_figures import comparison_cutoff
from analytics.briefing import arrow, class_changes, ledger_at, moved_text, rank_moves
from analytics.engine import RiskResult
from domain.labels import rank_text
from domain.settings.risk import LAYERS
from geodata.results import kept_points, kept_run, kept_runs
from geodata.snapshot import Snapshot
from ui.charts import lines_spec
from ui.chrome import current_lang, show_table, tr


def _default(runs: pd.DataFrame, snap: Snapshot) -> int:
    """The option of the briefing's baseline (0: no comparison when none is early enough)."""
    cutoff = comparison_cutoff(snap.as_of, None, snap.settings.briefing.meeting_interval_days)
    early = runs.index[pd.to_datetime(runs["as_of"]) <= cutoff]
    return int(early[0]) + 1 if len(early) else 0


def baseline(snap: Snapshot) -> tuple[pd.DataFrame | None, pd.Timestamp | None]:
    """Draw the choice of a kept scoring to compare with; return it (long form) and its date."""
    runs = kept_runs(snap.store)
    if runs.empty:
        return None, None
    labels = {run: tr("kept.run", as_of=f"{a:%Y-%m-%d}", saved=f"{c:%Y-%m-%d %H:%M}")
              for run, a, c in zip(runs["run_id"], runs["as_of"], runs["computed_at"],
                                   strict=True)}
    labels[""] = tr("kept.none")
    pick = st.selectbox(tr("kept.with"), ["", *runs["run_id"]], index=_default(runs, snap),
                        format_func=labels.get, key="compare_run")
    if not pick:
        return None, None
    return kept_run(snap.store, pick), pd.Timestamp(runs.set_index("run_id").at[pick, "as_of"])


def moves(result: RiskResult, before: pd.DataFrame) -> pd.Series:
    """Each township's rank move since ``before``, written ↑3 / ↓2 / → / new."""
    new = tr("kept.new")
    return rank_moves(result.long(), before).map(lambda v: arrow(v, new))


def _ledger_since(snap: Snapshot, when: pd.Timestamp) -> None:
    """Say how the major hazards and the rectification rate moved since ``when``."""
    ledger = snap.table("hazard_ledger")
    if ledger.empty:
        return
    then, now = ledger_at(ledger, when), ledger_at(ledger, snap.as_of)
    st.caption(tr("kept.ledger", date=f"{when:%Y-%m-%d}", new=then["majors_new"],
                  closed=then["majors_closed"], before=f"{then['rate']:.1f}%",
                  now=f"{now['rate']:.1f}%"))


def changes(snap: Snapshot, result: RiskResult, before: pd.DataFrame,
            when: pd.Timestamp) -> None:
    """Say what changed since ``before``: majors, rectification rate, townships' classes.

    The townships whose composite class changed are listed with the indicators whose
    composite points moved most (the layers, for a scoring kept without them).
    """
    _ledger_since(snap, when)
    points = kept_points(snap.store, before["run_id"].iloc[0])
    found = class_changes(result.long(), before, (result.kept_points(), points))
    date = f"{when:%Y-%m-%d}"
    if found.empty:
        st.caption(tr("kept.same", date=date))
        return
    st.caption(tr("kept.changed", date=date, n=len(found)))
    lang = current_lang()
    layers = {k: tr(f"layer.{k}") for k in LAYERS}
    show = pd.DataFrame({
        tr("township"): [result.names.get(c, c) for c in found.index],
        tr("col.class_change"): [f"{tr(f'class.{a}')} → {tr(f'class.{b}')}" for a, b in
                                 zip(found["class_before"], found["class_now"], strict=True)],
        tr("col.rank_change"): [f"{rank_text(a)} → {rank_text(b)}" for a, b in
                                zip(found["rank_before"], found["rank_now"], strict=True)],
        tr("col.moved" if len(points) else "col.moved_layers"):
            [moved_text(m, lang, layers) for m in found["moved"]]})
    show_table(show, hide_index=True)


def trend(snap: Snapshot, code: str) -> None:
    """Draw a township's composite and layer scores over the kept scorings."""
    runs = snap.store.read("risk_scores", {"township_code": code})
    st.markdown(f"**{tr('trend.title')}**")
    if runs["run_id"].nunique() < 2:
        st.caption(tr("trend.few"))
        return
    latest = runs.sort_values("computed_at").drop_duplicates(["as_of", "layer"], keep="last")
    wide = latest.pivot(index="as_of", columns="layer", values="score")
    order = [k for k in ("composite", *LAYERS) if k in wide.columns]
    wide = wide[order].rename(columns=lambda k: tr(f"layer.{k}"))
    rows, spec = lines_spec(wide, current_lang())
    spec["mark"]["point"] = True  # a few kept dates: each one marked
    spec["encoding"]["color"]["legend"]["columns"] = 3  # every layer named, in rows
    st.vega_lite_chart(rows, spec, use_container_width=True)
