"""Duplicate recipients across posts, at the city (DESIGN "Duplicate recipients").

- Each programme's HMAC key is made here at random the first time a post asks for it and
  sent down to every post (``GET /beneficiaries``), so one NIK hashes alike everywhere.
- Each post's ``beneficiary.recorded`` events become ``beneficiary_records`` rows in the
  ingest's own transaction (:func:`index_events`); a ``beneficiary.purged`` event removes
  that post's rows of the programme and the hash from the city's copy of its events.
- The downlink: the programme's "given" hashes of the other posts since a cursor (the rows'
  id), so a post checks offline against what it last received.
- Officers see the hashes given more than once (posts that gave while cut off); anyone
  sees the counts only.
"""

# No "from __future__ import annotations": FastAPI must see the Depends() built in
# build_router (a closure) when it reads the route signatures.

import re
import secrets
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from .auth import Principal
from .wire import WireEvent

__all__ = ["index_events", "programme_key", "downlink", "flagged", "counts", "build_router",
           "DOWNLINK_MAX"]

#: Most rows in one downlink answer (each ~90 bytes of JSON).
DOWNLINK_MAX = 20_000
_HASH = re.compile(r"^[0-9a-f]{64}$")
Programme = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


def index_events(conn: psycopg.Connection[Any], post: str, uplink_id: int,
                 new: Sequence[WireEvent]) -> None:
    """Keep the keyed hashes of a batch's new events (inside the ingest's transaction)."""
    rows = []
    for e in new:
        if e.type == "beneficiary.recorded":
            d = e.data
            if not (isinstance(d.get("hash"), str) and _HASH.match(d["hash"])
                    and d.get("outcome") in ("given", "refused")
                    and isinstance(d.get("programme"), str)):
                continue  # purged at the post before it was sent, or not ours to read
            rows.append((d["programme"], d["hash"], d["outcome"], post,
                         str(d.get("post_name") or post), _day(d.get("day"), e.at),
                         e.counter, d.get("number"), e.at, uplink_id, e.seq))
        elif e.type == "beneficiary.purged":
            _purge_post(conn, post, str(e.data.get("programme", "")))
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO beneficiary_records (programme, hash, outcome, post_id, post_name, "
                "day, counter, number, at, uplink_id, seq) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (uplink_id, seq) DO NOTHING", rows)


def _day(day: Any, at: datetime) -> date:
    try:
        return date.fromisoformat(str(day))
    except ValueError:
        return at.date()  # the post's day: the date of its local time


def _purge_post(conn: psycopg.Connection[Any], post: str, programme: str) -> None:
    """The post purged a programme: so does the city, for that post's hashes."""
    conn.execute("DELETE FROM beneficiary_records WHERE post_id = %s AND programme = %s",
                 (post, programme))
    conn.execute(
        "UPDATE events SET data = ((data::jsonb - 'hash') || '{\"purged\": true}')::json "
        "WHERE uplink_id IN (SELECT id FROM uplinks WHERE post_id = %s) "
        "AND type = 'beneficiary.recorded' AND data->>'programme' = %s "
        "AND data->>'hash' IS NOT NULL", (post, programme))


def programme_key(conn: psycopg.Connection[Any], programme: str) -> bytes:
    """The programme's key, made now (32 random bytes) if no post asked before."""
    conn.execute("INSERT INTO beneficiary_programmes (programme, key) VALUES (%s, %s) "
                 "ON CONFLICT (programme) DO NOTHING", (programme, secrets.token_bytes(32)))
    row = conn.execute("SELECT key FROM beneficiary_programmes WHERE programme = %s",
                       (programme,)).fetchone()
    return bytes(row[0])  # type: ignore[index]


def downlink(conn: psycopg.Connection[Any], programme: str, post: str, after: int,
             limit: int = DOWNLINK_MAX) -> dict[str, Any]:
    """What a post needs to check offline: the key, and the other posts' "given" hashes
    recorded since ``after`` as ``[hash, day, post, counter]``, with the posts' names."""
    key = programme_key(conn, programme)
    rows = conn.execute(
        "SELECT id, hash, day, post_id, post_name, counter FROM beneficiary_records "
        "WHERE programme = %s AND id > %s AND outcome = 'given' AND post_id <> %s "
        "ORDER BY id LIMIT %s", (programme, after, post, limit)).fetchall()
    posts = {r[3]: r[4] for r in rows}
    return {"programme": programme, "key": key.hex(),
            "cursor": rows[-1][0] if rows else after, "more": len(rows) == limit,
            "posts": posts,
            "hashes": [[r[1], r[2].isoformat(), r[3], r[5]] for r in rows]}


def flagged(conn: psycopg.Connection[Any], programme: str) -> list[dict[str, Any]]:
    """Each hash given more than once (at two posts while cut off, or twice at one), with
    where and when: for officers to follow up. The hash is shortened: it names no one."""
    rows = conn.execute(
        "SELECT hash, post_id, post_name, day, counter, number FROM beneficiary_records "
        "WHERE programme = %s AND outcome = 'given' AND hash IN (SELECT hash FROM "
        "beneficiary_records WHERE programme = %s AND outcome = 'given' GROUP BY hash "
        "HAVING count(*) > 1) ORDER BY hash, day, at", (programme, programme)).fetchall()
    out: dict[str, list[dict[str, Any]]] = {}
    for h, post, name, day, counter, number in rows:
        out.setdefault(h, []).append({"post": post, "post_name": name, "day": day.isoformat(),
                                      "counter": counter, "number": number})
    return [{"hash": h[:12], "posts": len({g["post"] for g in given}), "given": given}
            for h, given in out.items()]


def counts(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Per programme: given, and refused as already received (any screen may show these)."""
    rows = conn.execute("SELECT programme, outcome, count(*) FROM beneficiary_records "
                        "GROUP BY programme, outcome ORDER BY programme").fetchall()
    out: dict[str, dict[str, Any]] = {}
    for programme, outcome, n in rows:
        out.setdefault(programme, {"programme": programme, "given": 0, "refused": 0})[outcome] = n
    return list(out.values())


def build_router(post_token: Any, officer: Any) -> APIRouter:
    r = APIRouter()

    def db(request: Request, fn: Any, *args: Any) -> Any:
        with request.app.state.pool.connection() as conn:
            return fn(conn, *args)

    @r.get("/beneficiaries")
    async def down(request: Request, programme: Programme,
                   who: Annotated[Principal, Depends(post_token)],
                   after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                   limit: Annotated[int, Query(ge=1, le=DOWNLINK_MAX)] = DOWNLINK_MAX,
                   ) -> dict[str, Any]:
        """The downlink of a post (its token): the programme's key and the other posts'
        hashes since ``after`` (resume from the answer's ``cursor`` while ``more``)."""
        return await run_in_threadpool(db, request, downlink, programme, who.post_id, after,
                                       limit)

    @r.get("/beneficiaries/flagged", dependencies=[Depends(officer)])
    async def flagged_(request: Request, programme: Programme) -> dict[str, Any]:
        """Recipients given the programme more than once, for follow-up (officers only)."""
        return {"programme": programme,
                "flagged": await run_in_threadpool(db, request, flagged, programme)}

    @r.get("/beneficiaries/stats", dependencies=[Depends(officer)])
    @r.get("/public/beneficiaries/stats")
    async def stats(request: Request) -> dict[str, Any]:
        """Counts only: given and refused as already received, per programme."""
        return {"programmes": await run_in_threadpool(db, request, counts)}

    return r
