"""A partition run, Jepsen style: the kiosk cut from its hub, again and again, while a button
box presses steadily; then a checker over what was printed and what the hub kept.

    sudo .venv/bin/python bench/partition.py [SECONDS] [--seed N]     (default 600 s)

Two network namespaces of its own (``antrean-p-<tag>-hub`` and ``-kio``) joined by a veth
pair on 10.200.<n>.0/24, deleted at the end whatever happens. The hub runs in one (HTTPS
with its own key, ``--tls on``), the real kiosk app in the other (Qt offscreen, its outbox
on disk, the fake printer saving every ticket, the button box on a pseudo-terminal), pinned
to the hub's key and given its URL. A counter in the hub's namespace calls a ticket every
couple of seconds. The nemesis, on a seeded schedule, in turn:

- **drops** the link (``ip link set down`` on the kiosk's side: connections fail at once),
- **black-holes** it (``tc netem loss 100%`` both ways, so connections hang rather than
  fail; where the kernel has no netem, a ``pfifo limit 0`` queue, which drops every packet
  just the same),
- **kills the hub** with ``kill -9`` and restarts it later,

and heals. The checker (:func:`check`) then requires, from the fake printer's output, the
kiosk's outbox and the hub's database (read with the hub stopped):

1. every printed ticket is at the hub exactly once, with its printed number (and id);
2. no number twice in a day, printed or stored; nothing at the hub that was not printed;
3. every ticket the hub acknowledged is kept; the outbox has nothing pending or refused;
4. calls were fair: each ticket called was the longest-waiting one by ``issued_at``.

It prints the figures: presses, tickets printed (offline among them), faults by kind, the
time from each heal to the last offline ticket visible at the hub, the drain rate, touch →
printed while offline, and the anomalies (must be 0). ``tests/kiosk/test_partition.py`` runs
it for about a minute and a half.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The tests' own helpers (ptys, hubproc), after the project itself: tests/ has folders named
# like the packages they test.
sys.path[:0] = [str(ROOT)]
sys.path += [str(ROOT / "tests"), str(ROOT / "bench")]

from hubproc import write_post_config  # noqa: E402
from partition_check import Fault, Report, check  # noqa: E402
from ptys import Pty  # noqa: E402

__all__ = ["Report", "available", "check", "run"]

PORT = 8470
SERVICE = "kesehatan"  # button 1 of the box


def available() -> str | None:
    """Why this machine cannot run it (None: it can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            return f"{tool} (iproute2) is not installed"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


def _in_ns(ns: str, *cmd: str) -> list[str]:
    # `ip netns exec` execs the command (no fork): the process we start is the one we signal.
    return ["ip", "netns", "exec", ns, *cmd]


class Lab:
    """Two namespaces of our own joined by a veth pair; :meth:`close` deletes them."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:6]
        net = random.SystemRandom().randint(100, 250)
        self.hub_ns, self.kiosk_ns = f"antrean-p-{tag}-hub", f"antrean-p-{tag}-kio"
        self.hub_if, self.kiosk_if = f"ph{tag}", f"pk{tag}"
        self.hub_ip, self.kiosk_ip = f"10.200.{net}.1", f"10.200.{net}.2"
        self.blackhole_qdisc = ""

    def open(self) -> Lab:
        _ip("netns", "add", self.hub_ns)
        _ip("netns", "add", self.kiosk_ns)
        _ip("link", "add", self.hub_if, "netns", self.hub_ns, "type", "veth", "peer", "name",
            self.kiosk_if, "netns", self.kiosk_ns)
        for ns, dev, addr in ((self.hub_ns, self.hub_if, self.hub_ip),
                              (self.kiosk_ns, self.kiosk_if, self.kiosk_ip)):
            _ip("-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "link", "set", dev, "up")
        return self

    def close(self) -> None:
        for ns in (self.hub_ns, self.kiosk_ns):  # deleting a namespace deletes its veth end
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)

    # ----- the nemesis' tools ---------------------------------------------------------------
    def drop(self, cut: bool) -> None:
        """The kiosk's link down (or up again): its connections fail at once."""
        _ip("-n", self.kiosk_ns, "link", "set", self.kiosk_if, "down" if cut else "up")

    def blackhole(self, cut: bool) -> None:
        """Every packet lost both ways (or delivered again): connections hang."""
        for ns, dev in ((self.kiosk_ns, self.kiosk_if), (self.hub_ns, self.hub_if)):
            if not cut:
                subprocess.run(["ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev,
                                "root"], capture_output=True, timeout=10)
                continue
            netem = subprocess.run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev,
                                    "root", "netem", "loss", "100%"], capture_output=True,
                                   text=True, timeout=10)
            if netem.returncode == 0:
                self.blackhole_qdisc = "netem loss 100%"
                continue
            # No netem in this kernel: a queue of length 0 drops every packet as well.
            subprocess.run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev, "root",
                            "pfifo", "limit", "0"], check=True, capture_output=True, timeout=10)
            self.blackhole_qdisc = "pfifo limit 0 (no netem in this kernel)"


