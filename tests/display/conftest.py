"""Fixtures for the hall display's tests.

Real parts throughout: a real hub process on loopback (``hub_process`` from the top-level
conftest), real espeak-ng WAVs, a real QML window offscreen. Only the loudspeaker is fake:
this machine has no sound card, and a test must not wait out every sentence.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from display.config import DisplayConfig


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every test stops the threads it starts: feed, event stream, announcer, TTS, mDNS.

    It also collects garbage here, on the GUI thread. Why: a Board and its QTimers form a
    reference cycle, and the speech engine's thread runs ``gc.collect()`` when it stops; a
    cycle left over from an earlier test would then be destroyed on that thread, and Qt
    warns ("Timers cannot be stopped from another thread").
    """
    before = set(threading.enumerate())
    yield
    gc.collect()
    deadline = time.monotonic() + 3
    while (leaked := set(threading.enumerate()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def make_display(qapp: Any) -> Iterator[Callable[..., Any]]:
    """Build, start and (at teardown) close DisplayApps; kwargs go to DisplayApp."""
    from display.app import DisplayApp

    made: list[DisplayApp] = []

    def make(cfg: DisplayConfig, *, live: bool = True, **kwargs: Any) -> DisplayApp:
        kwargs.setdefault("size", (1280, 720))
        app = DisplayApp(cfg, **kwargs)
        made.append(app)
        assert app.start(live=live), "the QML did not load"
        return app

    yield make
    for app in reversed(made):
        app.close()
