"""``GET /city/v1/posts``: every post's day so far and how lately it was heard from; and
a post's wait-time log (``/log``) from the city's ticket rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from antrean.config import PostConfig, ServiceConfig
from antrean.config import PostInfo as PostIdentity
from antrean.daylog import LogRow

from .config import CityConfig
from .figures import PostInfo, load_posts
from .ingest import TICKET_COLUMNS, row_from_db

__all__ = ["posts_overview", "log_rows", "post_config"]


def _today(p: PostInfo, now: datetime) -> date:
    try:
        return now.astimezone(ZoneInfo(p.timezone)).date()
    except Exception:  # a hub's unknown zone name: the city's own day is a fair stand-in
        return now.date()


def posts_overview(conn: psycopg.Connection[Any], cfg: CityConfig, now: datetime, *,
                   public: bool = False) -> list[dict[str, Any]]:
    """Each post: place, last heard from, today's figures, waiting, open surge alerts.

    A post not heard from for ``silent_after_min`` is marked ``silent`` (never hidden); a
    post only listed in the config and never heard from has ``last_heard_at: null``.
    """
    posts = load_posts(conn, cfg)
    today = {pid: _today(p, now) for pid, p in posts.items()}
    days = sorted(set(today.values()))
    links: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in conn.execute("SELECT post_id, instance::text, acked_seq, last_heard_at, "
                            "last_event_at, last_via FROM uplinks ORDER BY last_heard_at"):
        links[row[0]].append(row[1:])
    sums = {(p, d): (i, s, n) for p, d, i, s, n in conn.execute(
        "SELECT post_id, day, sum(issued), sum(served), sum(no_show) FROM rollups "
        "WHERE day = ANY(%s) GROUP BY post_id, day", (days,))}
    waiting = {(p, d): (n, oldest) for p, d, n, oldest in conn.execute(
        "SELECT post_id, day, count(*), min(issued_at) FROM tickets WHERE state = 'waiting' "
        "AND day = ANY(%s) GROUP BY post_id, day", (days,))}
    alerts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pid, service, raised, oldest_s, limit_s in conn.execute(
            "SELECT post_id, service, raised_at, oldest_wait_s, limit_s FROM alerts "
            "ORDER BY raised_at"):
        p = posts.get(pid)
        if p is not None and _today(p, raised) == today[pid]:  # yesterday's surge is over
            names = {s.id: s.name for s in p.services}
            alerts[pid].append({"service": service, "service_name": names.get(service, service),
                                "raised_at": raised.isoformat(), "oldest_wait_s": oldest_s,
                                "limit_s": limit_s})
    silent_s = cfg.city.silent_after_min * 60
    out = []
    for pid, p in sorted(posts.items(), key=lambda kv: (kv[1].name, kv[0])):
        d = today[pid]
        issued, served, no_show = sums.get((pid, d), (0, 0, 0))
        n_wait, oldest = waiting.get((pid, d), (0, None))
        mine = links.get(pid, [])
        last = mine[-1] if mine else None
        heard = last[2] if last else None
        quiet = int((now - heard).total_seconds()) if heard else None
        entry: dict[str, Any] = {
            "post": pid, "name": p.name, "place": p.place, "timezone": p.timezone,
            "last_heard_at": heard.isoformat() if heard else None,
            "last_event_at": last[3].isoformat() if last and last[3] else None,
            "silent_s": quiet, "silent": quiet is None or quiet > silent_s,
            "today": {"date": d.isoformat(), "issued": int(issued), "served": int(served),
                      "no_show": int(no_show), "waiting": int(n_wait),
                      "oldest_wait_s": int((now - oldest).total_seconds()) if oldest else None},
            "alerts": alerts.get(pid, []),
        }
        if not public:
            entry.update({"hub_name": p.hub_name, "instance": last[0] if last else None,
                          "last_seq": last[1] if last else None,
                          "via": last[4] if last else None, "instances": len(mine)})
        out.append(entry)
    return out


def log_rows(conn: psycopg.Connection[Any], post: str, day: date) -> list[LogRow]:
    """The post's wait-time log rows of ``day``, in the order the hub issued them."""
    cols = ", ".join(TICKET_COLUMNS)
    cur = conn.execute(f"SELECT id::text, {cols} FROM tickets WHERE post_id = %s AND day = %s "
                       "ORDER BY uplink_id, issue_seq", (post, day))
    return [row_from_db(tid, rest).finish() for tid, *rest in cur]


def post_config(p: PostInfo, rows: list[LogRow]) -> PostConfig:
    """A post config good enough for the post's own export code: its id, name, zone and
    services (as its hub described them, else as its tickets name them)."""
    services = [ServiceConfig(id=s.id, letter=s.letter, name=s.name, name_en=s.name_en)
                for s in p.services]
    if not services:
        seen: dict[str, str] = {}
        for r in rows:
            seen.setdefault(r.service, r.number[:1])
        letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        used: set[str] = set()
        for sid, letter in sorted(seen.items()):
            if letter in used or not letter.isupper():
                letter = next(x for x in letters if x not in used)
            used.add(letter)
            services.append(ServiceConfig(id=sid, letter=letter, name=sid))
    if not services:
        services = [ServiceConfig(id="layanan", letter="A", name="Layanan")]
    tz = p.timezone
    try:
        ZoneInfo(tz)
    except Exception:
        tz = "Asia/Jakarta"
    return PostConfig(post=PostIdentity(id=p.id, name=p.name[:80] or p.id, timezone=tz),
                      services=services)
