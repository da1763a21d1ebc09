"""The post's day: its date, when it closes, and what closing it writes to the log.

A post's day is its local calendar date (``[post] timezone``). The day closes at local
midnight, or earlier at ``[post] day_ends`` (e.g. ``"17:00"``). Whatever is still waiting
or called then is cancelled by the hub itself, one ``ticket.cancelled`` event per ticket
with ``{"by": "hub", "reason": "day_closed"}``, followed by one ``day.closed`` event for
the day. Those events are stored under the day they close (the ``day`` column), stamped
with the day's closing time — or later, never earlier than the log's last event, so the
log's time never runs backwards even when the hub was off at midnight.

The next day numbers from 001 with nothing of the closed day live: residents come back
the next day and take a new number (UU 25/2009 asks for a fair queue, not an endless one).
Pure code: no I/O, ``now`` is always passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .config import PostConfig
from .model import Event, EventType, Ticket, TicketState
from .queue import QueueState

__all__ = ["DAY_CLOSED", "PostCalendar", "closing_events", "close_span"]

#: The reason on a hub's cancellation at the day's end (and the export's outcome for it).
DAY_CLOSED = "day_closed"

_LIVE = (TicketState.WAITING, TicketState.CALLED)


class PostCalendar:
    """Dates and closing times in the post's zone."""

    def __init__(self, tz: ZoneInfo, day_ends: time | None = None) -> None:
        self.tz = tz
        self.day_ends = day_ends

    def day_of(self, when: datetime) -> str:
        return when.astimezone(self.tz).date().isoformat()

    def closes_at(self, day: str) -> datetime:
        """When ``day`` closes (UTC): its ``day_ends`` time, else the next local midnight."""
        d = date.fromisoformat(day)
        local = (datetime.combine(d, self.day_ends, self.tz) if self.day_ends is not None
                 else datetime.combine(d + timedelta(days=1), time(0), self.tz))
        return local.astimezone(UTC)

    def next_turn(self, day: str, now: datetime) -> datetime:
        """When ``day`` next changes: its closing, or once closed, the date turning."""
        close = self.closes_at(day)
        if close > now:
            return close
        return datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(0),
                                self.tz).astimezone(UTC)

    def closed_through(self, now: datetime) -> str:
        """The latest day already closed at ``now`` (today once ``day_ends`` has passed,
        else yesterday)."""
        today = now.astimezone(self.tz).date()
        if self.closes_at(today.isoformat()) <= now:
            return today.isoformat()
        return (today - timedelta(days=1)).isoformat()

    def is_closed(self, day: str, now: datetime) -> bool:
        return day <= self.closed_through(now)


def closing_events(tickets: Iterable[Ticket], through: str,
                   at_of: Callable[[str], datetime]) -> list[tuple[str, Event]]:
    """``(day, event)`` pairs that close every day up to ``through`` (inclusive).

    Each live ticket of such a day is cancelled (a called one names its counter, which is
    free again); then one ``day.closed`` event per day says how many were. ``at_of(day)``
    gives the time to stamp a day's events with. Days come out oldest first.
    """
    by_day: dict[str, list[Ticket]] = {}
    for t in sorted(tickets, key=lambda t: t.arrival):
        if t.day <= through:
            by_day.setdefault(t.day, [])
            if t.state in _LIVE:
                by_day[t.day].append(t)
    out: list[tuple[str, Event]] = []
    for day in sorted(by_day):
        at = at_of(day)
        for t in by_day[day]:
            counter = t.counter if t.state is TicketState.CALLED else None
            out.append((day, Event(EventType.TICKET_CANCELLED, at, t.id, counter,
                                   {"by": "hub", "reason": DAY_CLOSED, "number": t.number})))
        out.append((day, Event(EventType.DAY_CLOSED, at,
                               data={"day": day, "cancelled": len(by_day[day])})))
    return out


def close_span(config: PostConfig, calendar: PostCalendar, through: str,
               events: Iterable[Event], last_at: datetime | None
               ) -> tuple[list[tuple[str, Event]], QueueState]:
    """Close every day up to ``through`` that ``events`` still hold open.

    ``events`` are those of the days after the last closed one, replayed here (at start the
    hub's memory holds only today, and a close that failed to write is found again this
    way); ``last_at`` is the log's last time, which no closing event may come before.
    Returns the ``(day, event)`` pairs to write and the replayed state they were applied
    to (for the tickets as the wire shows them).
    """
    span = QueueState(config)
    for e in events:
        span.apply(e)
    last = last_at

    def at_of(day: str) -> datetime:
        nonlocal last
        at = calendar.closes_at(day)
        last = at if last is None or at > last else last  # the log never runs backwards
        return last

    pairs = closing_events(span.tickets.values(), through, at_of)
    for _, e in pairs:
        span.apply(e)
    return pairs, span
