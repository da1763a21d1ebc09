"""The counter terminal against a real hub: press → ticket on screen, GUI stalls, memory.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/counter.py [N]

Prints the latency from a "next" press to the called ticket being in the view (the
QML screen loaded and bound), the same for "finish", the longest stall of the GUI event
loop meanwhile and while the hub is killed (network calls must never block it), and the
process RSS with the screen up.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import shiboken6  # noqa: E402
from _common import HubProcess, rss_mb, summary  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtQml import QQmlApplicationEngine  # noqa: E402


class StallMeter:
    """A 10 ms timer on the GUI thread; the longest gap between ticks is the worst stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.worst = 0.0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.worst = 0.0
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.worst = max(self.worst, self.clock.restart() - 10)


def wait(app: QGuiApplication, cond, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError
        app.processEvents()
        time.sleep(0.0005)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    from counter.app import load_window
    from counter.viewmodel import CounterViewModel, Options

    app = QGuiApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubProcess(Path(tmp) / "hub")
        hub.make_tokens()
        hub.start()
        with httpx.Client() as c:
            for i in range(n):
                c.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                       json={"service": "adminduk", "priority": "elderly" if i % 4 else None,
                             "request_id": str(uuid.uuid4())}).raise_for_status()
        vm = CounterViewModel(Options(url=hub.url, token=hub.tokens["counter"], number=1,
                                      mdns=False, next_guard_s=0))
        engine = QQmlApplicationEngine()
        load_window(vm, engine)
        vm.start()
        wait(app, lambda: vm.desk.phase == "ready" and vm.desk.queue is not None)
        stalls = StallMeter()
        stalls.start()
        nxt, fin = [], []
        for _ in range(n):
            t = time.perf_counter()
            vm.press("next")
            wait(app, lambda: vm.desk.busy is None and vm.view["ticket"]["present"])
            nxt.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            vm.press("finish")
            wait(app, lambda: vm.desk.busy is None and not vm.view["ticket"]["present"])
            fin.append((time.perf_counter() - t) * 1000)
        print(f"next → ticket in view:   {summary(nxt)}")
        print(f"finish → cleared:        {summary(fin)}")
        print(f"worst GUI stall (calls): {stalls.worst:.0f} ms")
        print(f"counter RSS, screen up:  {rss_mb(os.getpid()):.0f} MB")
        hub.kill()
        stalls.start()
        t = time.monotonic()
        while time.monotonic() - t < 5:  # hub gone: probes fail, presses are refused
            vm.press("next")
            app.processEvents()
            time.sleep(0.005)
        print(f"worst GUI stall (hub killed, 5 s of presses): {stalls.worst:.0f} ms; "
              f"banner shown: {vm.view['hubDown']}")
        stalls.timer.stop()
        vm.close()
        shiboken6.delete(engine)  # the window before the view-model it binds to
        shiboken6.delete(vm)
        hub.stop()


if __name__ == "__main__":
    main()
