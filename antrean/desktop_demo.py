"""``antrean demo`` with a screen: a whole post on one machine.

A hub, a kiosk (fake printer saving each ticket as a PNG rendered from its ESC/POS bytes),
two counters and a hall display (voice on the sound card when there is one; every spoken
call also kept as a WAV), each in its own process, as on a real post. Started in order,
stopped in reverse on SIGTERM/SIGINT or when any part exits. Qt-free: it only starts
processes, so ``import antrean`` stays light.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from .auth import create_device_token
from .clock import utcnow
from .devicetoken import ENV_VAR as TOKEN_ENV
from .runner import free_port
from .storage import Storage

__all__ = ["DesktopDemo", "has_screen"]

log = logging.getLogger(__name__)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the demo dies, even by SIGKILL, so no
    part of the demo post outlives it (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def _write_private(path: Path, text: str) -> None:
    """Write a file only this user may read (it holds tokens or the staff PIN)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there before
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def has_screen() -> bool:
    """A display server to draw on (or Qt told to render offscreen, as in tests)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM") == "offscreen")


class DesktopDemo:
    """The processes of one demo post; :meth:`close` stops them in reverse order."""

    def __init__(self, out: Path, *, buttons: str | None = None, voice: bool = True,
                 data: Path | None = None) -> None:
        self.out = out
        self.buttons = buttons
        self.voice = voice
        self._tmp = None if data else tempfile.TemporaryDirectory(prefix="antrean-demo-")
        self.data = data or Path(self._tmp.name)  # type: ignore[union-attr]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.tokens: dict[str, str] = {}
        self.pin = f"{secrets.randbelow(10**4):04d}"
        self._stop = threading.Event()

    def _spawn(self, name: str, *args: str, token: str | None = None) -> subprocess.Popen[bytes]:
        """Start one part; its token goes in its environment, never on its command line
        (``ps`` shows command lines to every user of the machine)."""
        logf = open(self.out / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
        env["PYTHONUNBUFFERED"] = "1"
        if token is not None:
            env[TOKEN_ENV] = token
        p = subprocess.Popen([sys.executable, "-m", "antrean", *args], stdout=logf,
                             stderr=subprocess.STDOUT, env=env, preexec_fn=_die_with_parent)
        logf.close()
        self.procs.append((name, p))
        return p

    def start(self) -> DesktopDemo:
        for sub in ("tickets", "voice", "logs"):
            (self.out / sub).mkdir(parents=True, exist_ok=True)
        st = Storage(self.data)
        try:
            for role, name in [("kiosk", "Kios Demo"), ("counter1", "Loket 1"),
                               ("counter2", "Loket 2"), ("display", "Layar Aula"),
                               ("lead", "Ketua Pos Demo")]:
                self.tokens[role] = create_device_token(st, role.rstrip("12"), name, utcnow())
        finally:
            st.close()
        self._spawn("hub", "hub", "--data", str(self.data), "--host", "127.0.0.1",
                    "--port", str(self.port))
        self._wait_for_hub()
        display = ["display", "--hub", self.url, "--size", "1280x720",
                   "--wav-dir", str(self.out / "voice")]
        if not self.voice:
            display.append("--no-voice")
        self._spawn("display", *display, token=self.tokens["display"])
        for n in (1, 2):
            self._spawn(f"counter{n}", "counter", "--hub", self.url, "--counter", str(n),
                        "--size", "1024x600", "--name", f"Loket {n}",
                        token=self.tokens[f"counter{n}"])
        kiosk = ["kiosk", "--hub", self.url, "--config", str(self._kiosk_config()),
                 "--printer", f"fake:{self.out / 'tickets'}", "--size", "1024x600",
                 "--name", "Kios Demo",
                 # its own outbox and reserves: the appliance's /var/lib/antrean would carry
                 # another run's reserved numbers into this post, whose hub never granted them
                 "--data", str(self.data / "kiosk")]
        if self.buttons:
            kiosk += ["--buttons", self.buttons]
        self._spawn("kiosk", *kiosk, token=self.tokens["kiosk"])
        info = {"hub": self.url, "dashboard": f"{self.url}/dashboard#token={self.tokens['lead']}",
                "tokens": self.tokens, "staff_pin": self.pin,
                "pids": {n: p.pid for n, p in self.procs}}
        _write_private(self.out / "demo.json", json.dumps(info, indent=2))
        return self

    def _kiosk_config(self) -> Path:
        """A kiosk config with this demo's staff PIN (a new one each run: no default PINs),
        hashed by the kiosk's own ``--hash-pin`` so the demo needs no kiosk code."""
        r = subprocess.run([sys.executable, "-m", "antrean", "kiosk", "--hash-pin"],
                           input=self.pin + "\n", capture_output=True, text=True, timeout=60,
                           check=True)
        line = next(x for x in r.stdout.splitlines() if x.startswith("pin_hash"))
        path = self.out / "kiosk.toml"
        _write_private(path, f"# antrean demo: staff PIN {self.pin}\n[staff]\n{line}\n")
        return path

    def _wait_for_hub(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the hub did not start; see {self.out / 'logs' / 'hub.log'}")

    def wait(self) -> str | None:
        """Block until asked to stop or until a part exits; returns the part that exited."""
        while not self._stop.wait(0.5):
            for name, p in self.procs:
                if p.poll() is not None:
                    return name
        return None

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        for _name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=8)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=5)
        self.procs.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def run_desktop_demo(out: Path, *, buttons: str | None = None, voice: bool = True) -> int:
    demo = DesktopDemo(out, buttons=buttons, voice=voice)
    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, lambda *_: demo.stop())
    try:
        demo.start()
        print("Antrean demo: hub, kios, loket 1 dan 2, layar aula berjalan di mesin ini.")
        print(f"  Hub      : {demo.url}")
        print(f"  Dasbor   : {demo.url}/dashboard#token={demo.tokens['lead']}")
        print(f"  Tiket    : {out / 'tickets'} (PNG tiap tiket)")
        print(f"  Suara    : {out / 'voice'} (WAV tiap panggilan, bernama nomor antrean)")
        print(f"  PIN staf : {demo.pin} (kios: sentuh dan tahan jam 3 detik → menu staf, cetak ulang)")
        print("Tekan Ctrl+C untuk berhenti.", flush=True)
        exited = demo.wait()
        if exited:
            print(f"antrean demo: '{exited}' berhenti; lihat {out / 'logs' / exited}.log",
                  file=sys.stderr)
        return 0 if exited is None else 1
    finally:
        demo.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
