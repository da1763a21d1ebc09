"""The hub's side of duplicate recipients: check a NIK, record a clerk's outcome, purge.

The NIK lives only in the request being answered: it is checked, hashed under the
programme's key and dropped. Errors about it never repeat it. Reads go to their own
connection (the log's writer keeps its own); the outcome is an event committed like every
other, and the ``beneficiaries`` row is written by that same transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any

from . import beneficiary_store as store
from .beneficiary import ProgrammeKeys, check_nik, nik_hash
from .clock import utcnow
from .config import PostConfig, ServiceConfig
from .model import Event, EventType
from .queue import QueueError
from .staged import Staged
from .storage import Storage

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger(__name__)

__all__ = ["check", "record", "stage_record", "stats", "flagged_json", "keys_for", "purge_due", "purge_day",
           "purge_loop"]


def keys_for(hub: Hub) -> ProgrammeKeys:
    """The hub's programme keys (from the city when the post reports to one)."""
    keys = getattr(hub, "beneficiary_keys", None)
    if keys is None:
        keys = ProgrammeKeys(hub.storage.data_dir, city=bool(hub.config.city.url))
        hub.beneficiary_keys = keys  # type: ignore[attr-defined]
    return keys


def _programme(hub: Hub, programme: str) -> ServiceConfig:
    svc = hub.config.programmes().get(programme)
    if svc is None:
        raise QueueError(404, "unknown_programme",
                         f"Program '{programme}' tidak dikenal di pos ini.",
                         f"Programme '{programme}' is not known at this post.")
    today = date.fromisoformat(hub.calendar.day_of(hub.now()))
    assert svc.programme_start is not None and svc.programme_end is not None  # noqa: S101
    if not svc.programme_start <= today <= svc.programme_end:
        raise QueueError(409, "programme_closed",
                         f"Program {programme} berlaku {svc.programme_start} s.d. "
                         f"{svc.programme_end}; hari ini di luar masa itu.",
                         f"Programme {programme} runs {svc.programme_start} to "
                         f"{svc.programme_end}; today is outside it.")
    return svc


def _hash(hub: Hub, programme: str, nik: str) -> str:
    problem = check_nik(nik)
    if problem is not None:
        raise QueueError(422, problem.code, problem.message, problem.message_en)
    key = keys_for(hub).get(programme)
    if key is None:
        raise QueueError(503, "programme_key_missing",
                         f"Kunci program {programme} belum diterima dari kota. Periksa "
                         "sambungan hub ke server kota, lalu coba lagi.",
                         f"Programme {programme}'s key has not come from the city yet. Check "
                         "the hub's link to the city server and try again.")
    return nik_hash(key, nik)


def _answer(found: dict[str, Any] | None) -> dict[str, Any]:
    if found is None:
        return {"recorded": False}
    return {"recorded": True, "day": found["day"], "post": found["post_name"],
            "post_id": found["post_id"], "counter": found["counter"],
            "source": found["source"]}


def check(hub: Hub, programme: str, nik: str) -> dict[str, Any]:
    """``POST /beneficiaries/check``: whether this NIK was given the programme already."""
    _programme(hub, programme)
    digest = _hash(hub, programme, nik)
    with hub.storage.engine.connect() as c:
        return _answer(store.find_given(c, programme, digest))


def record(hub: Hub, programme: str, nik: str, ticket_id: str, outcome: str
           ) -> tuple[dict[str, Any], bool]:
    """:func:`stage_record`, waited for (tools and tests; the server awaits it)."""
    return hub.run(stage_record, hub, programme, nik, ticket_id, outcome)


def stage_record(hub: Hub, programme: str, nik: str, ticket_id: str, outcome: str
                 ) -> Staged[tuple[dict[str, Any], bool]]:
    """``POST /beneficiaries``: the clerk's decision for the resident holding ``ticket_id``,
    answered (answer, created) once on disk; the same outcome sent again is not recorded
    twice, even while the first is still being written (the hub's idempotency key)."""
    _programme(hub, programme)
    digest = _hash(hub, programme, nik)
    t = _ticket_of(hub, programme, ticket_id)
    key = ("beneficiary", f"{programme}:{ticket_id}")
    flying = hub.inflight(key)
    if flying is not None and flying.job is not None:
        d = flying.job.events[0].data
        if d["hash"] == digest and d["outcome"] == outcome:
            return flying  # type: ignore[no-any-return]
        raise _other_outcome(t.number)
    with hub.storage.engine.connect() as c:
        before = store.find_ticket(c, programme, ticket_id)
        given = store.find_given(c, programme, digest)
    if before is not None:
        if before["hash"] == digest and before["outcome"] == outcome:
            return Staged.ready(({"recorded": True, "outcome": outcome, "number": t.number,
                                  "day": before["day"], "counter": before["counter"]}, False))
        raise _other_outcome(t.number)
    post = hub.config.post
    e = Event(EventType.BENEFICIARY_RECORDED, hub.now(), ticket_id=t.id, counter=t.counter,
              data={"programme": programme, "hash": digest, "outcome": outcome,
                    "post": post.id, "post_name": post.name, "day": t.day,
                    "number": t.number, "duplicate": given is not None})
    answer = {"recorded": True, "outcome": outcome, "number": t.number, "day": t.day,
              "counter": t.counter, "duplicate": given is not None}
    return hub.stage([e], lambda _wire: (answer, True), key=key)


