"""The SKM survey at the hub: one survey per served ticket, an event in the log like any change.

A survey is ``survey.submitted`` (ticket id, number, service, the nine scores, the optional
profile, the request id, the device). The queue state keeps today's surveys (replayed from
the log at start, like everything else), so "one per ticket" and "the same request_id
again" hold across a restart. The IKM itself is computed by :mod:`antrean.skm`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from . import skm
from .model import Event, EventType, TicketState
from .queue import QueueError, QueueState
from .staged import Staged

if TYPE_CHECKING:
    from .hub import Hub
    from .storage import Storage

__all__ = ["submit_survey", "stage_survey", "day_answers", "stored_surveys", "skm_stats"]


def _find_ticket(hub: Hub, ref: str) -> Any:
    """Today's ticket by its id (a scanned QR) or its number ("A012")."""
    st = hub.state
    try:
        tid: str | None = str(uuid.UUID(ref))
    except ValueError:
        tid = st.by_number.get((st.day_of(hub.now()), ref))
    t = st.tickets.get(tid) if tid else None
    if t is None:
        raise QueueError(404, "unknown_ticket", f"Nomor {ref} tidak ditemukan hari ini.",
                         f"Ticket {ref} was not issued today.")
    return t


def _answer(hub: Hub, ticket_id: str, st: QueueState) -> dict[str, Any]:
    t = st.tickets[ticket_id]
    s = st.surveys[ticket_id]
    return {"ticket": {"id": t.id, "number": t.number, "service": t.service},
            "at": hub.local(s["at"]), "answers": s["answers"], "profile": s["profile"],
            "request_id": s["request_id"]}


def submit_survey(hub: Hub, ticket_ref: str, answers: Mapping[str, int],
                  profile: Mapping[str, str], request_id: str,
                  device: str) -> tuple[dict[str, Any], bool]:
    """Record one survey; returns (the survey, created) once it is on disk. The same
    ``request_id`` again returns the first one, not created (a phone or kiosk that lost the
    answer retries)."""
    return hub.run(stage_survey, hub, ticket_ref, answers, profile, request_id, device)


def stage_survey(hub: Hub, ticket_ref: str, answers: Mapping[str, int],
                 profile: Mapping[str, str], request_id: str,
                 device: str) -> Staged[tuple[dict[str, Any], bool]]:
    """:func:`submit_survey` for the server, which awaits the commit (``hub.settle``)."""
    st = hub.state
    known = st.survey_requests.get(request_id)
    if known is not None:
        t = _find_ticket(hub, ticket_ref)
        if t.id != known:
            raise QueueError(409, "request_id_reused",
                             "Kode permintaan ini sudah dipakai untuk nomor lain.",
                             "This request_id was already used for another ticket.")
        # the first answer, from the queue as committed (once the first is, if in flight)
        return hub.stage([], lambda _w: (_answer(hub, known, hub.view), False))
    t = _find_ticket(hub, ticket_ref)
    if t.state is not TicketState.SERVED:
        raise QueueError(409, "not_served",
                         "Survei bisa diisi setelah layanan nomor ini selesai.",
                         "The survey can be filled in once this ticket has been served.")
    if t.id in st.surveys:
        raise QueueError(409, "already_surveyed",
                         f"Nomor {t.number} sudah mengisi survei. Terima kasih.",
                         f"Ticket {t.number} has already answered the survey. Thank you.")
    ev = Event(EventType.SURVEY_SUBMITTED, hub.now(), t.id, None, {
        "number": t.number, "service": t.service, "answers": skm.check_answers(answers),
        "profile": skm.check_profile(profile), "request_id": request_id, "device": device})
    st.apply(ev)  # a failed write rebuilds the queue from disk: nothing half-kept
    answer = _answer(hub, t.id, st)
    return hub.stage([ev], lambda _w: (answer, True))


_STORED = text("SELECT at, ticket_id, data FROM events WHERE type = :t AND day = :d "
               "ORDER BY seq")


def stored_surveys(storage: Storage, day: str) -> list[dict[str, Any]]:
    """A day's surveys from the log (works with the hub stopped: exports), oldest first."""
    with storage.engine.connect() as c:
        rows = c.execute(_STORED, {"t": EventType.SURVEY_SUBMITTED.value, "d": day}).all()
    out = []
    for at, tid, data in rows:
        d = json.loads(data)
        out.append({"at": datetime.fromisoformat(at), "ticket_id": tid, "number": d["number"],
                    "service": d.get("service"), "answers": d["answers"],
                    "profile": d.get("profile") or {}})
    return out


def day_answers(hub: Hub, day: str) -> list[dict[str, int]]:
    """The day's answer sets: today's from memory (the stats poll often), others from the log."""
    if day == hub.day:  # (the day the queue in memory holds)
        return [s["answers"] for s in hub.view.surveys.values() if s["day"] == day]
    return [s["answers"] for s in stored_surveys(hub.storage, day)]


def skm_stats(answers: list[dict[str, int]], served: int) -> dict[str, Any]:
    """What ``/stats`` adds: ``skm`` (DESIGN's block, ``None`` with no respondents) and
    ``skm_sample`` (respondents against the Krejcie–Morgan minimum for the residents
    served), kept apart so ``skm`` stays exactly as DESIGN says."""
    return {"skm": skm.summary(answers),
            "skm_sample": {"respondents": len(answers), "served": served,
                           "minimum": skm.min_sample(served)}}
