"""The ticket desk: issue, then print — on one worker thread, never the GUI's.

One request at a time (a double tap or a bouncing button cannot make two tickets). With an
outbox (the kiosk's data folder), a ticket is taken from the kiosk's own reserve of numbers
first: committed to the outbox, handed to the sender, and printed with the hub's answer
(people ahead, the wait) if it comes within ``online_wait_s`` — else at once, offline, with
"—" for what only the hub knows; the sender delivers it later (kiosk/sender.py). With no
number in the reserve the hub issues it: the request keeps its ``request_id`` across
retries, so a hub that is down, restarting or slow to answer issues it exactly once when it
answers. Either way the ticket is committed (in the outbox or at the hub) before anything is
printed; a printer fault keeps the ticket (it is shown on screen and kept for a staff
reprint) and is reported to the hub as a ``device.status`` event, as is the printer's return.

No Qt here: the view-model is told what happened through :class:`DeskListener`, whose
methods run on the worker thread and must only hand the news over (a queued signal).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from antrean.client import HubClient, HubError, HubUnreachable
from antrean.posttime import PostClock
from hardware.printer import PrintableTicket, PrinterError, TicketPrinter

from .outbox import Outbox, OutboxTicket, ReserveState
from .sender import OutboxSender

__all__ = ["DeskListener", "TicketDesk", "TicketRecord", "TicketRequest"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketRequest:
    """One resident's choice, with everything the ticket will print (captured at the touch)."""

    service: str
    priority: str | None
    service_name: str
    priority_label: str | None
    post_name: str
    lang: str = "id"
    source: str = "touch"  # "touch" or "button"
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class TicketRecord:
    """A ticket this kiosk issued, as the hub answered it, and whether it printed."""

    ticket: dict[str, Any]
    printable: PrintableTicket
    printed: bool
    fault_kind: str | None = None
    fault_message: str | None = None
    offline: bool = False  # issued from the reserve with no answer from the hub yet

    @property
    def ticket_id(self) -> str:
        return self.printable.ticket_id

    @property
    def number(self) -> str:
        return self.printable.number


class DeskListener(Protocol):
    """What the desk reports; every method is called on the desk's worker thread."""

    def hub_waiting(self, request: TicketRequest) -> None:
        """The hub did not answer; the request is being retried with its request_id."""

    def issued(self, request: TicketRequest, record: TicketRecord) -> None:
        """The hub issued the ticket; ``record.printed`` says whether it printed."""

    def refused(self, request: TicketRequest, error: HubError) -> None:
        """The hub refused the request (closed service, quota reached, bad token, …)."""

    def reprinted(self, record: TicketRecord) -> None:
        """A staff reprint finished (``record.printed`` says how)."""

    def printer_changed(self, ok: bool, kind: str, message: str) -> None:
        """The printer went faulty or came back."""

    def reserve_changed(self, states: dict[str, ReserveState]) -> None:
        """A number left the reserve (or none was left): the tiles' counts changed."""


def _ahead(ticket: dict[str, Any]) -> int:
    """People ahead as the hub said (a ticket no longer waiting has nobody ahead)."""
    return int(ticket.get("position") or 0)


def _offline_ticket(t: OutboxTicket) -> dict[str, Any]:
    """The ticket as the kiosk knows it before the hub answered (its id is its request id)."""
    return {"id": t.request_id, "number": t.number, "service": t.service,
            "priority": t.priority, "state": "waiting", "issued_at": t.issued_at.isoformat(),
            "position": None, "estimated_wait_s": None}


def _retryable(exc: HubError) -> bool:
    # Unreachable, or a 5xx (the hub's storage refused: nothing was written). Both are safe
    # to repeat with the same request_id.
    return isinstance(exc, HubUnreachable) or exc.status >= 500


