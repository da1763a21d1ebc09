"""Discovery over real zeroconf, confined to 127.0.0.1.

Every Advertiser and Browser here passes ``interfaces=["127.0.0.1"]`` so no test packet
reaches the host's real network, and every test uses its own random post id so parallel
runs (and other devices on the machine) never see each other's peers.
"""

from __future__ import annotations

import ipaddress
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from zeroconf import InterfaceChoice

from antrean.discovery import (
    SERVICE_TYPE,
    Advertiser,
    Browser,
    Peer,
    device_interfaces,
    find_hub,
    resolve_interfaces,
    shared_zeroconf,
)
from antrean.discovery._advertiser import _instance_name
from antrean.discovery._common import _advertised_addresses, _order_addresses

LOOPBACK = ["127.0.0.1"]
PEER_SCRIPT = Path(__file__).with_name("discovery_peer.py")
REPO = Path(__file__).resolve().parents[2]


def unique_post() -> str:
    return f"pos-test-{uuid.uuid4().hex[:8]}"


def eventually(predicate: Callable[[], object], timeout: float = 6.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves zeroconf threads behind (a missing close())."""
    before = set(threading.enumerate())
    yield
    assert eventually(lambda: not (set(threading.enumerate()) - before), 3.0), (
        set(threading.enumerate()) - before
    )


@pytest.fixture
def browser_for() -> Iterator[Callable[..., Browser]]:
    """Start loopback-only Browsers and close them all after the test."""
    started: list[Browser] = []

    def make(**kwargs: object) -> Browser:
        browser = Browser(interfaces=LOOPBACK, **kwargs)  # type: ignore[arg-type]
        started.append(browser)
        return browser.start()

    yield make
    for browser in started:
        browser.close()


class PeerProcess:
    """A discovery_peer.py subprocess advertising one device."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.proc = subprocess.Popen(
            [sys.executable, str(PEER_SCRIPT), *args],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(10)
        finally:
            assert self.proc.stdout is not None
            self.proc.stdout.close()


@pytest.fixture
def spawn() -> Iterator[Callable[..., PeerProcess]]:
    procs: list[PeerProcess] = []

    def make(**opts: object) -> PeerProcess:
        args = [f"--{key}={value}" for key, value in opts.items()]
        procs.append(PeerProcess(*args))
        return procs[-1]

    yield make
    for peer in procs:
        if peer.proc.poll() is None:
            peer.stop(signal.SIGKILL)


def test_resolve_interfaces() -> None:
    assert resolve_interfaces("127.0.0.1", None) == ["127.0.0.1"]
    assert resolve_interfaces("127.0.1.1", None) == ["127.0.0.1"]
    assert resolve_interfaces("::1", None) == ["127.0.0.1"]
    assert resolve_interfaces("localhost", None) == ["127.0.0.1"]
    assert resolve_interfaces("0.0.0.0", None) is InterfaceChoice.All
    assert resolve_interfaces(None, None) is InterfaceChoice.All
    assert resolve_interfaces("192.168.10.5", None) == ["192.168.10.5"]
    assert resolve_interfaces("127.0.0.1", ["10.0.0.2"]) == ["10.0.0.2"]


def test_a_device_advertises_where_its_hub_link_browses() -> None:
    # One interface set for the hub browser and the device's own mDNS: one Zeroconf.
    assert device_interfaces("http://127.0.0.1:8470", None) == ["127.0.0.1"]
    assert device_interfaces("http://localhost:8470", None) == ["127.0.0.1"]
    assert device_interfaces("http://10.0.0.2:8470", None) is InterfaceChoice.All
    assert device_interfaces("http://hub.local:8470", None) is InterfaceChoice.All
    assert device_interfaces("http://10.0.0.2:8470", ["10.0.0.7"]) == ["10.0.0.7"]


def test_advertised_and_preferred_addresses() -> None:
    # Pure computations: nothing is sent on any interface here.
    assert _advertised_addresses(["127.0.0.1"]) == ["127.0.0.1"]
    on_all = _advertised_addresses(InterfaceChoice.All)
    assert on_all == ["127.0.0.1"] or all(
        not ipaddress.ip_address(a).is_loopback and ipaddress.ip_address(a).version == 4
        for a in on_all
    )
    local = [ipaddress.IPv4Interface("192.168.1.7/24")]
    ordered = _order_addresses(["172.17.0.1", "192.168.1.20", "fe80::1%2"], local)
    assert ordered[0] == "192.168.1.20"


def test_instance_name_is_mdns_safe_short_and_stable() -> None:
    name = _instance_name("counter", "Loket 3 — Pelayanan KTP/KK " * 5, "pos-1")
    assert len(name.encode()) <= 63 - 3
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in name)
    assert name.startswith("counter-loket-3-pelayanan-ktp-kk")
    assert name == _instance_name("counter", "Loket 3 — Pelayanan KTP/KK " * 5, "pos-1")
    assert name != _instance_name("counter", "Loket 3 — Pelayanan KTP/KK " * 5, "pos-2")


def test_peer_url_brackets_ipv6() -> None:
    peer = Peer("hub", "p", "Hub", "hub-x", ("fe80::1%2", "10.0.0.1"), 8000)
    assert peer.url == "http://[fe80::1%252]:8000"
    assert Peer("hub", "p", "Hub", "hub-x", ("10.0.0.1",), 8000).url == "http://10.0.0.1:8000"
    assert hash(peer) == hash(Peer("hub", "p", "Hub", "hub-x", ("fe80::1%2", "10.0.0.1"), 8000))


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="role"):
        Advertiser("printer", "p", "x", 1)


