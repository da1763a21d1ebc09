"""Kiosk figures: cold start to first frame, touch -> bytes handed to the printer, memory.

    .venv/bin/python bench/kiosk.py [TOUCHES]

Against a real hub process on loopback, Qt offscreen, the real QML. A touch is a mouse click
on a service tile; it ends when the fake printer has the ticket's ESC/POS bytes (laid out,
QR included). Targets (issue 3): first frame <= 2 s, touch -> print p99 <= 150 ms,
RSS <= 180 MB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, HubProcess, pct, qml_centre, rss_mb, summary

sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COLD_RUNS = 5


def first_frame_child(url: str, token: str) -> None:
    """Run in a fresh process: start a kiosk, report when the tiles are first on screen."""
    t_import = time.time()
    from PySide6.QtCore import QObject, Qt, Slot
    from PySide6.QtGui import QGuiApplication

    from kiosk.config import KioskConfig
    from kiosk.runtime import Kiosk

    app = QGuiApplication(sys.argv[:1])
    cfg = KioskConfig.model_validate({"hub": {"url": url, "token": token},
                                      "mdns": {"advertise": False}})
    kiosk = Kiosk(cfg)
    window = kiosk.load(1024, 600)
    marks: dict[str, float] = {"imported": t_import}

    class Marker(QObject):
        """Lives on the GUI thread: frameSwapped comes from the render thread, queued here."""

        @Slot()
        def swapped(self) -> None:
            marks.setdefault("any_frame", time.time())
            if kiosk.vm.screen == "start" and "tiles_frame" not in marks:
                marks["tiles_frame"] = time.time()
                marks["rss_mb"] = rss_mb(os.getpid())
                window.frameSwapped.disconnect(self.swapped)
                app.quit()

    marker = Marker()
    window.frameSwapped.connect(marker.swapped, Qt.ConnectionType.QueuedConnection)
    kiosk.start()
    app.exec()
    kiosk.close()
    print(json.dumps(marks))


def cold_start(hub: HubProcess) -> list[dict[str, float]]:
    runs = []
    for _ in range(COLD_RUNS):
        t0 = time.time()
        out = subprocess.run([sys.executable, __file__, "--first-frame", hub.url,
                              hub.tokens["kiosk"]], capture_output=True, text=True, timeout=60,
                             check=True).stdout
        marks = json.loads(out.strip().splitlines()[-1])
        runs.append({"any": marks["any_frame"] - t0, "tiles": marks["tiles_frame"] - t0,
                     "rss": marks["rss_mb"]})
    return runs


def touches_child(url: str, token: str, n: int) -> None:
    """Run in a fresh process (so its memory is the kiosk's alone): touch n times."""
    lat, rss = touches(url, token, n)
    print(json.dumps({"lat": lat, "rss_mb": rss}))


def touches(url: str, token: str, n: int) -> tuple[list[float], float]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    import kiosk.viewmodel
    from hardware.printer import FakePrinter, PrintableTicket, build_ticket_bytes
    from kiosk.config import KioskConfig
    from kiosk.runtime import Kiosk

    class TimedPrinter(FakePrinter):
        """Lays each ticket out like a real printer, notes when its bytes are ready, and
        keeps nothing (FakePrinter keeps every ticket, which would count as kiosk memory)."""

        def __init__(self) -> None:
            super().__init__(80)
            self.done: list[float] = []

        def print_ticket(self, ticket: PrintableTicket) -> None:
            build_ticket_bytes(ticket, self.paper_mm)
            self.done.append(time.perf_counter())

    kiosk.viewmodel.DISMISS_GUARD_S = 0  # the bench taps "done" at once
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    cfg = KioskConfig.model_validate({"hub": {"url": url, "token": token},
                                      "mdns": {"advertise": False}})
    printer = TimedPrinter()
    k = Kiosk(cfg, printer=printer)
    window = k.load(1024, 600)
    k.start()

    def wait(pred: Any, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > deadline:
                raise RuntimeError("kiosk did not get there")
            app.processEvents()
            time.sleep(0.0005)

    wait(lambda: k.vm.screen == "start")
    services = ["adminduk", "kesehatan", "bansos", "literasi"]
    lat: list[float] = []
    try:
        for i in range(n + 10):
            count = len(printer.done)
            at = qml_centre(window, f"tile-{services[i % len(services)]}")
            t0 = time.perf_counter()
            QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
            wait(lambda c=count: len(printer.done) > c)
            if i >= 10:  # the first few warm the connection pool and the QR code cache
                lat.append((printer.done[-1] - t0) * 1000)
            if os.environ.get("BENCH_RSS_EVERY") and i % int(os.environ["BENCH_RSS_EVERY"]) == 0:
                print(f"  after {i} touches: RSS {rss_mb(os.getpid()):.1f} MB, refs to None "
                      f"{sys.getrefcount(None)}, True {sys.getrefcount(True)}", file=sys.stderr)
            wait(lambda: k.vm.screen == "confirm")
            k.vm.dismiss()
            wait(lambda: k.vm.screen == "start")
        rss = rss_mb(os.getpid())
    finally:
        k.close()
    return lat, rss


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubProcess(Path(tmp) / "hub")
        hub.make_tokens()
        hub.start()
        try:
            runs = cold_start(hub)
            tiles = [r["tiles"] * 1000 for r in runs]
            print(f"cold start -> first frame        : median "
                  f"{statistics.median(r['any'] for r in runs) * 1000:.0f} ms "
                  f"(n={len(runs)}, target <= 2000 ms)")
            print(f"cold start -> first frame, tiles : median {statistics.median(tiles):.0f} ms  "
                  f"max {max(tiles):.0f} ms")
            print(f"kiosk RSS at first frame        : "
                  f"{statistics.median(r['rss'] for r in runs):.1f} MB")
            out = subprocess.run([sys.executable, __file__, "--touches", hub.url,
                                  hub.tokens["kiosk"], str(n)], capture_output=True, text=True,
                                 timeout=600, check=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            lat, rss = res["lat"], res["rss_mb"]
            print(f"touch -> bytes to the printer    : {summary(lat)}  "
                  f"(p99 {pct(lat, 99):.1f} ms, target <= 150 ms)")
            print(f"kiosk RSS after {n} touches     : {rss:.1f} MB (target <= 180 MB)")
        finally:
            hub.stop()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--first-frame":
        first_frame_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "--touches":
        touches_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
