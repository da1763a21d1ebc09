"""The post's day closes: leftovers are cancelled by the hub, the next day starts clean.

In-process hubs on a real SQLite file with an injected clock; the real process run
across midnight is in test_day_close_process.py.
"""

from __future__ import annotations

import csv
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from antrean.clock import FixedClock
from antrean.config import PostConfig, load_post_config
from antrean.daylog import day_rows
from antrean.export import export_day
from antrean.hub import Hub
from antrean.model import Event, EventType
from antrean.queue import QueueError
from antrean.stats import day_stats

D, D1 = "2026-12-07", "2026-12-08"
LATE = datetime(2026, 12, 7, 16, 50, tzinfo=UTC)  # 23:50 WIB on D
MIDNIGHT = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # 00:00 WIB on D1


def _rid() -> str:
    return str(uuid.uuid4())


def _config(**post: str) -> PostConfig:
    base = load_post_config().model_dump()
    base["post"].update(post)
    return PostConfig.model_validate(base)


def _leave_a_day(hub: Hub) -> dict[str, dict]:
    """Three waiting, one called at counter 2, one served: what a hall holds at 23:50."""
    t = {n: hub.issue("adminduk", None, _rid())[0] for n in ("a1", "a2", "a3")}
    t["b1"] = hub.issue("kesehatan", "elderly", _rid())[0]
    t["served"], _ = hub.call_next(1, ["adminduk"], "Loket 1")
    hub.finish(1, "served")
    t["called"], _ = hub.call_next(2, ["adminduk"], "Loket 2")
    return t


@pytest.fixture
def clock():
    return FixedClock(LATE)


def test_a_running_hub_closes_the_day_at_midnight(tmp_path, clock):
    hub = Hub(load_post_config(), tmp_path, clock)
    seen: list[dict] = []
    hub.add_listener(seen.extend)
    try:
        left = _leave_a_day(hub)
        clock.set(MIDNIGHT - timedelta(seconds=1))
        hub.roll()
        assert hub.day == D and len(seen) == 9  # nothing happens before the day's end
        clock.set(MIDNIGHT + timedelta(milliseconds=300))
        hub.roll()
        cancelled = [e for e in seen if e["type"] == "ticket.cancelled"]
        assert {e["ticket"]["number"] for e in cancelled} == {"A003", "B001", "A002"}
        assert all(e["data"] == {"by": "hub", "reason": "day_closed", "number": e["ticket"]["number"]}
                   for e in cancelled)
        assert all(e["ticket"]["state"] == "cancelled" for e in cancelled)
        (called,) = [e for e in cancelled if e["ticket"]["id"] == left["called"]["id"]]
        assert called["counter"] == 2  # the counter learns its resident is gone
        closed = seen[-1]
        assert closed["type"] == "day.closed" and closed["data"] == {"day": D, "cancelled": 3}
        assert closed["at"] == "2026-12-08T00:00:00+07:00"
        # the new day: nothing of yesterday live, numbering from 001, counters free
        assert hub.day == D1 and hub.state.tickets == {}
        q = hub.queue_json()
        assert all(s["waiting"] == 0 for s in q["services"])
        assert all(c["ticket"] is None for c in q["counters"])
        assert hub.call_next(2, None, "Loket 2")[0] is None
        assert hub.issue("adminduk", None, _rid())[0]["number"] == "A001"
        # the close is stored under the day it closed, so today's replay never sees it
        assert [e.type for e in hub.storage.load_events(day=D1)] == [
            EventType.COUNTER_CHANGED, EventType.TICKET_ISSUED]
    finally:
        hub.close()


