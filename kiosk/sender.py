"""Sending the outbox to the hub, in order, and keeping the kiosk's reserve topped up.

One thread. Whenever it is woken (a ticket went into the outbox, the hub answers again) or
its back-off ends, it sends the pending tickets oldest first (``POST /tickets`` with
``reserved_number`` and ``issued_at``; idempotent by ``request_id``, so a ticket whose answer
was lost is sent again and stays one ticket), then asks the hub to top the reserve up
(``POST /reserves``). The first ticket the hub does not answer stops the round: the next
one waits for it, so the hub receives them in the order they were issued.

A refusal that no retry can change (the number is not this kiosk's, the day is over) marks
the ticket ``refused`` in the outbox and is logged: the resident holds a printed number the
hub will not call, and staff see it in the kiosk's log. A time the hub finds in the future
(this kiosk's clock ran ahead) is sent once more without it: the hub then files the ticket
at its arrival.

No Qt: :class:`SenderListener` methods run on this thread and must only hand news over.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from antrean.client import HubClient, HubError, HubUnreachable

from .outbox import Outbox, OutboxTicket, ReserveState

__all__ = ["OutboxSender", "SenderListener"]

log = logging.getLogger(__name__)


class SenderListener(Protocol):
    def reserve_changed(self, states: dict[str, ReserveState]) -> None:
        """The reserve (numbers left, the hub's status per service) changed."""

    def late_refused(self, ticket: OutboxTicket, error: HubError) -> None:
        """The hub refused a ticket from the outbox for good."""


#: Answers kept for :meth:`OutboxSender.wait_for` (the desk waits for one ticket at a time).
_ANSWERS_KEPT = 16


def _retryable(exc: HubError) -> bool:
    return isinstance(exc, HubUnreachable) or exc.status >= 500 or exc.status == 429


class OutboxSender:
    """See the module docstring. ``refresh_s``: how often the reserve is topped up (and the
    services' statuses re-read) while nothing else wakes the sender."""

    def __init__(self, client: HubClient, outbox: Outbox, listener: SenderListener, *,
                 retry_max_s: float = 2.0, refresh_s: float = 30.0,
                 on_silent: Callable[[], None] | None = None) -> None:
        """``on_silent``: called when the hub stops answering the sender (the hub link
        then asks at once, rather than at its next poll)."""
        self._client, self._outbox, self._listener = client, outbox, listener
        self._on_silent = on_silent
        self._retry_max_s, self._refresh_s = retry_max_s, refresh_s
        self._stop = threading.Event()
        self._kick = threading.Event()
        # The hub's answers, for the desk waiting on one (a few: it waits for the newest).
        self._answers: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._answered = threading.Condition()
        self._failing = False
        self._topped_up_at = float("-inf")
        self._thread = threading.Thread(target=self._run, name="kiosk-outbox", daemon=True)
        #: When the outbox last became empty after holding tickets (monotonic; benchmarks).
        self.drained_at: float | None = None

    @property
    def failing(self) -> bool:
        """True while the hub does not answer the sender (the outbox waits)."""
        return self._failing

    def start(self) -> OutboxSender:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop sending (what is pending stays in the outbox); safe to call twice."""
        self._stop.set()
        self._kick.set()
        with self._answered:
            self._answered.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=15)

    def kick(self) -> None:
        """Send now (a new ticket, the hub is back) rather than after the back-off."""
        self._kick.set()

    def wait_for(self, request_id: str, timeout: float) -> dict[str, Any] | None:
        """The hub's answer for ``request_id`` if it comes within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._answered:
            while request_id not in self._answers:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    return None
                self._answered.wait(left)
            return self._answers.pop(request_id)

    # ----- the thread ---------------------------------------------------------------------
    def _run(self) -> None:
        delay = 0.25
        while not self._stop.is_set():
            try:
                done = self._drain() and self._top_up()
            except Exception:  # a bug must not end the sending: the outbox is the tickets
                log.exception("sending the outbox failed")
                done = False
            if done:
                delay = 0.25
                wait = self._refresh_s
            else:
                wait, delay = delay, min(self._retry_max_s, delay * 2)
            self._kick.wait(wait)
            self._kick.clear()

    def _drain(self) -> bool:
        """Send the pending tickets in order; False if the hub stopped answering."""
        pending = self._outbox.pending()
        for t in pending:
            if self._stop.is_set():
                return False
            try:
                ticket = self._send(t)
            except HubError as exc:
                if _retryable(exc):
                    self._topped_up_at = float("-inf")  # top up as soon as it answers
                    self._set_failing(exc)
                    return False
                log.error("the hub refused offline ticket %s (%s): %s", t.number,
                          t.request_id, exc)
                self._outbox.mark_refused(t.request_id, f"{exc.code}: {exc.message_en}")
                self._listener.late_refused(t, exc)
                continue
            self._outbox.mark_sent(t.request_id, ticket)
            if self._failing:
                log.info("hub answers again; sending the outbox")
            self._failing = False
            with self._answered:
                self._answers[t.request_id] = ticket
                while len(self._answers) > _ANSWERS_KEPT:  # nobody waits for old ones
                    self._answers.popitem(last=False)
                self._answered.notify_all()
        if pending:
            self.drained_at = time.monotonic()
            self._topped_up_at = float("-inf")  # numbers were used: top up at once
        return True

    def _set_failing(self, exc: HubError) -> None:
        if not self._failing:
            log.warning("hub not answering; %d offline ticket(s) wait to be sent (%s)",
                        len(self._outbox.pending()), exc)
            if self._on_silent is not None:
                self._on_silent()
        self._failing = True

    def _send(self, t: OutboxTicket) -> dict[str, Any]:
        try:
            return self._client.issue(t.service, t.priority, t.request_id,
                                      reserved_number=t.number, issued_at=t.issued_at)
        except HubError as exc:
            if exc.code != "issued_at_future":
                raise
            log.warning("the hub finds offline ticket %s's time (%s) in the future: sent "
                        "again for the hub to stamp", t.number, t.issued_at.isoformat())
            return self._client.issue(t.service, t.priority, t.request_id,
                                      reserved_number=t.number)

    def _top_up(self) -> bool:
        """Ask the hub for a full reserve (when due); False if it did not answer."""
        if time.monotonic() - self._topped_up_at < self._refresh_s:
            return True
        try:
            answer = self._client.reserves()
        except HubError as exc:
            if _retryable(exc):
                self._set_failing(exc)
                self._topped_up_at = float("-inf")
                return False
            log.warning("the hub gives this kiosk no reserve: %s", exc)
            self._topped_up_at = time.monotonic()
            return True
        self._failing = False
        self._topped_up_at = time.monotonic()
        self._outbox.replace_reserve(answer, str(answer["post"]["id"]))
        self._listener.reserve_changed(self._outbox.reserve_states(self._client.clock.now()))
        return True
