"""``GET /city/v1/report``: a period's figures ("Laporan keluaran"), per post, per service,
per post and service, and for the whole city, read from the daily roll-ups.

Counts, service times and ratings are summed in PostgreSQL; the waits' median and p90 are
computed there too (``percentile_cont(0.5)`` is the post's median, ``percentile_disc(0.9)``
its nearest-rank p90 — :func:`antrean.stats.wait_summary`), so a year of a city's waits is
never pulled into this process. The rest of a figure (outcomes, satisfaction, service time)
goes through the post's own :class:`antrean.stats.Tally`: a one-day report shows for each
post exactly what that post's ``/stats`` shows (tested).

Cost per resident served ("biaya per warga terlayani"): each post-day on which the post
issued a ticket costs the post's configured daily cost; the period's cost over its
residents served.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import psycopg

from antrean.stats import Tally

from .config import CityConfig
from .figures import PostInfo, ServiceInfo, _services, load_posts

__all__ = ["period_report", "Report"]

#: Grouping set → key: which of (post, service, priority) a row of the waits query is for.
_WAITS = """
SELECT post_id, service, prio, GROUPING(post_id, service, prio),
       count(*), sum(w), percentile_cont(0.5) WITHIN GROUP (ORDER BY w),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY w), max(w)
FROM (SELECT post_id, service, true AS prio, unnest(waits_priority) AS w
        FROM rollups WHERE day BETWEEN %(frm)s AND %(to)s {post}
      UNION ALL
      SELECT post_id, service, false AS prio, unnest(waits_regular) AS w
        FROM rollups WHERE day BETWEEN %(frm)s AND %(to)s {post}) AS x
GROUP BY GROUPING SETS ((post_id, service), (post_id), (post_id, prio), (service), (prio), ())
"""

_SUMS = """
SELECT post_id, service, GROUPING(post_id, service),
       sum(issued), sum(served), sum(no_show), sum(cancelled), sum(open),
       sum(service_s_sum), sum(service_s_count),
       sum(ratings[1]), sum(ratings[2]), sum(ratings[3]), sum(ratings[4]),
       count(DISTINCT day) FILTER (WHERE issued > 0)
