"""Counter processes find each other by mDNS, and a number in use cannot be taken twice.

Real ``python -m antrean counter`` processes (offscreen), a real hub on 127.0.0.1, real
zeroconf. The hub URL is on loopback, so the counters announce on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from counter_helpers import TEST_POST, post_config

from antrean.discovery import Browser

SEE_EACH_OTHER_S = 3.0


class CounterProcess:
    """One counter app in its own process; its log lines are collected with their times."""

    def __init__(self, hub, number: int, name: str, tmp: Path) -> None:
        cfg = tmp / f"{name}.toml"
        cfg.write_text(f'[counter]\nstate_dir = "{tmp / name}"\n[mdns]\nclaim_wait_s = 2.0\n',
                       encoding="utf-8")
        cmd = [sys.executable, "-m", "antrean", "counter", "--config", str(cfg),
               "--hub", hub.url, "--token", hub.tokens["counter"], "--counter", str(number),
               "--name", name]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=env)
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip()))

    def wait_for(self, text: str, timeout: float = 15.0) -> float:
        """The time the first line containing ``text`` came out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if text in line:
                    return at
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in:\n" + "\n".join(line for _, line in self.lines))

    def has(self, text: str) -> bool:
        return any(text in line for _, line in self.lines)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._reader.join(timeout=5)
        return code


def test_two_counters_see_each_other_and_a_third_cannot_take_a_used_number(counter_hub,
                                                                             tmp_path):
    hub = counter_hub
    launched = time.monotonic()
    a = CounterProcess(hub, 3, "meja-a", tmp_path)
    b = CounterProcess(hub, 4, "meja-b", tmp_path)
    procs = [a, b]
    try:
        claimed_a = a.wait_for("claimed counter 3")
        c = CounterProcess(hub, 3, "meja-c", tmp_path)  # wants a number already in use
        procs.append(c)
        claimed = max(claimed_a, b.wait_for("claimed counter 4"))
        seen = max(a.wait_for("other counters on the LAN: [4]"),
                   b.wait_for("other counters on the LAN: [3]"))
        print(f"seen each other {seen - claimed:.2f} s after both took a number, "
              f"{seen - launched:.1f} s after launch")
        assert seen - claimed <= SEE_EACH_OTHER_S, f"took {seen - claimed:.1f} s"

        c.wait_for("counter 3 is in use by meja-a")
        assert not c.has("claimed counter")
        with Browser(post=TEST_POST, roles=["counter"], interfaces=["127.0.0.1"]) as browser:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and len(browser.peers("counter")) < 3:
                time.sleep(0.1)
            numbers = sorted((p.name, p.counter) for p in browser.peers("counter"))
        assert numbers == [("meja-a", 3), ("meja-b", 4), ("meja-c", None)]
    finally:
        codes = [p.stop() for p in procs]
    assert codes == [0] * len(procs)


def test_without_hub_url_the_counter_finds_its_hub_by_mdns(tmp_path):
    from hubproc import HubProcess

    hub = HubProcess(tmp_path / "hub", config=post_config(tmp_path / "post.toml"),
                     mdns=True)  # on 127.0.0.1: announced on loopback only
    hub.make_tokens()
    hub.start()
    try:
        cfg = tmp_path / "counter.toml"
        cfg.write_text(f'[hub]\ntoken = "{hub.tokens["counter"]}"\npost = "{TEST_POST}"\n'
                       '[mdns]\ninterfaces = ["127.0.0.1"]\n', encoding="utf-8")
        png = tmp_path / "found.png"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([sys.executable, "-m", "antrean", "counter", "--config", str(cfg),
                              "--counter", "1", "--screenshot", str(png)],
                             capture_output=True, text=True, timeout=60, env=env)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "claimed counter 1" in out.stderr and "hub connected" in out.stderr
        assert "NOT connected" not in out.stderr
    finally:
        hub.kill()


def mdns_listen_sockets(pid: int) -> int:
    """How many sockets bound to 0.0.0.0:5353 process ``pid`` holds: one per Zeroconf."""
    listening = set()
    for line in Path(f"/proc/{pid}/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == "00000000:14E9":  # 0.0.0.0:5353
            listening.add(f"socket:[{fields[9]}]")
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            held += os.readlink(fd) in listening
        except OSError:
            continue  # closed meanwhile
    return held


def test_a_counter_that_finds_its_hub_by_mdns_holds_one_zeroconf(tmp_path):
    """Its hub browser, its peer browser and its own advertisement share one Zeroconf
    (python-zeroconf advises one per process; each used to open its own)."""
    from hubproc import HubProcess

    hub = HubProcess(tmp_path / "hub", config=post_config(tmp_path / "post.toml"),
                     mdns=True)  # on 127.0.0.1: announced on loopback only
    hub.make_tokens()
    hub.start()
    cfg = tmp_path / "counter.toml"
    cfg.write_text(f'[hub]\ntoken = "{hub.tokens["counter"]}"\npost = "{TEST_POST}"\n'
                   f'[counter]\nstate_dir = "{tmp_path / "state"}"\n'
                   '[mdns]\ninterfaces = ["127.0.0.1"]\nclaim_wait_s = 1.0\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "antrean", "counter", "--config", str(cfg),
                             "--counter", "5", "--name", "meja-satu"], env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with Browser(post=TEST_POST, roles=["counter"], interfaces=["127.0.0.1"]) as browser:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and [p.counter for p in browser.peers()] != [5]:
                time.sleep(0.1)
            assert [(p.name, p.counter) for p in browser.peers()] == [("meja-satu", 5)]
        assert mdns_listen_sockets(proc.pid) == 1
    finally:
        proc.terminate()
        assert proc.wait(timeout=15) == 0
        hub.kill()


def test_a_paired_counter_counts_only_the_counters_of_its_own_hub():
    """A counter that pinned its hub's key announces it (``hub=``) and ignores counter
    adverts that do not carry it: a rogue advert cannot take its number."""
    from antrean.discovery import Peer
    from counter.lan import _Worker

    def peer(name: str, n: int, **txt: str) -> Peer:
        return Peer("counter", TEST_POST, name, name, ("127.0.0.1",), 0, counter=n,
                    properties=dict(txt))

    ours, rogue, bare = peer("a", 1, hub="ab" * 8), peer("b", 2, hub="cd" * 8), peer("c", 3)
    worker = _Worker()
    assert worker._ours([ours, rogue, bare]) == [ours, rogue, bare]  # not pinned: all count
    worker._hub = "ab" * 8
    assert worker._ours([ours, rogue, bare]) == [ours]