def _ticket_of(hub: Hub, programme: str, ticket_id: str) -> Any:
    """Today's ticket, of a service checking ``programme``, called to a counter."""
    t = hub.state.tickets.get(ticket_id)
    if t is None:
        raise QueueError(404, "unknown_ticket", "Nomor antrean tidak ditemukan hari ini.",
                         "Ticket not found today.")
    if not any((s := hub.config.service(sid)) is not None and s.beneficiary_check
               and s.programme == programme for sid in {t.service, t.issue_service}):
        raise QueueError(409, "wrong_programme",
                         f"Layanan nomor {t.number} tidak memeriksa program {programme}.",
                         f"Ticket {t.number}'s service does not check programme {programme}.")
    if t.counter is None:
        raise QueueError(409, "not_called", f"Nomor {t.number} belum dipanggil ke loket.",
                         f"Ticket {t.number} has not been called to a counter.")
    return t


def _other_outcome(number: str) -> QueueError:
    return QueueError(409, "already_recorded", f"Untuk nomor {number} sudah dicatat hasil lain.",
                      f"Another outcome is already recorded for ticket {number}.")


def stats(hub: Hub) -> dict[str, Any]:
    """Counts only (anyone may read them): per programme, given and refused, today and all."""
    today = hub.calendar.day_of(hub.now())
    with hub.storage.engine.connect() as c:
        total, day = store.counts(c), store.counts(c, today)
    zero = {"given": 0, "refused": 0}
    return {"day": today, "programmes": [
        {"programme": p, "start": s.programme_start, "end": s.programme_end,
         "today": day.get(p, zero), "total": total.get(p, zero)}
        for p, s in hub.config.programmes().items()]}


def flagged_json(hub: Hub, programme: str) -> dict[str, Any]:
    """For a lead: each hash given more than once, where and when (the hash shortened)."""
    _known = hub.config.programmes().get(programme)
    if _known is None:
        raise QueueError(404, "unknown_programme",
                         f"Program '{programme}' tidak dikenal di pos ini.",
                         f"Programme '{programme}' is not known at this post.")
    with hub.storage.engine.connect() as c:
        return {"programme": programme, "flagged": store.flagged(c, programme)}


def purge_day(config: PostConfig, programme: str) -> date:
    """The first day a programme's hashes may be purged: its end plus the retention."""
    svc = config.programmes()[programme]
    assert svc.programme_end is not None  # noqa: S101 - the config requires it
    return svc.programme_end + timedelta(days=config.beneficiary.retention_days + 1)


def purge_due(storage: Storage, config: PostConfig, today: date) -> list[dict[str, Any]]:
    """Remove every programme's hashes past its period and retention (rows, and the hashes
    in its log events) and log each purge as an event: ``antrean purge``, and the hub itself
    every hour (:func:`purge_loop`). Its own connection: safe beside the hub's writer."""
    done = []
    with storage.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left
        conn.commit()
        for programme in sorted(config.programmes()):
            if today < purge_day(config, programme):
                continue
            with conn.begin():
                n = store.purge_programme(conn, programme)
                has = conn.exec_driver_sql(
                    "SELECT count(*) FROM events WHERE type = ? AND json_extract(data, "
                    "'$.programme') = ?", (EventType.BENEFICIARY_PURGED.value, programme)
                ).scalar_one()
                if n == 0 and has:
                    continue  # purged before and nothing since: no event each day
                data = {"programme": programme, "removed": n, "through": str(today)}
                conn.exec_driver_sql(
                    "INSERT INTO events (type, at, day, ticket_id, counter, data, ticket) "
                    "VALUES (?, ?, ?, NULL, NULL, ?, NULL)",
                    (EventType.BENEFICIARY_PURGED.value, utcnow().astimezone(UTC).isoformat(),
                     str(today), json.dumps(data, separators=(",", ":"))))
            done.append(data)
        if done:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # old pages leave the WAL
            conn.commit()
    return done


#: How often the hub looks for a programme to purge (it acts once, the day it is due).
PURGE_EVERY_S = 3600.0


async def purge_loop(hub: Hub, every_s: float = PURGE_EVERY_S) -> None:
    """The hub's own purge: at start, then every ``every_s``, so nobody has to remember
    ``antrean purge``. A purge that fails is said in the log and tried again later."""
    if not hub.config.programmes():
        return
    while True:
        today = date.fromisoformat(hub.calendar.day_of(hub.now()))
        try:
            for d in await asyncio.to_thread(purge_due, hub.storage, hub.config, today):
                log.info("programme %s: %d keyed NIK hashes purged", d["programme"],
                         d["removed"])
        except Exception:
            log.exception("purging programme hashes failed")
        await asyncio.sleep(every_s)
