"""The day's indicators, computed from the wait-time log (itself from the event log).

What "issued", "served", "wait" and "satisfaction" mean is written once, in :class:`Tally`:
the post sums its log rows into tallies here, and the city keeps the very same tallies per
post, day and service in its roll-ups (``city/``), so the two can never disagree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Protocol

from .config import PostConfig
from .daylog import LogRow, day_rows
from .days import DAY_CLOSED
from .storage import Storage

__all__ = ["OUTCOMES", "ServiceRef", "Tally", "day_figures", "day_stats", "outcome_of",
           "stats_from_rows", "tally_change", "tally_rows", "wait_summary"]

#: The final outcomes a ticket can have; anything else (waiting, called) counts as "open".
OUTCOMES = ("served", "no_show", "cancelled")


def wait_summary(waits: Sequence[float]) -> dict[str, Any]:
    """Count, mean, median, p90 (nearest rank) and max of some waits, sorted once."""
    if not waits:
        return {"count": 0, "avg_s": None, "median_s": None, "p90_s": None, "max_s": None}
    s = sorted(waits)
    n = len(s)
    mid = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"count": n, "avg_s": round(fmean(s), 1), "median_s": mid,
            "p90_s": s[max(0, math.ceil(0.9 * n) - 1)], "max_s": s[-1]}


def outcome_of(row: LogRow) -> str:
    """The outcome a row counts under: served, no_show, cancelled, or open. A ticket the hub
    cancelled when the post's day closed (``day_closed``) counts as cancelled."""
    if row.outcome == DAY_CLOSED:
        return "cancelled"
    return row.outcome if row.outcome in OUTCOMES else "open"  # type: ignore[return-value]


@dataclass
class Tally:
    """Mergeable figures of a set of tickets (one service's day, a post's day, a city's day).

    Waits are kept whole (not as a histogram) so the median and p90 of any union of tallies
    are exact. A ticket's wait is set once, at its first call, and never changes: a tally
    only ever gains waits.
    """

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    open: int = 0
    waits_priority: list[int] = field(default_factory=list)
    waits_regular: list[int] = field(default_factory=list)
    service_s_sum: int = 0  # service times of served tickets
    service_s_count: int = 0
    ratings: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # how many 1, 2, 3, 4

    def add(self, row: LogRow, sign: int = 1) -> None:
        """Count one row in (``sign=-1``: out, for everything but its wait)."""
        self.issued += sign
        o = outcome_of(row)
        setattr(self, o, getattr(self, o) + sign)
        if sign > 0 and row.wait_s is not None:
            (self.waits_priority if row.priority else self.waits_regular).append(row.wait_s)
        if o == "served" and row.service_s is not None:
            self.service_s_sum += sign * row.service_s
            self.service_s_count += sign
        if row.rating is not None:
            self.ratings[int(row.rating) - 1] += sign

    def change(self, old: LogRow | None, new: LogRow) -> None:
        """Count one ticket's change in: ``new`` in, ``old`` (the row before; ``None`` for a
        new ticket) out. A wait is set once, at the first call, so it is never counted out:
        an old wait is already in (tallies only ever gain waits)."""
        self.add(new)
        if old is not None:
            self.add(old, -1)
            if old.wait_s is not None:
                waits = self.waits_priority if old.priority else self.waits_regular
                if waits and waits[-1] == old.wait_s:  # add(new) just appended it
                    waits.pop()

    def merge(self, other: Tally) -> Tally:
        # Spelled out: the city merges a tally per ticket on ingest, millions a day.
        self.issued += other.issued
        self.served += other.served
        self.no_show += other.no_show
        self.cancelled += other.cancelled
        self.open += other.open
        self.service_s_sum += other.service_s_sum
        self.service_s_count += other.service_s_count
        self.waits_priority.extend(other.waits_priority)
        self.waits_regular.extend(other.waits_regular)
        r, o = self.ratings, other.ratings
        self.ratings = [r[0] + o[0], r[1] + o[1], r[2] + o[2], r[3] + o[3]]
        return self

    @classmethod
    def merged(cls, tallies: Iterable[Tally]) -> Tally:
        out = cls()
        for t in tallies:
            out.merge(t)
        return out

    def outcomes(self) -> dict[str, int]:
        return {"issued": self.issued, "served": self.served, "no_show": self.no_show,
                "cancelled": self.cancelled, "open": self.open}

    def waits(self, priority: bool | None = None) -> list[float]:
        if priority is None:
            return [float(w) for w in (*self.waits_priority, *self.waits_regular)]
        return [float(w) for w in (self.waits_priority if priority else self.waits_regular)]

    def service_avg_s(self) -> float | None:
        if not self.service_s_count:
            return None
        return round(self.service_s_sum / self.service_s_count, 1)

    def satisfaction(self) -> dict[str, Any]:
        n = sum(self.ratings)
        total = sum(score * k for score, k in zip((1, 2, 3, 4), self.ratings, strict=True))
        return {"count": n, "avg": round(total / n, 2) if n else None,
                "counts": {str(score): self.ratings[score - 1] for score in (4, 3, 2, 1)}}


