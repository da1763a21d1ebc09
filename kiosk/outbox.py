"""The kiosk's own SQLite: the numbers its hub reserved to it, and the tickets it issued
from them that the hub has not acknowledged yet (DESIGN "Offline issuing at the kiosk").

One file, ``kiosk-outbox.db`` in the kiosk's data folder (``antrean kiosk --data DIR``, the
appliance's ``/var/lib/antrean``), WAL with ``synchronous=FULL``: a ticket is on disk
before it is printed, and a kiosk restarted while the hub is away keeps its reserve, its
outbox, the post's services as last heard and the hub's clock offset.

- ``reserve``: numbers the hub granted (``POST /reserves``), per post day and service. A
  number leaves it in the same transaction that puts a ticket in the outbox, so it is
  never printed twice, whatever happens next.
- ``outbox``: one row per ticket issued from the reserve, in issue order: ``pending``
  until the hub answers, then ``sent`` (with the hub's ticket) or ``refused`` (its error).
- ``meta``: what the kiosk last heard (post, services, reserve statuses, the day and when
  it closes, the post's zone) and the clock (hub time minus this machine's wall time; the
  last time stamped).

No Qt, no network: :class:`kiosk.sender.OutboxSender` talks to the hub. Thread-safe (the
desk and the sender both use it).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from antrean.posttime import PostClock, zone_from_name

__all__ = ["OUTBOX_FILENAME", "Outbox", "OutboxError", "OutboxTicket", "ReserveState"]

log = logging.getLogger(__name__)

OUTBOX_FILENAME = "kiosk-outbox.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reserve (
    post TEXT NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL, seq INTEGER NOT NULL,
    number TEXT NOT NULL, PRIMARY KEY (post, day, service, seq));
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL UNIQUE,
    post TEXT NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL, priority TEXT,
    number TEXT NOT NULL, issued_at TEXT NOT NULL, created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', ticket TEXT, error TEXT, sent_at TEXT);
CREATE INDEX IF NOT EXISTS ix_outbox_state ON outbox (state, id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Statuses a service's reserve can have (the hub's, from ``POST /reserves``).
OK, CLOSED, QUOTA, DAY_CLOSED = "ok", "closed", "quota_reached", "day_closed"

#: A clock offset that moved less than this is not written again (the SD card's sake).
_OFFSET_SLACK_S = 0.5


class OutboxError(Exception):
    """The kiosk's data folder or its database cannot be used; the message says why."""


@dataclass(frozen=True)
class OutboxTicket:
    """One ticket issued from the reserve, as the outbox holds it."""

    request_id: str
    post: str
    day: str
    service: str
    priority: str | None
    number: str
    issued_at: datetime  # aware, in the post's zone
    state: str = "pending"
    ticket: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True)
class ReserveState:
    """What a service's tile needs while the hub is away."""

    left: int  # numbers still in the reserve for today
    status: str  # ok / closed / quota_reached / day_closed (as the hub last said)


