"""The hub follows its address: a new lease is re-announced, and a device finds it there.

Two network namespaces of the test's own (``antrean-t-<random>-hub`` / ``-dev``) joined by a
veth pair on 10.200.17.0/24, deleted in ``finally``: the hub runs bound to every interface
of its namespace (lo and the veth), a browser runs in the other. Nothing leaves them.
CI runs as root, so this runs there; it needs ``ip`` (iproute2, installed by setup.sh).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
WATCH = Path(__file__).with_name("discovery_watch.py")
OLD, NEW, DEVICE = "10.200.17.1", "10.200.17.11", "10.200.17.2"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("ip") is None,
                                reason="network namespaces need root and iproute2")


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def namespaces() -> Iterator[tuple[str, str, str]]:
    """(hub namespace, device namespace, the hub's veth name), deleted afterwards."""
    tag = uuid.uuid4().hex[:6]
    hub_ns, dev_ns, veth = f"antrean-t-{tag}-hub", f"antrean-t-{tag}-dev", f"vh{tag}"
    try:
        ip("netns", "add", hub_ns)
        ip("netns", "add", dev_ns)
        ip("link", "add", veth, "netns", hub_ns, "type", "veth", "peer", "name", f"vd{tag}",
           "netns", dev_ns)
        for ns, dev, addr in ((hub_ns, veth, OLD), (dev_ns, f"vd{tag}", DEVICE)):
            ip("-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            ip("-n", ns, "link", "set", "lo", "up")
            ip("-n", ns, "link", "set", dev, "up")
        # A lease change removes the old (primary) address: keep the new one when it goes.
        subprocess.run(["ip", "netns", "exec", hub_ns, "sysctl", "-qw",
                        f"net.ipv4.conf.{veth}.promote_secondaries=1"], check=True, timeout=10)
        yield hub_ns, dev_ns, veth
    finally:
        for ns in (hub_ns, dev_ns):  # deleting a namespace deletes its veth end too
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)


def in_ns(ns: str, *cmd: str, **kw: Any) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    return subprocess.Popen(["ip", "netns", "exec", ns, *cmd], env=env, text=True, **kw)


def lines_of(proc: subprocess.Popen[str]) -> queue.Queue[dict[str, Any]]:
    found: queue.Queue[dict[str, Any]] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            found.put(json.loads(line))

    threading.Thread(target=read, daemon=True).start()
    return found


def wait_for(found: queue.Queue[dict[str, Any]], want: Any, timeout: float) -> dict[str, Any]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            entry = found.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(entry)
        if want(entry):
            return entry
    raise AssertionError(f"the device never saw that; it saw {seen}")


def test_a_new_address_is_announced_and_the_device_reaches_the_hub_there(
        namespaces: tuple[str, str, str], tmp_path: Path) -> None:
    hub_ns, dev_ns, veth = namespaces
    hub = in_ns(hub_ns, sys.executable, "-m", "antrean", "hub", "--data", str(tmp_path / "hub"),
                "--host", "0.0.0.0", "--port", "8470", "--tls", "off",  # addresses are the point
                stderr=subprocess.STDOUT,
                stdout=open(tmp_path / "hub.log", "w"))  # noqa: SIM115 - closed with the process
    watch = in_ns(dev_ns, sys.executable, str(WATCH), "pos-contoh", "90",
                  stdout=subprocess.PIPE)
    try:
        found = lines_of(watch)
        first = wait_for(found, lambda e: e["health"] == "pos-contoh", 40)
        assert first["addresses"] == [OLD]

        # The travel router hands the hub's Pi a new lease: the new address comes, the old goes.
        ip("-n", hub_ns, "addr", "add", f"{NEW}/24", "dev", veth)
        ip("-n", hub_ns, "addr", "del", f"{OLD}/24", "dev", veth)
        # The device is told the new address and no longer the old one (the new A record
        # carries the cache-flush bit), and the hub answers it there.
        wait_for(found, lambda e: e["addresses"] == [NEW] and e["health"] == "pos-contoh", 40)
    finally:
        for proc in (watch, hub):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if watch.stdout is not None:
            watch.stdout.close()
    log = (tmp_path / "hub.log").read_text()
    assert "re-announced" in log, log[-3000:]