class HubInNs:
    """The hub in its namespace: started, killed with SIGKILL, restarted on its data."""

    def __init__(self, lab: Lab, data: Path, config: Path) -> None:
        self.lab, self.data, self.config = lab, data, config
        self.log_path = data.parent / "hub.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"https://{lab.hub_ip}:{PORT}"

    def start(self, timeout: float = 60.0) -> float:
        """Start and wait until it serves; returns that moment (wall clock)."""
        start = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child holds it
        self.proc = subprocess.Popen(
            _in_ns(self.lab.hub_ns, sys.executable, "-m", "antrean", "hub", "--data",
                   str(self.data), "--host", self.lab.hub_ip, "--port", str(PORT),
                   "--config", str(self.config), "--tls", "on", "--no-mdns"),
            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                if b"Uvicorn running on" in f.read():
                    return time.time()
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("the hub did not start")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


# ---------------------------------------------------------------- the run


def _prepare(work: Path, lab: Lab, reserve: int) -> tuple[Path, Path, dict[str, str], str]:
    """The hub's data (tokens, key) and config, the kiosk's config: made before anything
    starts, as ``antrean token`` and the hub's first start would."""
    from antrean.auth import create_device_token
    from antrean.storage import Storage
    from antrean.tls import ensure_identity

    data = work / "hub" / "data"
    cfg = write_post_config(work / "hub" / "post.toml")
    text = cfg.read_text(encoding="utf-8").replace("reserve_size = 5", f"reserve_size = {reserve}")
    cfg.write_text(text, encoding="utf-8")
    st = Storage(data)
    try:
        tokens = {role: create_device_token(st, role, f"uji-{role}", datetime.now(UTC))
                  for role in ("kiosk", "counter", "lead")}
    finally:
        st.close()
    return data, cfg, tokens, ensure_identity(data).fingerprint


def _kiosk_config(work: Path, lab: Lab, token: str, fingerprint: str, pty: str) -> Path:
    path = work / "kiosk" / "kiosk.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""
[kiosk]
name = "kios-uji"
data = "{work / 'kiosk' / 'data'}"
confirm_s = 2

[hub]
url = "https://{lab.hub_ip}:{PORT}"
token = "{token}"
fingerprint = "{fingerprint}"
timeout_s = 2

[printer]
spec = "fake:{work / 'kiosk' / 'printed'}"

[buttons]
port = "{pty}"
map = {{ 1 = {{ service = "{SERVICE}" }} }}

[mdns]
advertise = false
""", encoding="utf-8")
    return path


@contextlib.contextmanager
def _process(cmd: list[str], log: Path, **kw: Any) -> Iterator[subprocess.Popen[Any]]:
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=kw.pop("stdout", out), stderr=subprocess.STDOUT, **kw)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class _Lines:
    """JSON lines of a child, collected by a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.items: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with contextlib.suppress(ValueError), self._lock:
                self.items.append(json.loads(line))

    def get(self, key: str) -> list[dict[str, Any]]:
        with self._lock:
            return [i for i in self.items if key in i]


def _printed(folder: Path) -> dict[str, tuple[str, float]]:
    """Printed tickets: file name -> (``<number>-<id8>``, the file's time)."""
    out = {}
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            if entry.name.endswith(".bin"):
                out[entry.name] = (entry.name[:-4], entry.stat().st_mtime)
    return out


def _printed_offline(folder: Path, name: str) -> bool:
    """Whether the paper says what an offline ticket says (people ahead "-", and that the
    number is valid): read back from its ESC/POS bytes."""
    from hardware.escpos_render import decode

    text = " ".join(decode((folder / name).read_bytes()).lines)
    return "sah dan akan dipanggil" in text or "valid and will be called" in text


def _pending(outbox: Path) -> int | None:
    try:
        db = sqlite3.connect(f"file:{outbox}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        return int(db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'")
                   .fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _reserved(outbox: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{outbox}?mode=ro", uri=True, timeout=2)
        try:
            return int(db.execute("SELECT count(*) FROM reserve").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def run(seconds: float, work: Path, *, seed: int = 1, press_every: float = 0.8,
        reserve: int = 12, call_every: float = 2.0) -> Report:
    """One partition run of about ``seconds`` (plus start and the final drain)."""
    rng = random.Random(seed)
    lab = Lab()
    pty = Pty()
    faults: list[Fault] = []
    presses: list[float] = []
    stop = threading.Event()
    notes: list[str] = []
    try:
        lab.open()
        data, cfg, tokens, fingerprint = _prepare(work, lab, reserve)
        hub = HubInNs(lab, data, cfg)
        hub.start()
        kiosk_cfg = _kiosk_config(work, lab, tokens["kiosk"], fingerprint, pty.path)
        outbox = work / "kiosk" / "data" / "kiosk-outbox.db"
        printed_dir = work / "kiosk" / "printed"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QML_DISABLE_DISK_CACHE="1",
                   PYTHONUNBUFFERED="1")
        with _process(_in_ns(lab.kiosk_ns, sys.executable, "-m", "antrean", "kiosk",
                             "--config", str(kiosk_cfg), "--size", "800x480"),
                      work / "kiosk.log", env=env) as kiosk, \
             _process(_in_ns(lab.hub_ns, sys.executable, str(ROOT / "bench/partition_watch.py"),
                             hub.url, fingerprint, tokens["lead"], tokens["counter"],
                             str(call_every)),
                      work / "watch.log", stdout=subprocess.PIPE, text=True) as watch:
            lines = _Lines(watch)
            deadline = time.monotonic() + 90
            while _reserved(outbox) == 0:  # the kiosk is up and holds its first reserve
                if kiosk.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"kiosk never got its reserve: "
                                       f"{(work / 'kiosk.log').read_text()[-3000:]}")
                time.sleep(0.2)

            def press() -> None:
                while not stop.is_set():
                    presses.append(time.time())
                    pty.send(b"1\n")
                    stop.wait(press_every * rng.uniform(0.7, 1.3))

            presser = threading.Thread(target=press, name="button-box", daemon=True)
            presser.start()
            t0 = time.monotonic()
            kinds = ["drop", "blackhole", "kill"]
            i = 0
            while time.monotonic() - t0 < seconds:
                if stop.wait(rng.uniform(3, 7)):
                    break
                kind = kinds[i % len(kinds)]
                i += 1
                fault = Fault(kind, time.time())
                faults.append(fault)
                if kind == "drop":
                    lab.drop(True)
                elif kind == "blackhole":
                    lab.blackhole(True)
                else:
                    hub.kill()
                stop.wait(rng.uniform(5, 12))
                if kind == "drop":
                    lab.drop(False)
                    fault.heal = time.time()
                elif kind == "blackhole":
                    lab.blackhole(False)
                    fault.heal = time.time()
                else:
                    fault.heal = hub.start()
            stop.set()
            presser.join(timeout=5)
            seconds_run = time.monotonic() - t0
            # The last faults healed: the outbox drains, the hub sees every printed number.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                seen = {s["seen"] for s in lines.get("seen")}
                numbers = {n for n, _ in _printed(printed_dir).values()}
                if _pending(outbox) == 0 and {n.split("-")[0] for n in numbers} <= seen:
                    break
                time.sleep(0.5)
            else:
                notes.append("the outbox did not drain within 120 s of the last heal")
            kiosk.send_signal(signal.SIGTERM)
            kiosk.wait(timeout=30)
        hub.kill(signal.SIGTERM)
        printed = _printed(printed_dir)
        by_number: dict[str, list[str]] = {}
        for stem, _mtime in printed.values():
            number, _, id8 = stem.partition("-")
            by_number.setdefault(number, []).append(id8)
        anomalies = check(by_number, data / "antrean.db", outbox)
        offline = {printed[name][0].partition("-")[0] for name in printed
                   if _printed_offline(printed_dir, name)}
        return _report(seconds_run, presses, printed, offline, faults, lines, anomalies,
                       lab.blackhole_qdisc, notes)
    finally:
        stop.set()
        lab.close()
        pty.close()


def _report(seconds: float, presses: list[float], printed: dict[str, tuple[str, float]],
            offline_numbers: set[str], faults: list[Fault], lines: _Lines,
            anomalies: list[str], blackhole: str, notes: list[str]) -> Report:
    seen = {s["seen"]: s["at"] for s in lines.get("seen")}
    mtimes = {stem.partition("-")[0]: mtime for stem, mtime in printed.values()}
    offline = sorted((n for n in offline_numbers if n in seen), key=lambda n: mtimes[n])
    drains = []
    for f in faults:
        cut = [n for n in offline if f.start <= mtimes[n] <= f.heal]
        if cut:
            drains.append((f.kind, len(cut), max(seen[n] for n in cut) - f.heal))
    rates = []
    for f in faults:
        times = sorted(seen[n] for n in offline if f.start <= mtimes[n] <= f.heal)
        if len(times) >= 3 and times[-1] > times[0]:
            rates.append((len(times) - 1) / (times[-1] - times[0]))
    # Touch -> printed: the desk takes one press at a time and drops presses while busy, so
    # a ticket's press is the first one after the previous ticket printed.
    latency = []
    order = sorted(mtimes.items(), key=lambda kv: kv[1])
    ps = sorted(presses)
    previous = 0.0
    for n, at in order:
        press = next((p for p in ps if previous < p <= at), None)
        if press is not None and n in offline_numbers:
            latency.append((at - press) * 1000)
        previous = at
    return Report(seconds, len(presses), len(printed), len(offline_numbers),
                  len(lines.get("called")),
                  faults, drains, max(rates) if rates else None, latency, anomalies, blackhole,
                  notes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seconds", nargs="?", type=float, default=600)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", metavar="DIR", help="keep the run's files (logs, tickets) here")
    args = ap.parse_args()
    why = available()
    if why:
        sys.exit(f"partition: {why}")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        report = run(args.seconds, work, seed=args.seed)
    print(f"partition run, seed {args.seed}")
    print("\n".join(report.lines()))
    sys.exit(1 if report.anomalies else 0)


if __name__ == "__main__":
    main()