class Outbox:
    """The kiosk's reserve and outbox in ``data_dir``; ``close()`` is safe twice."""

    def __init__(self, data_dir: str | Path, *, wall: Callable[[], float] = time.time) -> None:
        self.path = Path(data_dir) / OUTBOX_FILENAME
        self._wall = wall
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(f"{self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self._closed = False

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One durable transaction (BEGIN IMMEDIATE … COMMIT), rolled back on error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ----- what the kiosk last heard ----------------------------------------------------------
    def meta(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, **values: Any) -> None:
        with self._tx() as db:
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                           "DO UPDATE SET value = excluded.value",
                           [(k, json.dumps(v)) for k, v in values.items()])

    def remember_hub(self, health: Mapping[str, Any], services: list[dict[str, Any]]) -> None:
        """Keep the post and its services as the hub last told them (for a restart while
        the hub is away); written only when they changed."""
        post = health.get("post") or {}
        new = {"post": post.get("id", ""), "post_name": post.get("name", ""),
               "tz": health.get("tz", ""), "services": services}
        if any(self.meta(k) != v for k, v in new.items()):
            self.set_meta(**new)

    # ----- the clock -----------------------------------------------------------------------
    def remember_clock(self, clock: PostClock) -> None:
        """Keep the hub's clock as an offset from this machine's wall clock."""
        if not clock.known:
            return
        offset = clock.offset().total_seconds()
        old = self.meta("clock_offset_s")
        if old is None or abs(old - offset) >= _OFFSET_SLACK_S:
            self.set_meta(clock_offset_s=offset)

    def seed_clock(self, clock: PostClock) -> None:
        """After a restart with no hub: carry the post's time from the kept offset (what the
        screens and the offline tickets then show), until the hub answers again."""
        offset, tz = self.meta("clock_offset_s"), zone_from_name(self.meta("tz"))
        if clock.known or offset is None or tz is None:
            return
        guess = datetime.fromtimestamp(self._wall(), UTC) + timedelta(seconds=offset)
        last = self.meta("last_stamp")
        if last is not None and guess < datetime.fromisoformat(last):
            guess = datetime.fromisoformat(last)  # this machine's clock went back: never we
        m = clock.instant()
        clock.observe(guess.astimezone(tz), m, m)

    def stamp(self, clock: PostClock) -> datetime | None:
        """The post's time for a ticket issued now: the hub's clock carried forward, never
        earlier than the last ticket's (a clock must not run backwards in the queue).
        None when the post's time is not known at all."""
        now = clock.now()
        if now is None:
            return None
        last = self.meta("last_stamp")
        if last is not None:
            now = max(now, datetime.fromisoformat(last).astimezone(now.tzinfo))
        return now

    # ----- the reserve ---------------------------------------------------------------------
    def replace_reserve(self, answer: Mapping[str, Any], post: str) -> None:
        """Take the hub's ``POST /reserves`` answer as the reserve: its numbers for the
        day, less those already in the outbox (issued here while the answer travelled)."""
        day = answer["day"]["date"]
        statuses = {s["id"]: s["status"] for s in answer["services"]}
        with self._tx() as db:
            used = {r[0] for r in db.execute(
                "SELECT number FROM outbox WHERE post = ? AND day = ?", (post, day))}
            db.execute("DELETE FROM reserve")
            db.executemany(
                "INSERT INTO reserve (post, day, service, seq, number) VALUES (?, ?, ?, ?, ?)",
                [(post, day, s["id"], int(n[1:]), n) for s in answer["services"]
                 for n in s["numbers"] if n not in used])
            for k, v in (("reserve_day", day), ("reserve_post", post),
                         ("closes_at", answer["day"]["closes_at"]), ("statuses", statuses),
                         ("tz", answer.get("tz") or "")):
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                           "DO UPDATE SET value = excluded.value", (k, json.dumps(v)))

    def reserve_states(self, now: datetime | None) -> dict[str, ReserveState]:
        """Per service: numbers left for the post's day at ``now``, and the hub's status."""
        day, usable = self._usable_day(now)
        statuses: dict[str, str] = self.meta("statuses", {})
        with self._lock:
            counts = dict(self._db.execute(
                "SELECT service, count(*) FROM reserve WHERE day = ? GROUP BY service",
                (day,)).fetchall()) if usable else {}
        return {sid: ReserveState(int(counts.get(sid, 0)),
                                  st if usable or st != OK else DAY_CLOSED)
                for sid, st in statuses.items()}

    def _usable_day(self, now: datetime | None) -> tuple[str, bool]:
        """The reserve's day, and whether ``now`` is still within it (not closed)."""
        day = self.meta("reserve_day", "")
        closes = self.meta("closes_at")
        if now is None or not day or closes is None:
            return day, False
        zone = zone_from_name(self.meta("tz")) or now.tzinfo
        return day, (now.astimezone(zone).date().isoformat() == day
                     and now < datetime.fromisoformat(closes))

    def take(self, service: str, priority: str | None, request_id: str,
             now: datetime) -> OutboxTicket | None:
        """Issue from the reserve: the lowest number left for ``service`` moves into the
        outbox as a pending ticket stamped ``now``, committed before anything is printed.
        None if there is none (used up, another day, the service not ok)."""
        day, usable = self._usable_day(now)
        statuses: dict[str, str] = self.meta("statuses", {})
        if not usable or statuses.get(service) != OK:
            return None
        post = self.meta("reserve_post", "")
        with self._tx() as db:
            row = db.execute("SELECT seq, number FROM reserve WHERE post = ? AND day = ? AND "
                             "service = ? ORDER BY seq LIMIT 1", (post, day, service)).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM reserve WHERE post = ? AND day = ? AND service = ? AND "
                       "seq = ?", (post, day, service, row[0]))
            db.execute("INSERT INTO outbox (request_id, post, day, service, priority, number, "
                       "issued_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (request_id, post, day, service, priority, row[1], now.isoformat(),
                        datetime.fromtimestamp(self._wall(), UTC).isoformat()))
            db.execute("INSERT INTO meta (key, value) VALUES ('last_stamp', ?) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", (json.dumps(now.isoformat()),))
        return OutboxTicket(request_id, post, day, service, priority, row[1], now)

    # ----- the outbox ----------------------------------------------------------------------
    def pending(self, limit: int = 1000) -> list[OutboxTicket]:
        """Tickets the hub has not acknowledged, oldest first."""
        return self._rows("WHERE state = 'pending' ORDER BY id LIMIT ?", (limit,))

    def get(self, request_id: str) -> OutboxTicket | None:
        rows = self._rows("WHERE request_id = ?", (request_id,))
        return rows[0] if rows else None

    def tickets(self, day: str | None = None) -> list[OutboxTicket]:
        """Every ticket in the outbox (of ``day``), in issue order."""
        if day is None:
            return self._rows("ORDER BY id", ())
        return self._rows("WHERE day = ? ORDER BY id", (day,))

    def _rows(self, where: str, args: tuple[Any, ...]) -> list[OutboxTicket]:
        with self._lock:
            rows = self._db.execute(
                "SELECT request_id, post, day, service, priority, number, issued_at, state, "
                f"ticket, error FROM outbox {where}", args).fetchall()
        return [OutboxTicket(r[0], r[1], r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]),
                             r[7], json.loads(r[8]) if r[8] else None, r[9]) for r in rows]

    def mark_sent(self, request_id: str, ticket: Mapping[str, Any]) -> None:
        with self._tx() as db:
            db.execute("UPDATE outbox SET state = 'sent', ticket = ?, sent_at = ? "
                       "WHERE request_id = ?", (json.dumps(dict(ticket)),
                                                datetime.fromtimestamp(self._wall(), UTC)
                                                .isoformat(), request_id))

    def mark_refused(self, request_id: str, error: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE outbox SET state = 'refused', error = ? WHERE request_id = ?",
                       (error, request_id))

    def prune(self, keep_days: int = 7) -> int:
        """Forget acknowledged tickets older than ``keep_days`` (the file stays small)."""
        cutoff = (datetime.fromtimestamp(self._wall(), UTC) - timedelta(days=keep_days))
        with self._tx() as db:
            cur = db.execute("DELETE FROM outbox WHERE state != 'pending' AND created_at < ?",
                             (cutoff.isoformat(),))
            return int(cur.rowcount)

    def post_zone(self) -> ZoneInfo | None:
        zone = zone_from_name(self.meta("tz"))
        return zone if isinstance(zone, ZoneInfo) else None
