"""What a post sends the city, validated: the uplink's body and the events in it.

Events are the hub's wire events (DESIGN.md "Protocol v1": ``seq, type, at, ticket,
counter, data``). A city takes tens of thousands a second, so the events are decoded by
msgspec straight into typed structs in one pass over the JSON: only the fields the city
keeps become Python objects (the rest of the hub's ticket snapshot — position, estimates,
called_at … — is skipped in C), ``at`` is parsed as an RFC 3339 time with its offset, and
numbers are range-checked on the way. The post's description (``meta``, a few hundred
bytes) goes through pydantic like every other model here. A newer hub may add event types
and fields: an unknown type is stored in the city's log and changes no figure.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from antrean.config import format_errors
from antrean.skm import check_answers

from .config import POST_ID_PATTERN

__all__ = ["SURVEY", "WireEvent", "WireTicket", "PostMeta", "ServiceMeta", "UplinkBody", "BadBatch",
           "parse_body", "check_events", "events_from", "MAX_EVENTS"]

#: The SKM survey's event (antrean.survey): its scores make the city's IKM.
SURVEY = "survey.submitted"

#: Most events one POST may carry (the hub sends 500 at a time; a bundle is read in chunks).
MAX_EVENTS = 5000


class WireTicket(msgspec.Struct, gc=False):
    """The ticket snapshot of an event: only what the city keeps. Types are checked by
    :func:`check_events`, where a wrong one can be named with its event's seq."""

    id: Any = None
    number: Any = None
    service: Any = None
    priority: Any = None
    state: Any = None
    issued_at: Any = None


