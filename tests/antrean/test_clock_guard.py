"""The hub's time never runs backwards in its log, and a clock held back is said loudly.

The wall clock jumps inside a running hub through the injected clock (a real process
under libfaketime cannot be set back while it runs: libfaketime's sleep then fails), and
across a restart of a real hub process under libfaketime: one hour fast, then right.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hubproc import HubProcess
from hypothesis import given
from hypothesis import strategies as st
from websockets.sync.client import connect

from antrean.clock import FixedClock, GuardedClock
from antrean.config import load_post_config
from antrean.hub import Hub

API = "/api/v1"
T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 WIB


@given(st.lists(st.integers(-7200, 7200), max_size=40))
def test_the_guarded_clock_never_runs_backwards(steps):
    wall = FixedClock(T0)
    clock = GuardedClock(wall, floor=T0 - timedelta(minutes=1))
    high = T0 - timedelta(minutes=1)
    for step in steps:
        wall.advance(step)
        now = clock.now()
        high = max(high, wall.now())
        assert now == high  # the wall clock, or the latest time already said
        assert clock.behind_s == (high - wall.now()).total_seconds()
        assert (clock.held_at is None) == (clock.behind_s == 0)


def test_a_floor_from_the_log_holds_a_clock_that_starts_behind():
    wall = FixedClock(T0)
    clock = GuardedClock(wall)
    clock.hold(T0 + timedelta(hours=1))
    assert clock.now() == T0 + timedelta(hours=1) and clock.behind_s == 3600
    clock.hold(T0)  # an older floor changes nothing
    assert clock.now() == T0 + timedelta(hours=1)


def _rid() -> str:
    return str(uuid.uuid4())


def test_a_clock_set_back_an_hour_is_held_and_said(tmp_path):
    wall = FixedClock(T0)
    hub = Hub(load_post_config(), tmp_path, wall)
    seen: list[dict] = []
    hub.add_listener(seen.extend)
    try:
        early = [hub.issue("adminduk", None, _rid())[0] for _ in range(4)]
        wall.advance(minutes=10)
        called, _ = hub.call_next(1, ["adminduk"], "Loket 1")
        assert called["id"] == early[0]["id"]
        wall.advance(seconds=-3600)  # a late NTP fix sets the Pi back an hour
        hub.roll()
        late, _ = hub.issue("adminduk", None, _rid())
        held = T0 + timedelta(minutes=10)
        assert late["issued_at"] == held.astimezone(hub.tz).isoformat()
        h = hub.health_json()
        assert h["status"] == "ok"  # the hub works: its clock block says the warning
        ck = h["clock"]
        assert (ck["status"], ck["behind_s"]) == ("behind", 3600)
        assert ck["held_at"] == "2026-12-07T10:10:00+07:00"
        assert "tertinggal 3600 detik" in ck["message"] and "3600 s behind" in ck["message_en"]
        assert hub.queue_json()["clock"] == ck
        alerts = [e for e in seen if e["type"] == "device.status"]
        assert len(alerts) == 1 and alerts[0]["data"]["status"] == "clock_behind"
        assert alerts[0]["data"]["component"] == "clock" and alerts[0]["data"]["ok"] is False
        # the next call is the oldest waiting one, not the one issued after the jump
        finished_then_called, _ = hub.call_next(1, ["adminduk"], "Loket 1")
        assert finished_then_called["id"] == early[1]["id"]
        for t in hub.state.tickets.values():
            assert t.finished_at is None or t.finished_at >= (t.called_at or t.issued_at)
        assert all(x >= 0 for q in hub.state.service_times.values() for x in q)
        for t in hub.state.tickets.values():
            est = (hub.ticket(t.id) or {}).get("estimated_wait_s")
            assert est is None or est >= 0
        hub.roll()
        assert len([e for e in seen if e["type"] == "device.status"]) == 1  # said once
        wall.advance(seconds=3600 + 5)  # the wall clock passes the held time
        hub.roll()
        assert hub.health_json()["clock"] == {"status": "ok", "behind_s": 0, "held_at": None}
        cleared = [e for e in seen if e["type"] == "device.status"][-1]
        assert cleared["data"]["ok"] is True and cleared["data"]["component"] == "clock"
    finally:
        hub.close()


def test_the_post_day_never_steps_back(tmp_path):
    wall = FixedClock(datetime(2026, 12, 7, 17, 0, 30, tzinfo=UTC))  # 00:00:30 WIB on the 8th
    hub = Hub(load_post_config(), tmp_path, wall)
    try:
        first, _ = hub.issue("adminduk", None, _rid())
        wall.advance(minutes=-5)  # 23:55:30 of the 7th by the wall clock
        hub.roll()
        again, _ = hub.issue("adminduk", None, _rid())
        assert hub.day == "2026-12-08"
        assert (first["number"], again["number"]) == ("A001", "A002")  # not a second A001
        assert again["issued_at"].startswith("2026-12-08T00:00:30")
    finally:
        hub.close()


def test_a_restarted_hub_is_held_by_its_log_from_the_start(tmp_path):
    wall = FixedClock(T0 + timedelta(hours=1))
    hub = Hub(load_post_config(), tmp_path, wall)
    hub.issue("adminduk", None, _rid())
    hub.close()
    wall.set(T0)  # the Pi boots an hour behind
    hub = Hub(load_post_config(), tmp_path, wall)
    try:
        assert hub.now() == T0 + timedelta(hours=1)
        assert hub.health_json()["clock"]["status"] == "behind"
        statuses = [e for e in hub.storage.load_events() if e.type.value == "device.status"]
        assert [e.data["status"] for e in statuses] == ["clock_behind"]
    finally:
        hub.close()
    hub = Hub(load_post_config(), tmp_path, wall)  # still behind: not said twice
    try:
        statuses = [e for e in hub.storage.load_events() if e.type.value == "device.status"]
        assert len(statuses) == 1
    finally:
        hub.close()


# ----- what the counters and the display's staff line show ---------------------------------
def _hub_clock_event(hub: Hub) -> dict:
    (e,) = [e for e in hub.storage.wire_events_since(0, hub.tz) if e["type"] == "device.status"]
    return e


def test_counters_and_the_display_word_the_hubs_clock_alert(tmp_path):
    from counter.alerts import alert_from_event
    from display.texts import alert_text

    wall = FixedClock(T0)
    hub = Hub(load_post_config(), tmp_path, wall)
    try:
        hub.issue("adminduk", None, _rid())
        wall.advance(seconds=-600)
        hub.roll()
        event = _hub_clock_event(hub)
    finally:
        hub.close()
    key, alert = alert_from_event(event)
    assert alert is not None and key == "device/Hub/clock"
    assert alert.render("id") == ("Hub: jam tertinggal dari catatannya — waktu hub ditahan; "
                                  "periksa jam Pi hub")
    assert alert.render("en").startswith("Hub: clock behind its log")
    line = alert_text({k: v for k, v in event["data"].items() if k != "device"}, "id")
    assert line.startswith("Jam hub: Jam hub tertinggal 600 detik dari catatannya")
    assert alert_text(event["data"], "en").startswith("Hub clock: behind the hub's log")


# ----- a real hub process, an hour fast, then set right ------------------------------------
def _offset(seconds: int) -> str:
    return f"{seconds:+d}s"


def test_a_real_hub_restarted_with_its_clock_set_back(tmp_path):
    hub = HubProcess(tmp_path / "hub", faketime=_offset(3600))  # the Pi's clock an hour fast
    hub.make_tokens()
    hub.start()
    k, c = hub.headers("kiosk"), hub.headers("counter")

    def issue() -> dict:
        r = httpx.post(f"{hub.url}{API}/tickets", headers=k,
                       json={"service": "adminduk", "request_id": _rid()})
        assert r.status_code == 201, r.text
        return r.json()

    try:
        early = [issue(), issue()]
        assert httpx.post(f"{hub.url}{API}/counters/1/next", headers=c).json()["id"] == \
            early[0]["id"]
        hub.kill()  # power cut; NTP sets the clock right at the next boot
        hub.faketime = _offset(0)
        hub.start()
        h = httpx.get(f"{hub.url}{API}/health").json()
        assert h["clock"]["status"] == "behind" and 3500 < h["clock"]["behind_s"] < 3700
        assert httpx.get(f"{hub.url}{API}/queue").json()["clock"]["status"] == "behind"
        late = issue()
        assert late["issued_at"] >= early[1]["issued_at"]  # never before what was issued
        nxt = httpx.post(f"{hub.url}{API}/counters/1/next", headers=c).json()
        assert nxt["id"] == early[1]["id"]  # first come, first served across the jump
        last = int(httpx.get(f"{hub.url}{API}/queue").json()["last_seq"])
        url = hub.url.replace("http", "ws") + f"{API}/events?since=0"
        with connect(url, additional_headers=hub.headers("counter")) as ws:
            events = [json.loads(ws.recv(timeout=10))]  # hello
            while events[-1].get("seq") != last:
                events.append(json.loads(ws.recv(timeout=10)))
        (said,) = [e for e in events if e["type"] == "device.status"]
        assert said["data"]["component"] == "clock" and said["data"]["ok"] is False
        log = httpx.get(f"{hub.url}{API}/log?format=json", headers=hub.headers("lead"),
                        params={"date": early[0]["issued_at"][:10]}).json()
        for row in log:
            assert row["wait_s"] is None or row["wait_s"] >= 0
            assert row["service_s"] is None or row["service_s"] >= 0
        hub.stop()
        hub.faketime = _offset(3700)  # the wall clock has passed the held time
        hub.start()
        assert httpx.get(f"{hub.url}{API}/health").json()["clock"]["status"] == "ok"
    finally:
        hub.stop()
    assert "Traceback" not in hub.log_path.read_text()



@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_clock_words_name_the_held_time(lang, tmp_path):
    from antrean.hubhealth import ClockWatch

    wall = FixedClock(T0)
    clock = GuardedClock(wall, floor=T0 + timedelta(minutes=30))
    clock.now()
    words = ClockWatch(clock, load_post_config().tz).words()[0 if lang == "id" else 1]
    assert ("10.30" if lang == "id" else "10:30") in words and "1800" in words
