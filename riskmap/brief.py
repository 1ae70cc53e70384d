"""``riskmap brief``: the meeting briefing as Word and PDF, and the maps as images.

Gathers the figures of one snapshot with the functions every page and command uses (one
number per concept), keeps the scoring as a dated snapshot, and compares with the one kept
before the previous meeting.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.brief_figures import comparison_cutoff, gather
from analytics.briefing import compose
from analytics.engine import RiskResult
from domain.briefing import Briefing
from geodata import audit
from geodata.accounts import local_account
from geodata.briefing import docx_bytes, pdf_bytes
from geodata.results import keep, kept_before, kept_points
from geodata.snapshot import Snapshot
from maps.static import briefing_maps, document_fonts
from riskmap.scoring import score


def briefing(snap: Snapshot, result: RiskResult, since: str | None = None) -> Briefing:
    """Return the briefing of ``snap`` scored as ``result``."""
    settings = snap.settings
    cutoff = comparison_cutoff(snap.as_of, since, settings.briefing.meeting_interval_days)
    before, before_as_of = kept_before(snap.store, cutoff)
    points = None if before is None else kept_points(snap.store, before["run_id"].iloc[0])
    figures = gather(snap.tables(), result, settings, as_of=snap.as_of, now=snap.now,
                     county=snap.label("zh") or "", counts=snap.counts(),
                     names=snap.township_names(), cutoff=cutoff, before=before,
                     before_as_of=before_as_of, before_points=points)
    maps = briefing_maps(snap.table("townships"), result.scores, county=snap.label("zh"),
                         as_of=snap.as_of, demo=snap.demo, dpi=settings.briefing.map_dpi)
    return compose(figures, settings.briefing, demo=snap.demo, maps=maps)


def run_brief(snap: Snapshot, args: argparse.Namespace) -> int:
    """Write the briefing to ``--out`` (.docx or .pdf); ``--format png`` adds the maps."""
    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".docx", ".pdf"):
        print("riskmap: --out 须为 .docx 或 .pdf must end in .docx or .pdf")
        return 2
    result = score(snap)
    brief = briefing(snap, result, args.since)
    out.write_bytes(docx_bytes(brief) if kind == ".docx" else pdf_bytes(brief, *document_fonts()))
    print(f"通报 briefing → {out}")
    audit.record(snap.store, local_account().user_name, "export", f"briefing → {out.name}")
    if args.format == "png":
        for key, image in brief.maps.items():
            path = out.with_name(f"{out.stem}-{key}.png")
            path.write_bytes(image)
            print(f"地图 map → {path}")
    run = keep(snap.store, result, as_of=snap.as_of, data_version=snap.data_version)
    if run:
        print(f"本次评估已保存 scoring kept as run {run}")
    return 0
