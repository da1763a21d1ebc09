"""Exports and stats on a synthetic 100,000-ticket day.

    .venv/bin/python bench/export.py [N]

Targets (issue 6, this machine): CSV <= 2 s, XLSX <= 15 s, stats <= 1 s.
The day is written straight into a real post database in the hub's own event format
(issued -> called -> finished, some recalls, no-shows, transfers; one served resident in ten
answers the SKM survey), then exported by the same code `antrean export` and `/log` run.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from antrean.config import load_post_config  # noqa: E402
from antrean.daylog import LiveDay  # noqa: E402
from antrean.export import export_day  # noqa: E402
from antrean.skm import ELEMENT_IDS, summary  # noqa: E402
from antrean.stats import day_stats, stats_from_rows  # noqa: E402
from antrean.storage import Storage  # noqa: E402
from antrean.survey import stored_surveys  # noqa: E402


def synth_day(st: Storage, n: int, day: str, start: datetime, seed: int = 1) -> None:
    cfg = load_post_config()
    rng = random.Random(seed)
    services = [(s.id, s.letter) for s in cfg.services]
    seqs = {s: 0 for s, _ in services}
    tickets, events = [], []
    js = json.dumps
    for i in range(n):
        sid, letter = services[i % len(services)]
        seqs[sid] += 1
        tid = str(uuid.uuid4())
        issued = start + timedelta(seconds=i * 0.3)
        number = f"{letter}{seqs[sid]:03d}"
        prio = "elderly" if rng.random() < 0.15 else None
        tickets.append((tid, cfg.post.id, day, sid, seqs[sid], number, prio, tid, issued.isoformat(),
                        "Kios 1"))
        events.append(("ticket.issued", issued.isoformat(), day, tid, None,
                       js({"number": number, "seq": seqs[sid], "day": day, "service": sid,
                           "priority": prio, "request_id": tid, "kiosk": "Kios 1"})))
        called = issued + timedelta(seconds=rng.randint(30, 3600))
        counter = rng.randint(1, 6)
        events.append(("ticket.called", called.isoformat(), day, tid, counter,
                       js({"reason": "regular", "streak": 0})))
        if rng.random() < 0.05:
            events.append(("ticket.recalled", (called + timedelta(seconds=30)).isoformat(), day,
                           tid, counter, "{}"))
        outcome = "no_show" if rng.random() < 0.06 else "served"
        done = called + timedelta(seconds=rng.randint(60, 900))
        events.append(("ticket.finished", done.isoformat(), day, tid, counter,
                       js({"outcome": outcome})))
        if outcome == "served" and rng.random() < 0.1:
            answers = {e: rng.choice((2, 3, 3, 4, 4)) for e in ELEMENT_IDS}
            events.append(("survey.submitted", (done + timedelta(seconds=60)).isoformat(), day,
                           tid, None, js({"number": number, "service": sid, "answers": answers,
                                          "profile": {}, "request_id": str(uuid.uuid4()),
                                          "device": "Kios 1"})))
    with st.engine.begin() as c:
        c.exec_driver_sql("INSERT INTO tickets (id, post_id, day, service, seq, number, priority, "
                          "request_id, issued_at, kiosk) VALUES (?,?,?,?,?,?,?,?,?,?)", tickets)
        c.exec_driver_sql("INSERT INTO events (type, at, day, ticket_id, counter, data) "
                          "VALUES (?,?,?,?,?,?)", events)


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<34} {dt:6.2f} s")
    return dt


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cfg = load_post_config()
    day = "2026-11-23"
    start = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        st = Storage(tmp)
        t0 = time.perf_counter()
        synth_day(st, n, day, start)
        print(f"synthetic day: {n} tickets written in {time.perf_counter() - t0:.1f} s")
        out = Path(tmp)
        timed("CSV export", lambda: export_day(st, cfg, day, "csv", out / "d.csv"))
        timed("XLSX export (3 sheets, with SKM)",
              lambda: export_day(st, cfg, day, "xlsx", out / "d.xlsx"))
        skm: dict = {}
        timed("SKM of a past day (from the log)",
              lambda: skm.update(summary(s["answers"] for s in stored_surveys(st, day)) or {}))
        stats: dict = {}
        timed("stats (a past day, from the log)", lambda: stats.update(day_stats(st, cfg, day)))
        live = LiveDay(st, day)  # what the hub keeps for today, fed by its own events
        timed("stats (today, hub's live rows)", lambda: stats_from_rows(live.rows(), cfg, day))
        print(f"  issued {stats['issued']}, served {stats['served']}, "
              f"avg wait {stats['wait']['avg_s'] / 60:.1f} min; SKM {skm.get('respondents')} "
              f"respondents, IKM {skm.get('ikm')} ({skm.get('mutu')})")
        print(f"sizes: CSV {(out / 'd.csv').stat().st_size / 1e6:.1f} MB, "
              f"XLSX {(out / 'd.xlsx').stat().st_size / 1e6:.1f} MB")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        st.close()


if __name__ == "__main__":
    main()
