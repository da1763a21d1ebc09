"""The post's SQLite database: tickets, the append-only event log, devices, pairing codes.

SQLAlchemy 2 Core on one SQLite file in WAL mode with ``synchronous=FULL``: a commit is on
disk before the hub answers. Alembic migrations are applied when the storage opens. Times
are stored as UTC ISO-8601 text. Only the hub writes tickets and events; the CLI may add
device tokens and pairing codes while the hub runs (SQLite serialises the writers).
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from . import beneficiary_store
from .dbcheck import StorageFault, check_db_file, check_folder, classify
from .model import Event, EventType
from .reserve_store import index_event

__all__ = ["Storage", "TicketRow", "DB_FILENAME", "metadata", "tickets", "events", "devices",
           "pairing_codes", "meta", "counter_claims", "reserved_numbers"]

log = logging.getLogger(__name__)

DB_FILENAME = "antrean.db"

metadata = MetaData()

tickets = Table(
    "tickets",
    metadata,
    Column("id", Text, primary_key=True),
    Column("post_id", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("service", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("number", Text, nullable=False),
    Column("priority", Text),
    Column("request_id", Text, nullable=False, unique=True),
    Column("issued_at", Text, nullable=False),
    Column("kiosk", Text),
    UniqueConstraint("post_id", "day", "service", "seq", name="uq_ticket_number"),
)

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("type", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("ticket_id", Text),
    Column("counter", Integer),
    Column("data", Text, nullable=False),
    Column("ticket", Text),  # the ticket as the wire showed it right after this event
    Index("ix_events_day", "day"),
    Index("ix_events_ticket", "ticket_id"),
    sqlite_autoincrement=True,
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text),
    Column("last_seen_at", Text),  # flushed from memory now and then, not per request
)

#: Which counter number each counter device holds (one each): see antrean/devices.py.
counter_claims = Table(
    "counter_claims",
    metadata,
    Column("counter", Integer, primary_key=True, autoincrement=False),
    Column("device_id", Integer, ForeignKey("devices.id"), nullable=False, unique=True),
    Column("claimed_at", Text, nullable=False),
)

pairing_codes = Table(
    "pairing_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("tries_left", Integer, nullable=False),
    Column("used_at", Text),
)


#: Numbers of the day's sequence the hub reserved to a kiosk for offline issuing (see
#: antrean/reserves.py): skipped by every other issuer, used by the kiosk's own tickets
#: (``ticket_id``), released when the kiosk is revoked; never a row of the day's log.
reserved_numbers = Table(
    "reserved_numbers",
    metadata,
    Column("post_id", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("service", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("number", Text, nullable=False),
    Column("device_id", Integer, nullable=False),
    Column("kiosk", Text, nullable=False),
    Column("granted_at", Text, nullable=False),
    Column("ticket_id", Text),
    Column("released_at", Text),
    PrimaryKeyConstraint("post_id", "day", "service", "seq", name="pk_reserved_numbers"),
    Index("ix_reserved_device_day", "device_id", "day"),
)


#: Facts about the database itself: ``instance`` (its UUID, made by migration 0002 and never
#: changed) and ``city_acked_seq`` (the last seq the city acknowledged, kept by the uplink).
meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    return engine


_MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"""^(down_)?revision\b[^=\n]*=\s*(?:"([^"]+)"|'([^']+)'|None\b)""", re.M)


