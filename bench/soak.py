"""A day at a busy post, fast: every app's memory per 100 tickets.

    .venv/bin/python bench/soak.py [--tickets 1200] [--interval 0.4] [--every 100]
                                   [--warmup 200] [--printer fake|fake:DIR] [--no-voice]

Real processes on loopback, Qt offscreen, mDNS on 127.0.0.1 only: a hub, a kiosk
(``antrean kiosk`` with a fake printer and a button box on a pseudo-terminal), a counter
(the real view-model and QML, pressing "next" when told on stdin) and a hall display
(``antrean display``, speaking into WAV files through its speech worker unless
``--no-voice``). The button box is pressed every ``--interval`` s and the counter calls
every other press. After every ``--every`` tickets the hub has issued, each app's RSS is
printed (``speech``: the display's speech worker); at the end, the growth per ticket after
``--warmup`` tickets.

Issue 17 item 10: the kiosk grew ~21 KB a ticket, linearly: its fake printer kept every
ticket's ESC/POS bytes (18 KB at 80 mm). The hub's few KB a ticket are the day's tickets
it holds in memory by design (its queue is the day's state, rebuilt from the log at start).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import httpx
from _common import ROOT, HubProcess, rss_mb

sys.path.insert(0, str(ROOT / "tests"))
from ptys import Pty  # noqa: E402

LOOPBACK_MDNS = '[mdns]\ninterfaces = ["127.0.0.1"]\n'


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (the display's speech worker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Soak:
    """The post's processes, started in ``tmp`` and stopped by :meth:`close`."""

    def __init__(self, tmp: Path, printer: str, voice: bool) -> None:
        self.tmp, self.procs, self.logs = tmp, {}, []  # type: ignore[var-annotated]
        self.hub = HubProcess(tmp / "hub")
        self.hub.make_tokens()
        self.hub.start()
        self.pty = Pty()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
        (tmp / "kiosk.toml").write_text(LOOPBACK_MDNS)
        (tmp / "display.toml").write_text(LOOPBACK_MDNS)
        (tmp / "counter.toml").write_text(
            LOOPBACK_MDNS + "claim_wait_s = 0.5\n[counter]\nnext_guard_s = 0.2\n"
            f'state_dir = "{tmp / "counter-state"}"\n')
        app = [sys.executable, "-m", "antrean"]
        url, tokens = self.hub.url, self.hub.tokens
        self._spawn("kiosk", [*app, "kiosk", "--config", str(tmp / "kiosk.toml"), "--hub", url,
                              "--token", tokens["kiosk"], "--printer", printer,
                              "--buttons", self.pty.path, "--size", "800x480"], env)
        self._spawn("counter", [sys.executable, __file__, "--counter-child", url,
                                tokens["counter"], str(tmp / "counter.toml")], env,
                    stdin=subprocess.PIPE)
        voice_args = ["--wav-dir", str(tmp / "voice")] if voice else ["--no-voice"]
        self._spawn("display", [*app, "display", "--config", str(tmp / "display.toml"),
                                "--hub", url, "--token", tokens["display"], "--size",
                                "1280x720", *voice_args], env)

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str], **kw: Any) -> None:
        log: IO[bytes] = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed in close()
        self.logs.append(log)
        self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                            **kw)

    def stats(self) -> dict[str, Any]:
        r = httpx.get(f"{self.hub.url}/api/v1/stats", headers=self.hub.headers("lead"),
                      timeout=10)
        r.raise_for_status()
        return dict(r.json())

    def issued(self) -> int:
        return int(self.stats()["issued"])

    def rss(self) -> dict[str, float]:
        pids = {"hub": self.hub.proc.pid} if self.hub.proc else {}
        pids |= {name: p.pid for name, p in self.procs.items()}
        figures = {name: rss_mb(pid) for name, pid in pids.items()}
        workers = children(self.procs["display"].pid)
        if workers:
            figures["speech"] = sum(rss_mb(pid) for pid in workers)
        return figures

    def check_alive(self) -> None:
        for name, p in self.procs.items():
            if p.poll() is not None:
                tail = (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited ({p.returncode}):\n{tail}")

    def press(self, call: bool) -> None:
        self.pty.send(b"1\n")
        if call:
            stdin = self.procs["counter"].stdin
            assert stdin is not None
            stdin.write(b"next\n")
            stdin.flush()

    def close(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.hub.stop()
        self.pty.close()
        for log in self.logs:
            log.close()


def counter_child(url: str, token: str, config: str) -> int:
    """The counter app, whose clerk presses "next" for every line ``next`` on stdin."""
    from PySide6.QtCore import QSocketNotifier, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine

    from counter.app import _config, _options, build_parser, load_window
    from counter.viewmodel import CounterViewModel

    args = build_parser().parse_args(["--config", config, "--hub", url, "--token", token,
                                      "--counter", "1", "--size", "1024x600"])
    app = QGuiApplication(sys.argv[:1])
    vm = CounterViewModel(_options(_config(args)))
    engine = QQmlApplicationEngine()
    win = load_window(vm, engine, (1024, 600))
    if win is None:
        return 1
    stdin = sys.stdin.buffer

    def line() -> None:
        data = stdin.readline()
        if not data:
            app.quit()
        elif data.strip() == b"next":
            vm.press("next")

    notifier = QSocketNotifier(stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(line)
    QTimer.singleShot(0, vm.start)
    try:
        return int(app.exec())
    finally:
        vm.close()
        del engine


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as name:
        tmp = Path(name)
        soak = Soak(tmp, args.printer.replace("DIR", str(tmp / "tickets")), not args.no_voice)
        rows: list[tuple[int, dict[str, float]]] = []
        try:
            deadline = time.monotonic() + 60
            while soak.issued() == 0 and time.monotonic() < deadline:
                soak.check_alive()
                soak.press(call=False)  # the kiosk takes the press once it knows the services
                time.sleep(1.0)
            time.sleep(3)  # the counter has claimed its number, the display has replayed
            presses, issued, mark = 0, soak.issued(), 0
            print(f"{'tickets':>8} " + " ".join(f"{k:>9}" for k in soak.rss()) + "   (RSS, MB)")
            while issued < args.tickets:
                t = time.monotonic()
                presses += 1
                soak.press(call=presses % 2 == 0)
                issued = soak.issued()
                if issued >= mark + args.every or issued >= args.tickets:
                    soak.check_alive()
                    mark = issued - issued % args.every
                    figures = soak.rss()
                    rows.append((issued, figures))
                    print(f"{issued:>8} " + " ".join(f"{v:>9.1f}" for v in figures.values()),
                          flush=True)
                time.sleep(max(0.0, args.interval - (time.monotonic() - t)))
            time.sleep(2)
            stats = soak.stats()
            print(f"the hub: {stats['issued']} issued, {stats['served']} served by the counter "
                  f"(calling every other press), {presses} presses")
        finally:
            soak.close()
        report(rows, args.warmup)


def report(rows: list[tuple[int, dict[str, float]]], warmup: int) -> None:
    """Growth per ticket from the first checkpoint after warm-up to the last."""
    base = next(((n, f) for n, f in rows if n >= warmup), None)
    if base is None or rows[-1][0] <= base[0]:
        return
    (n0, f0), (n1, f1) = base, rows[-1]
    for name in f1:
        if name in f0:
            kb = (f1[name] - f0[name]) * 1024 / (n1 - n0)
            print(f"{name:>8}: {f0[name]:.1f} -> {f1[name]:.1f} MB over tickets {n0}-{n1}: "
                  f"{kb:+.1f} KB a ticket")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=1200)
    p.add_argument("--interval", type=float, default=0.4, help="seconds between presses")
    p.add_argument("--every", type=int, default=100, help="print RSS every N tickets")
    p.add_argument("--warmup", type=int, default=200,
                   help="growth per ticket is counted from this many tickets on (caches, "
                        "pools and the fake printer's last tickets fill up before)")
    p.add_argument("--printer", default="fake", help="the kiosk's --printer (DIR: a temp dir)")
    p.add_argument("--no-voice", action="store_true", help="the display does not speak")
    run(p.parse_args())


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--counter-child":
        sys.path.remove(str(Path(__file__).resolve().parent))  # bench/counter.py is not it
        sys.exit(counter_child(*sys.argv[2:5]))
    main()
