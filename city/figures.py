"""The city's figures, read from the roll-ups (never from the raw events).

A post's day is the sum of its per-service tallies (antrean.stats.Tally) and goes through
the post's own :func:`antrean.stats.day_figures`, so the city shows for a post exactly
what the post's ``/stats`` shows. The whole city's day is the union of all its posts'
tallies: its median and p90 are exact too (every wait is kept).

Day figures for a range (the trend) come from ``summaries``, a cache of this computation
per post and for the city, marked stale by each ingest and recomputed when read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

from antrean import skm
from antrean.stats import Tally, day_figures

from .config import CityConfig

__all__ = ["ServiceInfo", "PostInfo", "load_posts", "day_stats", "trend_json", "figures_for",
           "refresh_stale", "skm_block", "skm_totals", "CITY", "LIVE_STALE_S"]

#: The summaries scope of the whole city (a post's scope is its id).
CITY = ""
#: How old today's cached figures may be while posts keep sending (the server's refresher
#: renews them every few seconds); a past day's figures are always exact.
LIVE_STALE_S = 5.0


@dataclass(frozen=True)
class ServiceInfo:
    id: str
    letter: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class PostInfo:
    id: str
    name: str  # the city's display name (config), else the hub's own
    hub_name: str
    timezone: str
    services: tuple[ServiceInfo, ...]
    place: dict[str, Any]


def load_posts(conn: psycopg.Connection[Any], cfg: CityConfig) -> dict[str, PostInfo]:
    """Every post the city knows: reporting ones and those only listed in the config."""
    out: dict[str, PostInfo] = {}
    for pid, name, tz, services in conn.execute(
            "SELECT id, name, timezone, services FROM posts ORDER BY id"):
        out[pid] = _post_info(cfg, pid, name, tz, services)
    for p in cfg.posts:
        if p.id not in out:
            out[p.id] = _post_info(cfg, p.id, "", cfg.city.timezone, [])
    return out


def _post_info(cfg: CityConfig, pid: str, hub_name: str, tz: str, services: Any) -> PostInfo:
    place = cfg.place(pid)
    svc = tuple(ServiceInfo(s["id"], s["letter"], s["name"], s.get("name_en", ""))
                for s in (services or []))
    return PostInfo(
        id=pid, name=(place.name if place and place.name else hub_name or pid),
        hub_name=hub_name, timezone=tz or cfg.city.timezone, services=svc,
        place={"kelurahan": place.kelurahan if place else "",
               "kecamatan": place.kecamatan if place else "",
               "lat": place.lat if place else None, "lon": place.lon if place else None})


_ROLLUPS = ("SELECT post_id, day, service, issued, served, no_show, cancelled, open, "
            "waits_priority, waits_regular, service_s_sum, service_s_count, ratings "
            "FROM rollups WHERE day = ANY(%s){post}")
_COUNTS = "SELECT post_id, day, kind, key, n FROM day_counts WHERE day = ANY(%s){post}"
_SKM = "SELECT post_id, day, n, sums FROM skm_rollups WHERE day = ANY(%s){post}"

Key = tuple[str, date]  # (post, day)


def _where_post(post: str | None) -> tuple[str, tuple[Any, ...]]:
    return (" AND post_id = %s", (post,)) if post is not None else ("", ())


def tallies(conn: psycopg.Connection[Any], days: Sequence[date], post: str | None = None
            ) -> dict[Key, dict[str, Tally]]:
    """Per (post, day) the tallies of its services, straight from the roll-ups."""
    where, extra = _where_post(post)
    out: dict[Key, dict[str, Tally]] = defaultdict(dict)
    # binary: a day's waits are tens of thousands of ints, decoded much faster than as text
    for (pid, day, service, issued, served, no_show, cancelled, open_, wp, wr, ss, sc,
         ratings) in conn.execute(_ROLLUPS.format(post=where), (list(days), *extra),
                                  binary=True):
        out[(pid, day)][service] = Tally(issued, served, no_show, cancelled, open_, wp, wr,
                                        ss, sc, list(ratings))
    return out


def counts(conn: psycopg.Connection[Any], days: Sequence[date], post: str | None = None
           ) -> dict[Key, dict[str, dict[str, int]]]:
    """Per (post, day): complaints by category, corrections, surge alerts by service."""
    where, extra = _where_post(post)
    out: dict[Key, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for pid, day, kind, key, n in conn.execute(_COUNTS.format(post=where),
                                               (list(days), *extra)):
        out[(pid, day)][kind][key] = n
    return out


Totals = tuple[int, list[int]]  # SKM respondents, each element's total (ELEMENT_IDS order)


def skm_totals(conn: psycopg.Connection[Any], days: Sequence[date], post: str | None = None
               ) -> dict[Key, Totals]:
    """Per (post, day) the SKM survey's respondents and element totals."""
    where, extra = _where_post(post)
    return {(pid, day): (n, list(sums)) for pid, day, n, sums in
            conn.execute(_SKM.format(post=where), (list(days), *extra))}


