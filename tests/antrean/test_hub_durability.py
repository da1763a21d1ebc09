"""What survives a crash: kill -9 during a burst of tickets, then restart.

The hub commits in groups on a writer thread (antrean/writer.py): a ticket is answered only
once the commit that holds it returned. So whatever instant the hub dies at, every ticket a
kiosk was given is on disk, and the numbers of those still in flight (never given to
anyone) are the only ones a restarted hub may give again.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import httpx
from hubproc import HubProcess, SyncCounts, build_slowfsync, slowfsync_env

API = "/api/v1"


class Kiosks:
    """``n`` kiosks issuing back to back until the hub is gone; what each was answered."""

    def __init__(self, hub: HubProcess, n: int) -> None:
        self.hub = hub
        self.acked: list[dict] = []
        self.waiting = 0  # requests sent and not answered yet
        self.cut_off = 0  # requests sent and never answered (the hub died under them)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._kiosk, args=(k,)) for k in range(n)]

    def __enter__(self) -> Kiosks:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()

    def _kiosk(self, k: int) -> None:
        with httpx.Client(timeout=60) as c:
            while not self._stop.is_set():
                body = {"service": ["adminduk", "kesehatan"][k % 2],
                        "request_id": str(uuid.uuid4())}
                with self._lock:
                    self.waiting += 1
                try:
                    r = c.post(f"{self.hub.url}{API}/tickets", json=body,
                               headers=self.hub.headers("kiosk"))
                except httpx.HTTPError:
                    with self._lock:
                        self.cut_off += 1
                    return  # the hub is gone
                with self._lock:
                    self.waiting -= 1
                    if r.status_code in (200, 201):
                        self.acked.append(r.json())

    def wait_for(self, n: int, timeout: float = 120.0) -> None:
        """Until ``n`` tickets were acknowledged (a count, not a time: a loaded machine is
        slower, never wrong); fails after a generous ``timeout``."""
        _wait(lambda: len(self.acked) >= n, f"fewer than {n} tickets in {timeout} s", timeout)


def _wait(cond: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.001)


def _check_after_restart(hub: HubProcess, acked: list[dict]) -> None:
    """Every acknowledged ticket is there with its number; no number was given twice."""
    hub.start()
    with httpx.Client() as c:
        for t in acked:
            got = c.get(f"{hub.url}{API}/tickets/{t['id']}")
            assert got.status_code == 200, t
            assert got.json()["number"] == t["number"]
        after = [c.post(f"{hub.url}{API}/tickets",
                        json={"service": s, "request_id": str(uuid.uuid4())},
                        headers=hub.headers("kiosk")).json()
                 for s in ("adminduk", "kesehatan")]
        log = c.get(f"{hub.url}{API}/log", headers=hub.headers("lead")).json()
    numbers = [row["number"] for row in log]
    assert len(numbers) == len(set(numbers)), "a number was handed out twice"
    assert len({t["number"] for t in acked}) == len(acked), "two residents got one number"
    for t in after:
        letter = t["number"][0]
        before = [int(a["number"][1:]) for a in acked if a["number"][0] == letter]
        assert int(t["number"][1:]) > max(before)


def test_kill9_during_burst_loses_no_acknowledged_ticket(hub_process):
    with Kiosks(hub_process, 4) as kiosks:
        kiosks.wait_for(60)
        hub_process.kill()  # SIGKILL mid-burst
    assert len(kiosks.acked) >= 60
    _check_after_restart(hub_process, kiosks.acked)


def test_kill9_while_a_group_commit_is_on_its_way_to_disk(tmp_path):
    """Eight kiosks; the card stalls (bench/slowfsync.c holds every fsync while a file
    exists) with a group's commit on its way to disk and every kiosk waiting on it or on
    the next group; the hub is killed right then."""
    counts, hold = SyncCounts(tmp_path / "syncs"), tmp_path / "stall"
    slow = HubProcess(tmp_path / "hub",
                      env=slowfsync_env(build_slowfsync(tmp_path), 0, counts, hold))
    slow.make_tokens()
    slow.start()
    try:
        with Kiosks(slow, 8) as kiosks:
            kiosks.wait_for(40)
            hold.touch()
            _wait(lambda: counts.commit_in_flight, "no commit began")
            _wait(lambda: kiosks.waiting == 8, "the kiosks never all waited")
            slow.kill()
    finally:
        hold.unlink(missing_ok=True)
        slow.stop()
    _, begun, returned = counts.read()
    assert begun == returned + 1  # it died inside that fsync
    # every kiosk lost one request with the hub (an answer already on its way still came)
    assert kiosks.cut_off == 8 and len(kiosks.acked) >= 40
    restarted = HubProcess(slow.data_dir, port=slow.port)  # a normal disk from now on
    restarted.tokens = slow.tokens
    try:
        _check_after_restart(restarted, kiosks.acked)
    finally:
        restarted.stop()


def test_restart_keeps_the_queue_and_counters(hub_process):
    h = hub_process.headers("counter")
    ids = [httpx.post(f"{hub_process.url}{API}/tickets",
                      json={"service": "adminduk", "request_id": str(uuid.uuid4())},
                      headers=hub_process.headers("kiosk")).json()["id"] for _ in range(3)]
    called = httpx.post(f"{hub_process.url}{API}/counters/2/next", headers=h).json()
    assert called["id"] == ids[0]
    hub_process.stop()
    hub_process.start()
    q = httpx.get(f"{hub_process.url}{API}/queue").json()
    assert q["services"][0]["waiting"] == 2
    (c2,) = [c for c in q["counters"] if c["number"] == 2]
    assert c2["state"] == "serving" and c2["ticket"]["id"] == ids[0]
    assert httpx.post(f"{hub_process.url}{API}/counters/2/next", headers=h).json()["id"] == ids[1]


def test_sigterm_with_a_live_event_stream_stops_cleanly(hub_process):
    import signal

    from websockets.sync.client import connect

    url = hub_process.url.replace("http", "ws") + f"{API}/events?since=0"
    with connect(url, additional_headers=hub_process.headers("display")) as ws:
        ws.recv(timeout=5)  # hello
        assert hub_process.proc is not None
        hub_process.proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises the SIGTERM it handled after its clean shutdown (systemd counts
        # death by SIGTERM as a clean stop)
        assert hub_process.proc.wait(timeout=10) in (0, -signal.SIGTERM)
    log = hub_process.log_path.read_text()
    assert "Traceback" not in log and "graceful shutdown exceeded" not in log
