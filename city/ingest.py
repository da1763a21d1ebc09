"""Storing a post's events: the raw log, its ticket rows and the daily roll-ups, in one
transaction, exactly once.

Each hub database (post, instance) has one ``uplinks`` row holding the last seq the city
stored (``acked_seq``). A batch takes that row's lock, keeps only events after it, and
commits them together with everything derived from them, so a batch sent twice, or a
city killed mid-batch, stores nothing twice and loses nothing: what was not committed was
not acknowledged, and the hub sends it again.

Ticket rows are the post's own wait-time log rows (antrean.daylog), advanced by the same
rules the hub's own live day uses (``apply_ticket_event``); roll-ups change by antrean.stats.Tally.change,
so the city's figures are the post's figures.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

import msgspec
import psycopg

from antrean.daylog import LogRow, apply_ticket_event
from antrean.skm import ELEMENT_IDS
from antrean.stats import Tally

from .beneficiary import index_events as index_beneficiaries
from .wire import SURVEY, PostMeta, WireEvent

__all__ = ["ingest", "Gap", "Ingested", "acked_seq", "TICKET_COLUMNS", "row_from_db",
           "EVENT_COLUMNS", "event_lines"]

log = logging.getLogger(__name__)


class Gap(Exception):
    """The batch starts after events the city does not have; resend from ``acked_seq``."""

    def __init__(self, acked_seq: int) -> None:
        super().__init__(f"gap: the city holds up to seq {acked_seq}")
        self.acked_seq = acked_seq


@dataclass
class Ingested:
    acked_seq: int
    added: int = 0  # events stored now
    skipped: int = 0  # events the city already had
    tickets: int = 0  # tickets seen for the first time


#: The ticket row's columns after (id, post_id, uplink_id, issue_seq, day); LogRow order.
TICKET_COLUMNS = ("service", "number", "priority", "issued_at", "called_at", "finished_at",
                  "counter", "outcome", "original_outcome", "recalls", "transfers", "kiosk",
                  "rating")


def row_from_db(tid: str, r: Sequence[Any]) -> LogRow:
    """A LogRow from ``tickets`` columns in :data:`TICKET_COLUMNS` order."""
    (service, number, priority, issued_at, called_at, finished_at, counter, outcome,
     original_outcome, recalls, transfers, kiosk, rating) = r
    return LogRow(tid, number, service, priority, issued_at, called_at, finished_at, counter,
                  outcome, original_outcome, recalls, transfers, kiosk, rating)


@dataclass
class _Ticket:
    day: date
    state: str
    issue_seq: int
    uplink_id: int
    before: LogRow | None  # the row as the city had it before this batch (None: new)


@dataclass
class _Applied:
    rows: dict[str, LogRow] = field(default_factory=dict)
    tickets: dict[str, _Ticket] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    counts: dict[tuple[date, str, str], int] = field(default_factory=lambda: defaultdict(int))
    alerts: dict[str, dict[str, Any]] = field(default_factory=dict)  # service -> last alert
    surveys: list[tuple[str, str, int, list[int]]] = field(default_factory=list)  # see _count
    days: set[date] = field(default_factory=set)  # days whose figures changed


def acked_seq(conn: psycopg.Connection[Any], post: str, instance: str) -> int:
    row = conn.execute("SELECT acked_seq FROM uplinks WHERE post_id = %s AND instance = %s",
                       (post, instance)).fetchone()
    return int(row[0]) if row else 0


def ingest(conn: psycopg.Connection[Any], post: str, instance: str,
           events: Sequence[WireEvent], *, meta: PostMeta | None = None,
           after: int | None = None, via: str = "uplink") -> Ingested:
    """Store one batch of a hub database's events (validated, seq rising) inside the
    caller's transaction; returns what the city now holds. Raises :class:`Gap` when
    ``after`` is beyond what the city has."""
    _upsert_post(conn, post, meta)
    conn.execute("INSERT INTO uplinks (post_id, instance) VALUES (%s, %s) "
                 "ON CONFLICT (post_id, instance) DO NOTHING", (post, instance))
    uplink_id, acked = conn.execute(
        "SELECT id, acked_seq FROM uplinks WHERE post_id = %s AND instance = %s FOR UPDATE",
        (post, instance)).fetchone()  # type: ignore[misc]
    if after is not None and after > acked:
        raise Gap(acked)
    new = [e for e in events if e.seq > acked]
    if not new:
        conn.execute("UPDATE uplinks SET last_heard_at = now(), last_via = %s WHERE id = %s",
                     (via, uplink_id))
        return Ingested(acked, 0, len(events))
    ap = _apply(conn, post, uplink_id, new)
    _copy_events(conn, uplink_id, new)
    index_beneficiaries(conn, post, uplink_id, new)  # keyed NIK hashes (city/beneficiary.py)
    fresh = _write_tickets(conn, post, ap)
    _write_rollups(conn, post, ap)
    _write_counts(conn, post, ap)
    _write_alerts(conn, post, ap)
    _write_surveys(conn, post, uplink_id, ap)
    _bump_summaries(conn, post, ap.days)
    last = new[-1].seq
    conn.execute(
        "UPDATE uplinks SET acked_seq = %s, events = events + %s, last_heard_at = now(), "
        "last_event_at = GREATEST(last_event_at, %s), last_via = %s WHERE id = %s",
        (last, len(new), new[-1].at, via, uplink_id))
    return Ingested(last, len(new), len(events) - len(new), fresh)


def _upsert_post(conn: psycopg.Connection[Any], post: str, meta: PostMeta | None) -> None:
    if meta is None:
        conn.execute("INSERT INTO posts (id) VALUES (%s) ON CONFLICT (id) DO NOTHING", (post,))
        return
    services = json.dumps([s.model_dump() for s in meta.services])
    conn.execute(
        "INSERT INTO posts (id, name, name_en, timezone, services) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, "
        "timezone = EXCLUDED.timezone, services = EXCLUDED.services WHERE "
        "(posts.name, posts.name_en, posts.timezone, posts.services) IS DISTINCT FROM "
        "(EXCLUDED.name, EXCLUDED.name_en, EXCLUDED.timezone, EXCLUDED.services)",
        (post, meta.name, meta.name_en, meta.timezone, services))


def _load(conn: psycopg.Connection[Any], post: str, ids: Iterable[str], ap: _Applied) -> set[str]:
    """Known tickets into ``ap``; returns the ids that belong to another post (ignored)."""
    cols = ", ".join(TICKET_COLUMNS)
    foreign = set()
    cur = conn.execute(f"SELECT id::text, post_id, day, state, issue_seq, uplink_id, {cols} "
                       "FROM tickets WHERE id = ANY(%s::uuid[])",
                       ("{" + ",".join(ids) + "}",))  # checked UUIDs: one text to send
    for tid, owner, day, state, issue_seq, uplink_id, *rest in cur:
        if owner != post:
            foreign.add(tid)
            continue
        row = row_from_db(tid, rest)
        ap.rows[tid] = row
        ap.tickets[tid] = _Ticket(day, state, issue_seq, uplink_id,
                                  dataclasses.replace(row).finish())
    return foreign


def _apply(conn: psycopg.Connection[Any], post: str, uplink_id: int,
           new: Sequence[WireEvent]) -> _Applied:
    """Advance the batch's tickets through its events, by the post's own rules
    (antrean.daylog.apply_ticket_event)."""
    ap = _Applied()
    ids = {t.id for e in new if (t := e.ticket) is not None}
    foreign = _load(conn, post, ids, ap) if ids else set()
    if foreign:
        log.warning("post %s sent events for %d tickets of another post; ignored",
                    post, len(foreign))
    rows, tickets, touched = ap.rows, ap.tickets, ap.touched
    for e in new:
        etype, t = e.type, e.ticket
        if t is not None and etype.startswith("ticket."):
            tid = t.id
            if tid in foreign:
                continue
            if etype == "ticket.issued":
                if apply_ticket_event(rows, etype, tid, e.at, e.counter, e.data,
                                      partial(_issued_row, e)) is None:
                    continue  # the same ticket again
                info = tickets[tid] = _Ticket(t.issued_at.date(), "waiting", e.seq, uplink_id,
                                              None)
            else:
                if apply_ticket_event(rows, etype, tid, e.at, e.counter, e.data,
                                      _not_issued) is None:
                    continue  # a ticket the city never saw issued
                info = tickets[tid]
            if t.state:
                info.state = str(t.state)[:16]
            touched.add(tid)
        if etype in _COUNTED:
            _count(e, ap)
    ap.days.update({tickets[tid].day for tid in touched})
    return ap


def _issued_row(e: WireEvent) -> LogRow:
    """The log row a ``ticket.issued`` starts (its facts checked by wire.check_events)."""
    t = e.ticket
    assert t is not None
    return LogRow(t.id, t.number, t.service, t.priority, t.issued_at, kiosk=e.data.get("kiosk"))


def _not_issued() -> LogRow:
    raise AssertionError("only a ticket.issued starts a row")


def _count(e: WireEvent, ap: _Applied) -> None:
    """Post-level facts that are no ticket's: complaints, corrections, surge alerts, SKM
    surveys (their scores checked by wire.check_events)."""
    etype = e.type
    data = e.data
    day = e.at.date()  # the event's own day in the post's zone, as the post counts it
    if etype == SURVEY:
        assert e.ticket is not None
        answers = data["answers"]
        ap.surveys.append((e.ticket.id, day.isoformat(), e.seq,
                           [answers[k] for k in ELEMENT_IDS]))
    elif etype == "complaint.filed":
        ap.counts[(day, "complaint", str(data.get("category") or "lainnya")[:32])] += 1
    elif etype == "ticket.corrected":
        ap.counts[(day, "correction", "")] += 1
    elif isinstance(data.get("service"), str):  # queue.alert
        ap.alerts[data["service"][:32]] = {**data, "at": e.at}
        if data.get("level") == "surge":
            ap.counts[(day, "alert", data["service"][:32])] += 1
    else:
        return
    ap.days.add(day)


_COUNTED = frozenset(("complaint.filed", "ticket.corrected", "queue.alert", SURVEY))


_SPECIAL = re.compile(r"[\\\t\n\r\x00]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""}
_NULL = "\\N"


def _text(v: Any) -> str:
    """One value in COPY's text format (\\N is NULL; tabs, newlines, backslashes escaped;
    NUL, which PostgreSQL text cannot hold, dropped)."""
    if v is None:
        return _NULL
    if isinstance(v, str):
        return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], v) if _SPECIAL.search(v) else v
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v)


def _copy(conn: psycopg.Connection[Any], sql: str, lines: Iterable[str]) -> None:
    """COPY lines built as text here: several times faster than per-value adaptation."""
    with conn.cursor().copy(sql) as cp:
        cp.write("".join(lines).encode("utf-8"))


def _copy_events(conn: psycopg.Connection[Any], uplink_id: int, new: Sequence[WireEvent]) -> None:
    """The raw log by COPY."""
    _copy(conn, f"COPY events ({EVENT_COLUMNS}) FROM STDIN", event_lines(uplink_id, new))


#: The raw log's columns, in the order of :func:`event_lines`.
EVENT_COLUMNS = "uplink_id, seq, type, at, ticket_id, counter, data, ticket"


def event_lines(uplink_id: int, new: Sequence[WireEvent]) -> Iterable[str]:
    """The raw log rows of a batch in COPY's text format. Type and ticket id were checked
    against strict patterns (wire.py), times are datetimes, and JSON escapes every control
    character, so only backslashes (in the JSON) need doubling here. JSON is written by
    msgspec (C)."""
    head = f"{uplink_id}\t"
    enc = msgspec.json.encode

    def js(v: Any) -> str:  # the json column takes JSON's own escapes, \\u0000 too
        out = enc(v).decode()
        return out.replace("\\", "\\\\") if "\\" in out else out

    n = _NULL
    for e in new:
        t, data, counter = e.ticket, e.data, e.counter
        snap = (js({"id": t.id, "number": t.number, "service": t.service,
                    "priority": t.priority, "issued_at": t.issued_at})
                if t is not None and e.type == "ticket.issued" else n)
        yield (f"{head}{e.seq}\t{e.type}\t{e.at.isoformat()}\t{t.id if t else n}\t"
               f"{n if counter is None else counter}\t{js(data) if data else n}\t{snap}\n")


_TICKET_COLS = ("id, post_id, uplink_id, issue_seq, day, state, service, number, priority, "
                "issued_at, called_at, finished_at, counter, outcome, original_outcome, "
                "recalls, transfers, kiosk, rating")
_UPSERT_TICKETS = f"""
INSERT INTO tickets ({_TICKET_COLS}) SELECT {_TICKET_COLS} FROM tickets_in
ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, called_at = EXCLUDED.called_at,
    finished_at = EXCLUDED.finished_at, counter = EXCLUDED.counter, outcome = EXCLUDED.outcome,
    original_outcome = EXCLUDED.original_outcome, recalls = EXCLUDED.recalls,
    transfers = EXCLUDED.transfers, rating = EXCLUDED.rating
