"""The post's time on a device: the hub's clock, carried forward on this machine's own.

A Pi has no clock battery: after a cold start with no network its clock may be hours or days
off (a post at 05.07 WIB once showed 22.07), and it steps when NTP reaches it later. So a
device never shows its own time. It keeps one *anchor* — the hub's time at an instant of
this machine's monotonic clock, taken from the hub's answers (``/health``'s ``time``,
``/queue``'s ``at``) — and carries it forward with :func:`time.monotonic`, which neither a
wrong boot clock nor an NTP step moves. Until the hub has answered once the time is not
known, and screens show :data:`UNKNOWN` rather than a guess.

The same :class:`PostClock` stamps what a device records while the hub is away (offline
tickets), and maps the hub's timestamps onto the local clock (the display's "is this call
too old to speak").

Times read the Indonesian way: ``14.05 WIB`` (hours and minutes with a dot, then the zone
of the post: WIB, WITA or WIT).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["UNKNOWN", "PostClock", "time_text", "zone_abbreviation", "zone_from_name"]

#: What a screen shows for the time before the hub has told it.
UNKNOWN = "—"

#: Indonesia's zones by IANA name (tzdata writes the same, but a device may lack tzdata).
_ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
               "Asia/Ujung_Pandang": "WITA", "Asia/Jayapura": "WIT"}
#: By UTC offset, for a time that carries only its offset (ISO 8601 ``+07:00``).
_ZONE_OFFSETS = {7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT"}


def zone_from_name(name: object) -> tzinfo | None:
    """The IANA zone called ``name`` ("Asia/Makassar"), or None if unknown here."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_abbreviation(at: datetime) -> str:
    """WIB / WITA / WIT for a post time; another zone's letters (or ``UTC+h``); "" if naive."""
    tz = at.tzinfo
    offset = at.utcoffset()
    if tz is None or offset is None:
        return ""
    name = getattr(tz, "key", None)
    if name in _ZONE_NAMES:
        return _ZONE_NAMES[name]
    secs = int(offset.total_seconds())
    if secs in _ZONE_OFFSETS:
        return _ZONE_OFFSETS[secs]
    letters = at.tzname() or ""
    if letters.isalpha():  # "CET": a zone with a name of its own
        return letters
    hours, rest = divmod(abs(secs), 3600)
    return f"UTC{'+' if secs >= 0 else '-'}{hours}" + (f":{rest // 60:02d}" if rest else "")


def time_text(at: datetime | None, *, zone: bool = True) -> str:
    """``"14.05 WIB"`` (``zone=False``: ``"14.05"``); :data:`UNKNOWN` when ``at`` is None."""
    if at is None:
        return UNKNOWN
    hm = f"{at.hour:02d}.{at.minute:02d}"
    abbr = zone_abbreviation(at) if zone else ""
    return f"{hm} {abbr}" if abbr else hm


class PostClock:
    """The post's time, once the hub has said it; see the module docstring.

    Thread-safe: the hub client's threads observe, the GUI thread reads. ``monotonic`` and
    ``wall`` are this machine's clocks (given in tests).
    """

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self._monotonic, self._wall = monotonic, wall
        self._lock = threading.Lock()
        self._anchor: tuple[datetime, float] | None = None  # (hub time UTC, our monotonic)
        self._zone: tzinfo | None = None

    # ----- what the hub said ------------------------------------------------------------------
    def instant(self) -> float:
        """This machine's monotonic clock, as :meth:`observe` wants its instants."""
        return self._monotonic()

    def observe(self, hub_time: datetime, sent: float, received: float) -> None:
        """The hub's clock read ``hub_time`` (aware) while a request was out between the
        monotonic instants ``sent`` and ``received``: taken as at their midpoint."""
        if hub_time.tzinfo is None:
            return
        with self._lock:
            self._anchor = (hub_time.astimezone(UTC), (sent + received) / 2)
            if self._zone is None or not isinstance(self._zone, ZoneInfo):
                self._zone = hub_time.tzinfo  # its UTC offset, until the zone's name is known

    def observe_answer(self, answer: Mapping[str, Any], key: str, sent: float,
                       received: float) -> bool:
        """Take the time at ``answer[key]`` (ISO 8601 with offset) and the post's zone at
        ``answer["tz"]`` when present; True if a time was taken."""
        zone = zone_from_name(answer.get("tz"))
        if zone is not None:
            with self._lock:
                self._zone = zone
        raw = answer.get(key)
        if not isinstance(raw, str):
            return False
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            return False
        if at.tzinfo is None:
            return False
        self.observe(at, sent, received)
        return True

    def forget(self) -> None:
        """Back to unknown (another hub, another post)."""
        with self._lock:
            self._anchor, self._zone = None, None

    # ----- the time ---------------------------------------------------------------------------
    @property
    def known(self) -> bool:
        return self._anchor is not None

    @property
    def zone(self) -> tzinfo | None:
        """The post's zone (an IANA zone once the hub named it, else its UTC offset)."""
        return self._zone

    def now(self) -> datetime | None:
        """Now in post time, or None until the hub has told us."""
        with self._lock:
            anchor, zone = self._anchor, self._zone
        if anchor is None:
            return None
        at = anchor[0] + timedelta(seconds=self._monotonic() - anchor[1])
        return at.astimezone(zone or UTC)

    def offset(self) -> timedelta:
        """Post time minus this machine's wall clock now (zero until known)."""
        now = self.now()
        if now is None:
            return timedelta(0)
        return now - datetime.fromtimestamp(self._wall(), UTC)

    def to_local(self, hub_time: datetime) -> datetime:
        """A hub timestamp moved onto this machine's wall clock (for age checks)."""
        return hub_time - self.offset()

    def text(self, *, zone: bool = True) -> str:
        """Now as ``"14.05 WIB"`` (see :func:`time_text`); :data:`UNKNOWN` until known."""
        return time_text(self.now(), zone=zone)
