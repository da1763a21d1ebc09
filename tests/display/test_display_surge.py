"""Surge alerts on the hall board, against a real hub served in this process.

Why in-process (``HubThread``) and not ``hub_process``: a surge needs a resident waiting past
the post's limit (45 min in the example post), and only a hub on a :class:`FixedClock` can
be moved that far in a test. The hub still serves its real API and event stream on a
loopback port; the display talks to it exactly as it talks to a hub on the LAN.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from displaykit import display_config
from PySide6.QtCore import QObject

from antrean.auth import create_device_token
from antrean.client import HubClient
from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.lead import check_alerts
from antrean.runner import HubThread
from antrean.storage import Storage

SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens"
T = TypeVar("T")


class ClockedHub:
    """A hub on a FixedClock, served from a thread, with one token per role."""

    def __init__(self, data_dir: Path) -> None:
        self.config = load_post_config(None)
        self.clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
        storage = Storage(data_dir)
        try:
            self.tokens = {role: create_device_token(storage, role, f"test-{role}",
                                                     self.clock.now())
                           for role in ("kiosk", "counter", "display")}
        finally:
            storage.close()
        self.thread = HubThread(self.config, data_dir, clock=self.clock).start()
        self.url = self.thread.url

    def on_loop(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the hub's event loop, where its own surge check runs (the event
        stream's queues are not thread-safe)."""
        async def call() -> T:
            return fn()

        loop = self.thread.server.servers[0].get_loop()
        return asyncio.run_coroutine_threadsafe(call(), loop).result(timeout=10)

    def check_alerts(self) -> list[dict[str, Any]]:
        return self.on_loop(lambda: check_alerts(self.thread.hub))


@pytest.fixture
def clocked_hub(tmp_path: Path) -> Iterator[ClockedHub]:
    hub = ClockedHub(tmp_path / "hub")
    try:
        yield hub
    finally:
        hub.thread.stop()


def note_item(app: Any) -> QObject:
    item = app.window.findChild(QObject, "surgeNote")
    assert item is not None, "no QML item named 'surgeNote'"
    return item


def test_a_surge_the_hub_broadcasts_is_noted_restored_from_queue_and_cleared(
        clocked_hub, make_display, qtbot):
    hub = clocked_hub
    limit_min = hub.config.hub.surge_wait_min
    app = make_display(display_config(hub.url, hub.tokens["display"]), voice=False,
                       size=(1920, 1080))
    qtbot.waitUntil(lambda: app.board.connected and app.board.waiting.rowCount() == 5,
                    timeout=10000)
    with HubClient(hub.url, hub.tokens["kiosk"]) as kiosk, \
            HubClient(hub.url, hub.tokens["counter"]) as counter:
        kiosk.issue("kesehatan")
        kiosk.issue("kesehatan")
        hub.clock.advance(minutes=limit_min - 15)
        kiosk.issue("adminduk")  # waits 15 min less: still under the limit below
        assert hub.check_alerts() == []
        hub.clock.advance(minutes=16)
        (surge,) = hub.check_alerts()
        assert (surge["data"]["service"], surge["data"]["level"]) == ("kesehatan", "surge")

        note = note_item(app)
        qtbot.waitUntil(lambda: note.property("visible"), timeout=5000)
        assert app.board.surgeNote == "Layanan Kesehatan sedang ramai — mohon bersabar"
        text = app.window.findChild(QObject, "surgeText")
        assert text.property("text") == "Layanan Kesehatan sedang ramai — mohon bersabar"
        assert text.property("contentWidth") <= text.property("width") + 1
        assert text.property("contentHeight") <= text.property("height") + 1
        assert "Kesehatan" not in app.board.ticker.split("•")[0]  # not a device fault
        assert not app.board.hasAlerts
        qtbot.wait(300)  # let the layout settle before the picture
        SCREENS.mkdir(parents=True, exist_ok=True)
        assert app.grab(SCREENS / "display-surge-1920x1080.png")

        # A display that connects now (no replay of the log at all) learns it from /queue.
        late = make_display(display_config(hub.url, hub.tokens["display"],
                                           screen={"lang": "en"}),
                            voice=False, replay=0)
        qtbot.waitUntil(lambda: late.board.surgeNote ==
                        "Long queue for Health — thank you for your patience", timeout=10000)

        counter.call_next(2, ["kesehatan"])
        counter.call_next(2, ["kesehatan"])
        (clear,) = hub.check_alerts()
        assert (clear["data"]["service"], clear["data"]["level"]) == ("kesehatan", "clear")
        qtbot.waitUntil(lambda: not note.property("visible") and not late.board.surgeNote,
                        timeout=5000)
        assert app.board.surgeNote == ""