@functools.cache
def head_revision() -> str | None:
    """The newest migration's revision, read from the files without importing Alembic;
    None unless the history is one straight line this simple reading understands."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for f in (_MIGRATIONS / "versions").glob("*.py"):
        for m in _REVISION.finditer(f.read_text(encoding="utf-8")):
            rev = m.group(2) or m.group(3)
            if rev:
                (parents if m.group(1) else revisions).add(rev)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _at_head(engine: Engine) -> bool:
    """Is the database already at :func:`head_revision`? The usual start: then Alembic (a
    fifth of the hub's start-up on its own imports) is never loaded."""
    head = head_revision()
    try:
        with engine.connect() as c:
            current = [r[0] for r in c.exec_driver_sql("SELECT version_num FROM alembic_version")]
    except DBAPIError:  # no table yet (a new file), or unreadable: Alembic's path says which
        return False
    return head is not None and current == [head]


def _migrate(engine: Engine, path: Path) -> None:
    """Bring the schema to the newest Alembic revision; a revision this Antrean does not
    know (a newer one wrote the file) is refused before anything is touched."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    known = {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}
    with engine.begin() as conn:
        unknown = [r for r in MigrationContext.configure(conn).get_current_heads()
                   if r not in known]
        if unknown:
            raise StorageFault("db_newer", path, ", ".join(unknown))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _place(tmp: Path, path: Path) -> None:
    """Put the finished ``tmp`` at ``path``, never over a file another process put there
    first: a hard link fails if ``path`` exists (rename would replace it). A file system
    without hard links (FAT on a USB stick) gets a rename, after a last look."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        return  # theirs stands
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        if not path.exists():
            os.rename(tmp, path)


def _create_database(path: Path) -> None:
    """Make a new database beside ``path`` and link it into place once whole, so a power
    cut during the first start never leaves a half-made (or 0-byte) ``antrean.db``."""
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    try:  # mode 0o666 less the umask, as SQLite would make it (not mkstemp's 0o600)
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError as exc:
        raise classify(exc, path) or StorageFault("io_error", path, str(exc)) from exc
    try:
        engine = _engine(tmp)
        try:
            _migrate(engine, tmp)
        finally:
            engine.dispose()
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        _place(tmp, path)
        dirfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)
    except StorageFault:
        raise
    except Exception as exc:
        fault = classify(exc, path)
        if fault is None:
            raise
        raise fault from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)


