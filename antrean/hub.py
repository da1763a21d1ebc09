"""The hub's core service: the queue in memory, the log on disk, live subscribers.

Every mutating call runs on the server's event loop thread, one at a time: the queue
checks the request and applies its events in memory, the events are committed to SQLite
in one durable transaction, and only then are they answered and broadcast. If the commit
fails, the in-memory queue is rebuilt from the database, so memory never runs ahead of
disk. Reads (queue, services, tickets) are answered from memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from . import __version__
from .auth import Device
from .clock import Clock, GuardedClock, SystemClock
from .config import PostConfig
from .datalock import DataLock
from .daylog import LiveDay
from .days import PostCalendar, close_span
from .dbcheck import check_folder, classify
from .devices import DeviceRegistry
from .hub_reserves import check_reserved
from .hubhealth import ClockWatch, HubUnavailable, StorageHealth
from .model import Counter, Event, EventType, Ticket, TicketState
from .queue import QueueError, QueueState
from .storage import Storage
from .visibility import STATUS_COMPONENTS

__all__ = ["Hub", "HubUnavailable"]

log = logging.getLogger(__name__)

#: How many events a slow live subscriber may lag before it is dropped (it resumes by seq).
SUBSCRIBER_QUEUE = 2000


class Hub:
    def __init__(self, config: PostConfig, data_dir: str | Path, clock: Clock | None = None) -> None:
        self.config = config
        # The time the hub writes never runs backwards (held at the log's last event).
        self.clock = GuardedClock(clock or SystemClock())
        self.tz = config.tz
        self.calendar = PostCalendar(config.tz, config.post.day_end_time)
        # One hub per data folder, held until close(); taken before the database is opened,
        # so a second hub never migrates nor reads a database the first one is writing.
        check_folder(Path(data_dir))  # a missing card is said as such, not made a new folder
        self._lock = DataLock(data_dir).acquire()
        try:
            self.storage = Storage(data_dir)
        except BaseException:
            self._lock.release()
            raise
        try:
            self._open()
        except BaseException as exc:
            self.storage.close()
            self._lock.release()
            fault = classify(exc, self.storage.path) if isinstance(exc, Exception) else None
            if fault is not None:  # e.g. a page of today's events that cannot be read
                raise fault from exc
            raise

    def _open(self) -> None:
        """Everything after the database opened: the queue read back, the day closed."""
        config = self.config
        self.storage_health = StorageHealth(self.storage.path)
        last = self.storage.last_event_at()
        if last is not None:
            self.clock.hold(last)  # a wall clock behind the log is held, from the start
        self.clock_watch = ClockWatch(self.clock, self.tz)
        # whether the hub's "clock behind" status stands (as last written in its log)
        self._clock_alert = self.storage.last_status("Hub", "clock") is False
        self._stale = False  # memory may be ahead of disk: reload before anything else
        self.state = QueueState(config)
        self.day = ""  # the post day the queue in memory holds
        self.closed_through = self.storage.last_closed_day()  # days up to it are closed
        self.last_seq = 0
        self._subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.devices = DeviceRegistry(self.storage, self.now)
        self._listeners: list[Callable[[list[dict[str, Any]]], None]] = []
        self.alerts: dict[str, int] = {}  # service id -> limit_s, while a surge alert stands
        self.live_day: LiveDay | None = None  # today's log rows, kept by the stats routes
        self.complaint_requests: dict[str, dict[str, Any]] | None = None  # see lead.py
        self.uplink: Any = None  # antrean.uplink.Uplink while a [city] url is set
        self.reload()
        self.roll()

    # ----- lifecycle -------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild the in-memory queue from today's events in the log."""
        state = QueueState(self.config)
        today = self.calendar.day_of(self.now())
        for e in self.storage.load_events(day=today):
            state.apply(e)
        self.state, self.day = state, today
        self.last_seq = self.storage.last_seq()
        log.info("queue loaded: %d tickets today, last seq %d", len(state.tickets), self.last_seq)

    def roll(self) -> None:
        """Close every post day that has ended, and start a new day once the date turned.

        Called at start, by a timer on the server's loop at each day's end, and before
        every request (so no request ever sees yesterday's queue as live). Cheap when there
        is nothing to do. A close that cannot be written is retried on the next call.
        """
        if self._stale:
            self._reload_after_failure()
        now = self.now()
        through = self.calendar.closed_through(now)
        if self.closed_through is None or through > self.closed_through:
            try:
                self._close_days(through)
            except HubUnavailable:
                log.warning("closing the day failed; retrying later")
        if self.calendar.day_of(now) != self.day:
            self.reload()
        self._check_clock()

    def _check_clock(self) -> None:
        """Raise (or clear) the hub's own clock alert when the wall clock falls behind its
        log (or catches up): a device.status event every screen and counter shows."""
        if self.clock_watch.behind == self._clock_alert:
            return
        e = Event(EventType.DEVICE_STATUS, self.now(), data=self.clock_watch.status_event())
        with contextlib.suppress(HubUnavailable):  # said in /health anyway; retried later
            self._commit([e])
            self._clock_alert = not self._clock_alert
            if self._clock_alert:
                log.warning("%s / %s", *self.clock_watch.words())
            else:
                log.warning("the wall clock caught up with the hub's log: time runs again")

    def seconds_to_roll(self, cap: float = 5.0) -> float:
        """How long the day timer may sleep: until the next closing or midnight, at most
        ``cap`` (so a clock that jumps is noticed soon)."""
        now = self.now()
        nxt = self.calendar.next_turn(self.day, now)
        return max(0.05, min(cap, (nxt - now).total_seconds()))

    def _close_days(self, through: str) -> None:
        """Cancel what is still live on every unclosed day up to ``through``.

        The days after the last closed one are replayed from the log (at start, memory
        holds only today; and a close that failed to write is found again this way).
        Days without a ticket have nothing to close: when none was issued after the last
        closed day up to ``through``, nothing is replayed (the first day of a post's
        database would otherwise be replayed twice at every start).
        """
        if not self.storage.issued_between(self.closed_through, through):
            self.closed_through = through
            return
        pairs, span = close_span(self.config, self.calendar, through,
                                 self.storage.load_events(after_day=self.closed_through),
                                 self.storage.last_event_at())
        # A day at a time (pairs come oldest day first): a long catch-up cut off resumes.
        for day, group in itertools.groupby(pairs, key=lambda p: p[0]):
            events = [e for _, e in group]
            for e in events:
                self.state.apply(e)
            self._commit(events, days=[day] * len(events), tickets=span.tickets)
            self.closed_through = day
            log.info("post day %s closed: %d ticket(s) still open were cancelled", day,
                     len(events) - 1)
        self.closed_through = through

    def close(self) -> None:
        for q in list(self._subscribers):
            q.put_nowait(None)
        self._subscribers.clear()
        self.devices.flush()
        self.storage.close()
        self._lock.release()

    def now(self) -> datetime:
        return self.clock.now()

    # ----- auth --------------------------------------------------------------------
    def device_for(self, token: str) -> Device | None:
        """The device a token belongs to; None if unknown or revoked (see devices.py)."""
        return self.devices.authenticate(token)

    # ----- the wire ---------------------------------------------------------------------
    def local(self, dt: datetime | None) -> str | None:
        return dt.astimezone(self.tz).isoformat() if dt is not None else None

    def ticket_json(self, t: Ticket, now: datetime | None = None) -> dict[str, Any]:
        now = now or self.now()
        pos = self.state.position(t, now)
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
            "estimated_wait_s": self.state.estimated_wait_s(t, now, pos),
            "recalls": t.recalls,
            "transfers": t.transfers,
            "rating": t.rating,
            "surveyed": t.id in self.state.surveys,
        }

    def counter_json(self, c: Counter, now: datetime | None = None) -> dict[str, Any]:
        t = self.state.tickets.get(c.ticket_id) if c.ticket_id else None
        return {
            "number": c.number,
            "state": c.state.value,
            "services": list(c.services) if c.services else None,
            "device": c.device,
            "ticket": self.ticket_json(t, now) if t else None,
            "updated_at": self.local(c.updated_at),
        }

    def day_json(self, now: datetime | None = None) -> dict[str, Any]:
        """The post day the queue holds: its date, when it closes, whether it has."""
        now = now or self.now()
        return {"date": self.day, "closes_at": self.local(self.calendar.closes_at(self.day)),
                "closed": self.calendar.is_closed(self.day, now)}

    def services_json(self) -> list[dict[str, Any]]:
        now = self.now()
        day = self.state.day_of(now)
        closed = self.calendar.is_closed(day, now)  # after [post] day_ends: nothing opens
        out = []
        for s in self.config.services:
            live = self.state.services[s.id]
            out.append({
                "id": s.id,
                "letter": s.letter,
                "name": s.name,
                "name_en": s.name_en,
                "description": s.description,
                "description_en": s.description_en,
                "open": live.open and not closed,
                "waiting": self.state.waiting_count(s.id),
                "quota": s.quota,
                "issued": self.state.issued.get((day, s.id), 0),
                "standard": s.standard.model_dump(),
                # the counter asks for the NIK of such a service's residents
                "beneficiary_check": s.beneficiary_check,
                "programme": s.programme or None,
            })
        return out

    def queue_json(self) -> dict[str, Any]:
        now = self.now()
        closed = self.calendar.is_closed(self.day, now)
        services = []
        for s in self.config.services:
            line = self.state.waiting[s.id]  # sorted: the oldest and the counts are at hand
            first = line.oldest()
            oldest = first.issued_at if first is not None else None
            services.append({
                "id": s.id,
                "letter": s.letter,
                "name": s.name,
                "open": self.state.services[s.id].open and not closed,
                "waiting": len(line),
                "priority_waiting": len(line.priority),
                "oldest_wait_s": max(0, int((now - oldest).total_seconds())) if oldest else None,
                "open_counters": self.state.open_counters(s.id),
            })
        counters = [self.counter_json(c, now) for _, c in sorted(self.state.counters.items())]
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

    # ----- committing and broadcasting ---------------------------------------------------
    def commit_events(self, events: Sequence[Event]) -> list[dict[str, Any]]:
        """Persist and broadcast events that change no queue state (alerts, complaints…)."""
        return self._commit(events)

    def _commit(self, events: Sequence[Event], days: Sequence[str] | None = None,
                tickets: Mapping[str, Ticket] | None = None) -> list[dict[str, Any]]:
        """Persist already-applied events; on failure rebuild memory and refuse.

        ``days`` (default: each event's own date) and ``tickets`` (default: the live queue)
        are given by the day's closing, whose events belong to a day already over.
        """
        now = self.now()
        tickets = self.state.tickets if tickets is None else tickets
        snaps = []
        for e in events:
            t = tickets.get(e.ticket_id) if e.ticket_id else None
            snaps.append(self.ticket_json(t, now) if t else None)
        if days is None:
            days = [self.calendar.day_of(e.at) for e in events]
        try:
            seqs = []
            if events:
                with self.storage.transaction() as tx:
                    seqs = tx.append(events, days, snaps)
        except Exception as exc:
            raise self._write_failed(exc) from exc
        self.storage_health.ok()
        wire = []
        for e, seq, snap in zip(events, seqs, snaps, strict=True):
            wire.append({"seq": seq, "type": e.type.value, "at": self.local(e.at), "ticket": snap,
                         "counter": e.counter, "data": e.data})
        if seqs:
            self.last_seq = seqs[-1]
        self.publish(wire)
        return wire

    def _write_failed(self, exc: BaseException) -> HubUnavailable:
        """A write failed: say so in /health, rebuild memory from disk, return the refusal."""
        refusal = self.storage_health.failed(exc, self.now())
        self._stale = True
        with contextlib.suppress(HubUnavailable):  # reads fail too: refuse until they work
            self._reload_after_failure()
        return refusal

    def _reload_after_failure(self) -> None:
        try:
            self.reload()
        except Exception as exc:
            log.debug("reloading the queue failed", exc_info=exc)
            raise self.storage_health.failed(exc, self.now()) from exc
        self._stale = False

    def probe_storage(self) -> None:
        """While writes fail, try one now and then (the day timer calls this): the first
        that works says so in the log and turns /health back to ok."""
        if not self.storage_health.degraded:
            return
        e = Event(EventType.DEVICE_STATUS, self.now(), data={
            "device": "Hub", "role": "hub", "component": "storage", "ok": True,
            "status": "ok", "message": "Penyimpanan hub bekerja lagi"})
        with contextlib.suppress(HubUnavailable):
            self._commit([e])

    def publish(self, wire: list[dict[str, Any]]) -> None:
        if not wire:
            return
        for q in list(self._subscribers):
            try:
                for w in wire:
                    q.put_nowait(w)
            except asyncio.QueueFull:
                log.warning("dropping a slow event subscriber (it resumes with since=)")
                self._subscribers.discard(q)
                q.put_nowait(None) if not q.full() else None
        for listener in list(self._listeners):
            try:
                listener(wire)
            except Exception:  # one listener's failure never hurts the sender
                log.exception("event listener failed")

    def add_listener(self, fn: Callable[[list[dict[str, Any]]], None]) -> None:
        self._listeners.append(fn)

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        q: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=SUBSCRIBER_QUEUE)
        self._subscribers.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._subscribers.discard(q)

    # ----- commands ----------------------------------------------------------------------
    def issue(self, service: str, priority: str | None, request_id: str,
              kiosk: str | None = None, kiosk_id: int | None = None, *,
              reserved_number: str | None = None, issued_at: datetime | None = None,
              ) -> tuple[dict[str, Any], bool]:
        """Issue a ticket; returns (ticket, created). A repeated request_id is not created.

        ``reserved_number`` (and ``issued_at``): a ticket kiosk ``kiosk_id`` issued from its
        reserve, maybe while the hub was away (see antrean/reserves.py).
        """
        now = self.now()
        known = self.state.by_request.get(request_id)
        if known is not None:
            return self.ticket_json(self.state.tickets[known], now), False
        st = self.state
        late = check_reserved(self, service, request_id, kiosk_id, reserved_number, issued_at,
                              now)
        if late is None:
            st.check_issue(service, priority)
            day = st.day_of(now)
            if self.calendar.is_closed(day, now):
                raise QueueError(409, "day_closed",
                                 "Pos sudah tutup untuk hari ini. Silakan datang lagi besok.",
                                 "The post has closed for today. Please come back tomorrow.")
            st.check_quota(service, now)
        else:
            st.check_priority(priority)
            day = late.day
        ticket_id = late.ticket_id if late else str(uuid.uuid4())
        issued = late.issued_at if late else now
        letter = st.services[service].letter
        wire: dict[str, Any] = {}
        try:
            with self.storage.transaction() as tx:
                seq = tx.insert_ticket(ticket_id=ticket_id, post_id=self.config.post.id, day=day,
                                       service=service, letter=letter, priority=priority,
                                       request_id=request_id, issued_at=issued, kiosk=kiosk,
                                       seq=late.seq if late else None)
                _, evs = st.issue(service, priority, request_id, now, kiosk=kiosk,
                                  kiosk_id=kiosk_id, ticket_id=ticket_id, seq=seq,
                                  issued_at=issued, reserved=late is not None)
                snap = self.ticket_json(st.tickets[ticket_id], now)
                (event_seq,) = tx.append(evs, [day], [snap])
                wire = {"seq": event_seq, "type": evs[0].type.value, "at": self.local(now),
                        "ticket": snap, "counter": None, "data": evs[0].data}
        except QueueError:
            raise
        except IntegrityError as exc:
            earlier = self.storage.request_day(request_id)
            if earlier is not None and earlier != day:
                raise QueueError(
                    409, "request_from_earlier_day",
                    f"Permintaan ini sudah dipakai pada {earlier}; nomor hari itu sudah "
                    "ditutup. Silakan ambil nomor baru.",
                    f"This request was already used on {earlier}; that day's numbers are "
                    "closed. Please take a new ticket.") from exc
            raise self._write_failed(exc) from exc
        except Exception as exc:
            refusal = self._write_failed(exc)
            if request_id in self.state.by_request:  # it was committed after all
                tid = self.state.by_request[request_id]
                return self.ticket_json(self.state.tickets[tid], now), False
            raise refusal from exc
        self.storage_health.ok()
        self.last_seq = wire["seq"]
        self.publish([wire])
        return wire["ticket"], True

    def call_next(self, n: int, services: Sequence[str] | None, device: str | None
                  ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        t, events = self.state.call_next(n, self.now(), services, device)
        self._commit(events)
        return (self.ticket_json(t) if t else None), self.counter_json(self.state.counter(n))

    def recall(self, n: int) -> dict[str, Any]:
        t, events = self.state.recall(n, self.now())
        self._commit(events)
        return self.ticket_json(t)

    def finish(self, n: int, outcome: str) -> dict[str, Any]:
        t, events = self.state.finish(n, outcome, self.now())
        self._commit(events)
        return self.ticket_json(t)

    def transfer(self, n: int, service: str) -> dict[str, Any]:
        t, events = self.state.transfer(n, service, self.now())
        self._commit(events)
        return self.ticket_json(t)

    def pause(self, n: int, device: str | None) -> dict[str, Any]:
        c, events = self.state.pause(n, self.now(), device)
        self._commit(events)
        return self.counter_json(c)

    def resume(self, n: int, device: str | None) -> dict[str, Any]:
        c, events = self.state.resume(n, self.now(), device)
        self._commit(events)
        return self.counter_json(c)

    def cancel(self, ticket_id: str, by: str | None, kiosk_id: int | None = None
               ) -> dict[str, Any]:
        """Cancel a waiting ticket; with ``kiosk_id``, only one that kiosk issued."""
        t, events = self.state.cancel(ticket_id, self.now(), by, kiosk_id)
        self._commit(events)
        return self.ticket_json(t)

    def rate(self, number: str, rating: int, device: str | None) -> dict[str, Any]:
        t, events = self.state.rate(number, rating, self.now(), device)
        self._commit(events)
        return {"number": t.number, "rating": rating}

    def correct(self, ticket_id: str, outcome: str, reason: str, by: str) -> dict[str, Any]:
        t, events = self.state.correct(ticket_id, outcome, reason, by, self.now())
        self._commit(events)
        return self.ticket_json(t)

    def set_service_open(self, service: str, is_open: bool) -> list[dict[str, Any]]:
        self._commit(self.state.set_service_open(service, is_open, self.now()))
        return self.services_json()

    def claim_counter(self, device: Device, n: int) -> None:
        """Let ``device`` act on counter ``n`` (see DeviceRegistry.claim_counter)."""
        def busy(m: int) -> bool:
            c = self.state.counters.get(m)
            return c is not None and c.ticket_id is not None

        self.devices.claim_counter(device, n, busy)

    def device_status(self, device: Device, body: dict[str, Any]) -> dict[str, Any]:
        """A device's report on one of its own parts (a lead's on anything)."""
        allowed = STATUS_COMPONENTS.get(device.role)
        if allowed is not None and body.get("component") not in allowed:
            raise QueueError(403, "component_not_allowed",
                             "Perangkat ini hanya boleh melaporkan bagiannya sendiri "
                             f"({', '.join(sorted(allowed)) or '-'}).",
                             "A device may report only on its own parts "
                             f"({', '.join(sorted(allowed)) or '-'}).")
        e = Event(EventType.DEVICE_STATUS, self.now(),
                  data={"device": device.name, "device_id": device.id, "role": device.role,
                        **body})
        return self._commit([e])[0]

    def ticket(self, ticket_id: str) -> dict[str, Any] | None:
        t = self.state.tickets.get(ticket_id)
        return self.ticket_json(t) if t else None

    def waiting_ids(self) -> list[str]:
        return [t.id for t in self.state.tickets.values() if t.state is TicketState.WAITING]
