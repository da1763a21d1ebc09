"""Clocks: the domain never calls ``datetime.now()`` itself; it is handed ``now``.

The hub holds one clock, a :class:`GuardedClock` around the system's, so the time it writes
in its log never runs backwards. Tests use :class:`FixedClock`; the headless demo uses
:class:`AcceleratedClock` to run a post's day in seconds.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "SystemClock", "FixedClock", "AcceleratedClock", "GuardedClock", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **kw: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds, **kw)
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


class AcceleratedClock:
    """Starts at ``start`` and runs ``factor`` times faster than real time."""

    def __init__(self, start: datetime, factor: float) -> None:
        if start.tzinfo is None:
            raise ValueError("AcceleratedClock needs an aware datetime")
        self.start = start.astimezone(UTC)
        self.factor = factor
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.factor)

    def sleep(self, sim_seconds: float) -> None:
        """Sleep for ``sim_seconds`` of simulated time."""
        time.sleep(max(0.0, sim_seconds / self.factor))


class GuardedClock:
    """A clock that never runs backwards: the wall clock, held while it is behind.

    A Pi with no RTC and no network boots with a stale time, and a late NTP fix can set it
    back an hour: a log stamped with such a clock has finishes before their calls,
    negative waits, and a day that steps back. This clock says the wall clock's time, or —
    while the wall clock is behind the latest time it already said (seeded with the log's
    last event at start, see :meth:`hold`) — that latest time: the hub's time stands still
    until the wall clock catches up, and :attr:`behind_s` says by how much it lags.
    """

    def __init__(self, inner: Clock, floor: datetime | None = None) -> None:
        self.inner = inner
        self._last = floor.astimezone(UTC) if floor is not None else None
        self._behind = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        wall = self.inner.now()
        with self._lock:
            if self._last is None or wall >= self._last:
                self._last, self._behind = wall, 0.0
            else:
                self._behind = (self._last - wall).total_seconds()
            return self._last

    def hold(self, at: datetime) -> None:
        """Never say a time before ``at`` (the log's last event, when the hub starts)."""
        with self._lock:
            if self._last is None or at > self._last:
                self._last = at.astimezone(UTC)

    @property
    def behind_s(self) -> float:
        """How far the wall clock was behind at the last :meth:`now` (0: it was not)."""
        with self._lock:
            return self._behind

    @property
    def held_at(self) -> datetime | None:
        """The time held while the wall clock is behind (None when it is not)."""
        with self._lock:
            return self._last if self._behind > 0 else None
