"""A day's wait-time log, derived from the event log (never from edited rows).

One row per ticket issued that day (post-local), with the columns of DESIGN.md "The
wait-time log": wait_s = first call − issue; service_s = finish − first call. A ticket the
hub cancelled when the post's day closed has the outcome ``day_closed`` (antrean/days.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from .days import DAY_CLOSED
from .storage import Storage

__all__ = ["LogRow", "COLUMNS", "day_rows", "apply_change", "apply_wire", "apply_ticket_event", "row_from_issue",
           "LiveDay"]

#: DESIGN.md's columns in its order, then ours appended (rating 1-4; the outcome before a
#: lead's correction, so the original stays visible).
COLUMNS = ("number", "service", "priority", "issued_at", "called_at", "finished_at", "wait_s",
           "service_s", "counter", "outcome", "recalls", "transfers", "kiosk", "rating",
           "corrected_from")


@dataclass(slots=True)
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
    wait_s: int | None = None  # first call - issue (set by finish())
    service_s: int | None = None  # finish - first call

    def finish(self) -> LogRow:
        """Compute the derived durations once the row's events are all applied."""
        c, f = self.called_at, self.finished_at
        self.wait_s = None if c is None else max(0, round((c - self.issued_at).total_seconds()))
        self.service_s = (None if c is None or f is None or self.outcome in _NOT_SERVED
                          else max(0, round((f - c).total_seconds())))
        return self


_NOT_SERVED = ("cancelled", DAY_CLOSED)

# Issue facts come from the tickets table (no JSON to parse); the changes from the log,
# with the few JSON fields needed extracted by SQLite itself. Events of a day come in seq
# order from the day index; a ticket's events after midnight are fetched separately.
_TICKETS = ("SELECT id, number, service, priority, issued_at, kiosk FROM tickets "
            "WHERE day = ? ORDER BY rowid")
# A cancellation's "outcome" is its reason (day_closed when the hub closed the day).
_CHANGES = ("SELECT type, at, ticket_id, counter, "
            "coalesce(json_extract(data, '$.outcome'), json_extract(data, '$.reason')), "
            "json_extract(data, '$.rating') FROM events WHERE {where} "
            "AND ticket_id IS NOT NULL AND type != 'ticket.issued' ORDER BY seq")
_SAME_DAY = _CHANGES.format(where="day = ?")
_LATER_DAYS = _CHANGES.format(
    where="day > ? AND ticket_id IN (SELECT id FROM tickets WHERE day = ?)")


Time: TypeAlias = "str | datetime"  # ISO 8601 text as logged, or already parsed


def _dt(at: Time) -> datetime:
    return at if isinstance(at, datetime) else datetime.fromisoformat(at)


def apply_change(r: LogRow, etype: str, at: Time, counter: int | None, outcome: str | None,
                 rating: Any) -> None:
    """One logged change of a ticket, applied to its row (the log is replayed in seq order)."""
    if etype == "ticket.called":
        if r.called_at is None:
            r.called_at = _dt(at)
        r.counter = counter
    elif etype == "ticket.finished":
        r.finished_at = _dt(at)
        r.outcome = outcome
        if counter is not None:
            r.counter = counter
    elif etype == "ticket.recalled":
        r.recalls += 1
    elif etype == "ticket.transferred":
        r.transfers += 1
        r.finished_at, r.outcome = None, None
    elif etype == "ticket.cancelled":
        r.finished_at = _dt(at)
        r.outcome = DAY_CLOSED if outcome == DAY_CLOSED else "cancelled"
    elif etype == "ticket.corrected":
        r.original_outcome = r.original_outcome or r.outcome
        r.outcome = outcome
    elif etype == "ticket.rated":
        r.rating = int(rating)