def test_browser_finds_hub_of_its_post_and_loses_it_on_close(browser_for) -> None:
    post, other = unique_post(), unique_post()
    browser = browser_for(post=post)
    changes: queue.Queue[list[Peer]] = queue.Queue()
    browser.on_change(changes.put)
    with (
        Advertiser("hub", other, "Hub Lain", 8124, interfaces=LOOPBACK),
        Advertiser("hub", post, "Hub Utama", 8123, interfaces=LOOPBACK) as hub,
    ):
        peer = browser.wait_for("hub", timeout=5.0)
        assert peer is not None
        assert (peer.role, peer.post, peer.name, peer.api) == ("hub", post, "Hub Utama", "1")
        assert peer.instance == hub.instance
        assert peer.counter is None
        assert peer.url == "http://127.0.0.1:8123"
        assert peer.properties["post"] == post
        assert changes.get(timeout=1.0) == [peer]
        # The other post's hub announced at the same time: it must never show up.
        time.sleep(0.5)
        assert browser.peers() == [peer]
    assert eventually(lambda: browser.peers() == [], timeout=5.0)
    assert changes.get(timeout=1.0) == []


def test_one_zeroconf_per_interface_set_closed_by_its_last_user() -> None:
    post = unique_post()
    with shared_zeroconf(LOOPBACK) as zc:
        with shared_zeroconf(list(LOOPBACK)) as again:
            assert again is zc
        browser = Browser(post=post, interfaces=LOOPBACK).start()
        advertiser = Advertiser("counter", post, "Loket", 0, counter=1,
                                interfaces=LOOPBACK).start()
        try:  # one process sees its own advertisement through the shared instance
            assert browser.wait_for("counter", timeout=5.0) is not None
        finally:
            advertiser.close()
            browser.close()
        assert not zc.done  # still held here
    assert zc.done  # the last user closed it


def test_counter_update_is_seen(browser_for) -> None:
    post = unique_post()
    browser = browser_for(post=post, roles=["counter"])
    with Advertiser("counter", post, "Loket", 8200, counter=2, interfaces=LOOPBACK) as counter:
        assert eventually(lambda: [p.counter for p in browser.peers("counter")] == [2])
        counter.update(counter=4)
        assert eventually(lambda: [p.counter for p in browser.peers("counter")] == [4], 3.0)
        assert browser.peers("counter")[0].properties["counter"] == "4"
        assert browser.wait_for("hub", timeout=0.2) is None


def test_find_hub(browser_for) -> None:
    post = unique_post()
    assert find_hub(post=unique_post(), timeout=0.5, interfaces=LOOPBACK) is None
    with Advertiser("hub", post, "Hub", 8300, address="127.0.0.1"):
        peer = find_hub(post=post, timeout=5.0, interfaces=LOOPBACK)
    assert peer is not None and peer.url == "http://127.0.0.1:8300"


def test_close_twice_and_callback_failure_is_contained(browser_for) -> None:
    post = unique_post()
    browser = browser_for(post=post)
    seen: list[int] = []

    def broken(peers: list[Peer]) -> None:
        raise RuntimeError("listener bug")

    browser.on_change(broken)
    browser.on_change(lambda peers: seen.append(len(peers)))
    advertiser = Advertiser("display", post, "Layar", 8400, interfaces=LOOPBACK).start()
    try:
        assert browser.wait_for("display", timeout=5.0) is not None
        assert seen == [1]
    finally:
        advertiser.close()
        advertiser.close()
    browser.close()
    browser.close()
    assert browser.wait_for("display", timeout=0.1) is None


def test_counter_in_another_process_found_then_withdrawn(browser_for, spawn) -> None:
    post = unique_post()
    browser = browser_for(post=post)
    started = time.monotonic()
    peer_proc = spawn(role="counter", post=post, name="Loket 3", port=8500, counter=3)
    found = browser.wait_for("counter", timeout=8.0)
    assert found is not None, "counter not discovered"
    assert (found.counter, found.name, found.port) == (3, "Loket 3", 8500)
    assert found.addresses == ("127.0.0.1",)
    print(f"cross-process discovery {time.monotonic() - started:.2f}s (incl. interpreter start)")

    stopped = time.monotonic()
    assert peer_proc.stop(signal.SIGTERM) == 0
    assert eventually(lambda: browser.peers() == [], timeout=5.0), "no goodbye seen"
    print(f"removed {time.monotonic() - stopped:.2f}s after SIGTERM")


def test_hub_restarted_after_crash_on_new_port_updates_in_place(browser_for, spawn) -> None:
    post = unique_post()
    browser = browser_for(post=post)
    first = spawn(role="hub", post=post, name="Hub", port=8601)
    assert eventually(lambda: [p.port for p in browser.peers("hub")] == [8601], 8.0)
    instance = browser.peers("hub")[0].instance

    first.stop(signal.SIGKILL)  # a crash: no goodbye, the old record stays cached
    spawn(role="hub", post=post, name="Hub", port=8602)
    assert eventually(lambda: [p.port for p in browser.peers("hub")] == [8602], 8.0)
    hub = browser.wait_for("hub", timeout=0)
    assert hub is not None and hub.instance == instance
    assert SERVICE_TYPE == "_antrean._tcp.local."
