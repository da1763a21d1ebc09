"""Group commit (antrean/writer.py): one writer thread, changes that come while a commit is
in flight join the next one, each answered and broadcast only once its commit returned.

In-process hubs on a real SQLite file; the writer's thread is held inside a commit by a
gate in storage's append (what a slow SD card does for 5-50 ms, held here until the test
lets go), so what happens meanwhile is seen without any timing. The real process on a
slowed fsync is at the end.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hubproc import HubProcess, SyncCounts, build_slowfsync, slowfsync_env
from websockets.sync.client import connect

from antrean.auth import Device
from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.hub import Hub, HubUnavailable
from antrean.hub_reserves import stage_top_up
from antrean.storage import _Tx

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 WIB


class Gate:
    """Holds the writer inside its next commit until opened; may make that commit fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.fail: BaseException | None = None
        real = _Tx.append

        def append(tx: _Tx, *a: Any, **kw: Any) -> list[int]:
            if not self.opened.is_set():
                self.entered.set()
                assert self.opened.wait(30), "the test never opened the gate"
                if self.fail is not None:
                    raise self.fail
            return real(tx, *a, **kw)

        monkeypatch.setattr(_Tx, "append", append)

    async def held(self) -> None:
        """Until the writer is inside the gated commit (a count of loop turns, bounded)."""
        for _ in range(30_000):
            if self.entered.is_set():
                return
            await asyncio.sleep(0.001)
        raise AssertionError("the writer never began a commit")


@pytest.fixture
def hub(tmp_path: Any) -> Iterator[Hub]:
    h = Hub(load_post_config(), tmp_path, FixedClock(NOW))
    try:
        yield h
    finally:
        h.close()


def _rid() -> str:
    return str(uuid.uuid4())


