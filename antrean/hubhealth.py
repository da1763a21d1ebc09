"""What the hub says about its own health: whether its writes work, whether its clock does.

While the database refuses writes (a full disk, a read-only or failing card) ``/health``
says ``{"status": "degraded", "reason": …}`` with the cause and the fix in Indonesian and
English; the first write that works again (a request, or the hub's own probe every few
seconds) turns it back to ``ok``. A fault is logged once at ERROR when it starts (with
the traceback at DEBUG, ``--debug``), not once per refused request.

While the wall clock is behind the time the hub already wrote in its log, the hub holds
its time (:class:`antrean.clock.GuardedClock`) and says so loudly: a ``clock`` block in
``/health`` and ``/queue``, and a ``device.status`` event of the hub's own (component
``clock``) that the counters' banner, the display's staff line and the dashboard show.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from .clock import GuardedClock
from .dbcheck import classify

__all__ = ["StorageHealth", "HubUnavailable", "ClockWatch", "CLOCK_WARN_S"]

#: How far behind the wall clock may be before the hub says so: a step NTP makes to set a
#: clock right by a second is held silently, an hour's jump back is on every screen.
CLOCK_WARN_S = 2.0

log = logging.getLogger("antrean.hub")

_UNKNOWN = ("penyimpanan hub menolak menulis", "the hub's storage refused a write")


class HubUnavailable(Exception):
    """The database refused a write (or a read); nothing was changed."""

    def __init__(self, detail: str, reason: str = "storage_failed",
                 message: str = "Penyimpanan hub sedang bermasalah; tidak ada yang berubah. "
                                "Coba lagi.",
                 message_en: str = "The hub's storage failed; nothing was changed. "
                                   "Try again.") -> None:
        super().__init__(detail)
        self.reason, self.message, self.message_en = reason, message, message_en


class StorageHealth:
    """Whether the last write worked; see the module docstring."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.fault: dict[str, Any] | None = None

    def failed(self, exc: BaseException, at: datetime) -> HubUnavailable:
        """Record a failed write; returns the refusal to raise."""
        fault = classify(exc, self.db_path)
        if fault is not None:
            reason, message, message_en = fault.code, fault.message, fault.message_en
        else:
            reason = "storage_failed"
            message, message_en = f"{_UNKNOWN[0]}: {exc}.", f"{_UNKNOWN[1]}: {exc}."
        if self.fault is None or self.fault["reason"] != reason:
            log.error("database write failed: %s / %s", message, message_en,
                      exc_info=exc if log.isEnabledFor(logging.DEBUG) else None)
            self.fault = {"reason": reason, "message": message, "message_en": message_en,
                          "since": at.isoformat()}
        else:
            log.debug("database write failed again (%s)", reason, exc_info=exc)
        return HubUnavailable(
            str(exc), reason,
            f"Penyimpanan hub bermasalah; tidak ada yang berubah. {message}",
            f"The hub's storage failed; nothing was changed. {message_en}")

    def ok(self) -> None:
        """A write worked."""
        if self.fault is not None:
            log.warning("database writes work again (after %s since %s)", self.fault["reason"],
                        self.fault["since"])
            self.fault = None

    @property
    def degraded(self) -> bool:
        return self.fault is not None

    def status(self) -> dict[str, Any]:
        """The ``status`` part of ``/health``."""
        if self.fault is None:
            return {"status": "ok"}
        return {"status": "degraded", **self.fault}


class ClockWatch:
    """Whether the hub's clock is held because the wall clock fell behind its log."""

    def __init__(self, clock: GuardedClock, tz: tzinfo) -> None:
        self.clock, self.tz = clock, tz

    @property
    def behind(self) -> bool:
        return self.clock.behind_s > CLOCK_WARN_S

    def words(self) -> tuple[str, str]:
        """The warning (Indonesian, English) while behind."""
        held = self.clock.held_at
        at = held.astimezone(self.tz).strftime("%H.%M") if held else "?"
        at_en = held.astimezone(self.tz).strftime("%H:%M") if held else "?"
        n = round(self.clock.behind_s)
        return (f"Jam hub tertinggal {n} detik dari catatannya; waktu hub ditahan pada {at} "
                "sampai jam menyusul. Periksa jam Pi hub (NTP/RTC).",
                f"The hub's clock is {n} s behind its log; the hub holds its time at {at_en} "
                "until the clock catches up. Check the hub Pi's clock (NTP/RTC).")

    def status(self) -> dict[str, Any]:
        """The ``clock`` block of ``/health`` and ``/queue``."""
        if not self.behind:
            return {"status": "ok", "behind_s": 0, "held_at": None}
        held = self.clock.held_at
        message, message_en = self.words()
        return {"status": "behind", "behind_s": round(self.clock.behind_s),
                "held_at": held.astimezone(self.tz).isoformat() if held else None,
                "message": message, "message_en": message_en}

    def status_event(self) -> dict[str, Any]:
        """The data of the hub's own ``device.status`` for its clock, as it stands."""
        if not self.behind:
            return {"device": "Hub", "role": "hub", "component": "clock", "ok": True,
                    "status": "ok", "message": "Jam hub kembali normal"}
        return {"device": "Hub", "role": "hub", "component": "clock", "ok": False,
                "status": "clock_behind", "message": self.words()[0]}
