"""The ``reserved_numbers`` table: an index of the log's reserve events, written with them.

Every ``reserve.granted``, ``reserve.released`` and reserved ``ticket.issued`` event is
mirrored here by the same transaction that appends it (:func:`index_event`), so the numbers
a kiosk holds are known to the database itself: a grant is checked to lie past the day's
tickets and reserves on disk (:data:`NEXT_SEQ_SQL`; the queue in memory numbers new tickets
past the grants), a number is used once at most, and ``antrean export`` lists a
day's unused ones with the hub stopped. Raw SQL on the driver connection, like the ticket
insert it sits beside.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from .model import Event, EventType

__all__ = ["NEXT_SEQ_SQL", "ReserveIndexError", "index_event", "day_reserves"]

#: The next number of a service's day: past its tickets and the numbers reserved to kiosks.
#: ?1 post, ?2 day, ?3 service (numbered parameters: each is used twice).
NEXT_SEQ_SQL = (
    "SELECT max(coalesce((SELECT max(seq) FROM tickets WHERE post_id = ?1 AND day = ?2 "
    "AND service = ?3), 0), coalesce((SELECT max(seq) FROM reserved_numbers "
    "WHERE post_id = ?1 AND day = ?2 AND service = ?3), 0)) + 1"
)
_GRANT = (
    "INSERT INTO reserved_numbers (post_id, day, service, seq, number, device_id, kiosk, "
    "granted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_RELEASE = (
    "UPDATE reserved_numbers SET released_at = ? WHERE post_id = ? AND day = ? AND service = ? "
    "AND seq = ? AND device_id = ? AND ticket_id IS NULL AND released_at IS NULL"
)
_USE = (
    "UPDATE reserved_numbers SET ticket_id = ? WHERE post_id = ? AND day = ? AND service = ? "
    "AND seq = ? AND device_id = ? AND ticket_id IS NULL AND released_at IS NULL"
)


class ReserveIndexError(Exception):
    """The database disagrees with the hub's memory about a reserved number (nothing is
    written: the transaction is rolled back and the hub reloads from disk)."""


def index_event(conn: Connection, e: Event) -> None:
    """Mirror one event being appended into ``reserved_numbers`` (no-op for other events)."""
    d = e.data
    if e.type is EventType.RESERVE_GRANTED:
        key = (d["post"], d["day"], d["service"])
        nxt = int(conn.exec_driver_sql(NEXT_SEQ_SQL, key).scalar_one())
        if min(d["seqs"]) < nxt:  # memory behind disk: never hand out a number twice
            raise ReserveIndexError(f"reserve {d['numbers']} is not past {nxt - 1} in {key}")
        conn.exec_driver_sql(_GRANT, [(*key, seq, num, d["device_id"], d["kiosk"],
                                       e.at.isoformat())
                                      for seq, num in zip(d["seqs"], d["numbers"], strict=True)])
    elif e.type is EventType.RESERVE_RELEASED:
        conn.exec_driver_sql(_RELEASE, [(e.at.isoformat(), d["post"], d["day"], d["service"],
                                         seq, d["device_id"]) for seq in d["seqs"]])
    elif e.type is EventType.TICKET_ISSUED and d.get("reserved"):
        res = conn.exec_driver_sql(_USE, (e.ticket_id, d["post"], d["day"], d["service"],
                                          d["seq"], d["kiosk_id"]))
        if res.rowcount != 1:
            raise ReserveIndexError(f"{d['number']} is not an unused number of device "
                                    f"{d['kiosk_id']}")


def day_reserves(conn: Connection, day: str) -> list[dict[str, Any]]:
    """Every number reserved on ``day``, with who held it and what became of it."""
    rows = conn.exec_driver_sql(
        "SELECT service, seq, number, device_id, kiosk, granted_at, ticket_id, released_at "
        "FROM reserved_numbers WHERE day = ? ORDER BY substr(number, 1, 1), seq", (day,))
    return [dict(r._mapping) for r in rows]