FROM rollups WHERE day BETWEEN %(frm)s AND %(to)s {post}
GROUP BY GROUPING SETS ((post_id, service), (post_id), (service), ())
"""

_COUNTS = """
SELECT post_id, kind, key, sum(n) FROM day_counts
WHERE day BETWEEN %(frm)s AND %(to)s {post} GROUP BY post_id, kind, key
"""

_DAYS = "SELECT count(DISTINCT day) FROM rollups WHERE day BETWEEN %(frm)s AND %(to)s {post}"

# GROUPING() bits: 1 for each grouped-away column, the first column the highest bit.
_POST_SERVICE, _POST, _SERVICE, _ALL = 0b00, 0b01, 0b10, 0b11


def _wait(count: int, total: int, median: float, p90: int, top: int) -> dict[str, Any]:
    """The shape (and rounding) of :func:`antrean.stats.wait_summary`."""
    return {"count": int(count), "avg_s": round(int(total) / int(count), 1),
            "median_s": float(median), "p90_s": float(p90), "max_s": float(top)}


_NO_WAIT: dict[str, Any] = {"count": 0, "avg_s": None, "median_s": None, "p90_s": None,
                            "max_s": None}


@dataclass
class _Figures:
    """One scope's sums (a post, a service, a post's service, or the city)."""

    tally: Tally = field(default_factory=Tally)
    post_days: int = 0
    wait: dict[str, Any] = field(default_factory=lambda: dict(_NO_WAIT))
    wait_priority: dict[str, Any] = field(default_factory=lambda: dict(_NO_WAIT))
    wait_regular: dict[str, Any] = field(default_factory=lambda: dict(_NO_WAIT))

    def body(self) -> dict[str, Any]:
        t = self.tally
        return {**t.outcomes(), "wait_avg_s": self.wait["avg_s"],
                "wait_median_s": self.wait["median_s"], "wait_p90_s": self.wait["p90_s"],
                "wait": self.wait, "wait_priority": self.wait_priority,
                "wait_regular": self.wait_regular, "service_avg_s": t.service_avg_s(),
                "satisfaction": t.satisfaction()}


@dataclass
class Report:
    """What the queries found, by scope: (post, service), post, service, and the city."""

    post_service: dict[tuple[str, str], _Figures] = field(
        default_factory=lambda: defaultdict(_Figures))
    post: dict[str, _Figures] = field(default_factory=lambda: defaultdict(_Figures))
    service: dict[str, _Figures] = field(default_factory=lambda: defaultdict(_Figures))
    city: _Figures = field(default_factory=_Figures)
    counts: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    days: int = 0

    def scope(self, g: int, post: str | None, service: str | None) -> _Figures:
        if g == _POST_SERVICE:
            return self.post_service[(str(post), str(service))]
        if g == _POST:
            return self.post[str(post)]
        if g == _SERVICE:
            return self.service[str(service)]
        return self.city


def _read(conn: psycopg.Connection[Any], frm: date, to: date, post: str | None) -> Report:
    where = "AND post_id = %(post)s" if post is not None else ""
    args = {"frm": frm, "to": to, "post": post}
    rep = Report()
    for (pid, sid, g, issued, served, no_show, cancelled, open_, ss, sc, r1, r2, r3, r4,
         active) in conn.execute(_SUMS.format(post=where), args):
        if issued is None:  # the grand total of no rows at all
            continue
        f = rep.scope(g, pid, sid)
        f.tally = Tally(int(issued), int(served), int(no_show), int(cancelled), int(open_),
                        service_s_sum=int(ss), service_s_count=int(sc),
                        ratings=[int(r1), int(r2), int(r3), int(r4)])
        f.post_days = int(active)
    for pid, sid, prio, g, *w in conn.execute(_WAITS.format(post=where), args):
        if not w[0]:
            continue
        overall, g = g & 1, g >> 1  # GROUPING(post, service, prio): prio grouped away → all
        f = rep.scope(g, pid, sid)
        if overall:
            f.wait = _wait(*w)
        else:
            setattr(f, "wait_priority" if prio else "wait_regular", _wait(*w))
    for pid, kind, key, n in conn.execute(_COUNTS.format(post=where), args):
        rep.counts[pid][kind][key] = int(n)
    row = conn.execute(_DAYS.format(post=where), args).fetchone()
    rep.days = int(row[0]) if row else 0
    return rep


def _extras(c: dict[str, dict[str, int]] | None, public: bool) -> dict[str, Any]:
    c = c or {}
    cats = dict(sorted(c.get("complaint", {}).items()))
    complaints: dict[str, Any] = {"count": sum(cats.values())}
    if not public:
        complaints["by_category"] = cats
    return {"complaints": complaints,
            "corrections": {"count": sum(c.get("correction", {}).values())},
            "alerts": {"count": sum(c.get("alert", {}).values())}}


def _cost(total: int | None, served: int, post_days: int) -> dict[str, Any] | None:
    if total is None:
        return None
    return {"total": total, "post_days": post_days,
            "per_served": round(total / served) if served else None}


def _service_rows(info: PostInfo | None, rep: Report, pid: str | None,
                  services: list[ServiceInfo]) -> list[dict[str, Any]]:
    out = []
    for s in services:
        f = rep.post_service.get((pid, s.id)) if pid else rep.service.get(s.id)
        b = (f or _Figures()).body()
        out.append({"id": s.id, "letter": s.letter, "name": s.name, "name_en": s.name_en,
                    **{k: b[k] for k in ("issued", "served", "no_show", "cancelled", "open",
                                         "wait", "service_avg_s")}})
    return out


def period_report(conn: psycopg.Connection[Any], cfg: CityConfig, frm: date, to: date,
                  post: str | None = None, *, public: bool = False,
                  now: datetime | None = None) -> dict[str, Any]:
    """The period's figures: ``posts`` (each with its ``services``), ``services`` and
    ``city`` (with ``post_days``, ``posts_active`` and ``cost``). Only posts with any
    figure in the period are listed, by name; ``public`` drops complaint categories."""
    posts = load_posts(conn, cfg)
    rep = _read(conn, frm, to, post)
    pids = sorted(set(rep.post) | set(rep.counts),
                  key=lambda p: (posts[p].name if p in posts else p, p))
    entries = []
    city_cost: list[int] = []
    for pid in pids:
        info = posts.get(pid)
        f = rep.post.get(pid) or _Figures()
        seen = {sid for (p, sid) in rep.post_service if p == pid}
        services = _services([info] if info else [], seen)
        daily = cfg.cost_per_day(pid)
        cost = None if daily is None else daily * f.post_days
        if cost is not None:
            city_cost.append(cost)
        entries.append({"post": pid, "name": info.name if info else pid,
                        "place": info.place if info else None, "post_days": f.post_days,
                        **f.body(), **_extras(rep.counts.get(pid), public),
                        "cost": _cost(cost, f.tally.served, f.post_days),
                        "services": _service_rows(info, rep, pid, services)})
    all_services = _services([posts[p] for p in pids if p in posts], set(rep.service))
    city = rep.city
    merged_counts: dict[str, dict[str, int]] = defaultdict(dict)
    for c in rep.counts.values():
        for kind, keys in c.items():
            for k, n in keys.items():
                merged_counts[kind][k] = merged_counts[kind].get(k, 0) + n
    post_days = sum(e["post_days"] for e in entries)
    costed_days = sum(e["post_days"] for e in entries if e["cost"] is not None)
    return {
        "from": frm.isoformat(), "to": to.isoformat(), "post": post,
        "city_name": cfg.city.name, "city_name_en": cfg.city.name_en,
        "currency": cfg.city.currency, "timezone": cfg.city.timezone,
        "generated_at": now.astimezone(cfg.tz).isoformat(timespec="seconds") if now else None,
        "days_reported": rep.days,
        "posts": entries,
        "services": _service_rows(None, rep, None, all_services),
        "city": {**city.body(), **_extras(merged_counts, public), "post_days": post_days,
                 "posts_active": sum(1 for e in entries if e["post_days"]),
                 "cost": _cost(sum(city_cost) if city_cost else None, city.tally.served,
                               costed_days)},
    }
