"""systemd's readiness and watchdog protocol, without a dependency.

A service started with ``Type=notify`` tells systemd it is up by sending ``READY=1`` as a
datagram to the Unix socket named in ``$NOTIFY_SOCKET``; with ``WatchdogSec=`` it must send
``WATCHDOG=1`` more often than that, or systemd kills and restarts it. Outside systemd (a
laptop, a test, the demo) ``$NOTIFY_SOCKET`` is unset and every call here is a no-op that
returns False.

Who pings, and from where, is the point of a watchdog: ping from the loop whose health
matters, so a hung loop stops the pings.

* The hub (asyncio): :func:`watchdog_loop` as a task in the server's event loop
  (``antrean/runner.py`` does this).
* A Qt app: after the QML loaded, call :func:`ready`; then ping from the GUI thread with a
  ``QTimer`` every :func:`watchdog_interval` / 2 seconds calling :func:`watchdog`, so a
  frozen screen gets restarted::

      from antrean import sdnotify
      sdnotify.ready()
      if (every := sdnotify.watchdog_interval()) is not None:
          timer = QTimer(app, interval=int(every * 500))
          timer.timeout.connect(sdnotify.watchdog)
          timer.start()

* Anything else: :class:`WatchdogThread` pings from a daemon thread while an optional
  ``healthy()`` callback returns True.

The UI units run the app under ``cage``, so the app is not the unit's main process: they
set ``NotifyAccess=all``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["notify", "ready", "watchdog", "stopping", "status", "watchdog_interval",
           "watchdog_loop", "WatchdogThread"]

log = logging.getLogger(__name__)


def _address(raw: str) -> str | bytes:
    # "@name" is a socket in the abstract namespace: a leading NUL byte on the wire.
    return b"\0" + raw[1:].encode() if raw.startswith("@") else raw


def notify(*states: str) -> bool:
    """Send ``states`` (``"READY=1"``, ``"WATCHDOG=1"``, ``"STATUS=…"``) in one datagram.

    True if sent; False when not run by systemd or the socket is gone (never raises: a
    lost notification must not take the service down).
    """
    target = os.environ.get("NOTIFY_SOCKET", "")
    if not states or not target or target[0] not in "/@":
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.connect(_address(target))
            s.sendall("\n".join(states).encode())
    except OSError as exc:
        log.debug("sd_notify to %s failed: %s", target, exc)
        return False
    return True


def ready(message: str | None = None) -> bool:
    """Tell systemd the service is up (``Type=notify`` units wait for this)."""
    return notify("READY=1", *([f"STATUS={message}"] if message else []))


def watchdog() -> bool:
    """One watchdog keep-alive."""
    return notify("WATCHDOG=1")


def stopping() -> bool:
    """Tell systemd a clean stop has begun."""
    return notify("STOPPING=1")


def status(message: str) -> bool:
    """A one-line status shown by ``systemctl status``."""
    return notify(f"STATUS={message}")


def watchdog_interval() -> float | None:
    """systemd's watchdog timeout for this process in seconds, or None if there is none.

    From ``$WATCHDOG_USEC``; ignored when ``$WATCHDOG_PID`` names a process that is neither
    this one nor its parent (a grandchild that inherited the environment is not the one
    systemd watches). The parent counts because the UI units run the app under ``cage``:
    systemd watches cage, and the app is the one that knows whether the screen is alive
    (the units set ``NotifyAccess=all``). Ping at half of it.
    """
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid.isdigit() and int(pid) not in (os.getpid(), os.getppid()):
        return None
    return int(usec) / 1_000_000


async def watchdog_loop(healthy: Callable[[], bool] | None = None,
                        interval: float | None = None) -> None:
    """Ping every ``interval`` (default: half the watchdog timeout) while ``healthy()``.

    Runs in the event loop it guards: a blocked loop stops pinging. Returns at once when
    there is no watchdog; cancel it to stop.
    """
    every = interval if interval is not None else _half(watchdog_interval())
    if every is None:
        return
    while True:
        if healthy is None or _healthy(healthy):
            watchdog()
        await asyncio.sleep(every)


class WatchdogThread:
    """Pings from a daemon thread every ``interval`` s while ``healthy()`` is True.

    For code with no event loop of its own; with no watchdog configured ``start()`` does
    nothing. ``stop()`` is safe twice.
    """

    def __init__(self, healthy: Callable[[], bool] | None = None,
                 interval: float | None = None) -> None:
        self.interval = interval if interval is not None else _half(watchdog_interval())
        self._healthy = healthy
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> WatchdogThread:
        if self.interval is not None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="antrean-watchdog",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        assert self.interval is not None
        while not self._stop.is_set():
            if self._healthy is None or _healthy(self._healthy):
                watchdog()
            self._stop.wait(self.interval)


def _half(timeout: float | None) -> float | None:
    return None if timeout is None else max(timeout / 2, 0.05)


def _healthy(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:
        log.exception("watchdog health check failed; not pinging")
        return False



def start_gui_watchdog(timer_cls: Any) -> Any:
    """For a Qt app whose window is up: ``READY=1`` now, then ``WATCHDOG=1`` from the GUI
    thread every half watchdog interval, so a frozen screen stops pinging and systemd
    restarts it. ``timer_cls`` is ``QTimer`` (passed in: this module imports no Qt). Returns
    the timer (keep a reference), or None outside systemd's watchdog."""
    ready()
    every = watchdog_interval()
    if every is None:
        return None
    timer = timer_cls()
    timer.setInterval(int(every * 500))
    timer.timeout.connect(watchdog)
    timer.start()
    return timer
