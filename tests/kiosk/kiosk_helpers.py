"""Helpers for the kiosk tests: touching the QML like a resident, asking the hub what happened."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from kiosk.config import KioskConfig
from kiosk.runtime import Kiosk


def kiosk_config(hub: Any, **sections: dict[str, Any]) -> KioskConfig:
    """A kiosk config pointing at ``hub`` with its kiosk token; ``sections`` add keys."""
    data: dict[str, Any] = {"hub": {"url": hub.url, "token": hub.tokens["kiosk"],
                                    "timeout_s": 1.0},
                            "mdns": {"advertise": False}}
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return KioskConfig.model_validate(data)


class KioskUnderTest:
    """A running kiosk and the helpers tests need to touch it like a resident."""

    def __init__(self, qtbot: Any, kiosk: Kiosk) -> None:
        self.qtbot, self.kiosk = qtbot, kiosk
        self.vm, self.window = kiosk.vm, kiosk.window

    def item(self, name: str) -> QQuickItem:
        """The visible QML item called ``name`` (its objectName)."""
        found = _find(self.window.contentItem(), name)
        assert found is not None, f"no visible QML item {name!r}"
        return found

    def click(self, name: str) -> None:
        """A touch in the middle of item ``name``."""
        item = self.item(name)
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseClick(self.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         centre)

    def press_keys(self, keys: str, prefix: str = "key-") -> None:
        """Touch the keys of a pad or keyboard one after the other (" " is the space bar)."""
        for ch in keys:
            self.click(prefix + ("space" if ch == " " else ch))

    def scan(self, code: str) -> None:
        """A USB barcode scanner: the code typed as keys, then Enter, to the kiosk window."""
        self.window.requestActivate()
        self.qtbot.waitUntil(lambda: self.window.isActive(), timeout=2000)
        for ch in code:  # (keyClicks takes widgets only)
            QTest.keyClick(self.window, ch)
        QTest.keyClick(self.window, Qt.Key.Key_Return)

    def wait_screen(self, screen: str, timeout: float = 5.0) -> None:
        self.qtbot.waitUntil(lambda: self.vm.screen == screen, timeout=int(timeout * 1000))

    def wait(self, predicate: Callable[[], object], timeout: float = 5.0) -> None:
        self.qtbot.waitUntil(lambda: bool(predicate()), timeout=int(timeout * 1000))


def _find(item: QQuickItem, name: str) -> QQuickItem | None:
    if not item.isVisible():
        return None
    if item.objectName() == name:
        return item
    for child in item.childItems():
        found = _find(child, name)
        if found is not None:
            return found
    return None


# ----- asking the hub what happened ---------------------------------------------------------


def day_log(hub: Any) -> list[dict[str, Any]]:
    """Today's tickets as the hub logged them (one row per ticket)."""
    r = httpx.get(f"{hub.url}/api/v1/log", params={"format": "json"}, headers=hub.headers("lead"))
    r.raise_for_status()
    return list(r.json())


def hub_events(hub: Any, kind: str | None = None, quiet_s: float = 0.3) -> list[dict[str, Any]]:
    """Every event in the hub's log (of type ``kind``), read back over the event stream."""
    from websockets.sync.client import connect

    base = hub.url.replace("http://", "ws://")
    events = []
    with connect(f"{base}/api/v1/events?since=0", additional_headers=hub.headers("lead")) as ws:
        while True:
            try:
                msg = json.loads(ws.recv(timeout=quiet_s))
            except TimeoutError:
                break
            if msg.get("type") != "hello" and (kind is None or msg.get("type") == kind):
                events.append(msg)
    return events


def set_service_open(hub: Any, service: str, is_open: bool) -> None:
    action = "open" if is_open else "close"
    r = httpx.post(f"{hub.url}/api/v1/services/{service}/{action}", headers=hub.headers("lead"))
    r.raise_for_status()


def issue(hub: Any, service: str = "kesehatan") -> dict[str, Any]:
    """A ticket issued at the hub as another kiosk would (it waits)."""
    import uuid

    r = httpx.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                   json={"service": service, "request_id": str(uuid.uuid4())})
    r.raise_for_status()
    return dict(r.json())


def serve(hub: Any, service: str = "kesehatan", counter: int = 1) -> dict[str, Any]:
    """A ticket issued, then called and finished as served at ``counter``.

    Earlier tickets of the service (left by other tests on a shared hub) are served first.
    """
    ticket = issue(hub, service)
    h, url = hub.headers("counter"), f"{hub.url}/api/v1/counters/{counter}"
    while True:
        called = httpx.post(f"{url}/next", headers=h, json={"services": [service]})
        called.raise_for_status()
        httpx.post(f"{url}/finish", headers=h, json={"outcome": "served"}).raise_for_status()
        if called.json()["id"] == ticket["id"]:
            return ticket


def satisfaction(hub: Any) -> dict[str, int]:
    """Today's ratings per face as the lead's stats count them ({"4": n, …})."""
    r = httpx.get(f"{hub.url}/api/v1/stats", headers=hub.headers("lead"))
    r.raise_for_status()
    return dict(r.json()["satisfaction"]["counts"])


def complaints(hub: Any) -> list[dict[str, Any]]:
    r = httpx.get(f"{hub.url}/api/v1/complaints", headers=hub.headers("lead"))
    r.raise_for_status()
    return list(r.json())


def typed(number: str) -> str:
    """How a resident types a number on the pad: "B007" → "B7"."""
    return number[0] + str(int(number[1:]))
