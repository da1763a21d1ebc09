"""A real hub process run across the post's midnight under libfaketime, then restarted.

The hub's clock is the real one shifted by a fixed offset (``faketime -f +Ns``), so it keeps
running across a restart as a real clock would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from hubproc import HubProcess
from websockets.sync.client import connect

API = "/api/v1"
WIB = ZoneInfo("Asia/Jakarta")
D, D1 = "2026-12-07", "2026-12-08"


def _offset_to(local: datetime) -> str:
    """A faketime spec that puts the hub's clock at ``local`` now."""
    return f"{round((local - datetime.now(UTC)).total_seconds()):+d}s"


def _issue(hub: HubProcess, service: str, rid: str | None = None,
           priority: str | None = None) -> httpx.Response:
    return httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                      json={"service": service, "priority": priority,
                            "request_id": rid or str(uuid.uuid4())})


def _export(data: Path, day: str, out: Path) -> dict[str, dict[str, str]]:
    import csv

    res = subprocess.run([sys.executable, "-m", "antrean", "export", "--data", str(data),
                          "--date", day, "--out", str(out)], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    return {r["number"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}


def test_a_hub_running_across_midnight_closes_the_day_then_restarts(tmp_path):
    hub = HubProcess(tmp_path / "hub", faketime=_offset_to(datetime(2026, 12, 7, 23, 59, 40,
                                                                      tzinfo=WIB)))
    hub.make_tokens()
    hub.start()
    try:
        ws_url = hub.url.replace("http", "ws") + f"{API}/events?since=0"
        with connect(ws_url, additional_headers=hub.headers("display")) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            rid = str(uuid.uuid4())
            a1 = _issue(hub, "adminduk", rid).json()
            _issue(hub, "adminduk")
            _issue(hub, "kesehatan", priority="elderly")
            called = httpx.post(f"{hub.url}{API}/counters/2/next",
                                headers=hub.headers("counter")).json()
            assert called["number"] == "B001" and a1["issued_at"].startswith(D), (
                "the hub must issue before its midnight; this machine was too slow")
            # No request from here on: the hub's own timer closes the day at midnight.
            seen = []
            while not seen or seen[-1]["type"] != "day.closed":
                seen.append(json.loads(ws.recv(timeout=90)))
        cancelled = [e for e in seen if e["type"] == "ticket.cancelled"]
        assert sorted(e["ticket"]["number"] for e in cancelled) == ["A001", "A002", "B001"]
        assert {e["data"]["reason"] for e in cancelled} == {"day_closed"}
        assert all(e["at"] == "2026-12-08T00:00:00+07:00" for e in cancelled)
        assert seen[-1]["data"] == {"day": D, "cancelled": 3}

        q = httpx.get(f"{hub.url}{API}/queue").json()
        assert q["day"]["date"] == D1 and all(s["waiting"] == 0 for s in q["services"])
        assert all(c["ticket"] is None for c in q["counters"])
        morning = httpx.post(f"{hub.url}{API}/counters/2/next", headers=hub.headers("counter"))
        assert morning.status_code == 204  # yesterday's called resident is not finished now
        assert _issue(hub, "adminduk").json()["number"] == "A001"

        hub.kill()  # kill -9, then the restart that used to crash-loop
        hub.start()
        q = httpx.get(f"{hub.url}{API}/queue").json()
        assert [s["waiting"] for s in q["services"]][:2] == [1, 0]
        for _ in range(2):  # a kiosk retrying yesterday's request: a clear 409 every time
            again = _issue(hub, "adminduk", rid)
            assert again.status_code == 409 and again.json()["error"] == "request_from_earlier_day"
            assert again.json()["message"] and again.json()["message_en"]
        assert _issue(hub, "adminduk").json()["number"] == "A002"
    finally:
        hub.stop()
    assert "Traceback" not in hub.log_path.read_text()
    rows = _export(hub.data_dir, D, tmp_path / "d.csv")  # with the hub stopped
    assert {n: r["outcome"] for n, r in rows.items()} == {
        "A001": "day_closed", "A002": "day_closed", "B001": "day_closed"}
    assert rows["B001"]["wait_s"] != "" and rows["B001"]["service_s"] == ""


def test_a_hub_stopped_before_midnight_closes_yesterday_when_started(tmp_path):
    evening = HubProcess(tmp_path / "hub", faketime=_offset_to(datetime(2026, 12, 7, 21, 0,
                                                                          tzinfo=WIB)))
    evening.make_tokens()
    evening.start()
    try:
        _issue(evening, "adminduk")
        _issue(evening, "bansos")
        httpx.post(f"{evening.url}{API}/counters/1/next", headers=evening.headers("counter"))
    finally:
        evening.stop()
    morning = HubProcess(tmp_path / "hub", port=evening.port,
                         faketime=_offset_to(datetime(2026, 12, 8, 7, 30, tzinfo=WIB)))
    morning.tokens = evening.tokens
    morning.start()
    try:
        q = httpx.get(f"{morning.url}{API}/queue").json()
        assert q["day"]["date"] == D1 and all(s["waiting"] == 0 for s in q["services"])
        assert all(c["ticket"] is None for c in q["counters"])
        assert _issue(morning, "bansos").json()["number"] == "C001"
        log = httpx.get(f"{morning.url}{API}/log?date={D}&format=json",
                        headers=morning.headers("lead")).json()
        assert {r["number"]: r["outcome"] for r in log} == {"A001": "day_closed",
                                                            "C001": "day_closed"}
        # closed at the day's end, not when the hub happened to start
        assert {r["finished_at"] for r in log} == {"2026-12-08T00:00:00+07:00"}
    finally:
        morning.stop()