def add_totals(items: Iterable[Totals]) -> Totals:
    """Totals of several posts or days together: the IKM of all their respondents (not a
    mean of their IKM, which would weigh a post of 3 respondents like one of 300)."""
    n, sums = 0, [0] * len(skm.ELEMENT_IDS)
    for k, s in items:
        n += k
        sums = [a + b for a, b in zip(sums, s, strict=True)]
    return n, sums


def skm_block(totals: Totals, served: int) -> dict[str, Any]:
    """``skm``: the post's own ``/stats`` block (antrean.skm.summary_from_totals, the hub's
    code) with the performance in words, ``None`` with no respondents; ``skm_sample``:
    respondents against the regulation's minimum for the residents served."""
    n, sums = totals
    s = skm.summary_from_totals(n, sums)
    if s is not None:
        s = {**s, "kinerja": skm.kinerja(s["ikm"]), "kinerja_en": skm.kinerja(s["ikm"], "en")}
    return {"skm": s, "skm_sample": {"respondents": n, "served": served,
                                     "minimum": skm.min_sample(served)}}


def _extras(c: dict[str, dict[str, int]] | None) -> dict[str, Any]:
    """Complaints and corrections, shaped as in the post's own ``/stats``."""
    c = c or {}
    cats = dict(c.get("complaint", {}))
    return {"complaints": {"count": sum(cats.values()), "by_category": cats},
            "corrections": {"count": sum(c.get("correction", {}).values())},
            "alerts": {"count": sum(c.get("alert", {}).values())}}


def _services(posts: Iterable[PostInfo], seen: Iterable[str]) -> list[ServiceInfo]:
    """The services of these posts by id (first post's name), then any only seen in data."""
    out: dict[str, ServiceInfo] = {}
    for p in posts:
        for s in p.services:
            out.setdefault(s.id, s)
    for sid in sorted(seen):
        out.setdefault(sid, ServiceInfo(sid, "?", sid))
    return list(out.values())


def figures_for(by_service: dict[str, Tally], services: Sequence[ServiceInfo],
                c: dict[str, dict[str, int]] | None, cost: int | None,
                survey: Totals | None = None) -> dict[str, Any]:
    """One post's (or the whole city's) day: the post's own figures plus flat headline
    fields (DESIGN.md), the SKM survey's IKM and the day's cost (``None``: not configured)
    per resident served."""
    f = day_figures(by_service, services)
    return {
        "issued": f["issued"], "served": f["served"], "no_show": f["no_show"],
        "wait_avg_s": f["wait"]["avg_s"], "wait_median_s": f["wait"]["median_s"],
        "wait_p90_s": f["wait"]["p90_s"], **f, **_extras(c),
        **skm_block(survey or (0, []), f["served"]),
        "cost": None if cost is None else {
            "total": cost, "per_served": round(cost / f["served"]) if f["served"] else None},
    }


def _cost(cfg: CityConfig, active: Iterable[str]) -> int | None:
    """What the posts that issued tickets that day cost (a post-day each); ``None`` when no
    cost is configured for any of them."""
    known = [c for c in (cfg.cost_per_day(pid) for pid in active) if c is not None]
    return sum(known) if known else None


