"""``GET /city/v1/report``: a period's figures ("Laporan keluaran"), per post, per service,
per post and service, and for the whole city, read from the daily roll-ups.

Counts, service times, ratings and the waits' sums are summed in PostgreSQL; the waits'
median and p90 (``waits=full``, the default) are computed there too (``percentile_cont(0.5)`` is the post's median, ``percentile_disc(0.9)``
its nearest-rank p90 — :func:`antrean.stats.wait_summary`), so a year of a city's waits is
never pulled into this process. The rest of a figure (outcomes, satisfaction, service time)
goes through the post's own :class:`antrean.stats.Tally`: a one-day report shows for each
post exactly what that post's ``/stats`` shows (tested). The SKM survey's IKM is computed
from the period's summed totals (antrean.skm.summary_from_totals): of every respondent.

Cost per resident served ("biaya per warga terlayani"): each post-day on which the post
issued a ticket costs the post's configured daily cost; the period's cost over its
residents served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import psycopg

from antrean.skm import ELEMENT_IDS, ELEMENTS
from antrean.stats import Tally

from .config import CityConfig
from .figures import PostInfo, ServiceInfo, Totals, _services, load_posts, skm_block

__all__ = ["period_report", "Report", "ReportCache"]

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
       count(DISTINCT day) FILTER (WHERE issued > 0),
       sum(cardinality(waits_priority)), sum(p_sum), max(p_max),
       sum(cardinality(waits_regular)), sum(r_sum), max(r_max)
FROM (SELECT *, (SELECT sum(x) FROM unnest(waits_priority) x) AS p_sum,
                (SELECT max(x) FROM unnest(waits_priority) x) AS p_max,
                (SELECT sum(x) FROM unnest(waits_regular) x) AS r_sum,
                (SELECT max(x) FROM unnest(waits_regular) x) AS r_max
      FROM rollups WHERE day BETWEEN %(frm)s AND %(to)s {post}) AS r
GROUP BY GROUPING SETS ((post_id, service), (post_id), (service), ())
"""

_COUNTS = """
SELECT post_id, kind, key, sum(n) FROM day_counts
WHERE day BETWEEN %(frm)s AND %(to)s {post} GROUP BY post_id, kind, key
"""

_SKM_SUMS = ", ".join(f"sum(sums[{i}])" for i in range(1, len(ELEMENT_IDS) + 1))
#: SKM totals per post and for the city (GROUPING 1: all posts together).
_SKM = f"""
SELECT post_id, GROUPING(post_id), sum(n), {_SKM_SUMS} FROM skm_rollups
WHERE day BETWEEN %(frm)s AND %(to)s {{post}} GROUP BY GROUPING SETS ((post_id), ())
"""

_DAYS = "SELECT count(DISTINCT day) FROM rollups WHERE day BETWEEN %(frm)s AND %(to)s {post}"

# GROUPING() bits: 1 for each grouped-away column, the first column the highest bit.
_POST_SERVICE, _POST, _SERVICE, _ALL = 0b00, 0b01, 0b10, 0b11


def _wait(count: int, total: int, median: float | None, p90: int | None, top: int
          ) -> dict[str, Any]:
    """The shape (and rounding) of :func:`antrean.stats.wait_summary`; without the median
    and p90 (``None``) when only the averages were asked for."""
    if not count:
        return dict(_NO_WAIT)
    return {"count": int(count), "avg_s": round(int(total) / int(count), 1),
            "median_s": None if median is None else float(median),
            "p90_s": None if p90 is None else float(p90), "max_s": float(top)}


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
    skm: dict[str, Totals] = field(default_factory=dict)  # SKM totals by post
    city_skm: Totals = (0, [])
    days: int = 0

    def scope(self, g: int, post: str | None, service: str | None) -> _Figures:
        if g == _POST_SERVICE:
            return self.post_service[(str(post), str(service))]
        if g == _POST:
            return self.post[str(post)]
        if g == _SERVICE:
            return self.service[str(service)]
        return self.city


