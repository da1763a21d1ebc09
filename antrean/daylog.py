"""A day's wait-time log, derived from the event log (never from edited rows).

One row per ticket issued that day (post-local), with the columns of DESIGN.md "The
wait-time log": wait_s = first call − issue; service_s = finish − first call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from .storage import Storage

__all__ = ["LogRow", "COLUMNS", "day_rows"]

#: DESIGN.md's columns in its order, then ours appended (rating 1-4; the outcome before a
#: lead's correction, so the original stays visible).
COLUMNS = ("number", "service", "priority", "issued_at", "called_at", "finished_at", "wait_s",
           "service_s", "counter", "outcome", "recalls", "transfers", "kiosk", "rating",
           "corrected_from")


@dataclass
class LogRow:
    ticket_id: str
    number: str
    service: str
    priority: str | None
    issued_at: datetime
    called_at: datetime | None = None
    finished_at: datetime | None = None
    counter: int | None = None
    outcome: str | None = None
    original_outcome: str | None = None  # set when a lead corrected the outcome
    recalls: int = 0
    transfers: int = 0
    kiosk: str | None = None
    rating: int | None = None

    @property
    def wait_s(self) -> int | None:
        if self.called_at is None:
            return None
        return max(0, round((self.called_at - self.issued_at).total_seconds()))

    @property
    def service_s(self) -> int | None:
        if self.called_at is None or self.finished_at is None or self.outcome == "cancelled":
            return None
        return max(0, round((self.finished_at - self.called_at).total_seconds()))


_EVENTS_OF_DAY = text(
    "SELECT type, at, ticket_id, counter, data FROM events "
    "WHERE ticket_id IN (SELECT id FROM tickets WHERE day = :day) ORDER BY seq"
)


def day_rows(storage: Storage, day: str) -> list[LogRow]:
    """Every ticket issued on ``day`` with its times and outcome, in issue order."""
    rows: dict[str, LogRow] = {}
    parse = datetime.fromisoformat
    with storage.engine.connect() as conn:
        for etype, at, tid, counter, data in conn.execute(_EVENTS_OF_DAY, {"day": day}):
            if etype == "ticket.issued":
                d = json.loads(data)
                rows[tid] = LogRow(tid, d["number"], d["service"], d.get("priority"), parse(at),
                                   kiosk=d.get("kiosk"))
                continue
            r = rows.get(tid)
            if r is None:
                continue
            if etype == "ticket.called":
                if r.called_at is None:
                    r.called_at = parse(at)
                r.counter = counter
            elif etype == "ticket.recalled":
                r.recalls += 1
            elif etype == "ticket.finished":
                r.finished_at = parse(at)
                r.outcome = json.loads(data)["outcome"]
                r.counter = counter if counter is not None else r.counter
            elif etype == "ticket.transferred":
                r.transfers += 1
                r.finished_at, r.outcome = None, None
            elif etype == "ticket.cancelled":
                r.finished_at, r.outcome = parse(at), "cancelled"
            elif etype == "ticket.corrected":
                d = json.loads(data)
                r.original_outcome = r.original_outcome or r.outcome
                r.outcome = d["outcome"]
            elif etype == "ticket.rated":
                r.rating = int(json.loads(data)["rating"])
    return list(rows.values())
