"""How the hub shows its queue on the wire: tickets, counters, services, the queue, health.

Reads show :attr:`Hub.view` — the queue as committed to disk — so nothing a read answers
can be lost by a commit still in flight or one that fails. A change's own answer (and its
event's ticket snapshot) is rendered from :attr:`Hub.state`, the queue with every staged
change applied, at the moment the change was staged.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from . import __version__
from .clock import GuardedClock
from .config import PostConfig
from .days import PostCalendar
from .hubhealth import ClockWatch, StorageHealth
from .model import Counter, Ticket
from .queue import QueueState

__all__ = ["HubViews"]


class HubViews:
    """The wire shapes; mixed into :class:`antrean.hub.Hub`."""

    config: PostConfig
    tz: tzinfo
    calendar: PostCalendar
    clock: GuardedClock
    state: QueueState  # with every staged change
    view: QueueState  # as committed
    day: str
    last_seq: int
    alerts: dict[str, int]
    clock_watch: ClockWatch
    storage_health: StorageHealth
    uplink: Any

    def now(self) -> datetime:
        return self.clock.now()

    def local(self, dt: datetime | None) -> str | None:
        return dt.astimezone(self.tz).isoformat() if dt is not None else None

    def ticket_json(self, t: Ticket, now: datetime | None = None,
                    st: QueueState | None = None) -> dict[str, Any]:
        now = now or self.now()
        st = st or self.view
        pos = st.position(t, now)
        return {
            "id": t.id,
            "number": t.number,
            "service": t.service,
            "priority": t.priority,
            "state": t.state.value,
            "issued_at": self.local(t.issued_at),
            "called_at": self.local(t.called_at),
            "finished_at": self.local(t.finished_at),
            "counter": t.counter,
            "position": pos,
            "estimated_wait_s": st.estimated_wait_s(t, now, pos),
            "recalls": t.recalls,
            "transfers": t.transfers,
            "rating": t.rating,
            "surveyed": t.id in st.surveys,
        }

    def counter_json(self, c: Counter, now: datetime | None = None,
                     st: QueueState | None = None) -> dict[str, Any]:
        st = st or self.view
        t = st.tickets.get(c.ticket_id) if c.ticket_id else None
        return {
            "number": c.number,
            "state": c.state.value,
            "services": list(c.services) if c.services else None,
            "device": c.device,
            "ticket": self.ticket_json(t, now, st) if t else None,
            "updated_at": self.local(c.updated_at),
        }

    def day_json(self, now: datetime | None = None) -> dict[str, Any]:
        """The post day the queue holds: its date, when it closes, whether it has."""
        now = now or self.now()
        return {"date": self.day, "closes_at": self.local(self.calendar.closes_at(self.day)),
                "closed": self.calendar.is_closed(self.day, now)}

    def services_json(self, st: QueueState | None = None) -> list[dict[str, Any]]:
        st = st or self.view
        now = self.now()
        day = st.day_of(now)
        closed = self.calendar.is_closed(day, now)  # after [post] day_ends: nothing opens
        out = []
        for s in self.config.services:
            live = st.services[s.id]
            out.append({
                "id": s.id,
                "letter": s.letter,
                "name": s.name,
                "name_en": s.name_en,
                "description": s.description,
                "description_en": s.description_en,
                "open": live.open and not closed,
                "waiting": st.waiting_count(s.id),
                "quota": s.quota,
                "issued": st.issued.get((day, s.id), 0),
                "standard": s.standard.model_dump(),
                # the counter asks for the NIK of such a service's residents
                "beneficiary_check": s.beneficiary_check,
                "programme": s.programme or None,
            })
        return out

    def queue_json(self) -> dict[str, Any]:
        st = self.view
        now = self.now()
        closed = self.calendar.is_closed(self.day, now)
        services = []
        for s in self.config.services:
            line = st.waiting[s.id]  # sorted: the oldest and the counts are at hand
            first = line.oldest()
            oldest = first.issued_at if first is not None else None
            services.append({
                "id": s.id,
                "letter": s.letter,
                "name": s.name,
                "open": st.services[s.id].open and not closed,
                "waiting": len(line),
                "priority_waiting": len(line.priority),
                "oldest_wait_s": max(0, int((now - oldest).total_seconds())) if oldest else None,
                "open_counters": st.open_counters(s.id),
            })
        counters = [self.counter_json(c, now) for _, c in sorted(st.counters.items())]
        alerts = [{"service": sid, "oldest_wait_s": next(
            (s["oldest_wait_s"] for s in services if s["id"] == sid), None), "limit_s": limit}
            for sid, limit in self.alerts.items()]
        return {"at": self.local(now), "last_seq": self.last_seq, "day": self.day_json(now),
                "clock": self.clock_watch.status(), "services": services, "counters": counters,
                "alerts": alerts}

    def health_json(self) -> dict[str, Any]:
        now = self.now()
        return {**self.storage_health.status(),
                "post": {"id": self.config.post.id, "name": self.config.post.name},
                "api": 1, "version": __version__, "time": self.local(now),
                "tz": self.config.post.timezone, "day": self.day_json(now),
                "clock": self.clock_watch.status(),
                "city": self.uplink.status() if self.uplink is not None else None}
