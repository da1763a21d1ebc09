"""What the hall board knows, as plain Python: no Qt, no network.

:class:`BoardState` folds the hub's snapshots (``/health``, ``/services``) and its events
(``ticket.called``, ``ticket.recalled``, ``device.status``, ``queue.alert``) into the few
things a resident reads: the call being made now, the last few calls, the waiting count per
service, the device alerts and which services are busy. The Qt view-models
(:mod:`display.viewmodels`) wrap one of these.

Busy services (the hub's surge alerts) come from two sources: ``queue.alert`` events and
the ``alerts`` list of a ``/queue`` snapshot, which says what stands as of its ``last_seq``.
Whichever is newer by ``seq`` wins, so a reconnect or a restart shows what stands now even
when the replayed log still holds a surge the hub has since forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from .texts import alert_text, service_name, surge_text, ticker_items

__all__ = ["CALL_EVENTS", "BoardState", "Call", "parse_time"]

CALL_EVENTS = ("ticket.called", "ticket.recalled")
"""Event types that put a number on the board and make the display speak."""


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time from the hub, or None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Call:
    """One call on the board: ticket ``number`` to counter ``counter``."""

    ticket_id: str
    number: str
    counter: int
    service: str
    priority: str | None
    recall: bool
    seq: int
    at: datetime | None

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> Call | None:
        """The call an event makes, or None if it is not a well-formed call event."""
        if event.get("type") not in CALL_EVENTS:
            return None
        ticket = event.get("ticket") or {}
        counter = event.get("counter") or ticket.get("counter")
        number = ticket.get("number")
        if not isinstance(number, str) or not isinstance(counter, int) or counter < 1:
            return None
        return cls(ticket_id=str(ticket.get("id") or number), number=number, counter=counter,
                   service=str(ticket.get("service") or ""), priority=ticket.get("priority"),
                   recall=event.get("type") == "ticket.recalled",
                   seq=int(event.get("seq") or 0), at=parse_time(event.get("at")))


class BoardState:
    """The board's facts. ``history`` is how many earlier calls are listed beside the
    current one; calls from another day than :attr:`today` are ignored (the hub's log
    spans days; the board shows today's, see :meth:`set_today`)."""

    def __init__(self, history: int = 6, lang: str = "id") -> None:
        self.history, self.lang = history, lang
        self.post_name = ""
        self.services: list[dict[str, Any]] = []
        self.calls: list[Call] = []  # newest first: calls[0] is being called now
        self.today: date | None = None
        self._tz: tzinfo | None = None
        self.last_seq = 0
        self._alerts: dict[tuple[str, str], dict[str, Any]] = {}
        self._surges: dict[str, dict[str, Any]] = {}  # service id -> the hub's alert data
        self._surges_seq = 0  # the surges above are known as of this event seq

    # ----- inputs -----------------------------------------------------------------------
    def apply_snapshot(self, health: Mapping[str, Any] | None,
                       services: list[dict[str, Any]] | None,
                       queue: Mapping[str, Any] | None = None) -> None:
        """Take the post's name, the services with their waiting counts and (``/queue``)
        the surge alerts that stand."""
        if health:
            post = health.get("post") or {}
            self.post_name = str(post.get("name") or self.post_name)
        if services is not None:
            self.services = [dict(s) for s in services]
        if queue is not None:
            self._apply_queue(queue)

    def _apply_queue(self, queue: Mapping[str, Any]) -> None:
        alerts, last = queue.get("alerts"), queue.get("last_seq")
        if not isinstance(alerts, list) or not isinstance(last, int):
            return
        if last < self._surges_seq:
            return  # fetched before an alert event we already have; the next one will do
        self._surges_seq = last
        self._surges = {str(a["service"]): dict(a) for a in alerts
                        if isinstance(a, Mapping) and a.get("service")}

    def set_today(self, now: datetime) -> bool:
        """Move the board to ``now``'s day (post time): other days' calls leave the board.
        True if any call left."""
        self._tz = now.tzinfo
        if now.date() == self.today:
            return False
        self.today = now.date()
        before = len(self.calls)
        self.calls = [c for c in self.calls if self._is_today(c)]
        return len(self.calls) != before

    def _is_today(self, call: Call) -> bool:
        if self.today is None or call.at is None:
            return True
        at = call.at.astimezone(self._tz) if call.at.tzinfo and self._tz else call.at
        return at.date() == self.today

    def apply_event(self, event: Mapping[str, Any]) -> Call | None:
        """Fold one hub event in; return the :class:`Call` if it made one (else None)."""
        kind = event.get("type")
        seq = event.get("seq")
        if isinstance(seq, int):
            self.last_seq = max(self.last_seq, seq)
        if kind == "device.status":
            self._apply_status(event.get("data") or {})
            return None
        if kind == "queue.alert":
            self._apply_surge(seq, event.get("data") or {})
            return None
        call = Call.from_event(event)
        if call is None:
            return None
        if not self._is_today(call):
            return None
        others = [c for c in self.calls if c.ticket_id != call.ticket_id]
        self.calls = [call, *others][: self.history + 1]
        return call

    def _apply_surge(self, seq: object, data: Mapping[str, Any]) -> None:
        if isinstance(seq, int):
            if seq <= self._surges_seq:
                return  # a /queue snapshot taken after it already says what stands
            self._surges_seq = seq
        service = str(data.get("service") or "")
        if not service:
            return
        if data.get("level") == "clear":
            self._surges.pop(service, None)
        else:
            self._surges[service] = dict(data)

    def _apply_status(self, data: Mapping[str, Any]) -> None:
        who = data.get("device_id") or data.get("device") or ""
        key = (str(who), str(data.get("component") or ""))
        if data.get("ok", True):
            self._alerts.pop(key, None)
        else:
            self._alerts[key] = dict(data)

    # ----- outputs ----------------------------------------------------------------------
    @property
    def current(self) -> Call | None:
        """The call being made now (the newest), if any."""
        return self.calls[0] if self.calls else None

    @property
    def recent(self) -> list[Call]:
        """The earlier calls, newest first, at most ``history``."""
        return self.calls[1:]

    @property
    def alerts(self) -> list[str]:
        """Device alerts as one line each, in the board's language."""
        lines = [alert_text(a, self.lang) for a in self._alerts.values()]
        return list(dict.fromkeys(lines))  # two kiosks' printers out read as one line

    @property
    def surges(self) -> list[str]:
        """Ids of the services with a standing surge alert, in the post's order."""
        order = [s.get("id") for s in self.services]
        return sorted(self._surges, key=lambda sid: (order.index(sid) if sid in order
                                                     else len(order), sid))

    def surge_note(self) -> str:
        """The calm note for the busy services in the board's language ("" for none)."""
        return surge_text([self.service_label(sid) or sid for sid in self.surges], self.lang)

    def service_label(self, service_id: str) -> str:
        """A service's display name by id ("" when unknown)."""
        for s in self.services:
            if s.get("id") == service_id:
                return service_name(s, self.lang)
        return ""

    def waiting_rows(self) -> list[dict[str, Any]]:
        """One row per service: letter, name, waiting count, open."""
        return [{"letter": str(s.get("letter") or ""), "name": service_name(s, self.lang),
                 "waiting": int(s.get("waiting") or 0), "open": bool(s.get("open", True))}
                for s in self.services]

    def ticker(self) -> list[str]:
        """The ticker's items: alerts first, then the service standards."""
        return ticker_items(self.services, self.alerts, self.lang)