def tally_change(old: LogRow | None, new: LogRow) -> Tally:
    """What one ticket's change (``old`` row before, ``new`` after; ``None``: a new ticket)
    adds to its day's tally, so a store of tallies (the city's roll-ups) can be kept up to
    date event by event instead of recounted."""
    d = Tally()
    d.change(old, new)
    return d


class ServiceRef(Protocol):
    """What the figures name a service by (a post's ServiceConfig, or the city's copy)."""

    @property
    def id(self) -> str: ...
    @property
    def letter(self) -> str: ...
    @property
    def name(self) -> str: ...


def tally_rows(rows: Iterable[LogRow]) -> dict[str, Tally]:
    """Log rows summed per service (the service a ticket was issued for)."""
    out: dict[str, Tally] = defaultdict(Tally)
    for r in rows:
        out[r.service].add(r)
    return dict(out)


def day_figures(by_service: Mapping[str, Tally], services: Sequence[ServiceRef]
                ) -> dict[str, Any]:
    """A day's indicators from its per-service tallies: what the post's ``/stats`` and the
    city's per-post figures both show. Tickets of a service not in ``services`` count in
    the totals only."""
    total = Tally.merged(by_service.values())
    per_service = []
    for s in services:
        t = by_service.get(s.id, Tally())
        per_service.append({"id": s.id, "letter": s.letter, "name": s.name, **t.outcomes(),
                            "wait": wait_summary(t.waits()), "service_avg_s": t.service_avg_s()})
    return {
        **total.outcomes(),
        "wait": wait_summary(total.waits()),
        "wait_priority": wait_summary(total.waits(True)),
        "wait_regular": wait_summary(total.waits(False)),
        "services": per_service,
        "satisfaction": total.satisfaction(),
    }


def _waits(rows: Sequence[LogRow], priority: bool | None = None) -> dict[str, Any]:
    """Wait summary of the rows (only priority or only regular ones when asked)."""
    return wait_summary([float(r.wait_s) for r in rows if r.wait_s is not None
                         and (priority is None or bool(r.priority) == priority)])


def stats_from_rows(rows: Sequence[LogRow], config: PostConfig, day: str) -> dict[str, Any]:
    tz = config.tz
    counters: dict[int, dict[str, Any]] = defaultdict(lambda: {"served": 0, "no_show": 0})
    for r in rows:
        if r.counter is not None and r.outcome in ("served", "no_show"):
            counters[r.counter][r.outcome] += 1
    hours: dict[int, list[LogRow]] = defaultdict(list)
    for r in rows:
        hours[r.issued_at.astimezone(tz).hour].append(r)
    return {
        "date": day,
        "post": {"id": config.post.id, "name": config.post.name},
        **day_figures(tally_rows(rows), config.services),
        # of the cancelled: those still open when the day closed (the post's own figure)
        "day_closed": sum(1 for r in rows if r.outcome == DAY_CLOSED),
        "counters": [{"number": n, **v} for n, v in sorted(counters.items())],
        "hours": [{"hour": h, "issued": len(rs), "wait": _waits(rs),
                   "wait_priority": _waits(rs, True), "wait_regular": _waits(rs, False)}
                  for h, rs in sorted(hours.items())],
    }


def day_stats(storage: Storage, config: PostConfig, day: str) -> dict[str, Any]:
    return stats_from_rows(day_rows(storage, day), config, day)