def test_the_export_and_stats_say_day_closed(tmp_path, clock):
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        _leave_a_day(hub)
        clock.set(MIDNIGHT + timedelta(minutes=5))
        hub.roll()
        out = tmp_path / "d.csv"
        assert export_day(hub.storage, hub.config, D, "csv", out) == 4
        rows = {r["number"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
        assert rows["A001"]["outcome"] == "served"
        for n in ("A002", "A003", "B001"):
            assert rows[n]["outcome"] == "day_closed"
            assert rows[n]["finished_at"] == "2026-12-08T00:00:00+07:00"
            assert rows[n]["service_s"] == ""
        assert rows["A002"]["wait_s"] != "" and rows["A003"]["wait_s"] == ""  # A002 was called
        st = day_stats(hub.storage, hub.config, D)
        assert (st["served"], st["day_closed"], st["cancelled"], st["open"]) == (1, 3, 3, 0)
    finally:
        hub.close()


def test_a_hub_started_after_midnight_closes_yesterday_at_its_end(tmp_path, clock):
    hub = Hub(load_post_config(), tmp_path, clock)
    _leave_a_day(hub)
    hub.close()  # off for the night
    clock.set(MIDNIGHT + timedelta(hours=7, minutes=30))  # 07:30 WIB
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        assert hub.day == D1 and hub.state.tickets == {} and hub.closed_through == D
        rows = {r.number: r for r in day_rows(hub.storage, D)}
        assert {n for n, r in rows.items() if r.outcome == "day_closed"} == {"A002", "A003", "B001"}
        # stamped with the day's end, not with the morning the hub happened to start
        assert all(r.finished_at == MIDNIGHT for r in rows.values() if r.outcome == "day_closed")
        assert hub.issue("kesehatan", None, _rid())[0]["number"] == "B001"
        n_events = hub.last_seq
    finally:
        hub.close()
    hub = Hub(load_post_config(), tmp_path, clock)  # a second start closes nothing twice
    try:
        assert hub.last_seq == n_events and len(hub.state.tickets) == 1
    finally:
        hub.close()


def test_a_log_with_yesterdays_ticket_finished_after_midnight_starts(tmp_path, clock):
    """What a hub without day closing left behind: the morning "next" finished a ticket
    called overnight; replaying today's events raised KeyError on every start."""
    hub = Hub(load_post_config(), tmp_path, clock)
    left = _leave_a_day(hub)
    morning = MIDNIGHT + timedelta(hours=1)
    with hub.storage.transaction() as tx:  # the old hub's morning, written as it did
        tx.append([Event(EventType.TICKET_FINISHED, morning, left["called"]["id"], 2,
                         {"outcome": "served", "auto": True}),
                   Event(EventType.TICKET_RECALLED, morning, left["a1"]["id"], 2)],
                  [D1, D1], [None, None])
    hub.close()
    clock.set(morning + timedelta(minutes=5))
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        assert hub.state.tickets == {} and hub.day == D1
        rows = {r.number: r for r in day_rows(hub.storage, D)}
        assert rows["A002"].outcome == "served"  # finished by the old hub: kept
        assert {n for n, r in rows.items() if r.outcome == "day_closed"} == {"A003", "B001"}
        # never stamped before the log's last event
        assert rows["A003"].finished_at == morning
    finally:
        hub.close()


def test_yesterdays_request_id_is_a_clear_409_without_a_reload(tmp_path, clock, caplog):
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        rid = _rid()
        first, _ = hub.issue("adminduk", None, rid)
        clock.set(MIDNIGHT + timedelta(hours=8))
        hub.roll()
        reloads = []
        real_reload = hub.reload
        hub.reload = lambda: (reloads.append(1), real_reload())  # type: ignore[method-assign]
        with caplog.at_level(logging.INFO, logger="antrean.hub"), pytest.raises(QueueError) as ei:
            hub.issue("adminduk", None, rid)
        assert (ei.value.status, ei.value.code) == (409, "request_from_earlier_day")
        assert D in ei.value.message and D in ei.value.message_en
        assert reloads == [] and "Traceback" not in caplog.text
        assert "reloading" not in caplog.text
        assert hub.issue("adminduk", None, _rid())[0]["number"] == "A001"
    finally:
        hub.close()


def test_day_ends_closes_early_and_refuses_new_tickets_until_tomorrow(tmp_path):
    clock = FixedClock(datetime(2026, 12, 7, 9, 30, tzinfo=UTC))  # 16:30 WIB
    hub = Hub(_config(day_ends="17:00"), tmp_path, clock)
    try:
        a, _ = hub.issue("adminduk", None, _rid())
        assert hub.day_json()["closes_at"] == "2026-12-07T17:00:00+07:00"
        clock.advance(minutes=30)  # 17:00 WIB
        assert hub.seconds_to_roll(cap=3600) > 3600 - 1  # next: the date turning
        hub.roll()
        assert hub.state.tickets[a["id"]].state.value == "cancelled"
        assert hub.day_json()["closed"] is True and hub.day == D
        with pytest.raises(QueueError) as ei:
            hub.issue("adminduk", None, _rid())
        assert (ei.value.status, ei.value.code) == (409, "day_closed")
        assert not any(s["open"] for s in hub.services_json())
        clock.set(MIDNIGHT + timedelta(hours=1))
        hub.roll()
        assert hub.day == D1 and hub.day_json()["closed"] is False
        assert hub.issue("adminduk", None, _rid())[0]["number"] == "A001"
    finally:
        hub.close()


def test_day_ends_is_validated():
    from antrean.config import ConfigError, example_config_path, parse_post_config

    base = example_config_path().read_text(encoding="utf-8")
    for bad in ("24:00", "7:00", "00:00", "17.00"):
        with pytest.raises(ConfigError, match="post.day_ends"):
            parse_post_config(base.replace('timezone = "Asia/Jakarta"',
                                           f'timezone = "Asia/Jakarta"\nday_ends = "{bad}"'))


def test_a_catch_up_cut_off_resumes_and_closes_each_day_once(tmp_path, monkeypatch):
    from antrean.storage import _Tx

    clock = FixedClock(LATE)
    hub = Hub(load_post_config(), tmp_path, clock)
    for d in range(3):  # three days, each left with a waiting ticket
        clock.set(LATE + timedelta(days=d))
        hub.issue("adminduk", None, _rid())
    hub.close()
    real_append, calls = _Tx.append, []

    def second_day_fails(self, evs, days, snaps):  # the disk fills during the catch-up
        calls.append(days[0])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_append(self, evs, days, snaps)

    monkeypatch.setattr(_Tx, "append", second_day_fails)
    clock.set(LATE + timedelta(days=3, hours=1))
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        assert hub.closed_through == "2026-12-07" and hub.health_json()["status"] == "degraded"
        monkeypatch.setattr(_Tx, "append", real_append)
        hub.roll()  # what the day timer does a few seconds later
        assert hub.closed_through == "2026-12-10"
        marks = [e.data["day"] for e in hub.storage.load_events()
                 if e.type is EventType.DAY_CLOSED]
        assert marks == ["2026-12-07", "2026-12-08", "2026-12-09"]
        assert all(r.outcome == "day_closed" for d in marks for r in day_rows(hub.storage, d))
    finally:
        hub.close()