def row_from_issue(wire: dict[str, Any]) -> LogRow:
    """The log row a ``ticket.issued`` event (as on the wire) starts."""
    t = wire["ticket"]
    issued = t["issued_at"]
    return LogRow(t["id"], t["number"], t["service"], t["priority"], _dt(issued),
                  kiosk=(wire.get("data") or {}).get("kiosk"))


def apply_wire(rows: dict[str, LogRow], wire: dict[str, Any]) -> LogRow | None:
    """Apply one event as the hub sent it (``at`` in the post's zone) to the rows it keeps,
    keyed by ticket id; returns the row it touched. The post's live day goes through here,
    the city's ingest through :func:`apply_ticket_event` (its events are typed structs)."""
    t = wire.get("ticket")
    if not t:
        return None
    return apply_ticket_event(rows, wire["type"], t["id"], wire["at"], wire.get("counter"),
                              wire.get("data") or {}, lambda: row_from_issue(wire))


def apply_ticket_event(rows: dict[str, LogRow], etype: str, tid: str, at: Time,
                       counter: int | None, data: dict[str, Any],
                       issued: Callable[[], LogRow]) -> LogRow | None:
    """One ticket's event applied to the rows kept by ticket id; returns the row it touched,
    or ``None`` when it touched none. A ``ticket.issued`` starts a row (made by ``issued``);
    the same ticket issued again is still one ticket (no change); an event of a ticket the
    rows do not hold changes nothing."""
    if etype == "ticket.issued":
        if tid in rows:
            return None
        new = rows[tid] = issued()
        return new
    r = rows.get(tid)
    if r is not None:
        # a cancellation's "outcome" is its reason (day_closed when the hub closed the day)
        apply_change(r, etype, at, counter, data.get("outcome") or data.get("reason"),
                     data.get("rating"))
    return r


class LiveDay:
    """Today's rows kept up to date from the hub's own events, so the dashboard's polling
    costs one pass over memory instead of a replay of the log."""

    def __init__(self, storage: Storage, day: str) -> None:
        self.day = day
        rows, self.seq = _read_day(storage, day)
        self._rows = {r.ticket_id: r for r in rows}

    def apply(self, wire: dict[str, Any]) -> None:
        """Apply one event as the hub broadcast it (``at`` in the post's zone). One the
        rows were read with is skipped: the hub's writer commits on a thread of its own, so
        an event can be on disk (and read) before the hub broadcasts it."""
        if wire["seq"] <= self.seq:
            return
        t = wire.get("ticket")
        if wire["type"] == "ticket.issued" and t and t["issued_at"][:10] != self.day:
            return  # another day's ticket (issued_at is in the post's zone)
        apply_wire(self._rows, wire)

    def rows(self) -> list[LogRow]:
        return [r.finish() for r in list(self._rows.values())]


def day_rows(storage: Storage, day: str) -> list[LogRow]:
    """Every ticket issued on ``day`` with its times and outcome, in issue order."""
    return _read_day(storage, day)[0]


def _read_day(storage: Storage, day: str) -> tuple[list[LogRow], int]:
    """:func:`day_rows`, and the last seq of the log they were read from (one snapshot)."""
    parse = datetime.fromisoformat
    with storage.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("BEGIN")  # one read transaction: the rows and the seq agree
        try:
            rows: dict[str, LogRow] = {
                tid: LogRow(tid, number, service, priority, parse(issued), kiosk=kiosk)
                for tid, number, service, priority, issued, kiosk in raw.execute(_TICKETS, (day,))
            }
            changes = raw.execute(_SAME_DAY, (day,)).fetchall()
            changes += raw.execute(_LATER_DAYS, (day, day)).fetchall()
            last = int(raw.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
        finally:
            raw.rollback()
    get = rows.get  # the loop below runs once per event (300k on a 100k-ticket day)
    for etype, at, tid, counter, outcome, rating in changes:
        r = get(tid)
        if r is not None:
            apply_change(r, etype, at, counter, outcome, rating)
    return [r.finish() for r in rows.values()], last
