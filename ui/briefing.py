"""The overview's download of the meeting briefing: the same file as ``riskmap brief``.

Built when a button is pressed (Streamlit calls the function then), from the page's own
snapshot and scoring, compared with the kept scoring chosen on the page.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics.brief_figures import comparison_cutoff, gather
from analytics.briefing import compose
from analytics.engine import RiskResult
from domain.briefing import Briefing
from geodata.briefing import docx_bytes, pdf_bytes
from geodata.results import kept_points, kept_runs
from geodata.snapshot import Snapshot
from maps.static import briefing_maps, document_fonts
from ui.chrome import audited, tr

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _briefing(snap: Snapshot, result: RiskResult, before: pd.DataFrame | None,
              when: pd.Timestamp | None) -> Briefing:
    """The briefing, compared with the scoring chosen on the page (none: none)."""
    settings = snap.settings
    cutoff = when
    if when is None and kept_runs(snap.store).empty:  # nothing kept: the briefing says so
        cutoff = comparison_cutoff(snap.as_of, None, settings.briefing.meeting_interval_days)
    # (kept scorings but none chosen: the page's 不比较; cutoff None says it was declined)
    figures = gather(snap.tables(), result, settings, as_of=snap.as_of, now=snap.now,
                     county=snap.label("zh") or "", counts=snap.counts(),
                     names=snap.township_names(), cutoff=cutoff, before=before,
                     before_as_of=when, before_points=None if before is None else
                     kept_points(snap.store, before["run_id"].iloc[0]))
    maps = briefing_maps(snap.table("townships"), result.scores, county=snap.label("zh"),
                         as_of=snap.as_of, demo=snap.demo, dpi=settings.briefing.map_dpi)
    return compose(figures, settings.briefing, demo=snap.demo, maps=maps)


def _file(snap: Snapshot, result: RiskResult, kind: str, before: pd.DataFrame | None = None,
          when: pd.Timestamp | None = None) -> Callable[[], bytes]:
    def build() -> bytes:
        brief = _briefing(snap, result, before, when)
        return docx_bytes(brief) if kind == "docx" else pdf_bytes(brief, *document_fonts())
    return build


def briefing_downloads(snap: Snapshot, result: RiskResult, before: pd.DataFrame | None,
                       when: pd.Timestamp | None) -> None:
    """Draw the two buttons (Word, PDF) that download the briefing as of the page's date.

    It compares with the kept scoring chosen on the page (``before`` of ``when``), if any.
    """
    st.subheader(tr("brief.title"))
    st.caption(tr("brief.note"))
    stem = f"{snap.label('zh') or ''}安全风险通报-{snap.as_of:%Y%m%d}"
    cols = st.columns(2)
    cols[0].download_button(tr("brief.docx"), audited(_file(snap, result, "docx", before,
                                                           when), f"{stem}.docx"),
                            file_name=f"{stem}.docx", mime=DOCX_MIME, key="brief_docx",
                            on_click="ignore", icon=":material/description:")
    cols[1].download_button(tr("brief.pdf"), audited(_file(snap, result, "pdf", before,
                                                          when), f"{stem}.pdf"),
                            file_name=f"{stem}.pdf", mime="application/pdf", key="brief_pdf",
                            on_click="ignore", icon=":material/picture_as_pdf:")
