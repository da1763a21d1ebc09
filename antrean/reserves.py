"""Reserved numbers: what lets a kiosk keep giving numbers while its hub is away.

The hub grants each kiosk a *reserve* of numbers per open service (``[hub] reserve_size``,
default 5), taken from the day's sequence and skipped by every other issuer. The kiosk
issues from its reserve first — online too, so a post with one kiosk sees strictly
sequential numbers — and the hub tops it up. Offline, the kiosk prints from its reserve and
sends the tickets later with their number and time (``reserved_number``, ``issued_at``);
the hub accepts such a ticket only from the kiosk the number was reserved to, and stores it
with its original time, so the priority rule places it fairly.

Reserves are events in the log (``reserve.granted``, ``reserve.released``) and rows of the
``reserved_numbers`` table, so they survive a restart. A reserve counts against the
service's daily quota while held (a promised number is a number given). One left unused at
the day's end is a gap: listed in the day's stats ("nomor cadangan tidak terpakai"), never
a row of the log or the export.

Pure code: :class:`ReserveBook` is the queue's memory of who holds which number; the checks
raise :class:`antrean.queue.QueueError`-shaped refusals. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .model import Event, EventType, parse_number

__all__ = ["FUTURE_TOLERANCE", "ReserveBook", "ReserveRefusal", "check_late_time",
           "granted_event", "released_event"]

#: How far ahead of the hub a kiosk's ``issued_at`` may be and still be taken (as "now"):
#: the kiosk's clock is the hub's, carried forward from its last answer, so it is off by
#: about half a round trip, plus its crystal's drift over a long outage.
FUTURE_TOLERANCE = timedelta(seconds=30)


@dataclass(frozen=True)
class ReserveRefusal:
    """A refusal in the hub's error shape (status, code, Indonesian, English)."""

    status: int
    code: str
    message: str
    message_en: str


NOT_RESERVED = ReserveRefusal(
    409, "not_reserved",
    "Nomor ini tidak dicadangkan untuk kiosk ini hari ini.",
    "This number is not reserved to this kiosk today.")
NUMBER_USED = ReserveRefusal(
    409, "reserved_number_used",
    "Nomor ini sudah dipakai untuk tiket lain.",
    "This number was already used for another ticket.")
WRONG_LETTER = ReserveRefusal(
    422, "reserved_number_mismatch",
    "Huruf nomor tidak sesuai dengan layanannya.",
    "The number's letter does not match its service.")
IN_FUTURE = ReserveRefusal(
    422, "issued_at_future",
    "Waktu tiket lebih maju dari jam hub; periksa jam kiosk (antrean doctor).",
    "The ticket's time is ahead of the hub's clock; check the kiosk's clock (antrean doctor).")
BEFORE_DAY = ReserveRefusal(
    409, "issued_before_day",
    "Tiket ini dari hari pos yang sudah ditutup.",
    "This ticket is from a post day that has closed.")
TIME_WITHOUT_NUMBER = ReserveRefusal(
    422, "issued_at_without_reserved_number",
    "issued_at hanya untuk tiket dengan reserved_number.",
    "issued_at goes only with reserved_number.")


def check_late_time(issued_at: datetime, now: datetime, day_of_now: str,
                    day_of: Any) -> tuple[datetime, ReserveRefusal | None]:
    """A kiosk's ``issued_at`` against the hub's ``now``: the time to store (never later
    than now), or a refusal (too far ahead; before the day began)."""
    if issued_at - now > FUTURE_TOLERANCE:
        return issued_at, IN_FUTURE
    at = min(issued_at, now)
    if day_of(at) < day_of_now:
        return at, BEFORE_DAY
    return at, None


def granted_event(at: datetime, post: str, day: str, service: str, numbers: list[str],
                  device_id: int, kiosk: str) -> Event:
    """``numbers`` (e.g. A006, A007) of ``service`` reserved to a kiosk."""
    return Event(EventType.RESERVE_GRANTED, at, data={
        "post": post, "day": day, "service": service, "numbers": numbers,
        "seqs": [parse_number(n)[1] for n in numbers], "device_id": device_id, "kiosk": kiosk})


def released_event(at: datetime, post: str, day: str, service: str, numbers: list[str],
                   device_id: int, reason: str) -> Event:
    """A kiosk's unused ``numbers`` given up (they stay gaps: the sequence went on)."""
    return Event(EventType.RESERVE_RELEASED, at, data={
        "post": post, "day": day, "service": service, "numbers": numbers,
        "seqs": [parse_number(n)[1] for n in numbers], "device_id": device_id,
        "reason": reason})


class ReserveBook:
    """Which kiosk holds which unused number, per (day, service); driven by events."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], dict[int, int]] = {}  # (day, service) -> seq -> device

    def granted(self, e: Event) -> int:
        """Apply ``reserve.granted``; returns the highest seq it reserved."""
        d = e.data
        held = self._held.setdefault((d["day"], d["service"]), {})
        for seq in d["seqs"]:
            held[int(seq)] = int(d["device_id"])
        return max((int(s) for s in d["seqs"]), default=0)

    def released(self, e: Event) -> None:
        d = e.data
        held = self._held.get((d["day"], d["service"]), {})
        for seq in d["seqs"]:
            held.pop(int(seq), None)

    def used(self, day: str, service: str, seq: int) -> None:
        self._held.get((day, service), {}).pop(seq, None)

    def owner(self, day: str, service: str, seq: int) -> int | None:
        """The device holding this unused number, or None."""
        return self._held.get((day, service), {}).get(seq)

    def held(self, day: str, service: str, device_id: int | None = None) -> list[int]:
        """Unused numbers of a service's day (of one device, if given), lowest first."""
        held = self._held.get((day, service), {})
        return sorted(s for s, d in held.items() if device_id is None or d == device_id)

    def count(self, day: str, service: str) -> int:
        return len(self._held.get((day, service), {}))

    def devices(self, day: str) -> set[int]:
        return {d for (dd, _), held in self._held.items() if dd == day for d in held.values()}