WHERE tickets.post_id = EXCLUDED.post_id
"""


def _write_tickets(conn: psycopg.Connection[Any], post: str, ap: _Applied) -> int:
    """Ticket rows by COPY: the ones the city did not have straight into ``tickets`` (most
    of a catching-up post's), the ones it had into a session's staging table and one upsert
    from it. If another transaction stored one of the new tickets meanwhile (the same ticket
    from a second hub database at once), the new ones take the upsert path too."""
    if not ap.touched:
        return 0
    new: list[str] = []
    known: list[str] = []
    head = f"\t{_text(post)}\t"
    t, n = _text, _NULL
    for tid in ap.touched:  # ids, numbers and times are checked or ours; the rest escaped
        r, info = ap.rows[tid], ap.tickets[tid]
        c, f = r.called_at, r.finished_at
        (new if info.before is None else known).append(
            f"{tid}{head}{info.uplink_id}\t{info.issue_seq}\t{info.day.isoformat()}\t"
            f"{t(info.state)}\t{t(r.service)}\t{t(r.number)}\t{t(r.priority)}\t"
            f"{r.issued_at.isoformat()}\t{n if c is None else c.isoformat()}\t"
            f"{n if f is None else f.isoformat()}\t{n if r.counter is None else r.counter}\t"
            f"{t(r.outcome)}\t{t(r.original_outcome)}\t{r.recalls}\t{r.transfers}\t"
            f"{t(r.kiosk)}\t{n if r.rating is None else r.rating}\n")
    fresh = len(new)
    if new:
        try:
            with conn.transaction():  # a savepoint: a clash undoes this COPY only
                _copy(conn, f"COPY tickets ({_TICKET_COLS}) FROM STDIN", new)
        except psycopg.errors.UniqueViolation:
            known, fresh = known + new, 0
    if known:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS tickets_in (LIKE tickets) "
                     "ON COMMIT DELETE ROWS")
        _copy(conn, f"COPY tickets_in ({_TICKET_COLS}) FROM STDIN", known)
        inserted = conn.execute(_UPSERT_TICKETS + " RETURNING xmax = 0").fetchall()
        fresh += sum(1 for (i,) in inserted if i)  # (xmax 0: a row inserted, not updated)
    return fresh


_UPSERT_ROLLUP = """
INSERT INTO rollups AS r (post_id, day, service, issued, served, no_show, cancelled, open,
                          waits_priority, waits_regular, service_s_sum, service_s_count, ratings)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %b, %b, %s, %s, %b)