def _merge_counts(items: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for c in items:
        for kind, keys in c.items():
            for k, n in keys.items():
                out[kind][k] = out[kind].get(k, 0) + n
    return out


def _city_figures(cfg: CityConfig, posts: dict[str, PostInfo],
                  day_tallies: dict[str, dict[str, Tally]],
                  day_counts: dict[str, dict[str, dict[str, int]]],
                  day_skm: dict[str, Totals] | None = None) -> dict[str, Any]:
    """The whole city's day from its posts' tallies ({post: {service: Tally}}), counts and
    SKM totals ({post: totals})."""
    day_skm = day_skm or {}
    merged: dict[str, Tally] = defaultdict(Tally)
    for by_service in day_tallies.values():
        for sid, t in by_service.items():
            merged[sid].merge(t)
    active = [pid for pid, bs in day_tallies.items() if sum(t.issued for t in bs.values())]
    reporting = [posts[p] for p in day_tallies if p in posts]
    f = figures_for(dict(merged), _services(reporting, merged), _merge_counts(day_counts.values()),
                    _cost(cfg, active), add_totals(day_skm.values()))
    return {**f, "posts_reporting": len(set(day_tallies) | set(day_counts) | set(day_skm)),
            "posts_active": len(active)}


def day_stats(conn: psycopg.Connection[Any], cfg: CityConfig, day: date,
              post: str | None = None, *, max_age_s: float = 0.0) -> dict[str, Any]:
    """``GET /city/v1/stats``: each post's figures for the day and the city's totals (with
    ``post``: that post alone, and ``city`` is its figures). Read from the day summaries,
    recomputed first where an ingest made them stale (``max_age_s``: unless computed that
    recently — for today, while posts keep sending)."""
    refresh_stale(conn, cfg, limit=10_000, scope=post, days=[day], max_age_s=max_age_s)
    q = "SELECT scope, summary FROM summaries WHERE day = %s AND summary IS NOT NULL"
    rows = conn.execute(q + (" AND scope = %s" if post else ""),
                        (day, post) if post else (day,)).fetchall()
    by_scope = dict(rows)
    posts = load_posts(conn, cfg)
    entries = []
    for pid in sorted((s for s in by_scope if s != CITY), key=lambda p: (_name(posts, p), p)):
        info = posts.get(pid)
        f = {k: v for k, v in by_scope[pid].items()
             if k not in ("posts_reporting", "posts_active")}
        entries.append({"post": pid, "name": _name(posts, pid),
                        "place": info.place if info else None, **f})
    city = by_scope.get(post if post else CITY) or _city_figures(cfg, posts, {}, {})
    return {"date": day.isoformat(), "posts": entries, "city": city}


def _name(posts: dict[str, PostInfo], pid: str) -> str:
    info = posts.get(pid)
    return info.name if info else pid


# ----- the trend: cached day summaries -----------------------------------------------------

def _compute(conn: psycopg.Connection[Any], cfg: CityConfig, posts: dict[str, PostInfo],
             scope: str, days: Sequence[date]) -> dict[date, dict[str, Any]]:
    post = None if scope == CITY else scope
    tl, ct = tallies(conn, days, post), counts(conn, days, post)
    sk = skm_totals(conn, days, post)
    out = {}
    for day in days:
        day_t = {pid: bs for (pid, d), bs in tl.items() if d == day}
        day_c = {pid: c for (pid, d), c in ct.items() if d == day}
        day_s = {pid: t for (pid, d), t in sk.items() if d == day}
        out[day] = _city_figures(cfg, posts, day_t, day_c, day_s)
    return out


def refresh_stale(conn: psycopg.Connection[Any], cfg: CityConfig, *, limit: int = 100,
                  scope: str | None = None, days: Sequence[date] | None = None,
                  max_age_s: float = 0.0) -> int:
    """Recompute stale summaries (all, or of one scope and days); returns how many. With
    ``max_age_s``, a stale summary computed less than that long ago is left as it is."""
    q = "SELECT scope, day, version FROM summaries WHERE computed_version < version"
    args: list[Any] = []
    if max_age_s > 0:
        q += " AND (summary IS NULL OR computed_at < now() - make_interval(secs => %s))"
        args.append(max_age_s)
    if scope is not None:
        q += " AND scope = %s"
        args.append(scope)
    if days is not None:
        q += " AND day = ANY(%s)"
        args.append(list(days))
    stale = conn.execute(q + " ORDER BY day LIMIT %s", (*args, limit)).fetchall()
    if not stale:
        return 0
    posts = load_posts(conn, cfg)
    by_scope: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for sc, day, version in stale:
        by_scope[sc].append((day, version))
    for sc, items in by_scope.items():
        computed = _compute(conn, cfg, posts, sc, [d for d, _v in items])
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE summaries SET summary = %s, computed_version = %s, computed_at = now() "
                "WHERE scope = %s AND day = %s AND computed_version < %s",
                [(json.dumps(computed[d]), v, sc, d, v) for d, v in items])
    conn.commit()
    return len(stale)


#: The public trend: complaints as a count only (the categories stay with the officers).
_PUBLIC_SUMMARY = ("(summary || jsonb_build_object('complaints', jsonb_build_object("
                   "'count', summary->'complaints'->'count')))::text")


def trend_json(conn: psycopg.Connection[Any], cfg: CityConfig, frm: date, to: date,
               post: str | None = None, *, public: bool = False,
               today: date | None = None) -> bytes:
    """``GET /city/v1/trend`` as JSON text: ``{"from", "to", "post", "days": [{"date", …
    the day's figures}]}``, oldest first. The cached summaries' JSON is passed through as
    PostgreSQL renders it (a year is 300 of them: decoding and encoding them again here
    would cost more than the rest of the request)."""
    scope = CITY if post is None else post
    # One pass: every past day stale when asked is recomputed (a day an ingest touches
    # meanwhile is a second fresher in the next answer); today may be LIVE_STALE_S old.
    days = _days(frm, to)
    refresh_stale(conn, cfg, limit=len(days), scope=scope, days=[d for d in days if d != today])
    if today in days:
        refresh_stale(conn, cfg, limit=1, scope=scope, days=[today], max_age_s=LIVE_STALE_S)
    col = _PUBLIC_SUMMARY if public else "summary::text"
    rows = conn.execute(f"SELECT day, {col} FROM summaries WHERE scope = %s AND day >= %s "
                        "AND day <= %s AND summary IS NOT NULL ORDER BY day",
                        (scope, frm, to)).fetchall()
    head = json.dumps({"from": frm.isoformat(), "to": to.isoformat(), "post": post})[:-1]
    listed = ",".join(f'{{"date":"{d.isoformat()}",{text[1:]}' for d, text in rows)
    return f'{head},"days":[{listed}]}}'.encode()


def _days(frm: date, to: date) -> list[date]:
    from datetime import timedelta

    return [frm + timedelta(days=i) for i in range((to - frm).days + 1)]
