"""The day's indicators, computed from the wait-time log (itself from the event log)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from statistics import fmean
from typing import Any

from .config import PostConfig
from .daylog import LogRow, day_rows
from .storage import Storage

__all__ = ["day_stats", "stats_from_rows", "wait_summary"]


def wait_summary(waits: Sequence[float]) -> dict[str, Any]:
    """Count, mean, median, p90 (nearest rank) and max of some waits, sorted once."""
    if not waits:
        return {"count": 0, "avg_s": None, "median_s": None, "p90_s": None, "max_s": None}
    s = sorted(waits)
    n = len(s)
    mid = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"count": n, "avg_s": round(fmean(s), 1), "median_s": mid,
            "p90_s": s[max(0, math.ceil(0.9 * n) - 1)], "max_s": s[-1]}


def _waits(rows: Sequence[LogRow], priority: bool | None = None) -> dict[str, Any]:
    """Wait summary of the rows (only priority or only regular ones when asked)."""
    return wait_summary([float(r.wait_s) for r in rows if r.wait_s is not None
                         and (priority is None or bool(r.priority) == priority)])


def _outcomes(rows: Sequence[LogRow]) -> dict[str, int]:
    out = {"issued": len(rows), "served": 0, "no_show": 0, "cancelled": 0, "open": 0}
    for r in rows:
        if r.outcome in ("served", "no_show", "cancelled"):
            out[r.outcome] += 1
        else:
            out["open"] += 1
    return out


def stats_from_rows(rows: Sequence[LogRow], config: PostConfig, day: str) -> dict[str, Any]:
    tz = config.tz
    waits = [float(r.wait_s) for r in rows if r.wait_s is not None]
    services = []
    for s in config.services:
        mine = [r for r in rows if r.service == s.id]
        svc_times = [float(r.service_s) for r in mine
                     if r.service_s is not None and r.outcome == "served"]
        services.append({
            "id": s.id, "letter": s.letter, "name": s.name, **_outcomes(mine),
            "wait": wait_summary([float(r.wait_s) for r in mine if r.wait_s is not None]),
            "service_avg_s": round(fmean(svc_times), 1) if svc_times else None,
        })
    counters: dict[int, dict[str, Any]] = defaultdict(lambda: {"served": 0, "no_show": 0})
    for r in rows:
        if r.counter is not None and r.outcome in ("served", "no_show"):
            counters[r.counter][r.outcome] += 1
    hours: dict[int, list[LogRow]] = defaultdict(list)

    for r in rows:
        hours[r.issued_at.astimezone(tz).hour].append(r)
    ratings = [r.rating for r in rows if r.rating is not None]
    return {
        "date": day,
        "post": {"id": config.post.id, "name": config.post.name},
        **_outcomes(rows),
        "wait": wait_summary(waits),
        "wait_priority": wait_summary([float(r.wait_s) for r in rows
                                       if r.wait_s is not None and r.priority]),
        "wait_regular": wait_summary([float(r.wait_s) for r in rows
                                      if r.wait_s is not None and not r.priority]),
        "services": services,
        "counters": [{"number": n, **v} for n, v in sorted(counters.items())],
        "hours": [{"hour": h, "issued": len(rs), "wait": _waits(rs),
                   "wait_priority": _waits(rs, True), "wait_regular": _waits(rs, False)}
                  for h, rs in sorted(hours.items())],
        "satisfaction": {"count": len(ratings),
                         "avg": round(fmean(ratings), 2) if ratings else None,
                         "counts": {str(k): ratings.count(k) for k in (4, 3, 2, 1)}},
    }


def day_stats(storage: Storage, config: PostConfig, day: str) -> dict[str, Any]:
    return stats_from_rows(day_rows(storage, day), config, day)
