"""The post's queue as a pure state machine over the event log.

Commands (``issue``, ``call_next``, ``recall``, ``finish``, ``transfer``, ``pause``,
``resume``, ``cancel`` …) check the request, build events and apply them through the one
mutator, :meth:`QueueState.apply`. Replaying the stored log through ``apply`` rebuilds the
same state, so the hub's memory and its database cannot drift apart. No I/O here; ``now``
is always passed in.
"""

from __future__ import annotations

import math
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any
from zoneinfo import ZoneInfo

from .config import PostConfig
from .model import (
    FINAL_STATES,
    Counter,
    CounterState,
    Event,
    EventType,
    Ticket,
    TicketState,
    format_number,
)
from .priority import Policy, WaitingLine, choose_from_lines, next_streak
from .reserves import ReserveBook

__all__ = ["QueueError", "QueueState", "RECENT_SERVICE_TIMES"]

#: How many recent service times of a service feed its estimated wait.
RECENT_SERVICE_TIMES = 10


class QueueError(Exception):
    """A request the queue refuses; carries an HTTP status and Indonesian + English text."""

    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en


@dataclass
class _Service:
    id: str
    letter: str
    quota: int | None
    default_s: float
    open: bool


class QueueState:
    """Tickets, counters and the priority streak of one post, driven by events."""

    def __init__(self, config: PostConfig) -> None:
        self.config = config
        self.tz: ZoneInfo = config.tz
        self.policy = Policy(
            priority_burst=config.policy.priority_burst,
            max_wait=timedelta(minutes=config.policy.max_wait_min),
        )
        self.categories = set(config.policy.priority_categories)
        self.services: dict[str, _Service] = {
            s.id: _Service(s.id, s.letter, s.quota, s.service_min * 60, s.open)
            for s in config.services
        }
        self.tickets: dict[str, Ticket] = {}
        self.by_request: dict[str, str] = {}
        self.by_number: dict[tuple[str, str], str] = {}
        # per service, its waiting tickets sorted as the priority rule reads them
        self.waiting: dict[str, WaitingLine[Ticket]] = {s: WaitingLine() for s in self.services}
        self.counters: dict[int, Counter] = {}
        self.streak = 0
        self.last_seq: dict[tuple[str, str], int] = {}
        self.issued: dict[tuple[str, str], int] = {}
        self.service_times: dict[str, deque[float]] = {
            s: deque(maxlen=RECENT_SERVICE_TIMES) for s in self.services
        }
        self._arrivals = 0
        #: Numbers reserved to kiosks for offline issuing, unused yet (antrean/reserves.py).
        self.reserves = ReserveBook()
        # The SKM survey (antrean.survey): ticket id -> its survey, request id -> ticket id.
        self.surveys: dict[str, dict[str, Any]] = {}
        self.survey_requests: dict[str, str] = {}

    # ----- helpers -------------------------------------------------------------------
    def day_of(self, when: datetime) -> str:
        return when.astimezone(self.tz).date().isoformat()

    def counter(self, n: int) -> Counter:
        c = self.counters.get(n)
        if c is None:
            c = self.counters[n] = Counter(number=n)
        return c

    def ticket(self, ticket_id: str) -> Ticket | None:
        return self.tickets.get(ticket_id)

    def _service(self, service_id: str) -> _Service:
        s = self.services.get(service_id)
        if s is None:
            raise QueueError(
                404,
                "unknown_service",
                f"Layanan '{service_id}' tidak ada di pos ini.",
                f"Service '{service_id}' does not exist at this post.",
            )
        return s

    def _emit(self, events: Sequence[Event]) -> list[Event]:
        for e in events:
            self.apply(e)
        return list(events)

    def _current(self, n: int) -> Ticket:
        c = self.counters.get(n)
        t = self.tickets.get(c.ticket_id) if c and c.ticket_id else None
        if t is None or t.state is not TicketState.CALLED:
            raise QueueError(
                409,
                "no_current_ticket",
                f"Loket {n} tidak sedang melayani nomor antrean.",
                f"Counter {n} is not serving a ticket.",
            )
        return t

    # ----- commands ------------------------------------------------------------------
    def check_priority(self, priority: str | None) -> None:
        if priority is not None and priority not in self.categories:
            raise QueueError(
                422,
                "unknown_priority",
                f"Kategori prioritas '{priority}' tidak dikenal.",
                f"Unknown priority category '{priority}'.",
            )

    def check_issue(self, service: str, priority: str | None) -> None:
        """Refuse an issue before anything is written (unknown, closed, quota, priority)."""
        s = self._service(service)
        self.check_priority(priority)
        if not s.open:
            raise QueueError(
                409, "service_closed", "Layanan ini sedang tutup.", "This service is closed."
            )

    def quota_left(self, service: str, day: str) -> int | None:
        """Numbers the quota still allows (issued and reserved ones spent); None: no quota."""
        s = self._service(service)
        if s.quota is None:
            return None
        return max(0, s.quota - self.issued.get((day, service), 0)
                   - self.reserves.count(day, service))

    def check_quota(self, service: str, now: datetime) -> None:
        if self.quota_left(service, self.day_of(now)) == 0:
            raise QueueError(
                409,
                "quota_reached",
                "Kuota harian layanan ini sudah habis.",
                "This service's daily quota has been reached.",
            )

    def next_seq(self, service: str, now: datetime) -> int:
        return self.last_seq.get((self.day_of(now), service), 0) + 1

    def issue(
        self,
        service: str,
        priority: str | None,
        request_id: str,
        now: datetime,
        *,
        kiosk: str | None = None,
        kiosk_id: int | None = None,
        ticket_id: str | None = None,
        seq: int | None = None,
        reserved: bool = False,
        issued_at: datetime | None = None,
    ) -> tuple[Ticket, list[Event]]:
        """Issue a ticket. A repeated ``request_id`` returns the first ticket, no event.

        ``reserved``: ``seq`` is a number reserved to kiosk ``kiosk_id`` (checked by the
        caller). The number was promised while the service was open and within its quota,
        so neither is checked again. The ticket keeps ``issued_at`` (the kiosk's time, maybe
        offline); the event is logged at ``now``.
        """
        known = self.by_request.get(request_id)
        if known is not None:
            return self.tickets[known], []
        if not reserved:
            self.check_issue(service, priority)
            self.check_quota(service, now)
        else:
            self._service(service)
            self.check_priority(priority)
        issued = issued_at or now
        day = self.day_of(issued)
        seq = seq if seq is not None else self.next_seq(service, now)
        tid = ticket_id or str(uuid.uuid4())
        number = format_number(self.services[service].letter, seq)
        data: dict[str, Any] = {"number": number, "seq": seq, "day": day, "service": service,
                                "priority": priority, "request_id": request_id, "kiosk": kiosk,
                                "kiosk_id": kiosk_id}
        if reserved:
            data.update(reserved=True, post=self.config.post.id)
        if issued != now:
            data["issued_at"] = issued.isoformat()
        ev = Event(EventType.TICKET_ISSUED, now, ticket_id=tid, data=data)
        self._emit([ev])
        return self.tickets[tid], [ev]

    def eligible(self, services: Iterable[str] | None) -> list[Ticket]:
        """Every waiting ticket of ``services`` (all when None), service by service."""
        out: list[Ticket] = []
        for s in self._lines(services):
            out.extend(self.tickets[t] for t in s)
        return out

    def _lines(self, services: Iterable[str] | None) -> list[WaitingLine[Ticket]]:
        ids = self.services.keys() if services is None else services
        return [line for s in ids if (line := self.waiting.get(s)) is not None]

    def call_next(
        self, n: int, now: datetime, services: Sequence[str] | None = None, device: str | None = None
    ) -> tuple[Ticket | None, list[Event]]:
        """Call the next ticket for counter ``n``.

        A ticket still ``called`` at this counter is finished as ``served`` first (the
        clerk pressing "next" is done with the resident); a paused counter resumes.
        """
        for s in services or ():
            self._service(s)
        new = n not in self.counters  # first contact: log it, or replay would not know it
        c = self.counter(n)
        events: list[Event] = []
        want = tuple(services) if services else None
        if new or c.state is CounterState.PAUSED or want != c.services or (
                device and device != c.device):
            events += self._emit(
                [self._counter_event(n, now, CounterState.IDLE if c.ticket_id is None else c.state,
                                     want, device)]
            )
        if c.ticket_id is not None:
            events += self._emit(
                [Event(EventType.TICKET_FINISHED, now, c.ticket_id, n,
                       {"outcome": "served", "auto": True})]
            )
        choice = choose_from_lines(self._lines(c.services), now, self.policy, self.streak)
        if choice is None:
            return None, events
        streak = next_streak(self.streak, choice)
        tk = choice.ticket
        assert isinstance(tk, Ticket)
        events += self._emit(
            [Event(EventType.TICKET_CALLED, now, tk.id, n,
                   {"reason": choice.reason, "streak": streak})]
        )
        return tk, events

    def recall(self, n: int, now: datetime) -> tuple[Ticket, list[Event]]:
        t = self._current(n)
        return t, self._emit([Event(EventType.TICKET_RECALLED, now, t.id, n)])

    def finish(self, n: int, outcome: str, now: datetime) -> tuple[Ticket, list[Event]]:
        if outcome not in ("served", "no_show"):
            raise QueueError(
                422, "bad_outcome", "Hasil harus 'served' atau 'no_show'.",
                "Outcome must be 'served' or 'no_show'.",
            )
        t = self._current(n)
        return t, self._emit([Event(EventType.TICKET_FINISHED, now, t.id, n, {"outcome": outcome})])

    def transfer(self, n: int, service: str, now: datetime) -> tuple[Ticket, list[Event]]:
        self._service(service)
        t = self._current(n)
        if service == t.service:
            raise QueueError(
                409, "same_service", "Nomor ini sudah di layanan tersebut.",
                "The ticket is already in that service.",
            )
        ev = Event(EventType.TICKET_TRANSFERRED, now, t.id, n, {"from": t.service, "to": service})
        return t, self._emit([ev])

    def pause(self, n: int, now: datetime, device: str | None = None) -> tuple[Counter, list[Event]]:
        c = self.counter(n)
        if c.ticket_id is not None:
            raise QueueError(
                409, "ticket_in_progress",
                "Selesaikan nomor yang sedang dilayani sebelum istirahat.",
                "Finish the current ticket before taking a break.",
            )
        if c.state is CounterState.PAUSED:
            return c, []
        return c, self._emit([self._counter_event(n, now, CounterState.PAUSED, c.services, device)])

    def resume(self, n: int, now: datetime, device: str | None = None) -> tuple[Counter, list[Event]]:
        c = self.counters.get(n)  # no event, no new counter: replay must rebuild the same set
        if c is None or c.state is not CounterState.PAUSED:
            return c or Counter(number=n), []
        return c, self._emit([self._counter_event(n, now, CounterState.IDLE, c.services, device)])

    def cancel(self, ticket_id: str, now: datetime, by: str | None = None,
               kiosk_id: int | None = None) -> tuple[Ticket, list[Event]]:
        """Cancel a waiting ticket; with ``kiosk_id`` only one issued by that kiosk."""
        t = self.tickets.get(ticket_id)
        if t is None:
            raise QueueError(404, "unknown_ticket", "Nomor antrean tidak ditemukan.",
                             "Ticket not found.")
        if kiosk_id is not None and t.kiosk_id != kiosk_id:
            raise QueueError(403, "not_your_ticket",
                             "Kios hanya bisa membatalkan nomor yang dicetaknya sendiri.",
                             "A kiosk may cancel only the tickets it issued.")
        if t.state is not TicketState.WAITING:
            raise QueueError(409, "not_waiting", "Hanya nomor yang menunggu yang bisa dibatalkan.",
                             "Only a waiting ticket can be cancelled.")
        return t, self._emit([Event(EventType.TICKET_CANCELLED, now, t.id, None, {"by": by})])

    def rate(self, number: str, rating: int, now: datetime,
             device: str | None = None) -> tuple[Ticket, list[Event]]:
        """One satisfaction rating (1-4) per ticket served today, by its number."""
        tid = self.by_number.get((self.day_of(now), number))
        t = self.tickets.get(tid) if tid else None
        if t is None:
            raise QueueError(404, "unknown_ticket", f"Nomor {number} tidak ditemukan hari ini.",
                             f"Ticket {number} was not issued today.")
        if t.state is not TicketState.SERVED:
            raise QueueError(409, "not_served",
                             "Penilaian bisa diberikan setelah layanan selesai.",
                             "A rating can be given once the service is finished.")
        if t.rating is not None:
            raise QueueError(409, "already_rated",
                             "Nomor ini sudah memberi penilaian. Terima kasih.",
                             "This ticket has already been rated. Thank you.")
        ev = Event(EventType.TICKET_RATED, now, t.id, None,
                   {"rating": rating, "number": number, "device": device})
        return t, self._emit([ev])

    def correct(self, ticket_id: str, outcome: str, reason: str, by: str,
                now: datetime) -> tuple[Ticket, list[Event]]:
        """A lead's correction of a finished ticket's outcome; the original stays in the log."""
        t = self.tickets.get(ticket_id)
        if t is None:
            raise QueueError(404, "unknown_ticket", "Nomor antrean tidak ditemukan.",
                             "Ticket not found.")
        if t.state not in (TicketState.SERVED, TicketState.NO_SHOW):
            raise QueueError(409, "not_finished",
                             "Hanya nomor yang sudah selesai yang bisa dikoreksi.",
                             "Only a finished ticket can be corrected.")
        if t.state.value == outcome:
            raise QueueError(409, "same_outcome", "Hasilnya sudah seperti itu.",
                             "The outcome is already that.")
        ev = Event(EventType.TICKET_CORRECTED, now, t.id, t.counter,
                   {"outcome": outcome, "from": t.state.value, "reason": reason, "by": by,
                    "number": t.number})
        return t, self._emit([ev])

    def set_service_open(self, service: str, is_open: bool, now: datetime) -> list[Event]:
        s = self._service(service)
        if s.open == is_open:
            return []
        return self._emit([Event(EventType.SERVICE_CHANGED, now, data={"service": service,
                                                                      "open": is_open})])

    def _counter_event(self, n: int, now: datetime, state: CounterState,
                       services: tuple[str, ...] | None, device: str | None) -> Event:
        return Event(
            EventType.COUNTER_CHANGED, now, counter=n,
            data={"state": state.value, "services": list(services) if services else None,
                  "device": device or self.counter(n).device},
        )

    # ----- the one mutator -------------------------------------------------------------
    def apply(self, e: Event) -> None:
        """Apply one event (live or replayed from the log).

        An event about a ticket this state does not hold is skipped: the hub replays only
        today's events, and the log may hold one for a ticket of an earlier day (a day's
        closing, or a ticket finished after midnight by a hub older than day closing).
        """
        handler = _HANDLERS.get(e.type)
        if handler is None:
            return
        if (e.ticket_id is not None and e.type is not EventType.TICKET_ISSUED
                and e.ticket_id not in self.tickets):
            return
        handler(self, e)

    def _on_issued(self, e: Event) -> None:
        d = e.data
        assert e.ticket_id is not None
        self._arrivals += 1
        # A ticket from a kiosk's reserve keeps the time the kiosk issued it (maybe offline).
        issued_at = datetime.fromisoformat(d["issued_at"]) if d.get("issued_at") else e.at
        t = Ticket(
            id=e.ticket_id, number=d["number"], seq=d["seq"], day=d["day"],
            issue_service=d["service"], service=d["service"], priority=d.get("priority"),
            issued_at=issued_at, request_id=d["request_id"], kiosk=d.get("kiosk"),
            kiosk_id=d.get("kiosk_id"),
            arrival=self._arrivals,
        )
        if d.get("reserved"):
            self.reserves.used(t.day, t.issue_service, t.seq)
        self.tickets[t.id] = t
        self.by_request[t.request_id] = t.id
        self.by_number[(t.day, t.number)] = t.id
        key = (t.day, t.issue_service)
        self.last_seq[key] = max(self.last_seq.get(key, 0), t.seq)
        self.issued[key] = self.issued.get(key, 0) + 1
        self._line(t.service).add(t.id, t)

    def _on_called(self, e: Event) -> None:
        t = self.tickets[e.ticket_id or ""]
        assert e.counter is not None
        self._unwait(t)
        t.state = TicketState.CALLED
        t.called_at = t.called_at or e.at
        t.last_called_at = e.at
        t.counter = e.counter
        c = self.counter(e.counter)
        c.ticket_id, c.state, c.updated_at = t.id, CounterState.SERVING, e.at
        self.streak = int(e.data.get("streak", 0))

    def _on_recalled(self, e: Event) -> None:
        t = self.tickets[e.ticket_id or ""]
        t.recalls += 1
        t.last_called_at = e.at

    def _release(self, t: Ticket, at: datetime) -> None:
        if t.counter is not None:
            c = self.counter(t.counter)
            if c.ticket_id == t.id:
                c.ticket_id, c.state, c.updated_at = None, CounterState.IDLE, at

    def _on_finished(self, e: Event) -> None:
        t = self.tickets[e.ticket_id or ""]
        outcome = e.data["outcome"]
        t.state = TicketState(outcome)
        t.outcome = outcome
        t.finished_at = e.at
        self._release(t, e.at)
        if outcome == "served" and t.last_called_at is not None:
            # never negative, even replaying a log written while the clock ran backwards
            self.service_times[t.service].append(max(0.0, (e.at - t.last_called_at)
                                                     .total_seconds()))

    def _on_transferred(self, e: Event) -> None:
        t = self.tickets[e.ticket_id or ""]
        self._release(t, e.at)
        t.service = e.data["to"]
        t.state = TicketState.WAITING
        t.transfers += 1
        self._line(t.service).add(t.id, t)

    def _on_cancelled(self, e: Event) -> None:
        t = self.tickets[e.ticket_id or ""]
        self._unwait(t)
        self._release(t, e.at)  # a called ticket closed with the day frees its counter
        t.state = TicketState.CANCELLED
        t.outcome = "cancelled"
        t.finished_at = e.at

    def _on_counter(self, e: Event) -> None:
        assert e.counter is not None
        c = self.counter(e.counter)
        c.state = CounterState(e.data["state"])
        svc = e.data.get("services")
        c.services = tuple(svc) if svc else None
        c.device = e.data.get("device") or c.device
        c.updated_at = e.at

    def _on_reserve_granted(self, e: Event) -> None:
        key = (e.data["day"], e.data["service"])
        self.last_seq[key] = max(self.last_seq.get(key, 0), self.reserves.granted(e))

    def _on_reserve_released(self, e: Event) -> None:
        self.reserves.released(e)

    def _on_service(self, e: Event) -> None:
        s = self.services.get(e.data["service"])
        if s is not None:
            s.open = bool(e.data["open"])

    def _on_rated(self, e: Event) -> None:
        t = self.tickets.get(e.ticket_id or "")
        if t is not None:
            t.rating = int(e.data["rating"])

    def _on_surveyed(self, e: Event) -> None:
        d = e.data
        tid = e.ticket_id or ""
        self.surveys[tid] = {"day": self.day_of(e.at), "at": e.at, "answers": d["answers"],
                             "profile": d.get("profile") or {}, "request_id": d["request_id"]}
        self.survey_requests[d["request_id"]] = tid

    def _on_corrected(self, e: Event) -> None:
        t = self.tickets.get(e.ticket_id or "")
        if t is not None and t.state in FINAL_STATES:
            t.outcome = e.data["outcome"]
            t.state = TicketState(e.data["outcome"])

    # ----- views --------------------------------------------------------------------
    def open_counters(self, service: str) -> int:
        return sum(
            1 for c in self.counters.values()
            if c.state is not CounterState.PAUSED and c.serves(service)
        )

    def mean_service_s(self, service: str) -> float:
        times = self.service_times.get(service)
        if times:
            return fmean(times)
        return self.services[service].default_s

    def position(self, t: Ticket, now: datetime) -> int | None:
        """People ahead of ``t`` in its service's queue (``None`` unless waiting): the
        tickets :func:`antrean.priority.rank_key` puts first, counted in O(log n)."""
        if t.state is not TicketState.WAITING:
            return None
        return self._line(t.service).position(t, now, self.policy)

    def estimated_wait_s(self, t: Ticket, now: datetime, position: int | None = None) -> int | None:
        pos = self.position(t, now) if position is None else position
        if pos is None:
            return None
        # "Nobody ahead" reads as "you are next" (0), not as one more service time.
        counters = max(1, self.open_counters(t.service))
        return int(math.ceil(pos * self.mean_service_s(t.service) / counters))

    def waiting_count(self, service: str) -> int:
        line = self.waiting.get(service)
        return len(line) if line is not None else 0

    def _unwait(self, t: Ticket) -> None:
        line = self.waiting.get(t.service)
        if line is not None:
            line.discard(t.id)

    def _line(self, service: str) -> WaitingLine[Ticket]:
        line = self.waiting.get(service)
        if line is None:  # a service no longer in the config, met in a replayed log
            line = self.waiting[service] = WaitingLine()
        return line

    def snapshot(self) -> dict[str, Any]:
        return {"tickets": len(self.tickets), "streak": self.streak}


_HANDLERS = {
    EventType.TICKET_ISSUED: QueueState._on_issued,
    EventType.TICKET_CALLED: QueueState._on_called,
    EventType.TICKET_RECALLED: QueueState._on_recalled,
    EventType.TICKET_FINISHED: QueueState._on_finished,
    EventType.TICKET_TRANSFERRED: QueueState._on_transferred,
    EventType.TICKET_CANCELLED: QueueState._on_cancelled,
    EventType.TICKET_CORRECTED: QueueState._on_corrected,
    EventType.TICKET_RATED: QueueState._on_rated,
    EventType.SURVEY_SUBMITTED: QueueState._on_surveyed,
    EventType.COUNTER_CHANGED: QueueState._on_counter,
    EventType.SERVICE_CHANGED: QueueState._on_service,
    EventType.RESERVE_GRANTED: QueueState._on_reserve_granted,
    EventType.RESERVE_RELEASED: QueueState._on_reserve_released,
}