ON CONFLICT (post_id, day, service) DO UPDATE SET
    issued = r.issued + EXCLUDED.issued, served = r.served + EXCLUDED.served,
    no_show = r.no_show + EXCLUDED.no_show, cancelled = r.cancelled + EXCLUDED.cancelled,
    open = r.open + EXCLUDED.open,
    waits_priority = r.waits_priority || EXCLUDED.waits_priority,
    waits_regular = r.waits_regular || EXCLUDED.waits_regular,
    service_s_sum = r.service_s_sum + EXCLUDED.service_s_sum,
    service_s_count = r.service_s_count + EXCLUDED.service_s_count,
    ratings = ARRAY[r.ratings[1] + EXCLUDED.ratings[1], r.ratings[2] + EXCLUDED.ratings[2],
                    r.ratings[3] + EXCLUDED.ratings[3], r.ratings[4] + EXCLUDED.ratings[4]]
"""


def _write_rollups(conn: psycopg.Connection[Any], post: str, ap: _Applied) -> None:
    deltas: dict[tuple[date, str], Tally] = defaultdict(Tally)
    for tid in ap.touched:
        info, row = ap.tickets[tid], ap.rows[tid].finish()
        deltas[(info.day, row.service)].change(info.before, row)
    params = [(post, day, service, t.issued, t.served, t.no_show, t.cancelled, t.open,
               t.waits_priority, t.waits_regular, t.service_s_sum, t.service_s_count, t.ratings)
              for (day, service), t in sorted(deltas.items())]  # one lock order: no deadlock
    if params:
        with conn.cursor() as cur:
            cur.executemany(_UPSERT_ROLLUP, params)


def _write_counts(conn: psycopg.Connection[Any], post: str, ap: _Applied) -> None:
    params = [(post, day, kind, key, n) for (day, kind, key), n in sorted(ap.counts.items())]
    if params:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO day_counts AS c (post_id, day, kind, key, n) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (post_id, day, kind, key) "
                "DO UPDATE SET n = c.n + EXCLUDED.n", params)


def _write_alerts(conn: psycopg.Connection[Any], post: str, ap: _Applied) -> None:
    """Open surge alerts: a service's last ``queue.alert`` says whether one stands."""
    for service, a in sorted(ap.alerts.items()):
        if a.get("level") == "surge":
            conn.execute(
                "INSERT INTO alerts (post_id, service, raised_at, oldest_wait_s, limit_s) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (post_id, service) DO UPDATE SET "
                "raised_at = EXCLUDED.raised_at, oldest_wait_s = EXCLUDED.oldest_wait_s, "
                "limit_s = EXCLUDED.limit_s",
                (post, service, a["at"], _int(a.get("oldest_wait_s")), _int(a.get("limit_s"))))
        else:
            conn.execute("DELETE FROM alerts WHERE post_id = %s AND service = %s",
                         (post, service))