class Storage:
    """One post database. ``close()`` is safe to call twice."""

    def __init__(self, data_dir: str | Path, *, migrate: bool = True) -> None:
        """Open the post database in ``data_dir``, made (whole, or not at all) on first use.

        Raises :class:`antrean.dbcheck.StorageFault` naming the cause and the fix when the
        folder or the file cannot be used; an existing file is never re-created.
        """
        self.data_dir = Path(data_dir)
        check_folder(self.data_dir)
        self.path = self.data_dir / DB_FILENAME
        if self.path.exists() or self.path.is_symlink():
            check_db_file(self.path)
        elif migrate:
            _create_database(self.path)
        self.engine: Engine = _engine(self.path)
        try:
            if migrate:
                _migrate(self.engine, self.path)
            self._conn: Connection | None = self.engine.connect()
        except Exception as exc:
            self.engine.dispose()
            fault = classify(exc, self.path)
            if fault is None:
                raise
            raise fault from exc
        self._lookup: sqlite3.Connection | None = None  # see request_day
        self._lookup_lock = threading.Lock()
        self._closed = False

    # ----- lifecycle -------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        _migrate(self.engine, self.path)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        with self._lookup_lock:
            if self._lookup is not None:
                self._lookup.close()
                self._lookup = None
        self.engine.dispose()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("storage is closed")
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """One durable transaction: everything inside commits together or not at all."""
        conn = self.conn
        if conn.in_transaction():  # a read left an implicit transaction open: end it
            conn.commit()
        with conn.begin():
            yield _Tx(conn)

    # ----- reads -------------------------------------------------------------------
    def last_seq(self) -> int:
        with self.engine.connect() as c:
            return int(c.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())

    def last_event_at(self) -> datetime | None:
        """The latest time in the log's last events (None for an empty log)."""
        q = select(events.c.at).order_by(events.c.seq.desc()).limit(100)
        with self.engine.connect() as c:
            times = [datetime.fromisoformat(r[0]) for r in c.execute(q)]
        return max(times, default=None)

    def last_status(self, device: str, component: str, within: int = 5000) -> bool | None:
        """Whether the latest ``device.status`` of ``device``'s ``component`` among the
        last ``within`` events said ok (None: none there)."""
        q = text("SELECT json_extract(data, '$.ok') FROM events WHERE seq > :low "
                 "AND type = 'device.status' AND json_extract(data, '$.device') = :d "
                 "AND json_extract(data, '$.component') = :c ORDER BY seq DESC LIMIT 1")
        with self.engine.connect() as c:
            low = int(c.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())
            row = c.execute(q, {"low": low - within, "d": device, "c": component}).first()
        return None if row is None or row[0] is None else bool(row[0])

    def last_closed_day(self) -> str | None:
        """The latest post day the hub closed (its ``day.closed`` event), if any."""
        q = (select(events.c.day).where(events.c.type == EventType.DAY_CLOSED.value)
             .order_by(events.c.seq.desc()).limit(1))
        with self.engine.connect() as c:
            return c.execute(q).scalar_one_or_none()

    def issued_between(self, after_day: str | None, through: str) -> bool:
        """Was a ticket issued on a day after ``after_day`` (None: any) up to ``through``?"""
        q = select(events.c.seq).where(events.c.type == EventType.TICKET_ISSUED.value,
                                       events.c.day <= through).limit(1)
        if after_day is not None:
            q = q.where(events.c.day > after_day)
        with self.engine.connect() as c:
            return c.execute(q).first() is not None

    def request_day(self, request_id: str) -> str | None:
        """The day of the ticket issued for ``request_id``, if there is one.

        Asked before every new ticket, so on a connection of its own, kept open, in
        autocommit (each read sees the latest commit): one lookup in the unique index, a
        tenth of a pooled SQLAlchemy query. Errors come as SQLAlchemy's, as elsewhere."""
        sql = "SELECT day FROM tickets WHERE request_id = ?"
        with self._lookup_lock:
            try:
                if self._lookup is None:
                    self._lookup = sqlite3.connect(self.path, check_same_thread=False,
                                                   isolation_level=None)
                    self._lookup.execute("PRAGMA busy_timeout=5000")
                row = self._lookup.execute(sql, (request_id,)).fetchone()
            except sqlite3.Error as exc:
                raise DBAPIError.instance(sql, (request_id,), exc, sqlite3.Error) from exc
        return row[0] if row is not None else None

    def load_events(
        self, *, day: str | None = None, after_day: str | None = None, since: int | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Stored events, oldest first. Driver SQL, not a built statement: this replays the
        day at every start (10k tickets are ~15k events)."""
        where: list[str] = []
        params: list[str | int] = []
        if day is not None:
            where.append("day = ?")
            params.append(day)
        if after_day is not None:
            where.append("day > ?")
            params.append(after_day)
        if since is not None:
            where.append("seq > ?")
            params.append(since)
        sql = ("SELECT seq, type, at, ticket_id, counter, data FROM events"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
               + (" LIMIT ?" if limit is not None else ""))
        if limit is not None:
            params.append(limit)
        with self.engine.connect() as c:
            rows = c.exec_driver_sql(sql, tuple(params)).fetchall()
        # one JSON array for every row's data: a third of the time of one loads() a row
        datas = json.loads("[" + ",".join([r[5] for r in rows]) + "]")
        out = []
        types = {t.value: t for t in EventType}
        for (seq, kind, at, ticket_id, counter, _), data in zip(rows, datas, strict=True):
            etype = types.get(kind)
            if etype is None:
                log.warning("skipping unknown event type %r at seq %s", kind, seq)
                continue
            out.append(Event(etype, datetime.fromisoformat(at), ticket_id, counter, data, seq))
        return out

    def wire_events_since(self, since: int, tz: tzinfo, limit: int = 1000) -> list[dict[str, Any]]:
        """Stored events after ``since`` in the wire shape, oldest first."""
        q = (select(events).where(events.c.seq > since).order_by(events.c.seq).limit(limit))
        with self.engine.connect() as c:
            return [wire_from_row(row._mapping, tz) for row in c.execute(q)]

    def post_ids(self) -> list[str]:
        """The post ids this database's tickets carry (one, on a sound post)."""
        with self.engine.connect() as c:
            return [r[0] for r in c.execute(select(tickets.c.post_id).distinct())]

    def instance(self) -> str:
        """This database's own UUID (the city's key for "which hub database is this")."""
        return self.meta_value("instance") or ""

    def meta_value(self, key: str) -> str | None:
        with self.engine.connect() as c:
            return c.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        q = sqlite_insert(meta).values(key=key, value=value)
        with self.engine.begin() as c:
            c.execute(q.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))

    def days(self) -> list[str]:
        q = select(events.c.day).distinct().order_by(events.c.day)
        with self.engine.connect() as c:
            return [r[0] for r in c.execute(q)]

    def ticket_rows(self, day: str) -> list[dict[str, Any]]:
        q = select(tickets).where(tickets.c.day == day)
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q)]

    # ----- devices and pairing --------------------------------------------------------
    def add_device(self, role: str, name: str, token_hash: str, now: datetime) -> int:
        with self.engine.begin() as c:
            res = c.execute(insert(devices).values(role=role, name=name, token_hash=token_hash,
                                                   created_at=_iso(now)))
            return int(res.inserted_primary_key[0])  # type: ignore[index]

    def device_by_hash(self, token_hash: str) -> dict[str, Any] | None:
        q = select(devices).where(devices.c.token_hash == token_hash,
                                  devices.c.revoked_at.is_(None))
        with self.engine.connect() as c:  # not self.conn: the hub's writer thread owns it
            row = c.execute(q).first()
        return dict(row._mapping) if row else None

    def list_devices(self) -> list[dict[str, Any]]:
        """Every device ever registered (revoked ones too), with the counter it holds."""
        q = (select(devices, counter_claims.c.counter)
             .join(counter_claims, counter_claims.c.device_id == devices.c.id, isouter=True)
             .order_by(devices.c.id))
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q)]

    def find_devices(self, name_or_id: str) -> list[dict[str, Any]]:
        """Devices by id (all digits) or else by exact name, revoked ones too."""
        key = name_or_id.strip()
        cond = devices.c.id == int(key) if key.isdigit() else devices.c.name == key
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(select(devices).where(cond))]

    def revoked_device_ids(self) -> set[int]:
        with self.engine.connect() as c:
            return {int(r[0]) for r in c.execute(select(devices.c.id)
                                                 .where(devices.c.revoked_at.is_not(None)))}

    def revoke_device(self, device_id: int, now: datetime) -> bool:
        """Revoke a device's token and release the counter it held; False if it was
        already revoked (or never existed)."""
        with self.engine.begin() as c:
            res = c.execute(update(devices)
                            .where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
                            .values(revoked_at=_iso(now)))
            c.execute(delete(counter_claims).where(counter_claims.c.device_id == device_id))
            return res.rowcount == 1

    def set_last_seen(self, seen: dict[int, datetime]) -> None:
        if not seen:
            return
        with self.engine.begin() as c:
            c.execute(update(devices).where(devices.c.id == bindparam("did"))
                      .values(last_seen_at=bindparam("seen")),
                      [{"did": k, "seen": _iso(v)} for k, v in seen.items()])

    def counter_claims(self) -> dict[int, int]:
        """counter number → the id of the device that holds it."""
        with self.engine.connect() as c:
            return {int(n): int(d) for n, d in c.execute(
                select(counter_claims.c.counter, counter_claims.c.device_id))}

    def claim_counter(self, counter: int, device_id: int, now: datetime) -> bool:
        """Give ``counter`` to the device (dropping any other number it held); False if
        another device holds it."""
        with self.engine.begin() as c:
            holder = c.execute(select(counter_claims.c.device_id)
                               .where(counter_claims.c.counter == counter)).scalar()
            if holder is not None:
                return int(holder) == device_id
            c.execute(delete(counter_claims).where(counter_claims.c.device_id == device_id))
            c.execute(insert(counter_claims).values(counter=counter, device_id=device_id,
                                                    claimed_at=_iso(now)))
            return True

    def release_counter(self, counter: int) -> int | None:
        """Free a counter number; returns the device that held it (None if free)."""
        with self.engine.begin() as c:
            holder = c.execute(select(counter_claims.c.device_id)
                               .where(counter_claims.c.counter == counter)).scalar()
            c.execute(delete(counter_claims).where(counter_claims.c.counter == counter))
            return int(holder) if holder is not None else None

    def add_pairing_code(self, code_hash: str, roles: Sequence[str], now: datetime,
                         expires: datetime, tries: int) -> None:
        with self.engine.begin() as c:
            c.execute(insert(pairing_codes).values(
                code_hash=code_hash, roles=",".join(roles), created_at=_iso(now),
                expires_at=_iso(expires), tries_left=tries))

    def active_pairing_codes(self, now: datetime) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            q = select(pairing_codes).where(pairing_codes.c.used_at.is_(None),
                                            pairing_codes.c.tries_left > 0,
                                            pairing_codes.c.expires_at > _iso(now))
            return [dict(r._mapping) for r in c.execute(q)]

    def spend_pairing_try(self, ids: Sequence[int]) -> None:
        with self.engine.begin() as c:
            c.execute(update(pairing_codes).where(pairing_codes.c.id.in_(list(ids)))
                      .values(tries_left=pairing_codes.c.tries_left - 1))

    def use_pairing_code(self, code_id: int, now: datetime) -> bool:
        """Mark a code used; False if another request used it first."""
        with self.engine.begin() as c:
            res = c.execute(update(pairing_codes)
                            .where(pairing_codes.c.id == code_id, pairing_codes.c.used_at.is_(None))
                            .values(used_at=_iso(now)))
            return res.rowcount == 1


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A ticket's row in the ``tickets`` table, its number allocated by the queue."""

    ticket_id: str
    post_id: str
    day: str
    service: str
    seq: int
    number: str
    priority: str | None
    request_id: str
    issued_at: datetime
    kiosk: str | None


