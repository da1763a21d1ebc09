"""What closing the post's day costs: at start over a long log, live at midnight, per request.

    .venv/bin/python bench/day_close.py [DAYS] [TICKETS_PER_DAY]

A real post database is filled with DAYS days of TICKETS_PER_DAY tickets (a third finished,
a third called, a third still waiting) written as a hub without day closing left them:
no day.closed events. Then, on a real hub with an injected clock:
- the first start, which replays the log and closes every day (the one-time cost of an
  old database),
- a second start, which finds the days closed (the cost of every later start),
- a day closed live at midnight,
- roll() when there is nothing to do (it runs before every request).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from antrean.clock import FixedClock  # noqa: E402
from antrean.config import load_post_config  # noqa: E402
from antrean.hub import Hub  # noqa: E402
from antrean.storage import Storage  # noqa: E402

FIRST = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB


def synth_days(st: Storage, days: int, n: int) -> None:
    cfg = load_post_config()
    services = [(s.id, s.letter) for s in cfg.services]
    js = json.dumps
    for d in range(days):
        start = FIRST + timedelta(days=d)
        day = (start + timedelta(hours=7)).date().isoformat()
        seqs = {s: 0 for s, _ in services}
        tickets, events = [], []
        for i in range(n):
            sid, letter = services[i % len(services)]
            seqs[sid] += 1
            tid, at = str(uuid.uuid4()), start + timedelta(seconds=i * 30)
            number = f"{letter}{seqs[sid]:03d}"
            tickets.append((tid, cfg.post.id, day, sid, seqs[sid], number, None, tid,
                            at.isoformat(), "Kios 1"))
            events.append(("ticket.issued", at.isoformat(), day, tid, None,
                           js({"number": number, "seq": seqs[sid], "day": day, "service": sid,
                               "priority": None, "request_id": tid, "kiosk": "Kios 1"})))
            if i % 3 == 2:
                continue  # still waiting
            called = at + timedelta(minutes=5)
            events.append(("ticket.called", called.isoformat(), day, tid, 1 + i % 6,
                           js({"reason": "regular", "streak": 0})))
            if i % 3 == 0:
                events.append(("ticket.finished", (called + timedelta(minutes=6)).isoformat(),
                               day, tid, 1 + i % 6, js({"outcome": "served"})))
        with st.engine.begin() as c:
            c.exec_driver_sql("INSERT INTO tickets (id, post_id, day, service, seq, number, "
                              "priority, request_id, issued_at, kiosk) VALUES (?,?,?,?,?,?,?,?,?,?)",
                              tickets)
            c.exec_driver_sql("INSERT INTO events (type, at, day, ticket_id, counter, data) "
                              "VALUES (?,?,?,?,?,?)", events)


def main() -> None:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    cfg = load_post_config()
    with tempfile.TemporaryDirectory() as tmp:
        st = Storage(tmp)
        synth_days(st, days, n)
        logged = st.last_seq()
        st.close()
        clock = FixedClock(FIRST + timedelta(days=days, hours=1))
        t0 = time.perf_counter()
        hub = Hub(cfg, tmp, clock)
        first = time.perf_counter() - t0
        closed = sum(1 for e in hub.storage.load_events() if e.type.value == "ticket.cancelled")
        hub.close()
        t0 = time.perf_counter()
        hub = Hub(cfg, tmp, clock)
        second = time.perf_counter() - t0
        print(f"log: {days} days x {n} tickets, {logged} events, no day closed")
        print(f"first start (replays the log, closes {days} days, {closed} tickets): "
              f"{first:.2f} s")
        print(f"second start (days already closed):              {second:.2f} s")
        for i in range(n):
            hub.issue(["adminduk", "kesehatan"][i % 2], None, str(uuid.uuid4()))
            if i % 3 == 0:
                hub.call_next(1 + i % 4, None, "Loket")
        clock.set(hub.calendar.closes_at(hub.day) + timedelta(seconds=1))
        t0 = time.perf_counter()
        hub.roll()
        live = time.perf_counter() - t0
        print(f"live close at midnight of a {n}-ticket day:            {live * 1000:.0f} ms")
        t0 = time.perf_counter()
        for _ in range(10000):
            hub.roll()
        per = (time.perf_counter() - t0) / 10000
        print(f"roll() with nothing to do (before every request):   {per * 1e6:.1f} us")
        hub.close()


if __name__ == "__main__":
    main()