class WireEvent(msgspec.Struct, gc=False):
    seq: Annotated[int, Meta(ge=1, le=2**62)]
    type: Annotated[str, Meta(min_length=1, max_length=40)]  # pattern: check_events
    # A time with its offset: the post's zone, so its date is the post's day.
    at: Annotated[datetime, Meta(tz=True)]
    ticket: WireTicket | None = None
    counter: Annotated[int, Meta(ge=0, le=9999)] | None = None
    data: dict[str, Any] = {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceMeta(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    letter: Annotated[str, Field(pattern=r"^[A-Z]$")]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    name_en: Annotated[str, Field(max_length=60)] = ""


class PostMeta(_Model):
    """The post as its hub describes itself (its config), sent with the events."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    name_en: Annotated[str, Field(max_length=80)] = ""
    timezone: Annotated[str, Field(min_length=1, max_length=40)] = "Asia/Jakarta"
    services: Annotated[list[ServiceMeta], Field(max_length=26)] = []


class _Envelope(msgspec.Struct, forbid_unknown_fields=True):
    """``POST /city/v1/events``: ``after`` is the seq the hub believes the city holds."""

    post: Annotated[str, Meta(pattern=POST_ID_PATTERN)]
    instance: uuid.UUID
    events: Annotated[list[WireEvent], Meta(max_length=MAX_EVENTS)]
    after: Annotated[int, Meta(ge=0)] | None = None
    meta: dict[str, Any] | None = None


@dataclass
class UplinkBody:
    post: str
    instance: uuid.UUID
    after: int | None
    meta: PostMeta | None
    events: list[WireEvent]


class BadBatch(Exception):
    """A batch the city refuses whole (nothing stored); the message names the event."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


_decoder = msgspec.json.Decoder(_Envelope)


def _refused(exc: Exception, what: str = "Kiriman", what_en: str = "batch") -> BadBatch:
    msg = format_errors(exc) if isinstance(exc, ValidationError) else str(exc)
    return BadBatch(f"{what} tidak valid: {msg}", f"Invalid {what_en}: {msg}")


def _body(env: _Envelope) -> UplinkBody:
    try:
        meta = None if env.meta is None else PostMeta.model_validate(env.meta)
    except ValidationError as exc:
        raise _refused(exc) from exc
    check_events(env.events)
    return UplinkBody(env.post, env.instance, env.after, meta, env.events)


def parse_body(raw: bytes) -> UplinkBody:
    try:
        env = _decoder.decode(raw)
    except msgspec.DecodeError as exc:  # ValidationError too (its subclass)
        raise _refused(exc) from exc
    return _body(env)


def events_from(objs: Any) -> list[WireEvent]:
    """Events already read from JSON (a bundle's lines) as :class:`WireEvent`, checked."""
    try:
        events = msgspec.convert(objs, list[WireEvent])
    except msgspec.ValidationError as exc:
        raise _refused(exc, "Isi bundel", "bundle content") from exc
    check_events(events)
    return events


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TYPE = re.compile(r"[a-z][a-z_.]*")
_types_seen: set[str] = set()  # event types that matched _TYPE (a handful)


def _uuid(v: Any) -> bool:
    """A UUID in its usual text form (what PostgreSQL's uuid type takes)."""
    return isinstance(v, str) and _UUID.fullmatch(v) is not None


def _issue_ok(t: WireTicket) -> bool:
    """The facts a ``ticket.issued`` snapshot must carry for the city's log row; its
    ``issued_at`` is parsed here once (kept as a datetime)."""
    issued = t.issued_at
    if not isinstance(issued, datetime):
        try:
            issued = t.issued_at = datetime.fromisoformat(issued)
        except (TypeError, ValueError):
            return False
    n, s, p = t.number, t.service, t.priority
    return (issued.tzinfo is not None and isinstance(n, str) and 1 <= len(n) <= 8
            and isinstance(s, str) and 1 <= len(s) <= 32
            and (p is None or (isinstance(p, str) and len(p) <= 32)))


def _data_ok(etype: str, data: dict[str, Any]) -> bool:
    """What the figures read from an event's data: a rating 1-4, an outcome word."""
    if etype == "ticket.rated":
        r = data.get("rating")
        return isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= 4
    if etype in ("ticket.finished", "ticket.corrected"):
        o = data.get("outcome")
        return o is None or (isinstance(o, str) and len(o) <= 16)
    return True


def _check_survey(seq: int, t: WireTicket | None, data: dict[str, Any]) -> None:
    """A survey counts once per ticket and its nine scores go into the IKM: the ticket and
    the scores the hub itself accepted (antrean.skm.check_answers), or the batch is refused
    whole, like a bad rating. Skipping it would make the city's IKM differ from the post's
    own without anyone seeing why; a hub never sends one (it checked them on entry), so a
    refusal means a damaged or forged log, for a person to look at."""
    if t is None:
        raise BadBatch(f"Peristiwa seq {seq}: survei tanpa tiket.",
                       f"Event seq {seq}: a survey without its ticket.")
    answers = data.get("answers")
    try:
        if not isinstance(answers, dict):
            raise ValueError("answers must be an object")
        check_answers(answers)
    except ValueError as exc:
        raise BadBatch(f"Peristiwa seq {seq}: jawaban survei SKM tidak valid ({exc}).",
                       f"Event seq {seq}: invalid SKM survey answers ({exc}).") from exc


def check_events(events: list[WireEvent]) -> None:
    """Seqs strictly rising, types well formed, and every ticket event naming a ticket the
    city can key (a ``ticket.issued`` carrying the facts of its log row)."""
    last = 0
    ids: set[str] = set()  # ticket ids already checked (a ticket has ~4 events a batch)
    for e in events:
        seq, etype = e.seq, e.type
        if seq <= last:
            raise BadBatch(f"Urutan seq harus naik (seq {seq} setelah {last}).",
                           f"Seqs must rise (seq {seq} after {last}).")
        last = seq
        if etype not in _types_seen:
            if not _TYPE.fullmatch(etype):
                raise BadBatch(f"Peristiwa seq {seq}: jenis {etype[:40]!r} tidak valid.",
                               f"Event seq {seq}: invalid type {etype[:40]!r}.")
            if len(_types_seen) < 256:
                _types_seen.add(etype)
        t = e.ticket
        if etype == SURVEY:
            _check_survey(seq, t, e.data)
        if t is None:
            continue
        tid = t.id
        if type(tid) is str:
            tid = t.id = tid.lower()  # one key a ticket, as PostgreSQL gives it back
            ok = tid in ids or _uuid(tid)
        else:
            ok = False
        if not ok or not (t.state is None or type(t.state) is str):
            raise BadBatch(f"Peristiwa seq {seq}: tiket tanpa id yang sah.",
                           f"Event seq {seq}: ticket without a valid id.")
        ids.add(tid)
        if etype == "ticket.issued" and not _issue_ok(t):
            raise BadBatch(f"Peristiwa seq {seq}: data tiket yang diambil tidak lengkap.",
                           f"Event seq {seq}: the issued ticket's facts are incomplete.")
        if not _data_ok(etype, e.data):
            raise BadBatch(f"Peristiwa seq {seq}: data {etype} tidak valid.",
                           f"Event seq {seq}: invalid {etype} data.")