class _Tx:
    """Writes inside one transaction (:meth:`Storage.transaction`, the hub's writer).

    Straight on the driver's cursor: this is the hot path (every ticket, every call), and
    SQLAlchemy's per-statement work was a third of the writer's time. The transaction
    itself is still the SQLAlchemy connection's (pysqlite begins it at the first write).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        raw = conn.connection.driver_connection
        assert raw is not None
        self._cur = raw.cursor()

    def insert_tickets(self, rows: Sequence[TicketRow]) -> None:
        """Insert tickets whose numbers the queue allocated (in memory, in order). The
        unique (post, day, service, seq) stays the safety net: a number given twice would
        fail the whole commit, never reach a resident."""
        self._insert(_INSERT_TICKETS, 10, [(
            r.ticket_id, r.post_id, r.day, r.service, r.seq, r.number, r.priority,
            r.request_id, _iso(r.issued_at), r.kiosk) for r in rows])

    def append(self, evs: Sequence[Event], days: Sequence[str],
               snapshots: Sequence[dict[str, Any] | None]) -> list[int]:
        """Append events to the log; their seqs, in order.

        One multi-row INSERT (not one per event): the writer thread hands the interpreter
        back and forth once per statement, and a group holds many events. The seqs are
        consecutive: one transaction, one writer, and AUTOINCREMENT gives each row the
        largest rowid so far plus one — so the last rowid says them all.
        """
        dumps = _compact_json
        rows = [(e.type.value, _iso(e.at), day, e.ticket_id, e.counter, dumps(e.data),
                 dumps(snap) if snap is not None else None)
                for e, day, snap in zip(evs, days, snapshots, strict=True)]
        if not rows:
            return []
        self._insert(_INSERT_EVENTS, 7, rows)
        last = int(self._cur.lastrowid or 0)
        for e in evs:
            index_event(self.conn, e)  # reserved numbers: kept with the events that move them
            beneficiary_store.index_event(self.conn, e)  # keyed NIK hashes, likewise
        return list(range(last - len(rows) + 1, last + 1))

    def _insert(self, head: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        one = "(" + ",".join("?" * width) + ")"
        for i in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[i:i + _ROWS_PER_INSERT]
            self._cur.execute(head + ",".join([one] * len(chunk)),
                              [v for row in chunk for v in row])


_compact_json = json.JSONEncoder(separators=(",", ":")).encode

_INSERT_TICKETS = ("INSERT INTO tickets (id, post_id, day, service, seq, number, priority, "
                   "request_id, issued_at, kiosk) VALUES ")
_INSERT_EVENTS = "INSERT INTO events (type, at, day, ticket_id, counter, data, ticket) VALUES "
#: Rows per INSERT statement: well under SQLite's limit of host parameters (32766).
_ROWS_PER_INSERT = 500


def wire_from_row(row: Any, tz: tzinfo) -> dict[str, Any]:
    """A stored event row → the protocol's event object (times in the post's zone)."""
    data = json.loads(row["data"])
    return {
        "seq": row["seq"],
        "type": row["type"],
        "at": datetime.fromisoformat(row["at"]).astimezone(tz).isoformat(),
        "ticket": json.loads(row["ticket"]) if row["ticket"] else None,
        "counter": row["counter"],
        "data": data,
    }
