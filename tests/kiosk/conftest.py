"""Fixtures for the kiosk tests: a real kiosk (real QML, offscreen) against a real hub.

Why real parts: what must hold — one touch is one ticket, a ticket survives a printer fault
or a hub outage — is about threads, sockets and the QML the resident touches, which mocks
would hide. Nothing here advertises by mDNS except on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from kiosk_helpers import KioskUnderTest

from kiosk.config import KioskConfig
from kiosk.runtime import Kiosk


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """A kiosk that is closed leaves no desk, link, event-stream or button thread behind."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.02)
    leaked = set(threading.enumerate()) - before
    assert not leaked, f"threads left running: {sorted(t.name for t in leaked)}"


@pytest.fixture(autouse=True)
def wake_hub_streams(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test, make the hub send one event so it notices the kiosks that left.

    Why: the hub's /events handler only finds out a client has gone when it next sends, and
    a stopping hub waits 3 s for such handlers. One harmless event (component "test") lets
    the hub stop at once, which keeps this module inside its time budget.
    """
    hubs = [request.getfixturevalue(name) for name in ("hub_process", "shared_hub")
            if name in request.fixturenames]
    yield
    for hub in hubs:
        if hub.proc is not None and hub.proc.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(f"{hub.url}/api/v1/devices/status", headers=hub.headers("lead"),
                           json={"component": "test", "ok": True, "status": "ok"}, timeout=2)


@pytest.fixture
def make_kiosk(qtbot: Any) -> Iterator[Callable[..., KioskUnderTest]]:
    """Start a kiosk (1024×600); waits for the start screen.

    ``printer`` None builds it from the config (``fake`` unless the test says otherwise).
    """
    made: list[Kiosk] = []

    def make(cfg: KioskConfig, printer: Any = None, *, size: tuple[int, int] = (1024, 600),
             wait_for: str | None = "start", **options: Any) -> KioskUnderTest:
        kiosk = Kiosk(cfg, printer=printer, **options)
        made.append(kiosk)
        assert kiosk.load(*size) is not None
        kiosk.start()
        k = KioskUnderTest(qtbot, kiosk)
        if wait_for:
            k.wait_screen(wait_for, timeout=10)
        return k

    yield make
    for kiosk in reversed(made):
        kiosk.close()


