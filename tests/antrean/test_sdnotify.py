"""The sd_notify protocol: real datagrams on a real Unix socket, and a real hub that pings.

systemd itself is not needed to test the protocol: it is one datagram to the socket named in
$NOTIFY_SOCKET, so the test plays systemd's side of it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time

import pytest

from antrean import sdnotify


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    """A datagram socket standing in for systemd's notify socket, named in $NOTIFY_SOCKET."""
    path = tmp_path / "notify.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(path))
    s.settimeout(5)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield s
    s.close()


def _messages(sock: socket.socket, until: str, timeout: float = 20.0) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            continue
        if any(until in m.split("\n") for m in got):
            return got
    raise AssertionError(f"no {until} in {got}")


def test_without_systemd_every_call_is_a_quiet_no_op(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert sdnotify.ready() is False
    assert sdnotify.watchdog() is False
    assert sdnotify.watchdog_interval() is None
    assert sdnotify.WatchdogThread().start().interval is None


def test_a_gone_socket_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    assert sdnotify.watchdog() is False


def test_ready_and_status_go_in_one_datagram(notify_socket):
    assert sdnotify.ready("serving") is True
    assert notify_socket.recv(4096).decode() == "READY=1\nSTATUS=serving"
    assert sdnotify.watchdog() is True
    assert notify_socket.recv(4096) == b"WATCHDOG=1"


def test_abstract_namespace_socket(monkeypatch):
    name = f"antrean-test-{os.getpid()}-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(b"\0" + name.encode())
        s.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert sdnotify.watchdog()
        assert s.recv(100) == b"WATCHDOG=1"


def test_watchdog_interval_follows_systemds_variables(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert sdnotify.watchdog_interval() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert sdnotify.watchdog_interval() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", "1")  # meant for another process
    assert sdnotify.watchdog_interval() is None


def test_thread_pings_only_while_healthy(notify_socket):
    healthy = [True]
    dog = sdnotify.WatchdogThread(lambda: healthy[0], interval=0.05).start()
    try:
        assert notify_socket.recv(100) == b"WATCHDOG=1"
        healthy[0] = False
        time.sleep(0.2)
        notify_socket.settimeout(0.3)
        with pytest.raises(TimeoutError):
            while True:
                notify_socket.recv(100)
    finally:
        dog.stop()
        dog.stop()


def test_async_loop_pings_and_stops_on_cancel(notify_socket):
    async def run() -> None:
        task = asyncio.create_task(sdnotify.watchdog_loop(interval=0.05))
        await asyncio.sleep(0.2)
        task.cancel()

    asyncio.run(run())
    assert notify_socket.recv(100) == b"WATCHDOG=1"


def test_the_hub_says_ready_then_pings_its_watchdog(notify_socket, monkeypatch, tmp_path):
    """The real hub process, as systemd runs it: READY=1 once it answers, then WATCHDOG=1."""
    from hubproc import HubProcess

    monkeypatch.setenv("WATCHDOG_USEC", "400000")  # 0.4 s: pings every 0.2 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    hub = HubProcess(tmp_path / "hub").start()
    try:
        got = _messages(notify_socket, "WATCHDOG=1")
        assert got[0].split("\n")[0] == "READY=1"
        assert _messages(notify_socket, "WATCHDOG=1", timeout=2)
    finally:
        hub.stop()
    assert "STOPPING=1" in _messages(notify_socket, "STOPPING=1", timeout=5)[-1]
