"""The partition run's checker and report (bench/partition.py): what was printed, what the
kiosk's outbox holds and what the hub's database kept, held against each other."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["Fault", "Report", "check"]


@dataclass
class Fault:
    kind: str  # drop / blackhole / kill
    start: float
    heal: float = 0.0


@dataclass
class Report:
    seconds: float
    presses: int
    printed: int
    offline: int
    calls: int
    faults: list[Fault]
    drains: list[tuple[str, int, float]]  # (kind, offline tickets, heal -> last visible s)
    drain_rate: float | None  # offline tickets per second while the outbox drained
    offline_latency_ms: list[float]
    anomalies: list[str]
    blackhole: str
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kinds = {k: sum(1 for f in self.faults if f.kind == k) for k in ("drop", "blackhole",
                                                                         "kill")}
        worst = max((d[2] for d in self.drains), default=None)
        lat = sorted(self.offline_latency_ms)

        def pct(p: float) -> str:
            return f"{lat[min(len(lat) - 1, max(0, round(p / 100 * len(lat)) - 1))]:.0f} ms" \
                if lat else "-"

        quick = [x for x in lat if x < 1000]

        def known(p: float) -> str:
            return f"{quick[min(len(quick) - 1, max(0, round(p / 100 * len(quick)) - 1))]:.0f} ms" \
                if quick else "-"

        return [
            f"run                         : {self.seconds:.0f} s",
            f"button presses              : {self.presses}",
            f"tickets printed             : {self.printed} ({self.offline} offline)",
            f"calls at the counter        : {self.calls}",
            f"faults                      : {kinds['drop']} link drops, {kinds['blackhole']} "
            f"black holes ({self.blackhole or 'none'}), {kinds['kill']} hub kill -9",
            "heal -> last offline ticket visible at the hub: max "
            + (f"{worst:.2f} s" if worst is not None else "-")
            + "  " + ", ".join(f"{k}:{n}t/{s:.2f}s" for k, n, s in self.drains if n),
            "outbox drain rate           : "
            + (f"{self.drain_rate:.1f} tickets/s" if self.drain_rate else "-"),
            f"touch -> printed, offline    : p50 {pct(50)}  p99 {pct(99)}  (n={len(lat)}; "
            f"{sum(1 for x in lat if x >= 1000)} took >= 1 s: the first after a cut waits "
            "online_wait_s, 1 s, for a hub the kiosk still believes up)",
            f"  once known offline        : p50 {known(50)}  p99 {known(99)}  (n={len(quick)})",
            f"anomalies                   : {len(self.anomalies)}",
            *(f"  ! {a}" for a in self.anomalies),
            *(f"  note: {n}" for n in self.notes),
        ]


# ---------------------------------------------------------------- the checker


def check(printed: dict[str, list[str]], hub_db: Path, outbox_db: Path) -> list[str]:
    """The anomalies (see the module docstring); ``printed``: number -> ids printed (8 hex)."""
    from antrean.storage import Storage

    anomalies: list[str] = []
    st = Storage(hub_db.parent, migrate=False)
    try:
        with st.engine.connect() as c:
            rows = c.exec_driver_sql("SELECT id, day, number FROM tickets").fetchall()
        events = st.load_events()
    finally:
        st.close()
    at_hub: dict[tuple[str, str], list[str]] = {}
    for tid, day, number in rows:
        at_hub.setdefault((day, number), []).append(tid)
    by_number: dict[str, list[str]] = {}
    for (_day, number), ids in at_hub.items():
        by_number.setdefault(number, []).extend(ids)
        if len(ids) > 1:
            anomalies.append(f"{number} stored {len(ids)} times on {_day}")
    for number, ids in sorted(printed.items()):
        if len(ids) > 1:
            anomalies.append(f"{number} printed {len(ids)} times")
        stored = by_number.get(number, [])
        if len(stored) != 1:
            anomalies.append(f"{number} printed, stored {len(stored)} times at the hub")
        elif not stored[0].startswith(ids[0]):
            anomalies.append(f"{number} printed as ticket {ids[0]}, the hub has {stored[0]}")
    for number in sorted(set(by_number) - set(printed)):
        anomalies.append(f"{number} at the hub, never printed")
    anomalies += _check_outbox(outbox_db, {tid for ids in by_number.values() for tid in ids})
    anomalies += _check_calls(events)
    return anomalies


def _check_outbox(path: Path, stored: set[str]) -> list[str]:
    out = []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for number, state, ticket, error in db.execute(
                "SELECT number, state, ticket, error FROM outbox ORDER BY id"):
            if state != "sent":
                out.append(f"{number} left {state} in the kiosk's outbox ({error or ''})")
            elif json.loads(ticket)["id"] not in stored:
                out.append(f"{number} acknowledged by the hub, not kept")
    finally:
        db.close()
    return out


def _check_calls(events: list[Any]) -> list[str]:
    """Each call took the ticket that had waited longest (all regular: first come, first
    served by ``issued_at``; ties by arrival at the hub)."""
    out = []
    waiting: dict[str, tuple[datetime, int, str]] = {}
    arrival = 0
    for e in events:
        kind = e.type.value
        if kind == "ticket.issued":
            arrival += 1
            issued = datetime.fromisoformat(e.data["issued_at"]) if e.data.get("issued_at") \
                else e.at
            waiting[e.ticket_id] = (issued, arrival, e.data["number"])
        elif kind == "ticket.called":
            mine = waiting.pop(e.ticket_id, None)
            first = min(waiting.values(), default=None)
            if mine is not None and first is not None and first < mine:
                out.append(f"{mine[2]} (issued {mine[0]:%H:%M:%S.%f}) called before {first[2]} "
                           f"(issued {first[0]:%H:%M:%S.%f})")
        elif kind in ("ticket.cancelled", "ticket.finished"):
            waiting.pop(e.ticket_id or "", None)
    return out
