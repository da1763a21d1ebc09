"""The queue's vocabulary: tickets, counters, events, numbers. Plain data, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "TicketState",
    "CounterState",
    "Ticket",
    "Counter",
    "Event",
    "EventType",
    "format_number",
    "parse_number",
    "FINAL_STATES",
]


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


FINAL_STATES = frozenset({TicketState.SERVED, TicketState.NO_SHOW, TicketState.CANCELLED})


class CounterState(StrEnum):
    IDLE = "idle"
    SERVING = "serving"
    PAUSED = "paused"


class EventType(StrEnum):
    """The closed vocabulary of the event log."""

    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_FINISHED = "ticket.finished"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_CORRECTED = "ticket.corrected"
    TICKET_RATED = "ticket.rated"
    COUNTER_CHANGED = "counter.changed"
    SERVICE_CHANGED = "service.changed"
    DEVICE_STATUS = "device.status"
    QUEUE_ALERT = "queue.alert"
    COMPLAINT_FILED = "complaint.filed"
    SURVEY_SUBMITTED = "survey.submitted"
    DAY_CLOSED = "day.closed"  # the hub closed a post day (see antrean/days.py)
    RESERVE_GRANTED = "reserve.granted"  # numbers reserved to a kiosk (antrean/reserves.py)
    RESERVE_RELEASED = "reserve.released"  # … and given up unused (the kiosk was revoked)
    # A clerk's outcome for a programme's recipient: the keyed NIK hash, never the NIK
    # (antrean/beneficiary.py); and a programme's hashes purged after its retention.
    BENEFICIARY_RECORDED = "beneficiary.recorded"
    BENEFICIARY_PURGED = "beneficiary.purged"


_NUMBER_RE = re.compile(r"^([A-Z])(\d{3,})$")


def format_number(letter: str, seq: int) -> str:
    """``A`` + 7 → ``A007``; past 999 it widens (``A1000``) and never wraps."""
    return f"{letter}{seq:03d}"


def parse_number(number: str) -> tuple[str, int]:
    m = _NUMBER_RE.match(number)
    if not m:
        raise ValueError(f"not a ticket number: {number!r}")
    return m.group(1), int(m.group(2))


@dataclass
class Ticket:
    id: str
    number: str
    seq: int
    day: str  # post-local date, YYYY-MM-DD
    issue_service: str
    service: str  # current service (changes on transfer)
    priority: str | None
    issued_at: datetime  # UTC
    request_id: str
    kiosk: str | None = None
    kiosk_id: int | None = None  # the issuing device's id: a kiosk cancels only its own
    state: TicketState = TicketState.WAITING
    called_at: datetime | None = None  # first call
    last_called_at: datetime | None = None
    finished_at: datetime | None = None
    counter: int | None = None
    recalls: int = 0
    transfers: int = 0
    outcome: str | None = None
    arrival: int = 0  # issue order at the hub: the tie-breaker for equal times
    rating: int | None = None  # 4 Sangat puas … 1 Tidak puas

    @property
    def is_priority(self) -> bool:
        return self.priority is not None


@dataclass
class Counter:
    number: int
    state: CounterState = CounterState.IDLE
    ticket_id: str | None = None
    services: tuple[str, ...] | None = None  # None: every service
    device: str | None = None
    updated_at: datetime | None = None

    def serves(self, service: str) -> bool:
        return self.services is None or service in self.services


@dataclass(frozen=True)
class Event:
    """One entry of the append-only log. ``seq`` is given by storage."""

    type: EventType
    at: datetime  # UTC
    ticket_id: str | None = None
    counter: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None
