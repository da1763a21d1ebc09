"""A real hub in its own process on a free loopback port, for tests and benchmarks.

The tokens are created with the same code ``antrean token`` runs, straight into the
hub's database, before (or while) the hub runs.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROLES = ("kiosk", "counter", "display", "survey", "lead")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_post_config(path: Path, *, timezone: str | None = None,
                      post_id: str | None = None) -> Path:
    """The packaged example post, with another time zone or post id, written to ``path``."""
    from antrean.config import example_config_path

    text = example_config_path().read_text(encoding="utf-8")
    if timezone is not None:
        text = text.replace('timezone = "Asia/Jakarta"', f'timezone = "{timezone}"', 1)
    if post_id is not None:
        text = text.replace('id = "pos-contoh"', f'id = "{post_id}"', 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bansos_config(path: Path, *, start: date | None = None, end: date | None = None,
                  retention: int = 90, post_id: str | None = None) -> Path:
    """The packaged example post, its Bantuan Sosial programme (bansos-2026, checked by
    NIK hash) running from 30 days ago to 30 days ahead unless told otherwise."""
    today = date.today()
    write_post_config(path, post_id=post_id)
    text = path.read_text(encoding="utf-8")
    text = (text.replace("programme_start = 2026-01-01",
                         f"programme_start = {start or today - timedelta(days=30)}")
                .replace("programme_end = 2026-12-31",
                         f"programme_end = {end or today + timedelta(days=30)}")
                .replace("retention_days = 90", f"retention_days = {retention}"))
    path.write_text(text, encoding="utf-8")
    return path


def faketime_env(spec: str) -> dict[str, str]:
    """Environment that runs a process under libfaketime (apt package ``faketime``).

    The library is preloaded straight into the hub rather than through the ``faketime``
    wrapper, which would stand between us and the hub: a signal sent to the wrapper does
    not reach the hub, and ``kill -9`` would leave the hub running.
    """
    libs = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))  # the hub has threads
    if not libs:
        raise RuntimeError("libfaketime is missing: scripts/setup.sh installs the faketime package")
    return {"LD_PRELOAD": libs[0], "FAKETIME": spec}


SLOWFSYNC_C = Path(__file__).resolve().parent.parent / "bench" / "slowfsync.c"


def build_slowfsync(out_dir: Path) -> Path:
    """Build bench/slowfsync.c (an LD_PRELOAD shim adding a delay to every fsync, to stand
    in for an SD card) with ``cc``; returns the shared object."""
    cc = shutil.which("cc")
    if cc is None:
        raise RuntimeError("no C compiler as `cc`: scripts/setup.sh installs gcc")
    so = Path(out_dir) / "slowfsync.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-Wall", "-o", str(so), str(SLOWFSYNC_C),
                    "-ldl"], check=True)
    return so


class SyncCounts:
    """The shim's counters, in a file it maps shared: every sync, WAL syncs begun, WAL
    syncs returned (in WAL mode with synchronous=FULL, one WAL sync per commit)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.write_bytes(bytes(24))

    def read(self) -> tuple[int, int, int]:
        return struct.unpack("<QQQ", self.path.read_bytes()[:24])  # type: ignore[return-value]

    @property
    def commit_in_flight(self) -> bool:
        _, begun, returned = self.read()
        return begun > returned


def slowfsync_env(so: Path, delay_ms: float, counts: SyncCounts | None = None,
                  hold: Path | None = None) -> dict[str, str]:
    """Environment for a process whose every fsync takes ``delay_ms`` longer (and waits
    while the file ``hold`` exists)."""
    env = {"LD_PRELOAD": str(so), "SLOWFSYNC_MS": str(delay_ms)}
    if counts is not None:
        env["SLOWFSYNC_COUNTS"] = str(counts.path)
    if hold is not None:
        env["SLOWFSYNC_HOLD"] = str(hold)
    return env


class PortTaken(RuntimeError):
    pass