def test_changes_made_during_a_commit_join_the_next_one(hub: Hub, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    heard = hub.subscribe()

    async def run() -> None:
        first = hub.stage_issue("adminduk", None, _rid(), "Kios 1")
        await gate.held()
        rest = [hub.stage_issue("adminduk", "elderly" if i == 2 else None, _rid(), "Kios 2")
                for i in range(5)]
        before = hub.write_stats
        # nothing answered, broadcast or shown before its commit returned
        assert not first.done and not any(s.done for s in rest)
        assert heard.empty()
        assert hub.services_json()[0]["waiting"] == 0 and hub.view.tickets == {}
        assert hub.state.waiting_count("adminduk") == 6  # checked and applied in order
        gate.opened.set()
        answers = [await hub.settle(s) for s in (first, *rest)]
        assert [t["number"] for t, created in answers] == [f"A00{i}" for i in range(1, 7)]
        assert all(created for _, created in answers)
        commits, changes = hub.write_stats
        assert (commits - before[0], changes - before[1]) == (2, 6)  # 1 alone, then 5 in one
        events = [heard.get_nowait() for _ in range(6)]
        assert [e["ticket"]["number"] for e in events] == [t["number"] for t, _ in answers]
        assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
        assert hub.services_json()[0]["waiting"] == 6

    asyncio.run(run())


def test_the_same_request_while_its_commit_is_in_flight_gets_the_same_ticket(
        hub: Hub, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    rid = _rid()

    async def run() -> None:
        first = hub.stage_issue("kesehatan", None, rid, "Kios 1")
        await gate.held()
        again = hub.stage_issue("kesehatan", None, rid, "Kios 1")  # the kiosk's retry
        assert not again.done
        gate.opened.set()
        (t1, created1), (t2, created2) = await hub.settle(first), await hub.settle(again)
        assert (created1, created2) == (True, False) and t1["id"] == t2["id"]
        assert t2["number"] == "B001"
        assert len(hub.storage.ticket_rows("2026-12-07")) == 1

    asyncio.run(run())


def test_a_failed_commit_refuses_what_was_staged_on_top_of_it(hub: Hub, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    gate.fail = OSError("disk I/O error")
    heard = hub.subscribe()

    async def run() -> None:
        lost = hub.stage_issue("adminduk", None, _rid(), "Kios 1")  # A001, in the failing commit
        await gate.held()
        call = hub.stage_call_next(1, None, "Loket 1")  # calls A001: leans on the lost ticket
        later = hub.stage_issue("adminduk", None, _rid(), "Kios 2")  # A002, numbered after it
        assert hub.state.counter(1).ticket_id == lost.job.events[0].ticket_id  # type: ignore[union-attr]
        gate.opened.set()
        for s in (lost, call, later):
            with pytest.raises(HubUnavailable):
                await hub.settle(s)
        # memory is what the disk holds: nothing of the three
        assert hub.state.tickets == {} and hub.view.tickets == {}
        assert hub.state.counters == {} and hub.storage.ticket_rows("2026-12-07") == []
        assert heard.empty()
        assert hub.health_json()["status"] == "degraded"
        t, _ = await hub.settle(hub.stage_issue("adminduk", None, _rid(), "Kios 1"))
        assert t["number"] == "A001"  # never given to anyone: given now, no gap
        assert hub.health_json()["status"] == "ok"
        assert heard.get_nowait()["ticket"]["number"] == "A001"

    asyncio.run(run())


def test_a_reserve_granted_between_tickets_of_one_group(hub: Hub, monkeypatch) -> None:
    """A kiosk's reserve granted between two tickets that commit in one group: the disk's
    own check of the grant (reserve_store) sees the ticket staged before it, not the one
    numbered after it, and a late ticket from the reserve then takes its number."""
    gate = Gate(monkeypatch)
    kiosk = Device(7, "kiosk", "kios-depan")
    size = hub.config.hub.reserve_size

    async def run() -> None:
        first = hub.stage_issue("adminduk", None, _rid(), "Kios 1")  # A001, held at the gate
        await gate.held()
        commits = hub.write_stats[0]
        before = hub.stage_issue("adminduk", None, _rid(), "Kios 2")
        grant = stage_top_up(hub, kiosk)
        after = hub.stage_issue("adminduk", None, _rid(), "Kios 2")
        gate.opened.set()
        await hub.settle(first)
        assert (await hub.settle(before))[0]["number"] == "A002"
        granted = next(s["numbers"] for s in (await hub.settle(grant))["services"]
                       if s["id"] == "adminduk")
        assert granted == [f"A{n:03d}" for n in range(3, 3 + size)]
        assert (await hub.settle(after))[0]["number"] == f"A{3 + size:03d}"
        assert hub.write_stats[0] - commits == 2  # the first alone, the three together
        t, created = await hub.settle(hub.stage_issue(
            "adminduk", None, _rid(), kiosk.name, kiosk.id, granted[0], NOW))
        assert created and t["number"] == "A003"
        assert hub.health_json()["status"] == "ok"

    asyncio.run(run())


def test_in_process_callers_get_durable_answers(hub: Hub) -> None:
    """The plain methods (tests, tools, the hub's timers) return once committed."""
    t, created = hub.issue("bansos", None, _rid())
    assert created and hub.view.tickets[t["id"]].number == t["number"] == "C001"
    called, counter = hub.call_next(3, ["bansos"], "Loket 3")
    assert called is not None and counter["ticket"]["id"] == t["id"]
    assert hub.queue_json()["counters"][0]["ticket"]["state"] == "called"


# ----- the real hub on a stalled disk ------------------------------------------------------
def _wait(cond: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.001)


def test_reads_and_the_event_stream_do_not_wait_for_a_commit(tmp_path) -> None:
    """The card stalls (bench/slowfsync.c holds every fsync while a file exists): while a
    ticket's commit is stuck on its way to disk, /services, /queue and /health answer, and
    without it; the event stream and the kiosk get it once the commit returned."""
    counts, hold = SyncCounts(tmp_path / "syncs"), tmp_path / "stall"
    hub = HubProcess(tmp_path / "hub",
                     env=slowfsync_env(build_slowfsync(tmp_path), 0, counts, hold))
    hub.make_tokens()
    hub.start()
    answer: list[httpx.Response] = []
    try:
        ws_url = hub.url.replace("http", "ws") + "/api/v1/events?since=0"
        with connect(ws_url, additional_headers=hub.headers("display")) as ws, \
                httpx.Client(timeout=60) as c:
            last = json.loads(ws.recv(timeout=30))["last_seq"]  # hello
            hold.touch()
            kiosk = threading.Thread(target=lambda: answer.append(c.post(
                f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                json={"service": "adminduk", "request_id": _rid()})))
            kiosk.start()
            _wait(lambda: counts.commit_in_flight, "the ticket's commit never began")
            with httpx.Client(timeout=60) as reader:
                services = reader.get(f"{hub.url}/api/v1/services").json()
                queue = reader.get(f"{hub.url}/api/v1/queue").json()
                health = reader.get(f"{hub.url}/api/v1/health").json()
            assert not answer and counts.commit_in_flight  # the disk still holds it
            assert services[0]["waiting"] == 0 and queue["last_seq"] == last
            assert health["status"] == "ok"
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.5)  # nothing broadcast: the commit has not returned
            hold.unlink()
            kiosk.join()
            ticket = answer[0].json()
            ev = json.loads(ws.recv(timeout=30))
            assert ev["type"] == "ticket.issued" and ev["ticket"]["id"] == ticket["id"]
            assert ev["seq"] == last + 1
    finally:
        hold.unlink(missing_ok=True)
        hub.stop()
