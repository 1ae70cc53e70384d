"""Editors at the same hour: N simulated editors in two processes save ledger rows on one database.

Each editor, in a loop until the time is up, opens one of a few hazards (few, so that editors
often collide), reads its version and saves a change of its measures from that version.
Every save is either accepted or refused with a sentence naming who changed what; after the
run, every accepted save must be in the history, and the rows must replay from their events.

    python bench/load.py --db postgresql://… --editors 20 --seconds 60
    python bench/load.py --db data/riskmap.duckdb --editors 20 --seconds 60
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from domain.access import Account  # noqa: E402
from domain.errors import RiskMapError  # noqa: E402
from domain.workflow import WorkflowError, replay, text  # noqa: E402
from geodata.ledger import apply  # noqa: E402
from geodata.store import Store  # noqa: E402

ACTION = "修改"


@dataclass
class Outcome:
    """What the editors of one process did: the saves accepted and refused."""

    accepted: list[tuple[str, int, str]] = field(default_factory=list)
    """(hazard ID, the version written, the measures saved)."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(hazard ID, the sentence the editor was told)."""


def _editor(store: Store, name: str, ids: list[str], deadline: float, seed: int,
            outcome: Outcome, lock: threading.Lock) -> None:
    """Save changes until ``deadline``, each from the version just read."""
    rng, who, n = random.Random(seed), Account(name, "admin", department="县应急管理局"), 0
    while time.monotonic() < deadline:
        hazard_id, n = rng.choice(ids), n + 1
        version = int(store.read("hazard_ledger", {"hazard_id": hazard_id})
                      ["row_version"].iloc[0])
        measures = f"{name} 第{n}次"
        try:
            row = apply(store, hazard_id, ACTION, {"measures": measures}, version=version,
                        who=who)
        except (WorkflowError, RiskMapError) as exc:
            with lock:
                outcome.refused.append((hazard_id, str(exc)))
            continue
        with lock:
            outcome.accepted.append((hazard_id, int(row["row_version"]), measures))


def editors(location: str, ids: list[str], names: list[str], seconds: float,
            results: multiprocessing.Queue) -> None:
    """Run one thread per editor of ``names`` in this process; put its ``Outcome``."""
    outcome, lock = Outcome(), threading.Lock()
    deadline = time.monotonic() + seconds
    with Store(location) as store:
        threads = [threading.Thread(target=_editor, args=(store, name, ids, deadline, i,
                                                          outcome, lock))
                   for i, name in enumerate(names)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    results.put(outcome)


def run(location: str, ids: list[str], *, editors_count: int, seconds: float,
        processes: int = 2) -> Outcome:
    """Run ``editors_count`` editors spread over ``processes`` processes; return all outcomes."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    names = [f"编辑{i + 1:02d}" for i in range(editors_count)]
    workers = [context.Process(target=editors,
                               args=(location, ids, names[p::processes], seconds, results))
               for p in range(processes)]
    for w in workers:
        w.start()
    total = Outcome()
    for _ in workers:
        got = results.get(timeout=seconds + 300)
        total.accepted += got.accepted
        total.refused += got.refused
    for w in workers:
        w.join()
    return total


def problems(location: str, ids: list[str], before: dict[str, int], outcome: Outcome
             ) -> list[str]:
    """Return what is wrong after a run (nothing, when every rule held)."""
    found: list[str] = []
    with Store(location, read_only=True) as store:
        rows = store.read("hazard_ledger", {"hazard_id": ids}).set_index("hazard_id")
        events = store.read("ledger_events", {"hazard_id": ids})
    changes = events[events["action"] == ACTION]
    written = set(zip(changes["hazard_id"], changes["row_version"].astype(int),
                      changes["new_value"], strict=True))
    for hazard_id, version, measures in outcome.accepted:
        if (hazard_id, version, measures) not in written:
            found.append(f"accepted save not in the history: {hazard_id} v{version}")
    for hazard_id, told in outcome.refused:
        if "nothing saved" not in told and "nothing written" not in told:
            found.append(f"refusal of {hazard_id} does not say nothing was saved: {told}")
    for hazard_id in ids:
        accepted = sum(1 for h, _, _ in outcome.accepted if h == hazard_id)
        if int(rows.loc[hazard_id, "row_version"]) != before[hazard_id] + accepted:
            found.append(f"{hazard_id}: version {rows.loc[hazard_id, 'row_version']} is not "
                         f"{before[hazard_id]} + {accepted} accepted saves")
    rebuilt = replay(events).set_index("hazard_id")
    for hazard_id in ids:
        for column in rebuilt.columns:
            if column != "geometry" and \
                    text(rebuilt.loc[hazard_id, column]) != text(rows.loc[hazard_id, column]):
                found.append(f"{hazard_id}.{column} does not replay from its events")
    return found


def pick(location: str, count: int) -> tuple[list[str], dict[str, int]]:
    """Return ``count`` hazards under rectification (整改中) and their versions now."""
    with Store(location, read_only=True) as store:
        ledger = store.read("hazard_ledger", {"hazard_status": "整改中"})
    chosen = ledger.sort_values("hazard_id").head(count)
    return list(chosen["hazard_id"]), dict(zip(chosen["hazard_id"],
                                               chosen["row_version"].astype(int), strict=True))


def main() -> int:
    """Run the load on ``--db`` and print what was accepted, refused and checked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database file or postgresql:// URL")
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hazards", type=int, default=5)
    args = parser.parse_args()
    ids, before = pick(args.db, args.hazards)
    started = time.monotonic()
    outcome = run(args.db, ids, editors_count=args.editors, seconds=args.seconds)
    took = time.monotonic() - started
    wrong = problems(args.db, ids, before, outcome)
    print(f"{args.editors} editors × {args.seconds:g} s on {len(ids)} hazards: "
          f"{len(outcome.accepted)} saves accepted ({len(outcome.accepted) / took:.1f}/s), "
          f"{len(outcome.refused)} refused and told; {len(wrong)} problems")
    for line in wrong[:20]:
        print("  " + line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
