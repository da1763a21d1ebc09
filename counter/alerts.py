"""Alerts for the banner: device faults (``device.status``) and queue surges (``queue.alert``).

``alert_from_event`` turns one hub event into a key and an :class:`Alert` (``None`` clears
the key): a device that reports ``ok`` again, or a surge the hub marks ``clear``, takes
its alert off the banner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .texts import DEVICE_STATUS, ROLE_WORDS, duration, text

__all__ = ["Alert", "alert_from_event"]


@dataclass(frozen=True)
class Alert:
    """One active alert."""

    kind: str  # "device" | "queue"
    source: str  # the device's name, or the service id of a queue alert
    status: str = ""  # paper_out, offline, … or the queue alert's level ("surge")
    message: str = ""  # the device's own words, used when the status is not known here
    role: str = ""  # the device's role (kiosk, display, …)
    wait_s: int | None = None  # queue alerts: the oldest wait, and the post's limit
    limit_s: int | None = None

    def render(self, lang: str, service_name: str = "") -> str:
        """The banner line in ``lang``; ``service_name`` names a queue alert's service."""
        if self.kind == "queue":
            name = service_name or self.source
            if self.wait_s is not None and self.limit_s is not None:
                return text(lang, "alert_surge", service=name, wait=duration(self.wait_s, lang),
                            limit=duration(self.limit_s, lang))
            return text(lang, "alert_queue", what=self.message or name)
        known = DEVICE_STATUS.get(self.status)
        what = (known[1] if lang == "en" else known[0]) if known else (self.message or self.status)
        role = ROLE_WORDS.get(self.role, ("", ""))[1 if lang == "en" else 0]
        device = self.source
        if role and not device.lower().startswith(role.lower()):
            device = f"{role} {device}"
        return text(lang, "alert_device", device=device, what=what)


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, int | float) else None


def alert_from_event(ev: dict[str, Any]) -> tuple[str, Alert | None] | None:
    """``(key, alert)`` for an alert event (``alert`` None: clear it); None for other events."""
    kind, data = ev.get("type"), ev.get("data") or {}
    if kind == "device.status":
        key = f"device/{data.get('device', '?')}/{data.get('component', '?')}"
        if data.get("ok", True):
            return key, None
        return key, Alert("device", str(data.get("device", "?")), str(data.get("status", "")),
                          str(data.get("message", "")), role=str(data.get("role", "")))
    if kind == "queue.alert":
        key = f"queue/{data.get('service') or 'all'}"
        if data.get("level") == "clear" or data.get("ok") is True:
            return key, None
        return key, Alert("queue", str(data.get("service", "")), str(data.get("level", "")),
                          str(data.get("message", "")), wait_s=_int(data.get("oldest_wait_s")),
                          limit_s=_int(data.get("limit_s")))
    return None
