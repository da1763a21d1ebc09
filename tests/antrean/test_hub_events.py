"""The event stream: replay from the log, then live; a client that resumes by seq."""

from __future__ import annotations

import json
import threading
import time
import uuid

import httpx
import pytest
from websockets.sync.client import connect

from antrean.client import HubClient, HubError

API = "/api/v1"


def _issue(hub, service="adminduk"):
    return httpx.post(f"{hub.url}{API}/tickets",
                      json={"service": service, "request_id": str(uuid.uuid4())},
                      headers=hub.headers("kiosk")).json()


def test_websocket_replays_then_streams_live(hub_process):
    first = _issue(hub_process)
    ws_url = hub_process.url.replace("http", "ws") + f"{API}/events?since=0"
    with connect(ws_url, additional_headers=hub_process.headers("display")) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["type"] == "hello" and hello["last_seq"] >= 1
        replayed = json.loads(ws.recv(timeout=5))
        assert replayed["type"] == "ticket.issued" and replayed["ticket"]["id"] == first["id"]
        assert set(replayed) >= {"seq", "type", "at", "ticket", "counter"}
        assert replayed["at"].endswith("+07:00")
        httpx.post(f"{hub_process.url}{API}/counters/4/next", headers=hub_process.headers("counter"))
        live = json.loads(ws.recv(timeout=5))
        assert live["type"] in ("counter.changed", "ticket.called")
        while live["type"] != "ticket.called":
            live = json.loads(ws.recv(timeout=5))
        assert live["counter"] == 4 and live["ticket"]["number"] == first["number"]
        assert live["seq"] > replayed["seq"]


def test_websocket_refuses_no_token_and_bad_since(hub_process):
    base = hub_process.url.replace("http", "ws") + f"{API}/events"
    with pytest.raises(Exception), connect(f"{base}?since=0") as ws:  # noqa: B017
        ws.recv(timeout=3)
    with pytest.raises(Exception), connect(f"{base}?since=-4",  # noqa: B017
                                           additional_headers=hub_process.headers("display")) as ws:
        ws.recv(timeout=3)


def test_client_stream_misses_nothing_across_a_hub_restart(hub_process):
    got: list[dict] = []
    links: list[bool] = []
    done = threading.Event()

    def on_event(ev: dict) -> None:
        if ev["type"] == "ticket.issued":
            got.append(ev)
            if len(got) == 6:
                done.set()

    client = HubClient(hub_process.url, hub_process.tokens["display"])
    stream = client.events(on_event, on_connection=links.append)
    try:
        for _ in range(3):
            _issue(hub_process)
        deadline = time.monotonic() + 5
        while len(got) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        hub_process.kill()
        hub_process.start()
        for _ in range(3):
            _issue(hub_process)
        assert done.wait(15), f"only {len(got)} events"
    finally:
        stream.close()
        client.close()
    seqs = [e["seq"] for e in got]
    assert seqs == sorted(set(seqs)) and len(seqs) == 6
    assert links[:3] == [True, False, True]


def test_client_calls_and_errors(hub_process):
    kiosk = HubClient(hub_process.url, hub_process.tokens["kiosk"])
    counter = HubClient(hub_process.url, hub_process.tokens["counter"])
    try:
        t = kiosk.issue("kesehatan", "disabled")
        assert t["number"] == "B001" and t["priority"] == "disabled"
        assert kiosk.issue("kesehatan", request_id=str(uuid.uuid4()))["number"] == "B002"
        called = counter.call_next(1, ["kesehatan"])
        assert called is not None and called["id"] == t["id"]
        assert counter.recall(1)["recalls"] == 1
        assert counter.finish(1, "served")["state"] == "served"
        assert counter.call_next(1, ["adminduk"]) is None
        with pytest.raises(HubError) as err:
            kiosk.issue("nope")
        assert err.value.status == 404 and err.value.message
    finally:
        kiosk.close()
        counter.close()
    down = HubClient("http://127.0.0.1:9", "x", timeout=0.5)
    with pytest.raises(HubError) as err:
        down.health()
    assert err.value.code == "unreachable"
    down.close()


def test_pairing_with_a_one_time_code(hub_process):
    """On a plain-HTTP loopback hub too (the one-machine demo); the rest is test_pairing.py."""
    lead = HubClient(hub_process.url, hub_process.tokens["lead"])
    code = lead.request("POST", "/pair/codes")["code"]
    assert len(code) == 6 and code.isdigit()
    dev = HubClient(hub_process.url)
    token = dev.pair(code, "counter", "Loket 7")
    assert token and dev.fingerprint == hub_process.fingerprint  # pinned for later, on TLS
    assert dev.call_next(7) is None  # the new token works at once
    with pytest.raises(HubError) as err:  # one-time
        HubClient(hub_process.url).pair(code, "counter", "Loket 8")
    assert err.value.status == 403 and err.value.code == "no_pairing_code"
    lead.close()
    dev.close()


def test_a_refused_token_is_told_apart_from_an_unreachable_hub(hub_process):
    stream = HubClient(hub_process.url, "not-a-token").events(lambda ev: None)
    try:
        deadline = time.monotonic() + 5
        while not stream.auth_failed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stream.auth_failed and not stream.connected
    finally:
        stream.close()
