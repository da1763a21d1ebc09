"""What each role may read (least privilege): the event stream and ``/queue``, per role.

- **lead**: everything.
- **counter** (staff): what the hall sees, plus the names of devices (a clerk is told which
  kiosk's printer jams) — no complaint or survey contents, no request ids, no correction
  reasons.
- **kiosk, display, survey, no token**: what the hall may see — no device names, no
  complaints or surveys, no request ids, no who-cancelled or correction reasons. A device in
  a status event is told by its id and role only.

These are allow-lists on purpose: a new event type, or a new field in an event's data,
reaches those roles only once it is named here (a test lists the event types, so adding
one without deciding fails it).
"""

from __future__ import annotations

from typing import Any

__all__ = ["event_for", "queue_for", "HALL_DATA", "STAFF_DATA", "LEAD_ONLY", "STATUS_COMPONENTS"]

#: Event type → the ``data`` keys the hall (kiosk, display, survey, anyone) may read.
HALL_DATA: dict[str, tuple[str, ...]] = {
    "ticket.issued": ("number", "seq", "day", "service", "priority"),
    "ticket.called": ("reason", "streak"),
    "ticket.recalled": (),
    "ticket.finished": ("outcome", "auto"),
    "ticket.transferred": ("from", "to"),
    "ticket.cancelled": ("reason",),  # "day_closed" when the hub closed the day
    "ticket.corrected": ("outcome", "from", "number"),
    "ticket.rated": ("rating", "number"),
    "counter.changed": ("state", "services"),
    "service.changed": ("service", "open"),
    "device.status": ("device_id", "role", "component", "ok", "status", "message"),
    "queue.alert": ("service", "level", "oldest_wait_s", "limit_s"),
    "day.closed": ("day", "cancelled"),
}

#: Event types only leads read: residents' own words and answers; which kiosk holds which
#: reserved numbers (a kiosk learns its own from ``POST /reserves``, nobody else needs them).
#: Who was served a programme's assistance (even as a keyed hash, with ticket and counter)
#: is for leads only; everyone else reads the counts (``GET /beneficiaries/stats``).
LEAD_ONLY = frozenset({"complaint.filed", "survey.submitted", "reserve.granted",
                       "reserve.released", "beneficiary.recorded", "beneficiary.purged"})

#: What counters read besides: the device names in statuses and counter changes.
STAFF_DATA: dict[str, tuple[str, ...]] = {
    **HALL_DATA,
    "counter.changed": (*HALL_DATA["counter.changed"], "device"),
    "device.status": (*HALL_DATA["device.status"], "device"),
}

#: The components a device of each role may report on (``POST /devices/status``): a
#: device speaks about itself only; a lead about anything.
STATUS_COMPONENTS: dict[str, frozenset[str]] = {
    "kiosk": frozenset({"printer", "buttons", "scanner", "display"}),
    "counter": frozenset({"keypad", "display"}),
    "display": frozenset({"speaker", "display"}),
    "survey": frozenset({"display"}),
}


def event_for(role: str | None, event: dict[str, Any]) -> dict[str, Any] | None:
    """The event as ``role`` may read it; None if that role does not see this type."""
    if role == "lead":
        return event
    keys = (STAFF_DATA if role == "counter" else HALL_DATA).get(str(event.get("type")))
    if keys is None:
        return None
    data = event.get("data") or {}
    return {**event, "data": {k: data[k] for k in keys if k in data}}


def queue_for(role: str | None, queue: dict[str, Any]) -> dict[str, Any]:
    """``/queue`` as ``role`` may read it: counters' device names for leads only."""
    if role == "lead":
        return queue
    counters = [{k: v for k, v in c.items() if k != "device"} for c in queue.get("counters", [])]
    return {**queue, "counters": counters}
