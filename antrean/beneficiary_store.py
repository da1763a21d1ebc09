"""The ``beneficiaries`` table (migration 0005): keyed NIK hashes, never a NIK.

A post's own outcomes are mirrored from its ``beneficiary.recorded`` events by the same
transaction that appends them (:func:`index_event`, like reserve_store.py); the hashes the
city sent (other posts' outcomes) are kept beside them with ``source = 'city'``, replaced
from the downlink. Raw SQL on the driver connection: the check is one indexed lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from .model import Event, EventType

__all__ = ["index_event", "find_given", "find_ticket", "add_city_rows", "purge_programme",
           "counts", "flagged", "local_hashes"]

_INSERT = (
    "INSERT INTO beneficiaries (programme, hash, outcome, day, post_id, post_name, counter, "
    "ticket_id, number, at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def index_event(conn: Connection, e: Event) -> None:
    """Mirror one event being appended into ``beneficiaries`` (no-op for other events)."""
    if e.type is not EventType.BENEFICIARY_RECORDED:
        return
    d = e.data
    conn.exec_driver_sql(_INSERT, (d["programme"], d["hash"], d["outcome"], d["day"], d["post"],
                                   d["post_name"], e.counter, e.ticket_id, d["number"],
                                   e.at.isoformat(), "local"))


def find_given(conn: Connection, programme: str, digest: str) -> dict[str, Any] | None:
    """The first time this hash was given the programme (here or, as last heard, elsewhere)."""
    row = conn.exec_driver_sql(
        "SELECT day, post_id, post_name, counter, number, source FROM beneficiaries "
        "WHERE programme = ? AND hash = ? AND outcome = 'given' ORDER BY day, at LIMIT 1",
        (programme, digest)).first()
    return dict(row._mapping) if row is not None else None


def find_ticket(conn: Connection, programme: str, ticket_id: str) -> dict[str, Any] | None:
    """What this post already recorded for a ticket in a programme (one outcome each)."""
    row = conn.exec_driver_sql(
        "SELECT hash, outcome, day, counter, number FROM beneficiaries WHERE programme = ? "
        "AND ticket_id = ? AND source = 'local'", (programme, ticket_id)).first()
    return dict(row._mapping) if row is not None else None


def add_city_rows(conn: Connection, programme: str, rows: Iterable[dict[str, Any]]) -> int:
    """Keep other posts' hashes from the downlink (each row: hash, day, post, post_name,
    counter); a row already held is not added twice."""
    params = [(programme, r["hash"], "given", r["day"], r["post"], r.get("post_name") or r["post"],
               r.get("counter"), None, None, r.get("at") or r["day"], "city") for r in rows]
    if not params:
        return 0
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS _incoming (programme, hash, outcome, day, post_id, "
        "post_name, counter, ticket_id, number, at, source)")
    conn.exec_driver_sql("DELETE FROM _incoming")
    conn.exec_driver_sql(_INSERT.replace("beneficiaries", "_incoming", 1), params)
    res = conn.exec_driver_sql(
        "INSERT INTO beneficiaries (programme, hash, outcome, day, post_id, post_name, counter, "
        "ticket_id, number, at, source) SELECT i.* FROM _incoming i WHERE NOT EXISTS ("
        "SELECT 1 FROM beneficiaries b WHERE b.programme = i.programme AND b.hash = i.hash "
        "AND b.post_id = i.post_id AND b.day = i.day AND b.source = 'city')")
    conn.exec_driver_sql("DELETE FROM _incoming")
    return int(res.rowcount or 0)


def purge_programme(conn: Connection, programme: str) -> int:
    """Remove every hash of a programme: its rows, and the hash in its log events."""
    n = conn.exec_driver_sql("DELETE FROM beneficiaries WHERE programme = ?",
                             (programme,)).rowcount
    conn.exec_driver_sql(
        "UPDATE events SET data = json_set(json_remove(data, '$.hash'), '$.purged', json('true')) "
        "WHERE type = ? AND json_extract(data, '$.programme') = ? "
        "AND json_extract(data, '$.hash') IS NOT NULL",
        (EventType.BENEFICIARY_RECORDED.value, programme))
    return int(n or 0)


def counts(conn: Connection, day: str | None = None) -> dict[str, dict[str, int]]:
    """This post's outcomes per programme (of ``day``, or all): given, refused."""
    sql = ("SELECT programme, outcome, count(*) FROM beneficiaries WHERE source = 'local'"
           + (" AND day = ?" if day else "") + " GROUP BY programme, outcome")
    out: dict[str, dict[str, int]] = {}
    for programme, outcome, n in conn.exec_driver_sql(sql, (day,) if day else ()):
        out.setdefault(programme, {"given": 0, "refused": 0})[outcome] = int(n)
    return out


def flagged(conn: Connection, programme: str) -> list[dict[str, Any]]:
    """Hashes given more than once (here, or here and elsewhere as last heard): for a lead."""
    rows = conn.exec_driver_sql(
        "SELECT hash, day, post_id, post_name, counter, number, source FROM beneficiaries "
        "WHERE programme = ? AND outcome = 'given' AND hash IN (SELECT hash FROM beneficiaries "
        "WHERE programme = ? AND outcome = 'given' GROUP BY hash HAVING count(*) > 1) "
        "ORDER BY hash, day, at", (programme, programme))
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        m = dict(r._mapping)
        out.setdefault(m.pop("hash"), []).append(m)
    return [{"hash": h[:12], "given": g} for h, g in out.items()]


def local_hashes(conn: Connection, programme: str) -> list[str]:
    """This post's own given hashes of a programme (for tests and the doctor)."""
    return [r[0] for r in conn.exec_driver_sql(
        "SELECT hash FROM beneficiaries WHERE programme = ? AND source = 'local' "
        "AND outcome = 'given' ORDER BY hash", (programme,))]
