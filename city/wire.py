"""What a post sends the city, validated: the uplink's body and the events in it.

Events are the hub's wire events (DESIGN.md "Protocol v1": ``seq, type, at, ticket,
counter, data``), checked as typed dicts in one pass over the JSON (pydantic-core), since
a city takes tens of thousands a second. A newer hub may add event types and fields: an
unknown type is stored in the city's log and changes no figure.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from antrean.config import format_errors

from .config import POST_ID_PATTERN

__all__ = ["WireEvent", "WireTicket", "PostMeta", "ServiceMeta", "UplinkBody", "BadBatch", "parse_body",
           "check_events", "MAX_EVENTS", "events_adapter"]

#: Most events one POST may carry (the hub sends 500 at a time; a bundle is read in chunks).
MAX_EVENTS = 5000


_ISO_AT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$"


class WireTicket(TypedDict, total=False):
    """The ticket snapshot of an event: only what the city keeps is read (the rest of the
    hub's ticket — position, estimates — is skipped unparsed into Python, for speed)."""

    __pydantic_config__ = ConfigDict(extra="ignore")  # type: ignore[misc]
    id: Any
    number: Any
    service: Any
    priority: Any
    state: Any
    issued_at: Any


class WireEvent(TypedDict, total=False):
    __pydantic_config__ = ConfigDict(extra="ignore")  # type: ignore[misc]
    seq: Annotated[int, Field(ge=1, le=2**62)]
    type: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z_.]*$")]
    # Kept as sent (ISO 8601 with the post's offset): COPY takes it as it is, and its first
    # ten characters are the post's day. check_events() parses each once.
    at: Annotated[str, Field(max_length=40, pattern=_ISO_AT)]
    ticket: WireTicket | None
    counter: Annotated[int, Field(ge=0, le=9999)] | None
    data: dict[str, Any]


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


class UplinkBody(BaseModel):
    """``POST /city/v1/events``: ``after`` is the seq the hub believes the city holds."""

    model_config = ConfigDict(extra="forbid")
    post: Annotated[str, Field(pattern=POST_ID_PATTERN)]
    instance: uuid.UUID
    after: Annotated[int, Field(ge=0)] | None = None
    meta: PostMeta | None = None
    events: Annotated[list[WireEvent], Field(max_length=MAX_EVENTS)]


class BadBatch(Exception):
    """A batch the city refuses whole (nothing stored); the message names the event."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


_body = TypeAdapter(UplinkBody)
events_adapter: TypeAdapter[list[WireEvent]] = TypeAdapter(list[WireEvent])


def parse_body(raw: bytes) -> UplinkBody:
    try:
        body = _body.validate_json(raw)
    except ValidationError as exc:
        msg = format_errors(exc)
        raise BadBatch(f"Kiriman tidak valid: {msg}", f"Invalid batch: {msg}") from exc
    check_events(body.events)
    return body


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _uuid(v: Any) -> bool:
    """A UUID in its usual text form (what PostgreSQL's uuid type takes)."""
    return isinstance(v, str) and _UUID.fullmatch(v) is not None


def _issue_ok(t: Any) -> bool:
    """The facts a ``ticket.issued`` snapshot must carry for the city's log row."""
    try:
        issued = datetime.fromisoformat(t["issued_at"])
    except (KeyError, TypeError, ValueError):
        return False
    return (issued.tzinfo is not None and isinstance(t.get("number"), str)
            and 1 <= len(t["number"]) <= 8 and isinstance(t.get("service"), str)
            and 1 <= len(t["service"]) <= 32
            and (t.get("priority") is None or (isinstance(t["priority"], str)
                                               and len(t["priority"]) <= 32)))


def _data_ok(etype: str, data: dict[str, Any]) -> bool:
    """What the figures read from an event's data: a rating 1-4, an outcome word."""
    if etype == "ticket.rated":
        r = data.get("rating")
        return isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= 4
    if etype in ("ticket.finished", "ticket.corrected"):
        o = data.get("outcome")
        return o is None or (isinstance(o, str) and len(o) <= 16)
    return True


def check_events(events: list[WireEvent]) -> None:
    """Seqs strictly rising, and every ticket event naming a ticket the city can key."""
    last = 0
    ids: set[Any] = set()  # ticket ids already checked (a ticket has ~4 events a batch)
    for e in events:
        seq = e.get("seq")
        if seq is None or "type" not in e or "at" not in e:
            raise BadBatch("Peristiwa tanpa seq, type atau at.", "An event lacks seq, type or at.")
        if seq <= last:
            raise BadBatch(f"Urutan seq harus naik (seq {seq} setelah {last}).",
                           f"Seqs must rise (seq {seq} after {last}).")
        last = seq
        try:
            datetime.fromisoformat(e["at"])
        except ValueError as exc:
            raise BadBatch(f"Peristiwa seq {seq}: waktu {e['at']!r} tidak valid.",
                           f"Event seq {seq}: invalid time {e['at']!r}.") from exc
        t = e.get("ticket")
        if t is None:
            continue
        tid = t.get("id")
        known = isinstance(tid, str) and tid in ids  # (an id may be any JSON: hash a str only)
        if not (known or _uuid(tid)) or not isinstance(t.get("state", ""), str | None):
            raise BadBatch(f"Peristiwa seq {seq}: tiket tanpa id yang sah.",
                           f"Event seq {seq}: ticket without a valid id.")
        ids.add(tid)
        if e["type"] == "ticket.issued" and not _issue_ok(t):
            raise BadBatch(f"Peristiwa seq {seq}: data tiket yang diambil tidak lengkap.",
                           f"Event seq {seq}: the issued ticket's facts are incomplete.")
        if not _data_ok(e["type"], e.get("data") or {}):
            raise BadBatch(f"Peristiwa seq {seq}: data {e['type']} tidak valid.",
                           f"Event seq {seq}: invalid {e['type']} data.")
