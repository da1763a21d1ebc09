"""``antrean city import``: a post's bundle (``antrean export --bundle``) into the city.

The file is checked whole first (antrean.bundle.read_bundle: gzip, checksum, count), then
its events go through the same ingest as the uplink's, all in one transaction: either
everything new is stored, or nothing. Events the city already holds are skipped, so the
same bundle imported twice adds nothing the second time.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Annotated, Any

import psycopg
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from antrean.bundle import Bundle, BundleError, read_bundle
from antrean.config import format_errors

from .config import POST_ID_PATTERN
from .db import CityDbError, explain, migrate
from .ingest import Gap, Ingested, ingest
from .wire import MAX_EVENTS, BadBatch, PostMeta, UplinkBody, events_from

__all__ = ["import_bundle", "load_bundle"]


def _validated(b: Bundle) -> UplinkBody:
    """The bundle as one uplink body: the same checks as ``POST /events``."""
    h = b.header
    raw = h.get("post")
    post: dict[str, Any] = raw if isinstance(raw, dict) else {}
    meta = {k: post[k] for k in ("name", "name_en", "timezone", "services") if k in post}
    try:
        head = _Header.model_validate({"post": post.get("id"), "instance": h.get("instance"),
                                       "after": h.get("after"), "meta": meta})
    except ValidationError as exc:
        msg = format_errors(exc)
        raise BadBatch(f"Isi bundel tidak valid: {msg}", f"Invalid bundle content: {msg}") from exc
    return UplinkBody(head.post, head.instance, head.after, head.meta, events_from(b.events))


class _Header(BaseModel):
    """A bundle's header, as the uplink's envelope."""

    model_config = ConfigDict(extra="forbid")
    post: Annotated[str, Field(pattern=POST_ID_PATTERN)]
    instance: uuid.UUID
    after: Annotated[int, Field(ge=0)] | None = None
    meta: PostMeta | None = None


def load_bundle(conn: psycopg.Connection[Any], b: Bundle) -> Ingested:
    """Ingest a read bundle inside the caller's transaction (chunks of MAX_EVENTS)."""
    body = _validated(b)
    total = Ingested(acked_seq=0)
    events = body.events
    for i in range(0, max(len(events), 1), MAX_EVENTS):
        res = ingest(conn, body.post, str(body.instance), events[i:i + MAX_EVENTS],
                     meta=body.meta, after=body.after if i == 0 else None, via="bundle")
        total = Ingested(res.acked_seq, total.added + res.added, total.skipped + res.skipped,
                         total.tickets + res.tickets)
    return total


def _say(message: str, message_en: str) -> int:
    print(f"antrean city import: {message}\nantrean city import: {message_en}", file=sys.stderr)
    return 2


def import_bundle(url: str, path: Path) -> int:
    """The command: read, check, load in one transaction, say what was added."""
    try:
        b = read_bundle(path)
    except BundleError as exc:
        return _say(exc.message, exc.message_en)
    try:
        migrate(url)
        try:
            with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                 connect_timeout=10) as conn, conn.transaction():
                res = load_bundle(conn, b)
        except psycopg.Error as exc:
            raise explain(exc, url) from exc
    except CityDbError as exc:
        return _say(exc.message, exc.message_en)
    except BadBatch as exc:
        return _say(f"Bundel ditolak, tidak ada yang dimuat: {exc.message}",
                    f"Bundle refused, nothing loaded: {exc.message_en}")
    except Gap as exc:
        after = b.header.get("after")
        return _say(f"Bundel ini dimulai setelah seq {after}, tetapi kota baru menyimpan sampai "
                    f"seq {exc.acked_seq} untuk basis data hub ini. Tidak ada yang dimuat; buat "
                    "bundel lengkap di pos: antrean export --bundle --all",
                    f"This bundle starts after seq {after} but the city holds this hub "
                    f"database up to seq {exc.acked_seq}. Nothing loaded; make a whole bundle at "
                    "the post: antrean export --bundle --all")
    print(f"Pos {b.post} (basis data {b.instance}): {res.added} peristiwa baru ditambahkan, "
          f"{res.skipped} sudah ada; {res.tickets} nomor antrean baru; kota kini menyimpan "
          f"sampai seq {res.acked_seq}.")
    print(f"Post {b.post} (database {b.instance}): {res.added} new events added, "
          f"{res.skipped} already held; {res.tickets} new tickets; the city now holds up to seq "
          f"{res.acked_seq}.")
    return 0
