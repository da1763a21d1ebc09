"""The hub's commands, each in two forms: ``x(…)`` returns once the change is durable (for
in-process callers: tests, tools, the hub's timers) and ``stage_x(…)`` checks and applies
it in memory now and returns the :class:`~antrean.staged.Staged` the server awaits with
:meth:`Hub.settle <antrean.hub.Hub.settle>`. A change's answer is rendered from the queue
as it stood right after the change (as its event's snapshot is), and given once durable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from .auth import Device
from .hub_reserves import check_reserved
from .hubhealth import HubUnavailable
from .hubjson import HubViews
from .model import Counter, Event, EventType, Ticket, TicketState
from .queue import QueueError
from .staged import Staged, Wire
from .storage import Storage, TicketRow
from .visibility import STATUS_COMPONENTS

__all__ = ["HubCommands"]

T = TypeVar("T")


class HubCommands(HubViews):
    """Mixed into :class:`antrean.hub.Hub`, which provides the staging below."""

    storage: Storage
    devices: Any
    _inflight: dict[tuple[str, str], Staged[Any]]

    if TYPE_CHECKING:  # what Hub provides (antrean/hub.py)
        def stage(self, events: Sequence[Event], answer: Callable[[Wire], T], *,
                  key: tuple[str, str] | None = None, rows: Sequence[TicketRow] = (),
                  snaps: Sequence[dict[str, Any] | None] | None = None) -> Staged[T]: ...

        def run(self, stage: Callable[..., Staged[T]], *args: Any) -> T: ...

    def issue(self, service: str, priority: str | None, request_id: str,
              kiosk: str | None = None, kiosk_id: int | None = None, *,
              reserved_number: str | None = None, issued_at: datetime | None = None,
              ) -> tuple[dict[str, Any], bool]:
        """Issue a ticket; returns (ticket, created). A repeated request_id is not created.

        ``reserved_number`` (and ``issued_at``): a ticket kiosk ``kiosk_id`` issued from its
        reserve, maybe while the hub was away (see antrean/reserves.py).
        """
        return self.run(self.stage_issue, service, priority, request_id, kiosk, kiosk_id,
                        reserved_number, issued_at)

    def stage_issue(self, service: str, priority: str | None, request_id: str,
                    kiosk: str | None = None, kiosk_id: int | None = None,
                    reserved_number: str | None = None, issued_at: datetime | None = None,
                    ) -> Staged[tuple[dict[str, Any], bool]]:
        now = self.now()
        key = ("ticket", request_id)
        if key in self._inflight:  # the same request again, its commit in flight: its ticket
            return self.stage([], lambda _w: (self._known_ticket(request_id), False))
        if request_id in self.view.by_request:
            return Staged.ready((self._known_ticket(request_id), False))
        st = self.state
        if request_id in st.by_request:  # staged, committed, not answered yet: its ticket
            return self.stage([], lambda _w: (self._known_ticket(request_id), False))
        late = check_reserved(self, service, request_id, kiosk_id, reserved_number,  # type: ignore[arg-type]
                              issued_at, now)
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
        earlier = self.storage.request_day(request_id)  # request ids are unique for ever
        if earlier is not None and earlier != day:
            raise QueueError(
                409, "request_from_earlier_day",
                f"Permintaan ini sudah dipakai pada {earlier}; nomor hari itu sudah "
                "ditutup. Silakan ambil nomor baru.",
                f"This request was already used on {earlier}; that day's numbers are "
                "closed. Please take a new ticket.")
        issued = late.issued_at if late else now
        # The number comes from the queue in memory, which holds every ticket staged so far
        # and every number reserved to a kiosk; the table's UNIQUE stays the safety net.
        t, evs = st.issue(service, priority, request_id, now, kiosk=kiosk, kiosk_id=kiosk_id,
                          ticket_id=late.ticket_id if late else str(uuid.uuid4()),
                          seq=late.seq if late else None, issued_at=issued,
                          reserved=late is not None)
        row = TicketRow(t.id, self.config.post.id, day, service, t.seq, t.number, priority,
                        request_id, issued, kiosk)
        snap = self.ticket_json(t, now, st)
        return self.stage(evs, lambda _w: (snap, True), key=key, rows=[row], snaps=[snap])

    def _known_ticket(self, request_id: str) -> dict[str, Any]:
        tid = self.view.by_request.get(request_id)
        if tid is None:
            raise HubUnavailable(f"request {request_id} is not on disk")
        return self.ticket_json(self.view.tickets[tid])

    def call_next(self, n: int, services: Sequence[str] | None, device: str | None
                  ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        return self.run(self.stage_call_next, n, services, device)

    def stage_call_next(self, n: int, services: Sequence[str] | None, device: str | None
                        ) -> Staged[tuple[dict[str, Any] | None, dict[str, Any]]]:
        now = self.now()
        t, events = self.state.call_next(n, now, services, device)
        answer = ((self.ticket_json(t, now, self.state) if t else None),
                  self.counter_json(self.state.counter(n), now, self.state))
        return self.stage(events, lambda _w: answer)

    def _ticket_change(self, change: tuple[Ticket, list[Event]], now: datetime
                       ) -> Staged[dict[str, Any]]:
        t, events = change
        answer = self.ticket_json(t, now, self.state)
        return self.stage(events, lambda _w: answer)

    def _counter_change(self, change: tuple[Counter, list[Event]], now: datetime
                        ) -> Staged[dict[str, Any]]:
        c, events = change
        answer = self.counter_json(c, now, self.state)
        return self.stage(events, lambda _w: answer)

    def recall(self, n: int) -> dict[str, Any]:
        return self.run(self.stage_recall, n)

    def stage_recall(self, n: int) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._ticket_change(self.state.recall(n, now), now)

    def finish(self, n: int, outcome: str) -> dict[str, Any]:
        return self.run(self.stage_finish, n, outcome)

    def stage_finish(self, n: int, outcome: str) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._ticket_change(self.state.finish(n, outcome, now), now)

    def transfer(self, n: int, service: str) -> dict[str, Any]:
        return self.run(self.stage_transfer, n, service)

    def stage_transfer(self, n: int, service: str) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._ticket_change(self.state.transfer(n, service, now), now)

    def pause(self, n: int, device: str | None) -> dict[str, Any]:
        return self.run(self.stage_pause, n, device)

    def stage_pause(self, n: int, device: str | None) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._counter_change(self.state.pause(n, now, device), now)

    def resume(self, n: int, device: str | None) -> dict[str, Any]:
        return self.run(self.stage_resume, n, device)

    def stage_resume(self, n: int, device: str | None) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._counter_change(self.state.resume(n, now, device), now)

    def cancel(self, ticket_id: str, by: str | None, kiosk_id: int | None = None
               ) -> dict[str, Any]:
        """Cancel a waiting ticket; with ``kiosk_id``, only one that kiosk issued."""
        return self.run(self.stage_cancel, ticket_id, by, kiosk_id)

    def stage_cancel(self, ticket_id: str, by: str | None, kiosk_id: int | None = None
                     ) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._ticket_change(self.state.cancel(ticket_id, now, by, kiosk_id), now)

    def rate(self, number: str, rating: int, device: str | None) -> dict[str, Any]:
        return self.run(self.stage_rate, number, rating, device)

    def stage_rate(self, number: str, rating: int, device: str | None
                   ) -> Staged[dict[str, Any]]:
        t, events = self.state.rate(number, rating, self.now(), device)
        answer = {"number": t.number, "rating": rating}
        return self.stage(events, lambda _w: answer)

    def correct(self, ticket_id: str, outcome: str, reason: str, by: str) -> dict[str, Any]:
        return self.run(self.stage_correct, ticket_id, outcome, reason, by)

    def stage_correct(self, ticket_id: str, outcome: str, reason: str, by: str
                      ) -> Staged[dict[str, Any]]:
        now = self.now()
        return self._ticket_change(self.state.correct(ticket_id, outcome, reason, by, now), now)

    def set_service_open(self, service: str, is_open: bool) -> list[dict[str, Any]]:
        return self.run(self.stage_service_open, service, is_open)

    def stage_service_open(self, service: str, is_open: bool
                           ) -> Staged[list[dict[str, Any]]]:
        events = self.state.set_service_open(service, is_open, self.now())
        answer = self.services_json(self.state)
        return self.stage(events, lambda _w: answer)

    def claim_counter(self, device: Device, n: int) -> None:
        """Let ``device`` act on counter ``n`` (see DeviceRegistry.claim_counter)."""
        def busy(m: int) -> bool:
            c = self.state.counters.get(m)
            return c is not None and c.ticket_id is not None

        self.devices.claim_counter(device, n, busy)

    def device_status(self, device: Device, body: dict[str, Any]) -> dict[str, Any]:
        """A device's report on one of its own parts (a lead's on anything)."""
        return self.run(self.stage_device_status, device, body)

    def stage_device_status(self, device: Device, body: dict[str, Any]
                            ) -> Staged[dict[str, Any]]:
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
        return self.stage([e], lambda wire: wire[0])

    def ticket(self, ticket_id: str) -> dict[str, Any] | None:
        t = self.view.tickets.get(ticket_id)
        return self.ticket_json(t) if t else None

    def waiting_ids(self) -> list[str]:
        return [t.id for t in self.view.tickets.values() if t.state is TicketState.WAITING]
