"""Fixtures for the counter terminal's tests.

Every counter here talks to a real hub process on loopback (``hub_process`` /
``shared_hub`` from ``tests/conftest.py``). In-process counters run with mDNS off, so no
test ever advertises on the default interfaces; the peer tests run real counter
processes whose hub is on 127.0.0.1, which keeps their mDNS on loopback only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_thread_leak() -> Iterator[None]:
    """Fail a test that leaves a Python thread running (event stream, zeroconf, …).

    A counter that forgets to close its event stream or its mDNS browser keeps a thread
    alive on a Pi that runs for months; this catches it where it is introduced.
    """
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()
                 and not isinstance(t, threading._DummyThread)]  # type: ignore[attr-defined]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not extra, f"threads left running: {[t.name for t in extra]}"


@pytest.fixture
def make_vm(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Build a started ``CounterViewModel`` on a hub (mDNS off); closed after the test.

    It waits until the counter is ready and has read the hub, the state a clerk sees
    after switching the terminal on.
    """
    from counter.viewmodel import CounterViewModel, Options

    made: list[Any] = []

    def make(hub: Any, *, number: int = 1, next_guard_s: float = 2.0, ready: bool = True,
             **kw: Any) -> Any:
        if "token" not in kw:  # a counter device of its own per number (see hubproc.py)
            own = getattr(hub, "counter_token", None)
            kw["token"] = own(number) if own and number else hub.tokens["counter"]
        opts = Options(url=hub.url, number=number, mdns=False, next_guard_s=next_guard_s, **kw)
        vm = CounterViewModel(opts)
        made.append(vm)
        vm.start()
        if ready:  # ready=False: the test waits for what it expects itself
            qtbot.waitUntil(lambda: vm.desk.phase == "ready" and vm.desk.hub_up is True
                            and vm.desk.queue is not None, timeout=8000)
        return vm

    yield make
    for vm in made:
        vm.close()


@pytest.fixture
def hub(hub_process: Any) -> Iterator[Any]:
    """``hub_process``, killed outright at the end.

    Why: after an event-stream client has gone, the hub's SIGTERM shutdown waits out
    uvicorn's 3 s graceful timeout (its ``/events`` handler never notices the client
    left). Nothing of the hub is under test at teardown, so the counter tests skip it.
    """
    yield hub_process
    hub_process.kill()


@pytest.fixture(scope="session")
def counter_hub(tmp_path_factory: Any) -> Iterator[Any]:
    """One hub for every counter test that does not care what the others left in it.

    Each test uses its own counter number and service, so they do not meet. Why not
    ``shared_hub``: a hub start costs 1–4 s and six test modules need one.
    """
    from counter_helpers import post_config
    from hubproc import HubProcess

    data = tmp_path_factory.mktemp("counter-hub")
    hub = HubProcess(data, config=post_config(data / "post.toml"))  # post TEST_POST
    hub.make_tokens()
    hub.start()
    yield hub
    hub.kill()  # see ``hub``


@pytest.fixture
def window(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Load the real QML screen for a view-model, shown offscreen; deleted after the test."""
    import shiboken6
    from PySide6.QtQml import QQmlApplicationEngine

    from counter.app import load_window

    engines: list[Any] = []

    def load(vm: Any, size: tuple[int, int] = (1280, 800)) -> Any:
        engine = QQmlApplicationEngine()
        engines.append(engine)
        win = load_window(vm, engine, size)
        assert win is not None, "the QML screen did not load"
        win.show()
        win.requestActivate()
        qtbot.waitExposed(win)
        return win

    yield load
    for engine in engines:  # before the view-models they bind to are closed
        shiboken6.delete(engine)
