"""The hub's side of offline issuing: granting reserves, checking a kiosk's late tickets,
releasing a revoked kiosk's numbers, and the day's reserve figures.

See :mod:`antrean.reserves` for the rules. These run on the server's event loop like every
other hub command: the queue in memory applies the events, the hub's writer commits them to
the log (and the ``reserved_numbers`` index beside it), or memory is rebuilt from disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .auth import Device
from .model import format_number, parse_number
from .queue import QueueError
from .reserve_store import day_reserves
from .reserves import (
    NOT_RESERVED,
    NUMBER_USED,
    TIME_WITHOUT_NUMBER,
    WRONG_LETTER,
    ReserveRefusal,
    check_late_time,
    granted_event,
    released_event,
)
from .staged import Staged
from .storage import Storage

if TYPE_CHECKING:
    from .hub import Hub

__all__ = ["LateTicket", "check_reserved", "release_revoked", "reserve_stats", "stage_top_up",
           "top_up"]


def _refuse(r: ReserveRefusal) -> QueueError:
    return QueueError(r.status, r.code, r.message, r.message_en)


@dataclass(frozen=True)
class LateTicket:
    """A kiosk's ticket from its reserve, checked: what the hub stores."""

    ticket_id: str
    seq: int
    issued_at: datetime
    day: str


def check_reserved(hub: Hub, service: str, request_id: str, kiosk_id: int | None,
                   reserved_number: str | None, issued_at: datetime | None,
                   now: datetime) -> LateTicket | None:
    """None for an ordinary request; else the checked reserved ticket, or a refusal.

    The ticket's id is its ``request_id``, so the kiosk can print its QR code before the
    hub has seen it; its time is the kiosk's ``issued_at`` (never later than ``now``).
    """
    if reserved_number is None:
        if issued_at is not None:
            raise _refuse(TIME_WITHOUT_NUMBER)
        return None
    st = hub.state
    letter, seq = parse_number(reserved_number)
    svc = st.services.get(service)
    if svc is None:
        st.check_issue(service, None)  # the unknown-service refusal
        raise AssertionError("unreachable")
    if letter != svc.letter:
        raise _refuse(WRONG_LETTER)
    today = st.day_of(now)
    at, refusal = check_late_time(issued_at or now, now, today, st.day_of)
    if refusal is not None:
        raise _refuse(refusal)
    if hub.calendar.is_closed(today, now):
        raise QueueError(409, "day_closed",
                         "Pos sudah tutup untuk hari ini. Silakan datang lagi besok.",
                         "The post has closed for today. Please come back tomorrow.")
    if kiosk_id is None or st.reserves.owner(today, service, seq) != kiosk_id:
        used = (today, format_number(letter, seq)) in st.by_number
        raise _refuse(NUMBER_USED if used else NOT_RESERVED)
    return LateTicket(request_id, seq, at, today)


def top_up(hub: Hub, device: Device) -> dict[str, Any]:
    """Bring this kiosk's reserve of every open service back to ``[hub] reserve_size``
    (as the quota allows) and say what it holds: ``POST /reserves``. Returns once the
    grant is on disk."""
    return hub.run(stage_top_up, hub, device)


def stage_top_up(hub: Hub, device: Device) -> Staged[dict[str, Any]]:
    """:func:`top_up` for the server, which awaits the commit (``hub.settle``). Without a
    new grant it is still answered after what was staged before it: numbers granted by a
    commit in flight are listed only once they are on disk."""
    now = hub.now()
    st = hub.state
    day = st.day_of(now)
    day_closed = hub.calendar.is_closed(day, now)
    size = hub.config.hub.reserve_size
    events = []
    services = []
    for s in hub.config.services:
        mine = st.reserves.held(day, s.id, device.id)
        left = st.quota_left(s.id, day)
        status = ("day_closed" if day_closed else "closed" if not st.services[s.id].open
                  else "ok")
        want = size - len(mine) if status == "ok" else 0
        if left is not None:
            want = min(want, left)
        if want > 0:
            start = st.next_seq(s.id, now)
            e = granted_event(now, hub.config.post.id, day, s.id,
                              [format_number(s.letter, q) for q in range(start, start + want)],
                              device.id, device.name)
            st.apply(e)
            events.append(e)
        held = st.reserves.held(day, s.id, device.id)
        if status == "ok" and not held and left == 0:
            status = "quota_reached"
        services.append({"id": s.id, "letter": s.letter, "status": status,
                         "numbers": [format_number(s.letter, q) for q in held]})
    answer = {"at": hub.local(now), "tz": hub.config.post.timezone, "day": hub.day_json(now),
              "post": {"id": hub.config.post.id, "name": hub.config.post.name},
              "size": size, "device": device.name, "services": services}
    return hub.stage(events, lambda _w: answer)


def release_revoked(hub: Hub, reason: str = "revoked") -> list[dict[str, Any]]:
    """Give up today's unused numbers of every revoked kiosk (they become gaps)."""
    now = hub.now()
    st = hub.state
    day = st.day_of(now)
    events = []
    for did in sorted(st.reserves.devices(day)):
        if not hub.devices.is_revoked(did):
            continue
        for s in hub.config.services:
            seqs = st.reserves.held(day, s.id, did)
            if seqs:
                e = released_event(now, hub.config.post.id, day, s.id,
                                   [format_number(s.letter, q) for q in seqs], did, reason)
                st.apply(e)
                events.append(e)
    return hub.commit_events(events) if events else []


def reserve_stats(storage: Storage, day: str, *, closed: bool) -> dict[str, Any]:
    """The day's reserves for the stats: granted, used, released, and the unused numbers —
    gaps once the day has closed ("nomor cadangan tidak terpakai"), still held before."""
    with storage.engine.connect() as c:
        rows = day_reserves(c, day)
    unused = [r["number"] for r in rows if r["ticket_id"] is None]
    return {"reserves": {
        "granted": len(rows),
        "used": sum(1 for r in rows if r["ticket_id"] is not None),
        "released": sum(1 for r in rows if r["released_at"] is not None),
        "unused": unused,
        "unused_are_gaps": closed,
    }}