class TicketDesk:
    """Issues and prints tickets on a worker thread; see the module docstring."""

    def __init__(self, client: HubClient, printer: TicketPrinter, listener: DeskListener, *,
                 history: int = 10, retry_max_s: float = 2.0, printer_poll_s: float = 10.0,
                 outbox: Outbox | None = None, sender: OutboxSender | None = None,
                 clock: PostClock | None = None, online: Callable[[], bool] = lambda: True,
                 online_wait_s: float = 1.0) -> None:
        self._client = client
        self._outbox, self._sender = outbox, sender
        # The post's time stamps tickets from the reserve (only with an outbox).
        self._clock = clock or (client.clock if outbox is not None else PostClock())
        self._online = online
        self._online_wait_s = online_wait_s
        self._printer = printer
        self._listener = listener
        self._retry_max_s = retry_max_s
        self._printer_poll_s = printer_poll_s
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._in_flight: TicketRequest | None = None
        self._history: deque[TicketRecord] = deque(maxlen=history)
        self._stop = threading.Event()
        self._wake = threading.Event()
        # Printer state as last reported: None until known. The unsent report waits for the hub.
        self._printer_state: tuple[bool, str] | None = None
        self._unsent: tuple[bool, str, str] | None = None
        self._thread = threading.Thread(target=self._run, name="kiosk-desk", daemon=True)

    # ----- the GUI's side ------------------------------------------------------------------
    def start(self) -> TicketDesk:
        """Start the worker; it first asks the printer how it is."""
        self._jobs.put(self._check_printer)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the worker (a request still retrying is dropped); safe to call twice."""
        self._stop.set()
        self._wake.set()
        self._jobs.put(None)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=15)

    @property
    def busy(self) -> bool:
        """True while a request is being issued or printed."""
        with self._lock:
            return self._in_flight is not None

    def submit(self, request: TicketRequest) -> bool:
        """Queue ``request``; False (and nothing done) if another one is in flight."""
        with self._lock:
            if self._in_flight is not None or self._stop.is_set():
                return False
            self._in_flight = request
        self._jobs.put(lambda: self._issue(request))
        return True

    def reprint(self, ticket_id: str) -> bool:
        """Queue a reprint of a ticket from the history; False if it is not there."""
        if not any(r.ticket_id == ticket_id for r in self.history()):
            return False
        self._jobs.put(lambda: self._reprint(ticket_id))
        return True

    def history(self) -> list[TicketRecord]:
        """The last tickets issued here, newest first."""
        with self._lock:
            return list(self._history)

    def hub_back(self) -> None:
        """The hub answers again: retry a waiting request (and send the outbox) now rather
        than after its back-off."""
        self._wake.set()
        if self._sender is not None:
            self._sender.kick()

    # ----- the worker --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            faulty = self._printer_state is not None and not self._printer_state[0]
            try:
                job = self._jobs.get(timeout=self._printer_poll_s if faulty or self._unsent
                                     else None)
            except queue.Empty:
                self._check_printer()
                continue
            if job is None:
                return
            try:
                job()
            except Exception:  # a bug in one job must not stop the kiosk issuing tickets
                log.exception("kiosk desk job failed")
                with self._lock:
                    self._in_flight = None

    def _issue(self, request: TicketRequest) -> None:
        try:
            record = self._issue_from_reserve(request)
            if record is None:
                ticket = self._issue_at_hub(request)
                if ticket is None:
                    return
                record = self._print(self._printable(request, ticket), ticket)
            with self._lock:
                self._history.appendleft(record)
        finally:
            with self._lock:
                self._in_flight = None
        self._listener.issued(request, record)
        self._flush_status()

    def _issue_from_reserve(self, request: TicketRequest) -> TicketRecord | None:
        """Take the service's next reserved number (None: no outbox, or none left)."""
        if self._outbox is None or self._sender is None:
            return None
        now = self._outbox.stamp(self._clock)
        taken = None if now is None else self._outbox.take(request.service, request.priority,
                                                             request.request_id, now)
        self._listener.reserve_changed(self._outbox.reserve_states(now))
        if taken is None:
            return None
        self._sender.kick()
        online = self._online() and not self._sender.failing
        ticket = self._sender.wait_for(taken.request_id, self._online_wait_s if online else 0)
        if ticket is not None:
            return self._print(self._printable(request, ticket), ticket)
        log.info("%s printed from the reserve; the hub gets it when it answers", taken.number)
        record = self._print(self._offline_printable(request, taken), _offline_ticket(taken))
        return replace(record, offline=True)

    def _offline_printable(self, request: TicketRequest, t: OutboxTicket) -> PrintableTicket:
        return PrintableTicket(
            ticket_id=t.request_id, number=t.number, service_name=request.service_name,
            post_name=request.post_name, issued_at=t.issued_at, people_ahead=None,
            estimated_wait_s=None, priority_label=request.priority_label, lang=request.lang)

    def _issue_at_hub(self, request: TicketRequest) -> dict[str, Any] | None:
        delay, told = 0.25, False
        while not self._stop.is_set():
            try:
                return self._client.issue(request.service, request.priority, request.request_id)
            except HubError as exc:
                if not _retryable(exc):
                    log.info("hub refused %s: %s", request.service, exc)
                    self._listener.refused(request, exc)
                    return None
                if not told:
                    log.warning("hub not answering (%s); retrying request %s", exc,
                                request.request_id)
                    self._listener.hub_waiting(request)
                    told = True
            self._wake.wait(delay)
            self._wake.clear()
            delay = min(self._retry_max_s, delay * 2)
        return None

    def _printable(self, request: TicketRequest, ticket: dict[str, Any]) -> PrintableTicket:
        return PrintableTicket(
            ticket_id=ticket["id"], number=ticket["number"], service_name=request.service_name,
            post_name=request.post_name, issued_at=datetime.fromisoformat(ticket["issued_at"]),
            people_ahead=_ahead(ticket),
            estimated_wait_s=ticket.get("estimated_wait_s"),
            priority_label=request.priority_label, lang=request.lang)

    def _print(self, printable: PrintableTicket, ticket: dict[str, Any]) -> TicketRecord:
        try:
            self._printer.print_ticket(printable)
        except Exception as exc:
            # Any failure, even a connector bug, only costs the paper: the number is on screen.
            if isinstance(exc, PrinterError):
                kind, message = exc.kind, exc.message
            else:
                log.exception("printer failed unexpectedly")
                kind, message = "error", "Printer bermasalah"
            self._set_printer(False, kind, message)
            return TicketRecord(ticket, printable, False, kind, message)
        self._set_printer(True, "ok", "Printer siap")
        return TicketRecord(ticket, printable, True)

    def _reprint(self, ticket_id: str) -> None:
        with self._lock:
            old = next((r for r in self._history if r.ticket_id == ticket_id), None)
        if old is None:
            return
        printable, ticket = old.printable, old.ticket
        with contextlib.suppress(HubError):
            # People ahead have changed since the first print: print today's figures.
            ticket = self._client.ticket(ticket_id)
            printable = replace(printable, people_ahead=_ahead(ticket),
                                estimated_wait_s=ticket.get("estimated_wait_s"))
        record = self._print(printable, ticket)
        with self._lock:
            self._history = deque((record if r.ticket_id == ticket_id else r
                                   for r in self._history), maxlen=self._history.maxlen)
        self._listener.reprinted(record)
        self._flush_status()

    # ----- printer health, told to the hub ---------------------------------------------
    def _check_printer(self) -> None:
        try:
            st = self._printer.status()
        except Exception:
            log.exception("printer status failed")
            return
        if st.ok:
            self._set_printer(True, "ok", st.message)
        elif self._printer_state is None or not self._printer_state[0]:
            # A fault seen only by a status query while idle: report it, but a printer that
            # just printed fine is trusted until a ticket fails.
            self._set_printer(False, st.kind, st.message)
        self._flush_status()

    def _set_printer(self, ok: bool, kind: str, message: str) -> None:
        previous = self._printer_state
        if previous == (ok, kind):
            return
        self._printer_state = (ok, kind)
        if previous is None and ok:
            return  # ready at start-up: nothing to tell anyone
        log.log(logging.INFO if ok else logging.WARNING, "printer %s: %s", kind, message)
        self._listener.printer_changed(ok, kind, message)
        self._unsent = (ok, kind, message)

    def _flush_status(self) -> None:
        unsent = self._unsent
        if unsent is None:
            return
        ok, kind, message = unsent
        try:
            self._client.device_status("printer", ok, kind, message)
        except HubError as exc:
            log.debug("printer status not sent yet: %s", exc)
            return
        if self._unsent == unsent:
            self._unsent = None