class HubProcess:
    def __init__(self, data_dir: Path, *, config: Path | None = None, mdns: bool = False,
                 port: int | None = None, tls: str | None = None,
                 faketime: str | None = None, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = (), prefix: Sequence[str] = ()) -> None:
        """``faketime``: run the hub under libfaketime with this spec (e.g. ``"+3600s"``;
        a relative offset keeps its clock continuous across restarts). ``prefix``: a
        command that execs the hub's (e.g. ``unshare`` with a mount of its own)."""
        self.data_dir = Path(data_dir)
        self.args = tuple(args)  # more `antrean hub` options (e.g. --city-url)
        self.tls = tls  # --tls on|off|auto (None: the config's, auto: plain on loopback)
        self.config = config
        self.mdns = mdns
        self.faketime = faketime
        self.env = env or {}
        self.prefix = list(prefix)
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.tokens: dict[str, str] = {}
        self.log_path = self.data_dir / "hub.log"
        self._started_before = False

    @property
    def url(self) -> str:
        return f"{'https' if self.tls == 'on' else 'http'}://127.0.0.1:{self.port}"

    @property
    def fingerprint(self) -> str:
        """The hub key's fingerprint (made at its first start), as devices pin it."""
        from antrean.tls import load_identity

        identity = load_identity(self.data_dir)
        assert identity is not None, "the hub has not started yet: it makes its key then"
        return identity.fingerprint

    def http(self, **kw) -> httpx.Client:
        """An httpx client that trusts this hub's key (and no other)."""
        from antrean.tls import HubTLSContext

        return httpx.Client(verify=HubTLSContext(self.fingerprint), **kw)

    def make_tokens(self) -> dict[str, str]:
        from antrean.auth import create_device_token
        from antrean.storage import Storage

        st = Storage(self.data_dir)
        try:
            for role in ROLES:
                if role not in self.tokens:
                    self.tokens[role] = create_device_token(st, role, f"test-{role}",
                                                            datetime.now(UTC))
        finally:
            st.close()
        return self.tokens

    def start(self, timeout: float = 30.0) -> HubProcess:
        """Start (or restart, on the same port) and wait until /health answers.

        A free port can be taken by another process between our probe and the hub's bind;
        on a first start the hub then gets a new port (a restart keeps its port).
        """
        for attempt in range(3):
            try:
                return self._start_once(timeout)
            except PortTaken:
                if self._started_before or attempt == 2:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start_once(self, timeout: float) -> HubProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "antrean", "hub", "--data", str(self.data_dir),
               "--host", "127.0.0.1", "--port", str(self.port)]
        if self.config:
            cmd += ["--config", str(self.config)]
        if not self.mdns:
            cmd.append("--no-mdns")
        if self.tls:
            cmd += ["--tls", self.tls]
        cmd += self.args
        cmd = [*self.prefix, *cmd]
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        if self.faketime is not None:
            env.update(faketime_env(self.faketime))
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        from antrean.tls import HubTLSContext

        deadline = time.monotonic() + timeout
        probe = HubTLSContext()  # any key: only "is it up?" (tests check the key themselves)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text()[-2000:]
                if "address already in use" in tail:
                    raise PortTaken(tail)
                raise RuntimeError(f"hub exited: {tail}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=0.5,
                             verify=probe).status_code == 200:
                    self._started_before = True
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"hub did not answer in {timeout}s: {self.log_path.read_text()[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)
        self.proc = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def counter_headers(self, n: int) -> dict[str, str]:
        """The headers of counter device "test-loket-N" (see :meth:`counter_token`)."""
        return {"Authorization": f"Bearer {self.counter_token(n)}"}

    def counter_token(self, n: int) -> str:
        """The token of counter device "test-loket-N", made on first use.

        Why one device per number: the hub lets a counter device act only on the one
        number it holds (taken at its first action), as each counter terminal does. The
        ``counter`` token of :meth:`headers` holds whichever number it used first.
        """
        key = f"counter-{n}"
        if key not in self.tokens:
            from antrean.auth import create_device_token
            from antrean.storage import Storage

            st = Storage(self.data_dir)
            try:
                self.tokens[key] = create_device_token(st, "counter", f"test-loket-{n}",
                                                       datetime.now(UTC))
            finally:
                st.close()
        return self.tokens[key]

    def counters(self) -> CounterDesks:
        return CounterDesks(self)


class CounterDesks:
    """A ``HubClient`` per counter number, each with its own device's token: calls to
    several counters as several terminals would make them."""

    def __init__(self, hub: HubProcess) -> None:
        self.hub = hub
        self._clients: dict[int, Any] = {}

    def __getitem__(self, n: int) -> Any:
        from antrean.client import HubClient

        if n not in self._clients:
            self._clients[n] = HubClient(self.hub.url, self.hub.counter_token(n))
        return self._clients[n]

    def call_next(self, n: int, services: list[str] | None = None) -> Any:
        return self[n].call_next(n, services)

    def __enter__(self) -> CounterDesks:
        return self

    def __exit__(self, *exc: object) -> None:
        for c in self._clients.values():
            c.close()
