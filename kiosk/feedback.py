"""Ratings and complaints at the hub, on one worker thread of their own (never the GUI's).

Five jobs: ``lookup`` (a typed number or a scanned ticket id → today's ticket, checked to be
served), ``rate``, ``survey`` (kiosk.survey), ``complain`` and ``categories``. One job in flight: a double tap on a face
cannot send two ratings. A hub that does not answer is retried until it does, and the
listener is told once so the screen can say so — nothing is dropped silently:

* lookups and the category list are reads: always safe to repeat;
* a rating is safe too: the hub keeps one per ticket, so a repeat after an attempt that may
  have reached it answers ``already_rated``, which then means "done";
* a survey carries its request id: a repeat is answered with the survey already stored;
* a complaint has no request id, so it is repeated only when nothing was sent (the
  connection was refused) or the hub's storage refused it (5xx). After a failure that may
  have reached the hub it is not repeated: the resident is told it may not have arrived and
  where else to complain, rather than the lead getting it twice.

No Qt here: the view-model hears back through :class:`FeedbackListener`, whose methods run on
the worker thread and must only hand the news over.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from antrean.client import HubClient, HubError, HubUnreachable

__all__ = ["FeedbackDesk", "FeedbackJob", "FeedbackListener", "normalize_number",
           "parse_ticket_id"]

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\s*([A-Za-z])\s*0*([0-9]{1,5})\s*")


def normalize_number(text: str) -> str | None:
    """A ticket number as the hub writes it ("A12", "a 0012" → "A012"), or None."""
    m = _NUMBER.fullmatch(text)
    if m is None or int(m.group(2)) == 0:
        return None
    return f"{m.group(1).upper()}{int(m.group(2)):03d}"


def parse_ticket_id(text: str) -> str | None:
    """The ticket id a scanner typed from the ticket's QR (a UUID), or None."""
    text = text.strip()
    if len(text) != 36:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


@dataclass(frozen=True)
class FeedbackJob:
    """One call to make; ``owner`` says which screen asked (``rating`` or ``complaint``)."""

    kind: str  # lookup | rate | survey | complain | categories
    owner: str
    data: dict[str, Any] = field(default_factory=dict)
    job_id: str = field(default_factory=lambda: str(uuid.uuid4()))


class FeedbackListener(Protocol):
    """What the worker reports; every method runs on the worker thread."""

    def feedback_waiting(self, job: FeedbackJob) -> None:
        """The hub does not answer; the job is kept and retried."""

    def feedback_done(self, job: FeedbackJob, result: Any) -> None:
        """The job succeeded (``result`` as described at :meth:`FeedbackDesk.submit`)."""

    def feedback_refused(self, job: FeedbackJob, error: HubError) -> None:
        """The hub said no (unknown ticket, not served, already rated, …)."""


class _NotToday(HubError):
    def __init__(self) -> None:
        super().__init__(404, "not_today", "Tiket ini bukan dari hari ini.",
                         "This ticket was not issued today.")


class _MaybeSent(HubError):
    def __init__(self) -> None:
        super().__init__(0, "maybe_sent", "Pengaduan mungkin belum terkirim.",
                         "The complaint may not have arrived.")


#: What a job came to: ``(result,)``, a refusal, or None when the desk closed meanwhile.
_Outcome = tuple[Any] | HubError | None


def _nothing_sent(exc: HubError) -> bool:
    """True when the request surely did not reach the hub (or the hub wrote nothing)."""
    if exc.status >= 500:
        return True
    if not isinstance(exc, HubUnreachable):
        return False
    cause = exc.__cause__  # None: no hub was found to send to
    return cause is None or isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)


