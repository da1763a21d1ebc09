"""Staged scenes for ``--screenshot FILE --screen NAME``: the screen with no hub at all.

For documentation and layout checks at any window size; a live screenshot (no
``--screen``) shows what the real hub says instead.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from antrean.discovery import Peer

from .desk import Desk

__all__ = ["SCENES", "stage"]

SCENES = ("idle", "called", "hub-down", "alert", "transfer", "choose", "out-of-service",
          "nik", "nik-mistyped", "nik-found")

_WIB = timezone(timedelta(hours=7))
_SERVICES: list[dict[str, Any]] = [
    {"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan",
     "name_en": "Civil Registration", "open": True},
    {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "name_en": "Health", "open": True},
    {"id": "bansos", "letter": "C", "name": "Bantuan Sosial", "name_en": "Social Assistance",
     "open": True, "beneficiary_check": True, "programme": "bansos-2026"},
]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, _WIB).isoformat()


def _queue(now: float, counters: list[dict[str, Any]]) -> dict[str, Any]:
    waits = {"adminduk": (7, 2, 1460), "kesehatan": (3, 1, 610), "bansos": (5, 0, 980)}
    return {"at": _iso(now), "last_seq": 120, "counters": counters, "services": [
        {"id": s["id"], "letter": s["letter"], "name": s["name"], "open": True,
         "waiting": waits[s["id"]][0], "priority_waiting": waits[s["id"]][1],
         "oldest_wait_s": waits[s["id"]][2], "open_counters": 2} for s in _SERVICES]}


def _ticket(now: float, number: str, service: str, priority: str | None) -> dict[str, Any]:
    return {"id": "demo-" + number, "number": number, "service": service, "priority": priority,
            "state": "called", "issued_at": _iso(now - 1140), "called_at": _iso(now - 35),
            "finished_at": None, "counter": 2, "recalls": 0, "transfers": 0}


def stage(desk: Desk, scene: str, now: float | None = None) -> None:
    """Fill ``desk`` with the sample post for ``scene`` (one of :data:`SCENES`)."""
    if scene not in SCENES:
        raise ValueError(f"unknown scene {scene!r}; one of {', '.join(SCENES)}")
    now = time.time() if now is None else now
    desk.number, desk.phase = 2, "ready"
    desk.post_name = "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"
    desk.apply_services(_SERVICES)
    desk.set_hub_up(True, time.monotonic())
    others = [
        {"number": 1, "state": "serving", "ticket": _ticket(now, "A011", "adminduk", None)},
        {"number": 3, "state": "paused", "ticket": None},
        {"number": 4, "state": "idle", "ticket": None},
    ]
    desk.lan = True
    desk.peers = [Peer("counter", "pos-contoh", name, f"counter-{name.lower()}", ("10.0.0.9",), 0,
                       counter=n) for n, name in ((1, "Meja-Depan"), (3, "Meja-Tengah"))]
    mine: dict[str, Any] = {"number": 2, "state": "idle", "ticket": None}
    if scene in ("called", "alert", "transfer"):
        mine = {"number": 2, "state": "serving",
                "ticket": _ticket(now, "A012", "adminduk", "elderly")}
    queue = _queue(now, [others[0], mine, *others[1:]])
    instant = desk.clock.instant()
    desk.clock.observe_answer(queue, "at", instant, instant)  # as the hub client would
    desk.apply_queue(queue, now)
    if scene.startswith("nik"):
        mine = {"number": 2, "state": "serving", "ticket": _ticket(now, "C007", "bansos", None)}
        queue = _queue(now, [others[0], mine, *others[1:]])
        desk.apply_queue(queue, now)
        _stage_nik(desk, scene)
    if scene == "alert":
        desk.apply_event({"type": "device.status", "data": {
            "device": "Kios Pintu Masuk", "role": "kiosk", "component": "printer", "ok": False,
            "status": "paper_out", "message": "Kertas habis"}})
    if scene == "transfer":
        desk.transfer_open = True
    if scene == "choose":
        desk.number, desk.phase = None, "choose"
        desk.chooser_message = "Loket 3 sudah dipakai perangkat lain (Meja-Tengah). " \
                               "Pilih nomor lain."
        desk.typed = "5"
    if scene == "out-of-service":
        desk.auth = {"ok": False, "reason": "refused", "message": "Token tidak dikenal.",
                     "message_en": "Unknown token.", "role": "", "name": "",
                     "hub_url": "https://10.0.0.2:8470"}
    if scene == "hub-down":
        desk.set_hub_up(False, time.monotonic() - 42)
        desk.say(desk.refusal("next", time.monotonic())[0], "error",  # type: ignore[index]
                 time.monotonic())


def _stage_nik(desk: Desk, scene: str) -> None:
    """The NIK step: typing, a mistyped NIK refused, or the hub's "already received"."""
    desk.follow_nik()
    nik = desk.nik
    for d in "317101550885" if scene == "nik" else "3171013208850001":
        nik.type_digit(d)
    if scene == "nik-mistyped":
        nik.submit()
    if scene == "nik-found":
        nik.typed = "3171015508850002"
        nik.submit()
        nik.checked({"recorded": True, "day": "2026-11-23", "post": "Pos Kelurahan Sukajadi",
                     "counter": 3, "source": "city"})
