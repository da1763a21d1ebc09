"""Sample scenes for the board (``--screen idle|call|busy|surge|out-of-service``): design
review and docs.

Each scene is a snapshot and a list of hub-shaped events, fed through the same
:class:`display.viewmodels.Board` path as live data. Services come from the packaged
example post, so the ticker shows real service standards.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from antrean.config import load_post_config

__all__ = ["SCENES", "scene"]

SCENES = ("idle", "call", "busy", "surge", "out-of-service")

# (number, counter, seconds ago, recall) — oldest first, as the hub would send them.
_BUSY_CALLS = [("A008", 2, 300, False), ("B004", 1, 260, False), ("C002", 4, 220, False),
               ("A009", 3, 180, False), ("D001", 5, 150, False), ("B005", 1, 90, False),
               ("A010", 2, 60, True), ("A012", 3, 20, False)]
_BUSY_WAITING = {"A": 23, "B": 7, "C": 11, "D": 2, "E": 0}


def _services(waiting: dict[str, int], closed: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    cfg = load_post_config(None)
    return [{"id": s.id, "letter": s.letter, "name": s.name, "name_en": s.name_en,
             "open": s.letter not in closed, "waiting": waiting.get(s.letter, 0),
             "standard": s.standard.model_dump()} for s in cfg.services]


def _call(seq: int, number: str, counter: int, at: datetime, recall: bool) -> dict[str, Any]:
    service = {"A": "adminduk", "B": "kesehatan", "C": "bansos", "D": "literasi",
               "E": "pengaduan"}[number[0]]
    ticket = {"id": f"sample-{number}", "number": number, "service": service,
              "priority": "elderly" if number == "A012" else None,  # a Lansia being called
              "state": "called", "counter": counter}
    return {"seq": seq, "type": "ticket.recalled" if recall else "ticket.called",
            "at": at.isoformat(), "ticket": ticket, "counter": counter, "data": {}}


def scene(name: str, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``(snapshot, events)`` of the scene ``name`` at the post time ``now``."""
    cfg = load_post_config(None)
    health = {"status": "ok", "post": {"id": cfg.post.id, "name": cfg.post.name},
              "time": now.isoformat()}
    if name == "idle":
        return {"health": health, "services": _services({"A": 3, "B": 1})}, []
    if name == "out-of-service":  # the hub refuses the display's token (as HubFeed says it)
        return {"health": health, "services": _services({"A": 3, "B": 1}),
                "auth": {"ok": False, "reason": "refused", "message": "Token tidak dikenal.",
                         "message_en": "Unknown token.", "role": "", "name": "",
                         "hub_url": "https://10.0.0.2:8470"}}, []
    if name == "call":
        events = [_call(1, "A011", 2, now - timedelta(seconds=95), False),
                  _call(2, "A012", 3, now - timedelta(seconds=1), False)]
        return {"health": health, "services": _services({"A": 5, "B": 2, "C": 1})}, events
    if name in ("busy", "surge"):
        events = [_call(i + 1, n, c, now - timedelta(seconds=ago), r)
                  for i, (n, c, ago, r) in enumerate(_BUSY_CALLS)]
        events.append({"seq": len(events) + 1, "type": "device.status",
                       "at": (now - timedelta(seconds=40)).isoformat(), "ticket": None,
                       "counter": None,
                       "data": {"device": "kios-1", "role": "kiosk", "component": "printer",
                                "ok": False, "status": "paper_out", "message": "Kertas habis"}})
        snapshot = {"health": health, "services": _services(_BUSY_WAITING, closed=("E",))}
        if name == "surge":  # the hub's standing surge alert, as /queue lists it
            limit_s = cfg.hub.surge_wait_min * 60
            snapshot["queue"] = {"last_seq": len(events), "alerts": [
                {"service": "kesehatan", "oldest_wait_s": limit_s + 240, "limit_s": limit_s}]}
        return snapshot, events
    raise ValueError(f"unknown screen {name!r}: expected one of {SCENES}")