class FeedbackDesk:
    """Runs feedback jobs on a worker thread; see the module docstring."""

    def __init__(self, client: HubClient, listener: FeedbackListener, *,
                 retry_max_s: float = 2.0) -> None:
        self._client = client
        self._listener = listener
        self._retry_max_s = retry_max_s
        self._jobs: queue.Queue[FeedbackJob | None] = queue.Queue()
        self._lock = threading.Lock()
        self._in_flight: FeedbackJob | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-feedback", daemon=True)

    # ----- the GUI's side ------------------------------------------------------------------
    def start(self) -> FeedbackDesk:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the worker (a job still retrying is dropped); safe to call twice."""
        self._stop.set()
        self._wake.set()
        self._jobs.put(None)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=15)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._in_flight is not None

    def submit(self, job: FeedbackJob) -> bool:
        """Queue ``job``; False (nothing done) while another one is out.

        Results: ``lookup`` → ``{"id", "number", "service", "surveyed"}`` of a ticket of
        today, served unless the job says ``served=False``; ``survey`` → the hub's survey;
        ``rate`` → ``{"number", "rating"}``; ``complain`` → the hub's answer (``id``, ``at``,
        ``lapor``); ``categories`` → ``[{"id", "name", "name_en"}]``.
        """
        with self._lock:
            if self._in_flight is not None or self._stop.is_set():
                return False
            self._in_flight = job
        self._jobs.put(job)
        return True

    def hub_back(self) -> None:
        """The hub answers again: retry a waiting job now rather than after its back-off."""
        self._wake.set()

    # ----- the worker --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            job = self._jobs.get()
            if job is None:
                return
            outcome: _Outcome
            try:
                outcome = self._do(job)
            except Exception:  # a bug in one job must not stop the next resident's
                log.exception("feedback job %s failed", job.kind)
                outcome = HubError(0, "error", "Terjadi kesalahan.", "Something went wrong.")
            # Free the desk before telling: the screen may ask for the next job at once
            # (a face pressed the moment the faces appear).
            with self._lock:
                self._in_flight = None
            if isinstance(outcome, HubError):
                self._listener.feedback_refused(job, outcome)
            elif outcome is not None:
                self._listener.feedback_done(job, outcome[0])

    def _do(self, job: FeedbackJob) -> _Outcome:
        """``(result,)``, the refusal to tell, or None (closing while retrying)."""
        delay, told, tries = 0.25, False, 0
        while not self._stop.is_set():
            tries += 1
            try:
                result = self._call(job)
            except HubError as exc:
                if job.kind == "rate" and exc.code == "already_rated" and tries > 1:
                    # An earlier attempt may have reached the hub before the line dropped.
                    return ({"number": job.data["number"], "rating": job.data["rating"]},)
                if not (isinstance(exc, HubUnreachable) or exc.status >= 500):
                    log.info("hub refused %s: %s", job.kind, exc)
                    return exc
                if job.kind == "complain" and not _nothing_sent(exc):
                    log.warning("complaint may not have reached the hub: %s", exc)
                    return _MaybeSent()
                if not told:
                    log.warning("hub not answering (%s); retrying %s", exc, job.kind)
                    self._listener.feedback_waiting(job)
                    told = True
                self._wake.wait(delay)
                self._wake.clear()
                delay = min(self._retry_max_s, delay * 2)
                continue
            if job.kind != "lookup":
                log.info("%s sent", job.kind)
            return (result,)
        return None

    def _call(self, job: FeedbackJob) -> Any:
        d = job.data
        if job.kind == "lookup":
            return self._lookup(d["entry"], served=d.get("served", True))
        if job.kind == "rate":
            return self._client.request("POST", "/ratings", json_body={
                "number": d["number"], "rating": d["rating"]})
        if job.kind == "survey":
            return self._client.request("POST", "/survey", json_body={
                "ticket": d["ticket"], "answers": d["answers"], "profile": d["profile"],
                "request_id": d["request_id"]})
        if job.kind == "complain":
            return self._client.request("POST", "/complaints", json_body={
                "category": d["category"], "text": d.get("text", ""),
                "number": d.get("number") or None})
        if job.kind == "categories":
            return self._client.request("GET", "/complaints/categories")
        raise ValueError(f"unknown feedback job {job.kind!r}")

    def _lookup(self, entry: str, served: bool = True) -> dict[str, Any]:
        ticket_id = parse_ticket_id(entry)
        if ticket_id is not None:
            scanned = self._client.ticket(ticket_id)
            # A ticket from another day has today's number too, maybe someone else's.
            today = self._by_number(str(scanned["number"]))
            if today.get("id") != ticket_id:
                raise _NotToday()
        else:
            number = normalize_number(entry)
            if number is None:
                raise HubError(422, "bad_number", "Nomor antrean tidak dikenal.",
                               "Not a queue number.")
            today = self._by_number(number)
        if served:  # (a complaint may name any of today's tickets)
            if today.get("state") != "served":
                raise HubError(409, "not_served",
                               "Penilaian bisa diberikan setelah layanan selesai.",
                               "A rating can be given once the service is finished.")
            if today.get("rating") is not None:  # if the hub tells it with the ticket
                raise HubError(409, "already_rated", "Nomor ini sudah memberi penilaian.",
                               "This ticket has already been rated.")
        return {"id": today["id"], "number": today["number"], "service": today.get("service"),
                "surveyed": bool(today.get("surveyed"))}

    def _by_number(self, number: str) -> dict[str, Any]:
        return self._client.request("GET", f"/tickets/by-number/{number}")  # type: ignore[no-any-return]