_SUMS = ", ".join(f"sum(scores[{i}])::int" for i in range(1, len(ELEMENT_IDS) + 1))
_ADD = ", ".join(f"s.sums[{i}] + EXCLUDED.sums[{i}]" for i in range(1, len(ELEMENT_IDS) + 1))
#: One statement a batch: the surveys the city did not have (one a ticket: a hub database
#: restored from a backup sends its log again as a new instance) and, from exactly those,
#: the post-days' totals.
_WRITE_SURVEYS = f"""
WITH new AS (
    INSERT INTO skm_answers (ticket_id, post_id, day, uplink_id, seq, scores)
    SELECT r.ticket_id, %(post)s, r.day, %(uplink)s, r.seq, r.scores
    FROM jsonb_to_recordset(%(rows)s::jsonb)
         AS r(ticket_id uuid, day date, seq bigint, scores smallint[])
    ORDER BY r.ticket_id  -- one lock order: two hub databases of a post never deadlock
    ON CONFLICT (ticket_id) DO NOTHING
    RETURNING day, scores)
INSERT INTO skm_rollups AS s (post_id, day, n, sums)
SELECT %(post)s, day, count(*), ARRAY[{_SUMS}] FROM new GROUP BY day ORDER BY day
ON CONFLICT (post_id, day) DO UPDATE SET n = s.n + EXCLUDED.n, sums = ARRAY[{_ADD}]
"""


def _write_surveys(conn: psycopg.Connection[Any], post: str, uplink_id: int,
                   ap: _Applied) -> None:
    if ap.surveys:
        rows = [{"ticket_id": t, "day": d, "seq": s, "scores": sc} for t, d, s, sc in ap.surveys]
        conn.execute(_WRITE_SURVEYS, {"post": post, "uplink": uplink_id,
                                      "rows": msgspec.json.encode(rows).decode()})


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**31 else None


def _bump_summaries(conn: psycopg.Connection[Any], post: str, days: set[date]) -> None:
    """Mark the cached figures of these days stale (the post's and the whole city's)."""
    keys = sorted({(scope, d) for d in days for scope in ("", post)})
    if keys:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO summaries AS s (scope, day) VALUES (%s, %s) "
                "ON CONFLICT (scope, day) DO UPDATE SET version = s.version + 1", keys)
