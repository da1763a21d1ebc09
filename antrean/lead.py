"""The post lead's side of the hub: complaints, corrections, surge alerts, day summaries.

Everything here is an event in the log like any other change: a complaint is
``complaint.filed``, a correction ``ticket.corrected`` (by a lead, with a reason; the
original outcome stays in the log), a surge ``queue.alert``.
"""

from __future__ import annotations

import json
from collections import Counter as Tally
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from .model import Event, EventType
from .staged import Staged

if TYPE_CHECKING:
    from .hub import Hub

__all__ = ["COMPLAINT_CATEGORIES", "file_complaint", "stage_complaint", "complaints",
           "corrections", "check_alerts", "day_extras"]

#: Complaint categories (id → Indonesian, English), after the IKM survey elements.
COMPLAINT_CATEGORIES: dict[str, tuple[str, str]] = {
    "waktu": ("Waktu tunggu terlalu lama", "Waiting time too long"),
    "petugas": ("Sikap petugas", "Staff behaviour"),
    "prosedur": ("Persyaratan / prosedur", "Requirements / procedure"),
    "biaya": ("Biaya / pungutan", "Cost / illegal fees"),
    "sarana": ("Sarana dan prasarana", "Facilities"),
    "lainnya": ("Lainnya", "Other"),
}


def file_complaint(hub: Hub, category: str, text_: str, number: str | None,
                   device: str, request_id: str | None = None) -> dict[str, Any]:
    """File one complaint; the same ``request_id`` again returns the first one (a kiosk that
    lost the answer retries safely). Returns once the complaint is on disk."""
    return hub.run(stage_complaint, hub, category, text_, number, device, request_id)


def stage_complaint(hub: Hub, category: str, text_: str, number: str | None,
                    device: str, request_id: str | None = None) -> Staged[dict[str, Any]]:
    """:func:`file_complaint` for the server, which awaits the commit (``hub.settle``)."""
    key = ("complaint", request_id) if request_id is not None else None
    if key is not None:
        if hub.inflight(key) is not None:  # the same again while the first is being written
            return hub.stage([], lambda _w: _complaint_requests(hub)[key[1]])
        seen = _complaint_requests(hub)
        if key[1] in seen:
            return Staged.ready(seen[key[1]])
    e = Event(EventType.COMPLAINT_FILED, hub.now(),
              data={"category": category, "text": text_.strip(), "number": number,
                    "device": device, "request_id": request_id})

    def answer(wire: list[dict[str, Any]]) -> dict[str, Any]:
        if key is not None:
            _complaint_requests(hub)[key[1]] = wire[0]
        return wire[0]

    return hub.stage([e], answer, key=key)


def _complaint_requests(hub: Hub) -> dict[str, dict[str, Any]]:
    """Complaint request ids already filed (read from the log once, then kept)."""
    cache = hub.complaint_requests
    if cache is None:
        q = text("SELECT seq, at, data FROM events WHERE type = :t")
        cache = {}
        with hub.storage.engine.connect() as c:
            for seq, at, data in c.execute(q, {"t": EventType.COMPLAINT_FILED.value}):
                rid = json.loads(data).get("request_id")
                if rid:
                    cache[rid] = {"seq": seq, "at": datetime.fromisoformat(at)
                                  .astimezone(hub.tz).isoformat()}
        hub.complaint_requests = cache
    return cache


def _day_events(hub: Hub, etype: str, day: str) -> list[tuple[int, str, str | None, dict[str, Any]]]:
    q = text("SELECT seq, at, ticket_id, data FROM events WHERE type = :t AND day = :d "
             "ORDER BY seq")
    with hub.storage.engine.connect() as c:
        return [(s, at, tid, json.loads(d)) for s, at, tid, d in c.execute(q, {"t": etype, "d": day})]


def complaints(hub: Hub, day: str) -> list[dict[str, Any]]:
    out = []
    for seq, at, _tid, d in _day_events(hub, EventType.COMPLAINT_FILED.value, day):
        out.append({"id": seq, "at": datetime.fromisoformat(at).astimezone(hub.tz).isoformat(),
                    "category": d.get("category"), "text": d.get("text", ""),
                    "number": d.get("number")})
    return out


def corrections(hub: Hub, day: str) -> list[dict[str, Any]]:
    out = []
    for seq, at, _tid, d in _day_events(hub, EventType.TICKET_CORRECTED.value, day):
        out.append({"seq": seq, "at": datetime.fromisoformat(at).astimezone(hub.tz).isoformat(),
                    "number": d.get("number"), "from": d.get("from"), "to": d.get("outcome"),
                    "reason": d.get("reason"), "by": d.get("by")})
    return out


def day_extras(hub: Hub, day: str) -> dict[str, Any]:
    """What the stats add beyond the ticket log: complaints and corrections counts."""
    cats = Tally(c["category"] for c in complaints(hub, day))
    return {"complaints": {"count": sum(cats.values()), "by_category": dict(cats)},
            "corrections": {"count": len(corrections(hub, day))}}


def check_alerts(hub: Hub) -> list[dict[str, Any]]:
    """Raise (or clear) a ``queue.alert`` when a service's oldest wait crosses the limit."""
    now = hub.now()
    limit = timedelta(minutes=hub.config.hub.surge_wait_min)
    events = []
    for sid, line in hub.state.waiting.items():
        first = line.oldest()
        oldest = first.issued_at if first is not None else None
        over = oldest is not None and now - oldest > limit
        if over and sid not in hub.alerts:
            assert oldest is not None
            events.append(Event(EventType.QUEUE_ALERT, now, data={
                "service": sid, "level": "surge", "oldest_wait_s": int((now - oldest).total_seconds()),
                "limit_s": int(limit.total_seconds())}))
            hub.alerts[sid] = int(limit.total_seconds())
        elif not over and sid in hub.alerts:
            events.append(Event(EventType.QUEUE_ALERT, now, data={
                "service": sid, "level": "clear", "oldest_wait_s": None,
                "limit_s": int(limit.total_seconds())}))
            del hub.alerts[sid]
    return hub.commit_events(events) if events else []