def _read(conn: psycopg.Connection[Any], frm: date, to: date, post: str | None,
          percentiles: bool) -> Report:
    where = "AND post_id = %(post)s" if post is not None else ""
    args = {"frm": frm, "to": to, "post": post}
    rep = Report()
    for (pid, sid, g, issued, served, no_show, cancelled, open_, ss, sc, r1, r2, r3, r4,
         active, pn, ps, pm, rn, rs, rm) in conn.execute(_SUMS.format(post=where), args):
        if issued is None:  # the grand total of no rows at all
            continue
        f = rep.scope(g, pid, sid)
        f.tally = Tally(int(issued), int(served), int(no_show), int(cancelled), int(open_),
                        service_s_sum=int(ss), service_s_count=int(sc),
                        ratings=[int(r1), int(r2), int(r3), int(r4)])
        f.post_days = int(active)
        f.wait_priority = _wait(pn, ps or 0, None, None, pm or 0)
        f.wait_regular = _wait(rn, rs or 0, None, None, rm or 0)
        f.wait = _wait(pn + rn, (ps or 0) + (rs or 0), None, None, max(pm or 0, rm or 0))
    if percentiles:
        _percentiles(conn, rep, where, args)
    for pid, kind, key, n in conn.execute(_COUNTS.format(post=where), args):
        rep.counts[pid][kind][key] = int(n)
    for pid, g, n, *sums in conn.execute(_SKM.format(post=where), args):
        if n:
            totals = (int(n), [int(x) for x in sums])
            if g:
                rep.city_skm = totals
            else:
                rep.skm[pid] = totals
    row = conn.execute(_DAYS.format(post=where), args).fetchone()
    rep.days = int(row[0]) if row else 0
    return rep


def _percentiles(conn: psycopg.Connection[Any], rep: Report, where: str,
                 args: dict[str, Any]) -> None:
    """The exact median and p90 of every scope: PostgreSQL sorts the period's waits once per
    scope (about a second per million waits on a busy 2-core machine)."""
    # in memory, not in temporary files: a month of a city is ~1 M waits; 4 MB spills
    conn.execute("SET LOCAL work_mem = '64MB'")
    for pid, sid, prio, g, *w in conn.execute(_WAITS.format(post=where), args):
        if not w[0]:
            continue
        overall, g = g & 1, g >> 1  # GROUPING(post, service, prio): prio grouped away → all
        f = rep.scope(g, pid, sid)
        if overall:
            f.wait = _wait(*w)
        else:
            setattr(f, "wait_priority" if prio else "wait_regular", _wait(*w))


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
                  now: datetime | None = None, percentiles: bool = True) -> dict[str, Any]:
    """The period's figures: ``posts`` (each with its ``services``), ``services`` and
    ``city`` (with ``post_days``, ``posts_active`` and ``cost``). Only posts with any
    figure in the period are listed, by name; ``public`` drops complaint categories.
    Without ``percentiles`` every wait has its count, average and maximum only (median and
    p90 ``None``): what the dashboard shows, at a fraction of the cost."""
    posts = load_posts(conn, cfg)
    rep = _read(conn, frm, to, post, percentiles)
    pids = sorted(set(rep.post) | set(rep.counts) | set(rep.skm),
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
                        **skm_block(rep.skm.get(pid, (0, [])), f.tally.served),
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
        "waits": "full" if percentiles else "avg",
        "city_name": cfg.city.name, "city_name_en": cfg.city.name_en,
        "currency": cfg.city.currency, "timezone": cfg.city.timezone,
        "generated_at": now.astimezone(cfg.tz).isoformat(timespec="seconds") if now else None,
        "days_reported": rep.days,
        "posts": entries,
        "services": _service_rows(None, rep, None, all_services),
        "skm_elements": [{"id": e.id, "code": e.code, "name": e.name, "name_en": e.name_en}
                         for e in ELEMENTS],  # the NRR's keys, in the regulation's order
        "city": {**city.body(), **_extras(merged_counts, public),
                 **skm_block(rep.city_skm, city.tally.served), "post_days": post_days,
                 "posts_active": sum(1 for e in entries if e["post_days"]),
                 "cost": _cost(sum(city_cost) if city_cost else None, city.tally.served,
                               costed_days)},
    }


class ReportCache:
    """Recent reports, each kept while the roll-ups of its days stay as they were.

    Every ingest bumps the version of each day it touched (``summaries``: the post's scope
    and the whole city's, ``""``); the count and sum of those versions over the period and
    scope say whether anything changed. The dashboard asks for its range's report every
    minute; while no post sends anything for those days, the answer comes from here
    instead of sorting the period's waits again.
    """

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._items: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def report(self, conn: psycopg.Connection[Any], cfg: CityConfig, frm: date, to: date,
               post: str | None = None, *, public: bool = False, percentiles: bool = True,
               now: datetime | None = None) -> dict[str, Any]:
        count, total = conn.execute(
            "SELECT count(*), coalesce(sum(version), 0) FROM summaries "
            "WHERE scope = %s AND day BETWEEN %s AND %s", (post or "", frm, to)).fetchone() \
            or (0, 0)
        key = (frm, to, post, public, percentiles, int(count), int(total))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is None:
            hit = period_report(conn, cfg, frm, to, post, public=public,
                                percentiles=percentiles)
            with self._lock:
                self._items[key] = hit
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        stamp = now.astimezone(cfg.tz).isoformat(timespec="seconds") if now else None
        return {**hit, "generated_at": stamp}
